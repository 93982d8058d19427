//! Semaphore: at most 2 of 4 threads inside at once; the high-water mark proves it.
//!
//! Python original: the course notebook, Module 4A "10) Semaphore" and Sync "Semaphore: Controlling Access Count" / "Using a
//! Semaphore" (`Thread-0..3`). The standard library has no semaphore, so this crate's lib has one
//! (`threading_examples::Semaphore`: a `Mutex<usize>` of free slots and a `Condvar`).
//! `acquire()` returns a `Permit` that gives the slot back when it is dropped — the `with sem:`
//! block. A `utilities` `Gauge` counts the threads inside and remembers the most seen at once.
//!
//! Four threads × 1 s with 2 slots take about 2 s: two rounds of two. The notebook's output had
//! torn lines ("Start:Start: 1"); `println!` locks stdout for a whole line, so these never tear.
//!
//! Run: `cargo run --bin t10_semaphore_limit`
//!
//! Expected output (scale 1.0; which two threads go first varies):
//! ```text
//! [   0.000s] Thread-0     | Thread-0 accessing resource (inside now: 1)
//! [   0.000s] Thread-1     | Thread-1 accessing resource (inside now: 2)
//! [   1.000s] Thread-0     | Thread-0 leaving resource
//! [   1.000s] Thread-2     | Thread-2 accessing resource (inside now: 2)
//! [   1.001s] Thread-1     | Thread-1 leaving resource
//! [   1.001s] Thread-3     | Thread-3 accessing resource (inside now: 2)
//! [   2.001s] Thread-2     | Thread-2 leaving resource
//! [   2.002s] Thread-3     | Thread-3 leaving resource
//! Semaphore(2), 4 threads x 1 s: Time taken: 2.002 s
//! High-water mark: 2 threads inside at once (limit 2)
//! Timeline: 0 → 2.002 s, one column = 0.050 s
//! Thread-0: holds a permit (1 s) |████████████████████                    | 0.000 → 1.000 s
//! Thread-1: holds a permit (1 s) |████████████████████                    | 0.000 → 1.001 s
//! Thread-2: holds a permit (1 s) |                    ████████████████████| 1.000 → 2.001 s
//! Thread-3: holds a permit (1 s) |                    ████████████████████| 1.001 → 2.002 s
//! ```

use std::thread;
use threading_examples::{Semaphore, spawn_scoped_named};
use utilities::gauge::Gauge;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

const LIMIT: usize = 2;

fn main() {
    utilities::output::start_clock();
    let semaphore = Semaphore::new(LIMIT);
    let inside = Gauge::new();
    let timeline = Timeline::new();

    let sw = Stopwatch::start();
    thread::scope(|s| {
        for i in 0..4 {
            let name = format!("Thread-{i}");
            let (semaphore, inside, timeline) = (&semaphore, &inside, &timeline);
            spawn_scoped_named(s, &name.clone(), move || {
                let _permit = semaphore.acquire(); // waits while 2 others are inside
                let _span = timeline.span(format!("{name}: holds a permit (1 s)"));
                let here = inside.enter();
                say!("{name} accessing resource (inside now: {})", here.count());
                sleep_secs(1.0);
                say!("{name} leaving resource");
                // Dropped in reverse order: `here`, then `_span`, then `_permit` frees the slot.
            });
        }
    });
    print_time_taken("Semaphore(2), 4 threads x 1 s", sw.elapsed());
    say_high_water(inside.max());
    timeline.print("Semaphore(2): four 1 s threads, never more than two inside");
    assert!(inside.max() <= LIMIT);
    assert!(
        timeline.max_overlap() <= LIMIT,
        "the picture shows more than {LIMIT} inside"
    );
}

fn say_high_water(max: usize) {
    println!("High-water mark: {max} threads inside at once (limit {LIMIT})");
}
