//! A simulated GIL: one global lock held while computing makes 2 threads no faster than 1 —
//! Python's result, on purpose — while releasing it around sleeps still lets I/O overlap.
//!
//! Ports 001 GIL "Where the GIL Fits In", 002 "The Global Interpreter Lock (GIL)", 003 "What is
//! GIL?" and 004 "Use threads for blocking I/O". `CPython`'s interpreter holds one lock, the GIL,
//! while it runs bytecode; a thread must hold it to compute and lets it go when it blocks on
//! I/O (`time.sleep`, a socket read). This program copies that rule with a
//! `static GIL: Mutex<()>`:
//! * CPU work: each thread takes the GIL for every slice of work (`CPython` also hands the GIL over
//!   every few milliseconds), so only one thread computes at any moment: no speedup.
//! * I/O: each thread drops the GIL before sleeping and takes it back after, so the sleeps
//!   overlap. A thread that sleeps *while holding* the GIL (a C extension that forgets to
//!   release it) blocks everyone.
//!
//! Compare with t14, where the same CPU work without the GIL runs ≈ 2× faster on 2 cores.
//!
//! Run: `cargo run --bin t15_simulated_gil`
//!
//! Expected output (scale 1.0, 2 cores; CPU times depend on the machine):
//! ```text
//! CPU, 1 thread: Time taken: 0.090 s
//! CPU, 2 threads, no GIL: Time taken: 0.046 s
//! CPU, 2 threads, with GIL: Time taken: 0.092 s
//! GIL: 2 threads / 1 thread = 1.02 (Python's result: no speedup)
//! I/O, 2 threads x 1 s, GIL released while sleeping: Time taken: 1.001 s
//! I/O, 2 threads x 1 s, GIL held while sleeping: Time taken: 2.002 s
//! ```

use std::hint::black_box;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;
use utilities::{Stopwatch, print_time_taken, sleep_secs};

/// The simulated Global Interpreter Lock.
static GIL: Mutex<()> = Mutex::new(());

const SLICE: u64 = 100_000;

/// Counts `slices × SLICE`, taking the GIL for each slice if `gil` is true.
fn cpu_work(slices: u64, gil: bool) -> u64 {
    let mut count = 0_u64;
    for _ in 0..slices {
        let _held = gil.then(|| GIL.lock().unwrap_or_else(PoisonError::into_inner));
        for _ in 0..SLICE {
            count = black_box(count + 1);
        }
        // `_held` dropped: the GIL is free for the other thread between slices.
    }
    count
}

/// A Python-style I/O task: a little computing with the GIL, then a 1 s wait.
fn io_task(release_while_sleeping: bool) {
    let held = GIL.lock().unwrap_or_else(PoisonError::into_inner);
    black_box(cpu_work(1, false));
    if release_while_sleeping {
        drop(held); // what CPython does around every blocking call
        sleep_secs(1.0);
    } else {
        sleep_secs(1.0);
        drop(held);
    }
}

/// Runs `f` in two threads at once and returns the wall time (best of 3 rounds).
fn two_threads(f: impl Fn() + Sync) -> Duration {
    (0..3)
        .map(|_| {
            let sw = Stopwatch::start();
            thread::scope(|s| {
                s.spawn(&f);
                s.spawn(&f);
            });
            sw.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    utilities::output::start_clock();
    let slices: u64 = 100; // 100 slices x 100 000 = the seed's 10 000 000 per thread

    // One thread does both halves of the work, back to back.
    let one = (0..3)
        .map(|_| {
            let sw = Stopwatch::start();
            assert_eq!(cpu_work(2 * slices, true), 2 * slices * SLICE);
            sw.elapsed()
        })
        .min()
        .unwrap_or_default();
    print_time_taken("CPU, 1 thread", one);
    let free = two_threads(|| {
        cpu_work(slices, false);
    });
    print_time_taken("CPU, 2 threads, no GIL", free);
    let with_gil = two_threads(|| {
        cpu_work(slices, true);
    });
    print_time_taken("CPU, 2 threads, with GIL", with_gil);
    println!(
        "GIL: 2 threads / 1 thread = {:.2} (Python's result: no speedup)",
        with_gil.as_secs_f64() / one.as_secs_f64()
    );

    let sw = Stopwatch::start();
    thread::scope(|s| {
        s.spawn(|| io_task(true));
        s.spawn(|| io_task(true));
    });
    print_time_taken(
        "I/O, 2 threads x 1 s, GIL released while sleeping",
        sw.elapsed(),
    );
    let sw = Stopwatch::start();
    thread::scope(|s| {
        s.spawn(|| io_task(false));
        s.spawn(|| io_task(false));
    });
    print_time_taken(
        "I/O, 2 threads x 1 s, GIL held while sleeping",
        sw.elapsed(),
    );
}
