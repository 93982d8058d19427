//! Deadlock avoided: both threads take the two locks in the same documented order.
//!
//! Python original: the course notebook, `deadlock_demo.py` and "Real-World Best Practices". Each `safe_task` takes `lock_a`,
//! works 0.5 s, then takes `lock_b`. Because everyone takes A before B, no thread can hold B
//! while waiting for A, so there is no cycle and no deadlock (`t08` shows the opposite order
//! hanging). Here the order is written down once, on the struct, and enforced by the only method
//! that takes both locks. The threads take turns on `lock_a`, so it takes ≈ 1 s.
//!
//! The timeline at the end shows the two tasks holding lock a one after the other.
//!
//! Run: `cargo run --bin t25_deadlock_demo`
//!
//! Expected output:
//! ```text
//! [   0.500s] ThreadId(2)  | Safe task completed
//! [   1.001s] ThreadId(3)  | Safe task completed
//! Both tasks: Time taken: 1.001 s
//! ```

use std::sync::Mutex;
use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

/// Two resources. Lock order: **`a` before `b`**, always: take both only through [`Self::both`].
struct Resources {
    a: Mutex<()>,
    b: Mutex<()>,
}

impl Resources {
    /// Runs `f` holding both locks, taken in the global order a → b.
    fn both<T>(&self, before_b: impl FnOnce(), f: impl FnOnce() -> T) -> T {
        let _a = self.a.lock().expect("lock a");
        before_b();
        let _b = self.b.lock().expect("lock b");
        f()
    } // released in reverse order: b, then a
}

fn main() {
    utilities::output::start_clock();
    let res = Resources {
        a: Mutex::new(()),
        b: Mutex::new(()),
    };
    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let done: Vec<bool> = thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|i| {
                let (res, tl) = (&res, &tl);
                s.spawn(move || {
                    res.both(
                        || {
                            let _span = tl.span(format!("task {i}: holds lock a, sleeps 0.5 s"));
                            sleep_secs(0.5);
                        },
                        || {
                            say!("Safe task completed");
                            true
                        },
                    )
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("task panicked"))
            .collect()
    });
    print_time_taken("Both tasks", sw.elapsed());
    tl.print("Same lock order: the second task waits for lock a, no deadlock");
    assert_eq!(tl.max_overlap(), 1, "both tasks held lock a at once");
    assert_eq!(done, [true, true]);
}
