//! No GIL: two threads doing CPU work really run at the same time, ≈ 2× faster on 2 idle cores.
//!
//! Python original: the course notebook, `thread_cpu_demo.py` and GIL "Threads With CPU-Bound Work". The Python original counts to
//! 10 000 000 in each of two threads and finds them no faster than one thread, because `CPython`'s
//! GIL lets only one thread run Python code at a time. Rust has no GIL: each thread is an OS
//! thread and the OS runs them on different cores at once. The program times the two counts back
//! to back, then in two threads, then with `rayon::join` (the same fork of two tasks onto rayon's
//! thread pool), and prints the speedup next to the number of cores. Each time is the best of
//! 3 rounds. `black_box` keeps the optimiser from replacing the loop by its answer.
//!
//! A speedup needs *idle* cores. On a busy machine the OS may give this program one core's worth
//! of time however many threads it runs, and the speedup shrinks toward 1. So the threads also
//! carry a `SimultaneityProbe` (see the lib): it counts the moments one thread saw the other make
//! progress while it was itself running, which is only possible if both were on a core at the
//! same instant. A last 0.5 s run pins the two threads to different cores (`pin_to_core`), so a
//! busy OS cannot stack them on one. Under a GIL the count is 0 (t15 shows it); here it is large.
//!
//! The program also measures how many cores it really got while the two threads ran: its CPU
//! time ÷ wall time (`utilities::timing::process_cpu_time`). When that is well below 2, other
//! programs had the cores, and the speedup printed is not a measure of Rust: it says
//! "machine busy: this run can't show the speedup" and points to the simultaneity count.
//!
//! Run: `cargo run --bin t14_thread_cpu_demo` (with `--release` it counts 20× further)
//!
//! Expected output (2 idle cores, debug build):
//! ```text
//! Sequential (2 x 10000000): Time taken: 0.145 s
//! Threaded (2 threads): Time taken: 0.073 s
//! rayon::join: Time taken: 0.072 s
//! Speedup: 2.00x with 2 threads on 2 cores (the threads got 1.98 cores)
//! Moments both threads were computing at once: 9713 (a GIL, or one core, gives 0)
//! ```
//!
//! On a busy machine the speedup line is followed by:
//! ```text
//! machine busy: this run can't show the speedup (the threads got 1.10 of 2 cores); the count of
//! moments both threads were computing at once, below, still shows they ran in parallel
//! ```

use std::hint::black_box;
use std::thread;
use std::time::Duration;
use threading_examples::{SimultaneityProbe, best_of_3, pin_to_core};
use utilities::{Stopwatch, print_time_taken};

/// The Python original's count, 10 000 000, takes about 0.07 s in a debug build. An optimised build does it
/// in about 3 ms, too short to see anything: a new thread needs longer than that to get a core
/// on a busy machine. So the release build counts 20 times further.
const COUNT: u64 = if cfg!(debug_assertions) {
    10_000_000
} else {
    200_000_000
};
const SLICE: u64 = 1_000; // the probe ticks after every slice

/// The Python original's `cpu_task`: count to `COUNT`, as worker `me` of `probe`.
fn count(probe: &SimultaneityProbe, me: usize) -> u64 {
    let mut cursor = probe.cursor(me);
    let mut count = 0_u64;
    for _ in 0..COUNT / SLICE {
        for _ in 0..SLICE {
            count = black_box(count + 1);
        }
        probe.tick(&mut cursor);
    }
    count
}

/// Below this many cores (CPU ÷ wall) for the two threads, the machine did not give them two
/// cores, and no speedup can be seen.
const BUSY_BELOW: f64 = 1.5;

fn main() {
    utilities::output::start_clock();
    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);

    // `best_of_3` (the lib's probe module): the best time of 3 rounds, with the cores used in it.
    let (sequential, _) = best_of_3(|| {
        let probe = SimultaneityProbe::new(1);
        assert_eq!(count(&probe, 0) + count(&probe, 0), 2 * COUNT);
    });
    print_time_taken(&format!("Sequential (2 x {COUNT})"), sequential);

    let probe = SimultaneityProbe::new(2);
    let (threaded, threaded_cores) = best_of_3(|| {
        let total: u64 = thread::scope(|s| {
            let a = s.spawn(|| count(&probe, 0));
            let b = s.spawn(|| count(&probe, 1));
            a.join().expect("thread a panicked") + b.join().expect("thread b panicked")
        });
        assert_eq!(total, 2 * COUNT);
    });
    print_time_taken("Threaded (2 threads)", threaded);

    let (rayon, _) = best_of_3(|| {
        let probe = SimultaneityProbe::new(2);
        let (a, b) = rayon::join(|| count(&probe, 0), || count(&probe, 1));
        assert_eq!(a + b, 2 * COUNT);
    });
    print_time_taken("rayon::join", rayon);

    let speedup = sequential.as_secs_f64() / threaded.as_secs_f64();
    println!(
        "Speedup: {speedup:.2}x with 2 threads on {cores} cores (the threads got {threaded_cores:.2} cores)"
    );
    if cores >= 2 && threaded_cores < BUSY_BELOW {
        println!(
            "machine busy: this run can't show the speedup (the threads got {threaded_cores:.2} \
             of {cores} cores); the count of moments both threads were computing at once, \
             below, still shows they ran in parallel"
        );
    }

    // The proof that does not need idle cores: two threads, each pinned to its own core (so a
    // busy OS cannot stack them on one), count for 0.5 s while the probe watches. Added to the
    // moments seen during the timed runs above.
    let pinned = SimultaneityProbe::new(2);
    thread::scope(|s| {
        for me in 0..2 {
            let pinned = &pinned;
            s.spawn(move || {
                pin_to_core(me);
                let mut cursor = pinned.cursor(me);
                let sw = Stopwatch::start();
                while sw.elapsed() < Duration::from_millis(500) {
                    let mut count = 0_u64;
                    for _ in 0..SLICE {
                        count = black_box(count + 1);
                    }
                    pinned.tick(&mut cursor);
                }
            });
        }
    });
    println!(
        "Moments both threads were computing at once: {} (a GIL, or one core, gives 0)",
        probe.sightings() + pinned.sightings()
    );
}
