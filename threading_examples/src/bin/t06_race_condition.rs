//! Race condition: Python's `counter += 1` from two threads does not compile; a load + store race does.
//!
//! A real lost update in safe Rust needs a separate atomic load and store; `fetch_add` fixes it.
//!
//! Python original: the course notebook, Module 4A "6) Race condition example", GIL "Race Conditions (Conceptual)", Sync
//! "The Core Problem" / "Why the GIL Does Not Solve This Problem" and Thread-safe "Example of
//! Unsafe Data Access".
//!
//! **Why the Python program does not compile.** Two threads doing `counter += 1` on one plain
//! integer is a *data race*: unsynchronised writes to the same memory, which in Rust (as in C) is
//! undefined behaviour, not merely a wrong total. Rust rejects it at compile time: two scoped
//! closures that both mutate `counter` are two `&mut` borrows at once (error E0499), and an
//! `Arc<u64>` only hands out shared references, which cannot assign (error E0594). Both programs
//! are kept as compile-fail tests, with the compiler's message checked in next to them:
//! `tests/ui/t06_scoped_counter.rs` and `tests/ui/t06_arc_counter.rs`.
//!
//! **The race that does compile.** A race *condition* (a wrong result from an unlucky
//! interleaving) is still possible with safe code: read the value, then write value + 1, as two
//! separate atomic operations. Between the load and the store, the other thread may have stored
//! its own increment, which this store then overwrites: an update is lost. The total can only
//! be too small, never too large. `fetch_add` does the read-modify-write as one indivisible step.
//! (In `CPython` the race is real but rare: the Python original's notebook printed 200000.)
//!
//! Run: `cargo run --bin t06_race_condition`
//!
//! An update is lost when the other thread's increments land between one thread's load and its
//! store: often when both run at the same instant on two cores, rarely on one core (the OS must
//! switch threads exactly between the two steps, and then a whole slice of the other thread's
//! work is lost at once, e.g. "lost 100000"). Each run prints how many cores the process used
//! meanwhile (CPU time ÷ wall time): near 2.0 the threads overlapped; near 1.0 or below, the OS
//! ran them one after the other (one core, or a busy machine) and the racy total may come out
//! exact. That is the danger of a race: "it worked when I tried it". The lock-free repair with
//! `compare_exchange` is t39.
//!
//! Expected output (the racy totals differ on every run; there is no lower bound: each thread may
//! even overwrite many of the other's increments with one stale value):
//! ```text
//! [   0.004s] main         | Racy counter (load, then store), run 1: 137512 (lost 62488 updates; 1.9 cores in use)
//! [   0.007s] main         | Racy counter (load, then store), run 2: 121946 (lost 78054 updates; 1.8 cores in use)
//! [   0.010s] main         | Racy counter (load, then store), run 3: 153310 (lost 46690 updates; 1.9 cores in use)
//! [   0.013s] main         | Counter: 200000 (fetch_add: one indivisible read-modify-write)
//! ```

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Instant;
use utilities::{cores_used, process_cpu_time, say};

const THREADS: u64 = 2;
const PER_THREAD: u64 = 100_000;

/// Runs `increment` 100 000 times in each of two threads, started together. Returns the total
/// and how many cores the process used meanwhile (CPU time ÷ wall time).
fn run(increment: fn(&AtomicU64)) -> (u64, f64) {
    let counter = AtomicU64::new(0);
    // Both threads wait here, then start counting at the same moment, so they really overlap.
    let start_line = Barrier::new(2);
    let (cpu, wall) = (process_cpu_time(), Instant::now());
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                start_line.wait();
                for _ in 0..PER_THREAD {
                    increment(&counter);
                }
            });
        }
    });
    let cores = cores_used(process_cpu_time() - cpu, wall.elapsed());
    (counter.into_inner(), cores)
}

/// Python's `counter += 1`, spelled out: read, add, write back. Each step is atomic (no UB),
/// the three together are not.
fn racy_increment(counter: &AtomicU64) {
    let value = counter.load(Ordering::Relaxed);
    counter.store(value + 1, Ordering::Relaxed);
}

/// The whole read-modify-write in one indivisible step.
fn atomic_increment(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

fn main() {
    utilities::output::start_clock();
    let expected = THREADS * PER_THREAD;

    let mut lost_any = false;
    for attempt in 1..=3 {
        let (total, cores) = run(racy_increment);
        say!(
            "Racy counter (load, then store), run {attempt}: {total} (lost {} updates; {cores:.1} cores in use)",
            expected - total
        );
        assert!(
            total <= expected,
            "a lost update can only make the total smaller"
        );
        lost_any |= total < expected;
    }
    if !lost_any {
        say!(
            "No update lost this time: the two threads hardly ran at the same instant (see the \
             cores in use). The race is still there; run it again on an idle machine."
        );
    }

    let (total, _) = run(atomic_increment);
    say!("Counter: {total} (fetch_add: one indivisible read-modify-write)");
    assert_eq!(total, expected);
}
