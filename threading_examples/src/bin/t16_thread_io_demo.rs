//! Five threads each wait 2 s: together they take about 2 s, not 10 s.
//!
//! Python original: the course notebook, `thread_io_demo.py` and GIL "Threads With I/O-Bound Work". A sleeping thread uses
//! no CPU, so any number of waits can overlap, even on one core: this is where threads help,
//! in Python and in Rust alike. The timeline shows five bars side by side.
//!
//! Run: `cargo run --bin t16_thread_io_demo`
//!
//! Expected output (scale 1.0):
//! ```text
//! One wait: 2.000 s
//! 5 threads x one wait: Time taken: 2.002 s
//! Most waits at the same moment: 5
//! Timeline: 0 → 2.002 s, one column = 0.050 s
//! io_task 0 (wait 2 s) |████████████████████████████████████████| 0.000 → 2.001 s
//! io_task 1 (wait 2 s) |████████████████████████████████████████| 0.000 → 2.001 s
//! io_task 2 (wait 2 s) |████████████████████████████████████████| 0.000 → 2.001 s
//! io_task 3 (wait 2 s) |████████████████████████████████████████| 0.000 → 2.002 s
//! io_task 4 (wait 2 s) |████████████████████████████████████████| 0.000 → 2.002 s
//! ```

use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, secs, sleep_secs};

fn io_task() {
    sleep_secs(2.0); // time.sleep(2): waiting for a network reply, a disk, a database
}

fn main() {
    utilities::output::start_clock();
    println!("One wait: {:.3} s", secs(2.0).as_secs_f64());

    let timeline = Timeline::new();
    let sw = Stopwatch::start();
    // The Python original's list of threads: start all five, then join all five.
    thread::scope(|s| {
        let threads: Vec<_> = (0..5)
            .map(|i| {
                let timeline = &timeline;
                s.spawn(move || timeline.record(format!("io_task {i} (wait 2 s)"), io_task))
            })
            .collect();
        for t in threads {
            t.join().expect("an io_task panicked");
        }
    });
    let took = sw.elapsed();
    print_time_taken("5 threads x one wait", took);
    assert!(
        took < 5 * secs(2.0),
        "the waits overlapped, so less than five waits in a row"
    );
    println!("Most waits at the same moment: {}", timeline.max_overlap());
    timeline.print("Five threads each wait 2 s: the waits overlap");
}
