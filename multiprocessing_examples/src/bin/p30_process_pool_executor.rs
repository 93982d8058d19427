//! Futures-style `submit` to a pool of 2 worker processes; the results equal the sequential ones.
//!
//! Python original: Effective Python (ch. 5), "Concurrent.futures for TRUE PARALLELISM!" (`ProcessPoolExecutor(max_workers=2)`),
//! the python-threads project, `multiprocessing_examples/process_pools.py` and the python-threads project, "Concurrent.futures".
//! `pool.submit(task, arg)` returns a handle at once (Python's `Future`); `handle.get()` is
//! `future.result()`. As Effective Python (ch. 5), says, every call serializes its argument, copies it to a worker,
//! runs it there, and serializes the result back: worth it only when the computation is heavy
//! and the data small. The task here is Effective Python (ch. 5)'s favourite: a slow greatest-common-divisor search
//! over pairs of numbers.
//!
//! The same API shape as the thread pool of `threading_examples` `t30`, so threads and
//! processes are easy to swap.
//!
//! Run: `cargo run --bin p30_process_pool_executor`
//!
//! Expected output (pids and times vary):
//! ```text
//! Sequential: Time taken: 0.301 s
//! [   0.305s] pid 1000    main         | Submitted 6 tasks to 2 worker processes
//! Pool of 2 processes: Time taken: 0.170 s
//! [   0.476s] pid 1000    main         | Results: [7, 14, 3, 1, 21, 5]
//! [   0.476s] pid 1000    main         | Worker pids used: [1001, 1002]
//! [   0.476s] pid 1000    main         | Same as sequential: true
//! ```

use std::collections::BTreeSet;

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use multiprocessing_examples::work::size_from_env;
use utilities::{Stopwatch, print_time_taken, say_pid};

/// Effective Python's `gcd`: deliberately slow (tries every candidate), so it is CPU-bound.
fn gcd((a, b): (u64, u64)) -> u64 {
    let low = a.min(b);
    (1..=low)
        .rev()
        .find(|i| a % i == 0 && b % i == 0)
        .unwrap_or(1)
}

/// The pool task: the gcd, plus the pid that computed it.
fn gcd_in_worker(pair: (u64, u64)) -> (u64, u32) {
    (gcd(std::hint::black_box(pair)), std::process::id())
}

static TASKS: &[Task] = &[pool::task!("gcd", gcd_in_worker)];

fn main() -> Result<(), PoolError> {
    pool::serve_if_worker(TASKS);
    utilities::output::start_clock();
    // Pairs (g·k, g·(k+1)): k and k+1 share no factor, so the gcd is g, and the search counts
    // down from g·k to g, about g·k steps. P30_K sets k.
    let k = size_from_env("P30_K", 400_000, 100_000);
    let numbers: Vec<(u64, u64)> = [7u64, 14, 3, 1, 21, 5]
        .iter()
        .map(|&g| (g * k, g * (k + 1)))
        .collect();

    let sw = Stopwatch::start();
    let expected: Vec<u64> = numbers.iter().map(|&p| gcd(p)).collect();
    print_time_taken("Sequential", sw.elapsed());

    let pool = ProcessPool::new(2, TASKS)?; // ProcessPoolExecutor(max_workers=2)
    let sw = Stopwatch::start();
    let futures = numbers
        .iter()
        .map(|&pair| pool.submit::<_, (u64, u32)>("gcd", pair))
        .collect::<Result<Vec<_>, _>>()?;
    say_pid!("Submitted {} tasks to 2 worker processes", futures.len());
    let answers = futures
        .into_iter()
        .map(pool::AsyncResult::get) // future.result()
        .collect::<Result<Vec<_>, _>>()?;
    print_time_taken("Pool of 2 processes", sw.elapsed());

    let results: Vec<u64> = answers.iter().map(|&(g, _)| g).collect();
    let pids: BTreeSet<u32> = answers.iter().map(|&(_, pid)| pid).collect();
    say_pid!("Results: {results:?}");
    say_pid!("Worker pids used: {pids:?}");
    say_pid!("Same as sequential: {}", results == expected);
    assert_eq!(results, expected);
    assert!(
        !pids.contains(&std::process::id()),
        "the work ran in the workers"
    );
    Ok(())
}
