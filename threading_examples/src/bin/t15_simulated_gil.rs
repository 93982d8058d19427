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
//! Each CPU line also prints the cores the process really used (CPU time ÷ wall time): with the
//! GIL it never exceeds one core, whatever the machine; without it, about 2 on 2 idle cores. When
//! the no-GIL run got well under 2 cores, other programs had them, and the program says
//! "machine busy: this run can't show the speedup" rather than let a slow "no GIL" line teach
//! the opposite; the count of moments both threads computed at once still tells them apart.
//!
//! **A `Mutex` is not reentrant.** `CPython`'s GIL, like Python's `threading.RLock`, may be taken
//! again by the thread that holds it. A std `Mutex` may not: locking it twice on one thread
//! deadlocks (or panics), which is why `io_task` below computes with `gil = false` while it holds
//! the GIL. The last part shows it safely with `try_lock` (`WouldBlock`, not a hang), then
//! `parking_lot::ReentrantMutex`, Rust's `RLock`: the holder may lock it again, other threads wait.
//!
//! Run: `cargo run --bin t15_simulated_gil`
//!
//! Expected output (scale 1.0, 2 idle cores; CPU times depend on the machine):
//! ```text
//! CPU, 1 thread: Time taken: 0.150 s
//!   cores in use: 1.00
//! CPU, 2 threads, no GIL: Time taken: 0.076 s
//!   cores in use: 1.97
//! CPU, 2 threads, with GIL: Time taken: 0.152 s
//!   cores in use: 1.00
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
//! std Mutex, locked again by its holder: try_lock says WouldBlock (lock() would deadlock: not reentrant, unlike Python's RLock)
//! parking_lot::ReentrantMutex, locked again by its holder: ok, held twice (like Python's RLock); another thread's try_lock: busy
//! ```

use parking_lot::ReentrantMutex;
use std::hint::black_box;
use std::sync::{Mutex, PoisonError, TryLockError};
use std::thread;
use std::time::Duration;
use threading_examples::{SimultaneityProbe, best_of_3};
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

/// Runs the CPU work in two threads at once; returns the best time of 3 rounds, the cores used
/// in that round and the probe's sightings over all rounds.
fn two_threads(gil: bool) -> (Duration, f64, u64) {
    let probe = SimultaneityProbe::new(2);
    let (best, cores) = best_of_3(|| {
        thread::scope(|s| {
            s.spawn(|| cpu_work(SLICES, gil, &probe, 0));
            s.spawn(|| cpu_work(SLICES, gil, &probe, 1));
        });
    });
    (best, cores, probe.sightings())
}

/// Prints a CPU line: the time, then the cores in use.
fn print_cpu(label: &str, time: Duration, cores: f64) {
    print_time_taken(label, time);
    println!("  cores in use: {cores:.2}");
}

/// A std `Mutex` cannot be locked again by its holder; `parking_lot::ReentrantMutex` can.
fn reentrancy() {
    let std_lock = Mutex::new(());
    let _held = std_lock.lock().unwrap_or_else(PoisonError::into_inner);
    // `std_lock.lock()` here would never return (or panic): try_lock shows it without hanging.
    let again = match std_lock.try_lock() {
        Err(TryLockError::WouldBlock) => "WouldBlock",
        Err(TryLockError::Poisoned(_)) => "poisoned",
        Ok(_) => "ok",
    };
    println!(
        "std Mutex, locked again by its holder: try_lock says {again} (lock() would deadlock: \
         not reentrant, unlike Python's RLock)"
    );

    let rlock = ReentrantMutex::new(());
    let outer = rlock.lock();
    let inner = rlock.lock(); // the same thread: just counts one level deeper
    let other = thread::scope(|s| {
        s.spawn(|| {
            if rlock.try_lock().is_some() {
                "free"
            } else {
                "busy"
            }
        })
        .join()
        .expect("the probing thread panicked")
    });
    drop((inner, outer));
    println!(
        "parking_lot::ReentrantMutex, locked again by its holder: ok, held twice (like \
         Python's RLock); another thread's try_lock: {other}"
    );
}

/// A Python-style I/O task: a little computing with the GIL, then a 1 s wait (recorded on
/// `timeline`).
fn io_task(release_while_sleeping: bool, timeline: &Timeline, name: &str) {
    let held = GIL.lock().unwrap_or_else(PoisonError::into_inner);
    // `gil = false`: this thread holds the GIL already, and a std Mutex is not reentrant, so
    // `cpu_work` locking it again would deadlock (Python's RLock would allow it; see `reentrancy`).
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
    timeline.print_width(&format!("{label}: two 1 s sleeps"), 30);
}

fn main() {
    utilities::output::start_clock();

    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);

    // One thread does both halves of the work, back to back.
    let (one, one_cores) = best_of_3(|| {
        let total = cpu_work(2 * SLICES, true, &SimultaneityProbe::new(1), 0);
        assert_eq!(total, 2 * SLICES * SLICE);
    });
    print_cpu("CPU, 1 thread", one, one_cores);
    let (free, free_cores, free_seen) = two_threads(false);
    print_cpu("CPU, 2 threads, no GIL", free, free_cores);
    let (with_gil, gil_cores, gil_seen) = two_threads(true);
    print_cpu("CPU, 2 threads, with GIL", with_gil, gil_cores);
    println!(
        "GIL: 2 threads / 1 thread = {:.2} (Python's result: no speedup)",
        with_gil.as_secs_f64() / one.as_secs_f64()
    );
    if cores >= 2 && free_cores < 1.5 {
        println!(
            "machine busy: this run can't show the speedup (no GIL got {free_cores:.2} of \
             {cores} cores); the moments below still tell the two apart"
        );
    }
    println!(
        "Moments both threads were computing at once: no GIL {free_seen}, with GIL {gil_seen}"
    );

    io_pair(true, "I/O, 2 threads x 1 s, GIL released while sleeping");
    io_pair(false, "I/O, 2 threads x 1 s, GIL held while sleeping");

    reentrancy();
}
