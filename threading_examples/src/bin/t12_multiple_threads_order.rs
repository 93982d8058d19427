//! Three threads at once: each runs exactly once, but the order they print in is not guaranteed.
//!
//! Python original: the course notebook, GIL "Multiple Threads Running Together", Essentials "Running Multiple Threads" and
//! GIL "Thread Scheduling and Context Switching". The handles go in a `Vec<JoinHandle>` and are
//! joined in a second loop, like the Python original's `threads` list. Who prints first is up to the OS
//! scheduler: Rust threads are OS threads, scheduled preemptively on every core, with no
//! interpreter switching between them every few milliseconds as `CPython` does.
//! `thread::yield_now()` only *offers* the core to another thread; it orders nothing. Run the
//! program a few times and compare the "order this run" lines. Never rely on thread order: if
//! order matters, use `join`, a channel or another synchronisation tool.
//!
//! Run: `cargo run --bin t12_multiple_threads_order`
//!
//! Expected output (the order varies between runs):
//! ```text
//! [   0.000s] ThreadId(2)  | Task 0 running
//! [   0.000s] ThreadId(4)  | Task 2 running
//! [   0.000s] ThreadId(3)  | Task 1 running
//! [   0.001s] main         | Order this run: [0, 2, 1]
//! [   0.001s] ThreadId(5)  | Worker 0 started
//! [   0.001s] ThreadId(6)  | Worker 1 started
//! [   0.001s] ThreadId(7)  | Worker 2 started
//! [   0.001s] main         | Order this run: [0, 1, 2]
//! ```

use std::sync::Mutex;
use std::thread;
use utilities::say;

/// Starts `f(0)`, `f(1)`, `f(2)` in three threads, joins them all and returns the order in
/// which they ran.
fn run_three(f: fn(usize)) -> Vec<usize> {
    let order = Mutex::new(Vec::new());
    thread::scope(|s| {
        let mut handles = Vec::new();
        for i in 0..3 {
            let order = &order;
            handles.push(s.spawn(move || {
                thread::yield_now(); // a hint to the scheduler, not an ordering
                f(i);
                order.lock().expect("not poisoned").push(i);
            }));
        }
        for h in handles {
            h.join().expect("a thread panicked");
        }
    });
    order.into_inner().expect("not poisoned")
}

fn main() {
    utilities::output::start_clock();

    let order = run_three(|i| say!("Task {i} running"));
    say!("Order this run: {order:?}");

    let order = run_three(|i| say!("Worker {i} started"));
    say!("Order this run: {order:?}");

    let mut sorted = order;
    sorted.sort_unstable();
    assert_eq!(sorted, [0, 1, 2], "every thread ran exactly once");
}
