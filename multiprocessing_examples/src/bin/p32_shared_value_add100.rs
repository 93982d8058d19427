//! Two processes add 100 each to a shared number under a shared lock: 200, in ≈ 1 s not 2 s.
//!
//! Python original: the threads-vs-processes notes, "sharing a value" (`add100`): `Value('i', 0)` and a `Lock()` given to two
//! processes; each loops 100 times: `time.sleep(0.01)`, then `with lock: number.value += 1`.
//!
//! The lock is a `ProcessLock` (see `src/shared.rs`) placed in shared memory next to the
//! number, so both processes take the *same* lock. Holding its guard makes the read-add-write
//! of the number exact (`p14` shows what happens without it). The sleeps happen *outside* the
//! lock, so the two processes sleep at the same time: 100 × 0.01 s ≈ 1 s in all, not 2 s.
//! (`number.fetch_add(1)` alone would also be exact; the lock is here because the Python has
//! one, and because a lock can guard several values at once.)
//!
//! The timeline at the end draws both children (from fork until reaped) side by side: the lock
//! is held only for each `+1`, so the sleeps overlap.
//!
//! Run: `cargo run --bin p32_shared_value_add100`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] pid 1000    main         | Number at the beginning is 0
//! [   1.012s] pid 1000    main         | Number at the end is 200
//! Two processes: Time taken: 1.012 s
//! One process alone sleeps 1.000 s; both in a row would take 2.000 s
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{ProcessLock, SharedValue, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::{Stopwatch, Timeline, print_time_taken, say_pid, secs, sleep_secs};

const STEPS: u32 = 100;
const PAUSE: f64 = 0.01;

/// Python's `add100(number, lock)`.
fn add100(number: &AtomicI32, lock: &ProcessLock) -> i32 {
    for _ in 0..STEPS {
        sleep_secs(PAUSE); // outside the lock: the other process may run meanwhile
        let _guard = lock.lock(); // `with lock:` — released when `_guard` goes out of scope
        let seen = number.load(SeqCst);
        number.store(seen + 1, SeqCst);
    }
    0
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let number = SharedValue::new(AtomicI32::new(0))?; // Value('i', 0)
    let lock = SharedValue::new(ProcessLock::new())?; // Lock(), in shared memory too
    say_pid!("Number at the beginning is {}", number.get());

    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let mut children = Vec::new();
    for i in 1..=2 {
        let span = tl.span(format!("child process {i}: 100 × (sleep 10 ms, lock, +1)"));
        // SAFETY: this program is single-threaded, so the forked child may run any code (in a
        // multi-threaded program it could only exec or call async-signal-safe functions).
        children.push((span, unsafe { fork_child(|| add100(&number, &lock)) }?)); // p.start()
    }
    for (span, child) in children {
        wait_child(child)?; // p.join()
        drop(span);
    }
    let took = sw.elapsed();

    say_pid!("Number at the end is {}", number.get());
    print_time_taken("Two processes", took);
    let one = secs(PAUSE) * STEPS;
    println!(
        "One process alone sleeps {:.3} s; both in a row would take {:.3} s",
        one.as_secs_f64(),
        (one * 2).as_secs_f64()
    );
    tl.print("Two processes add 100 each under one shared lock, at the same time");
    assert_eq!(
        tl.max_overlap(),
        2,
        "the two children did not run at the same time"
    );
    assert_eq!(number.get(), 200);
    Ok(())
}
