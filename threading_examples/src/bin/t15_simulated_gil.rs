//! A simulated GIL: one global lock makes 2 CPU threads no faster than 1, yet I/O still overlaps.
//!
//! Python's result, on purpose: the lock is held while computing and released around sleeps.
//!
//! Python original: the course notebook, GIL "Where the GIL Fits In", the python-threads project, "The Global Interpreter Lock (GIL)", the threads-vs-processes notes, "What is
//! GIL?" and Effective Python (ch. 5), "Use threads for blocking I/O". `CPython`'s interpreter holds one lock, the GIL,
//! while it runs bytecode; a thread must hold it to compute and lets it go when it blocks on
//! I/O (`time.sleep`, a socket read). This program copies that rule with a
//! `static GIL: Mutex<()>`:
//! * CPU work: each thread takes the GIL for every slice of work (`CPython` also hands the GIL
//!   over every few milliseconds), so only one thread computes at any moment: no speedup. The
//!   `SimultaneityProbe` of t14 confirms it: with the GIL, no thread ever sees the other make
//!   progress while it runs itself.
//! * I/O: each thread drops the GIL before sleeping and takes it back after, so the sleeps
//!   overlap. A thread that sleeps *while holding* the GIL (a C extension that forgets to
//!   release it) blocks everyone.
//!
//! Compare with t14, where the same CPU work without the GIL runs ≈ 2× faster on 2 idle cores.
//!
//! Run: `cargo run --bin t15_simulated_gil`
//!
//! Expected output (scale 1.0, 2 idle cores; CPU times depend on the machine):
//! ```text
//! CPU, 1 thread: Time taken: 0.150 s
//! CPU, 2 threads, no GIL: Time taken: 0.076 s
//! CPU, 2 threads, with GIL: Time taken: 0.152 s
//! GIL: 2 threads / 1 thread = 1.01 (Python's result: no speedup)
//! Moments both threads were computing at once: no GIL 9120, with GIL 0
//! I/O, 2 threads x 1 s, GIL released while sleeping: Time taken: 1.002 s
//!   sleeps at the same moment: 2
//! Timeline: 0 → 1.002 s, one column = 0.033 s
//! sleep 1 |██████████████████████████████| 0.001 → 1.001 s
//! sleep 2 |██████████████████████████████| 0.002 → 1.002 s
//! I/O, 2 threads x 1 s, GIL held while sleeping: Time taken: 2.003 s
//!   sleeps at the same moment: 1
//! Timeline: 0 → 2.003 s, one column = 0.067 s
//! sleep 1 |███████████████               | 0.001 → 1.001 s
//! sleep 2 |               ███████████████| 1.002 → 2.003 s
//! ```

use std::hint::black_box;
use std::sync::{Mutex, PoisonError};
use std::thread;
use std::time::Duration;
use threading_examples::SimultaneityProbe;
use utilities::{Stopwatch, Timeline, print_time_taken, sleep_secs};

/// The simulated Global Interpreter Lock.
static GIL: Mutex<()> = Mutex::new(());

// Per thread: 10 slices x 1 000 000 = the Python original's 10 000 000. A slice takes a few ms, like
// CPython's 5 ms switch interval, and far longer than the probe's GAP.
const SLICES: u64 = 10;
const SLICE: u64 = 1_000_000;
const TICK: u64 = 1_000; // the probe looks around every 1 000 counts

/// Counts `slices × SLICE` as worker `me` of `probe`, holding the GIL for each slice if `gil`.
fn cpu_work(slices: u64, gil: bool, probe: &SimultaneityProbe, me: usize) -> u64 {
    let mut cursor = probe.cursor(me);
    let mut count = 0_u64;
    for _ in 0..slices {
        let _held = gil.then(|| GIL.lock().unwrap_or_else(PoisonError::into_inner));
        for _ in 0..SLICE / TICK {
            for _ in 0..TICK {
                count = black_box(count + 1);
            }
            probe.tick(&mut cursor);
        }
        // `_held` dropped: the GIL is free for the other thread between slices.
    }
    count
}

/// Runs the CPU work in two threads at once; returns the best time of 3 rounds and the probe's
/// sightings over all rounds.
fn two_threads(gil: bool) -> (Duration, u64) {
    let probe = SimultaneityProbe::new(2);
    let best = (0..3)
        .map(|_| {
            let sw = Stopwatch::start();
            thread::scope(|s| {
                s.spawn(|| cpu_work(SLICES, gil, &probe, 0));
                s.spawn(|| cpu_work(SLICES, gil, &probe, 1));
            });
            sw.elapsed()
        })
        .min()
        .unwrap_or_default();
    (best, probe.sightings())
}

/// A Python-style I/O task: a little computing with the GIL, then a 1 s wait (recorded on
/// `timeline`).
fn io_task(release_while_sleeping: bool, timeline: &Timeline, name: &str) {
    let held = GIL.lock().unwrap_or_else(PoisonError::into_inner);
    black_box(cpu_work(1, false, &SimultaneityProbe::new(1), 0));
    if release_while_sleeping {
        drop(held); // what CPython does around every blocking call
        timeline.record(name, || sleep_secs(1.0));
    } else {
        timeline.record(name, || sleep_secs(1.0));
        drop(held);
    }
}

/// Two I/O tasks in two threads; prints the time and how many sleeps overlapped.
fn io_pair(release_while_sleeping: bool, label: &str) {
    let timeline = Timeline::new();
    let sw = Stopwatch::start();
    thread::scope(|s| {
        let timeline = &timeline;
        s.spawn(move || io_task(release_while_sleeping, timeline, "sleep 1"));
        s.spawn(move || io_task(release_while_sleeping, timeline, "sleep 2"));
    });
    print_time_taken(label, sw.elapsed());
    println!("  sleeps at the same moment: {}", timeline.max_overlap());
    print!("{}", timeline.render(30));
}

fn main() {
    utilities::output::start_clock();

    // One thread does both halves of the work, back to back.
    let one = (0..3)
        .map(|_| {
            let sw = Stopwatch::start();
            let total = cpu_work(2 * SLICES, true, &SimultaneityProbe::new(1), 0);
            assert_eq!(total, 2 * SLICES * SLICE);
            sw.elapsed()
        })
        .min()
        .unwrap_or_default();
    print_time_taken("CPU, 1 thread", one);
    let (free, free_seen) = two_threads(false);
    print_time_taken("CPU, 2 threads, no GIL", free);
    let (with_gil, gil_seen) = two_threads(true);
    print_time_taken("CPU, 2 threads, with GIL", with_gil);
    println!(
        "GIL: 2 threads / 1 thread = {:.2} (Python's result: no speedup)",
        with_gil.as_secs_f64() / one.as_secs_f64()
    );
    println!(
        "Moments both threads were computing at once: no GIL {free_seen}, with GIL {gil_seen}"
    );

    io_pair(true, "I/O, 2 threads x 1 s, GIL released while sleeping");
    io_pair(false, "I/O, 2 threads x 1 s, GIL held while sleeping");
}
