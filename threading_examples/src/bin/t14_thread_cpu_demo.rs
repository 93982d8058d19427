//! No GIL: two threads doing CPU work really run in parallel, about 2× faster on 2 cores.
//!
//! Ports 001 `thread_cpu_demo.py` and GIL "Threads With CPU-Bound Work". The seed counts to
//! 10 000 000 in each of two threads and finds them no faster than one thread, because `CPython`'s
//! GIL lets only one thread run Python code at a time. Rust has no GIL: each thread is an OS
//! thread and runs on its own core. The program times the two counts back to back, then in two
//! threads, then with `rayon::join` (the same fork of two tasks onto rayon's thread pool), and
//! prints the speedup next to the number of cores. Each measurement is the best of 3 rounds, so
//! a moment of competition from other programs does not decide the result. `black_box` keeps the
//! optimiser from replacing the loop by its answer. (t15 puts a GIL back to show Python's result.)
//!
//! Run: `cargo run --release --bin t14_thread_cpu_demo` (or without `--release`: slower, same ratio)
//!
//! Expected output (2 cores, debug build; speedup ≈ the number of free cores, up to 2):
//! ```text
//! Sequential (2 x 10000000): Time taken: 0.090 s
//! Threaded (2 threads): Time taken: 0.046 s
//! rayon::join: Time taken: 0.046 s
//! Speedup: 1.96x with 2 threads on 2 cores
//! ```

use std::hint::black_box;
use std::thread;
use std::time::Duration;
use utilities::{Stopwatch, print_time_taken};

fn count_to(n: u64) -> u64 {
    let mut count = 0_u64;
    for _ in 0..n {
        count = black_box(count + 1);
    }
    count
}

/// The best (shortest) of 3 timed runs of `f`.
fn best_of_3(f: impl Fn()) -> Duration {
    (0..3)
        .map(|_| {
            let sw = Stopwatch::start();
            f();
            sw.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    utilities::output::start_clock();
    let n: u64 = 10_000_000; // the seed's count; about 0.1 s per count in a debug build
    let cores = thread::available_parallelism().map_or(1, std::num::NonZero::get);

    let sequential = best_of_3(|| {
        assert_eq!(count_to(n) + count_to(n), 2 * n);
    });
    print_time_taken(&format!("Sequential (2 x {n})"), sequential);

    let threaded = best_of_3(|| {
        let a = thread::spawn(move || count_to(n));
        let b = thread::spawn(move || count_to(n));
        let total = a.join().expect("thread a panicked") + b.join().expect("thread b panicked");
        assert_eq!(total, 2 * n);
    });
    print_time_taken("Threaded (2 threads)", threaded);

    let rayon = best_of_3(|| {
        let (a, b) = rayon::join(|| count_to(n), || count_to(n));
        assert_eq!(a + b, 2 * n);
    });
    print_time_taken("rayon::join", rayon);

    let speedup = sequential.as_secs_f64() / threaded.as_secs_f64();
    println!("Speedup: {speedup:.2}x with 2 threads on {cores} cores");
}
