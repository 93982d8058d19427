//! Two 2-second waiting tasks: back to back (~4 s), then in two threads (~2 s).
//!
//! Python original: the course notebook, Module 4A "Normal program (single-thread)" and "Same thing with threads". Each task
//! sleeps, the way a program waits for a network reply or a disk. One thread waits for one thing
//! at a time, so two waits take 4 s; two threads wait at the same time, so they take 2 s. The
//! timeline at the end draws the four task runs: the sequential bars follow each other, the
//! threaded bars lie side by side.
//!
//! Run: `cargo run --bin t00_sequential_vs_threads`
//! (`COURSE_TIME_SCALE=0.1` in front makes every sleep ten times shorter.)
//!
//! Expected output (scale 1.0; thread ids and the order of the threaded lines vary):
//! ```text
//! [   0.000s] main         | Task started
//! [   2.000s] main         | Task finished
//! [   2.000s] main         | Task started
//! [   4.001s] main         | Task finished
//! Sequential: Time taken: 4.001 s
//! --- the same two tasks in two threads ---
//! [   4.001s] ThreadId(2)  | Task started
//! [   4.001s] ThreadId(3)  | Task started
//! [   6.001s] ThreadId(2)  | Task finished
//! [   6.001s] ThreadId(3)  | Task finished
//! Threaded: Time taken: 2.001 s
//! Threaded / sequential = 0.50
//! Timeline: 0 → 6.002 s, one column = 0.150 s
//! sequential: task 1 (sleep 2 s) |█████████████                           | 0.000 → 2.000 s
//! sequential: task 2 (sleep 2 s) |             ██████████████             | 2.000 → 4.001 s
//! threaded: task 1 (sleep 2 s)   |                          ██████████████| 4.001 → 6.001 s
//! threaded: task 2 (sleep 2 s)   |                          ██████████████| 4.001 → 6.001 s
//! ```

use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

/// The Python `task()`: announce, wait 2 s (pretend I/O), announce.
fn task() {
    say!("Task started");
    sleep_secs(2.0);
    say!("Task finished");
}

fn main() {
    utilities::output::start_clock();
    let timeline = Timeline::new();

    // 1. One thread: the second task starts only when the first is done.
    let sw = Stopwatch::start();
    timeline.record("sequential: task 1 (sleep 2 s)", task);
    timeline.record("sequential: task 2 (sleep 2 s)", task);
    let sequential = sw.elapsed();
    print_time_taken("Sequential", sequential);

    // 2. Two threads: `spawn` starts each task at once (Python's `start()`), `join` waits for it.
    //    `thread::scope` lets both threads borrow `timeline` and joins them at the end of the block;
    //    the explicit joins mirror the Python `t1.join(); t2.join()`.
    println!("--- the same two tasks in two threads ---");
    let sw = Stopwatch::start();
    thread::scope(|s| {
        let t1 = s.spawn(|| timeline.record("threaded: task 1 (sleep 2 s)", task));
        let t2 = s.spawn(|| timeline.record("threaded: task 2 (sleep 2 s)", task));
        t1.join().expect("task 1 panicked");
        t2.join().expect("task 2 panicked");
    });
    let threaded = sw.elapsed();
    print_time_taken("Threaded", threaded);

    let ratio = threaded.as_secs_f64() / sequential.as_secs_f64();
    println!("Threaded / sequential = {ratio:.2}");
    timeline.print("Two 2-second tasks: one after the other, then in two threads");
    // The claim of this file: waiting in two threads overlaps the waits.
    assert!(
        ratio < 0.9,
        "threads should overlap their waits (ratio {ratio:.2})"
    );
}
