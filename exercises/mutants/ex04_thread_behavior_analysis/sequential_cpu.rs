//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 4, a sequential "parallel" version: `cpu_threaded` just calls `cpu_sequential`.
//! The results are right, and on a busy machine it is not even slower.

use std::time::Duration;

/// A CPU-heavy loop: a sum of squares mixed so the optimiser cannot fold it away.
pub fn cpu_work(iterations: u64) -> u64 {
    let mut acc: u64 = 0;
    for i in 0..iterations {
        acc = acc.wrapping_add(i.wrapping_mul(i) ^ (acc >> 3));
    }
    std::hint::black_box(acc)
}

/// Runs `cpu_work(iterations)` `tasks` times, one after another.
pub fn cpu_sequential(tasks: usize, iterations: u64) -> Vec<u64> {
    (0..tasks).map(|_| cpu_work(iterations)).collect()
}

/// Runs `cpu_work(iterations)` on `tasks` threads at once; results in task order.
///
/// # Panics
/// When a thread panics.
pub fn cpu_threaded(tasks: usize, iterations: u64) -> Vec<u64> {
    cpu_sequential(tasks, iterations)
}

/// `tasks` threads each sleep `wait` (a blocking call) and return their index, in order.
///
/// # Panics
/// When a thread panics.
pub fn io_threaded(tasks: usize, wait: Duration) -> Vec<usize> {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..tasks)
            .map(|i| {
                s.spawn(move || {
                    std::thread::sleep(wait);
                    i
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("worker panicked"))
            .collect()
    })
}

/// The kind of work measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Computing.
    Cpu,
    /// Waiting.
    Io,
}

/// Which way of running was faster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// One task after another on one thread.
    Sequential,
    /// One thread per task.
    Threads,
}

/// The conclusion for one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was measured.
    pub workload: Workload,
    /// The faster model.
    pub faster: Model,
    /// `sequential / threaded` (above 1: threads were faster).
    pub speedup: f64,
    /// One sentence explaining the result.
    pub explanation: String,
}

/// Compares the two timings of one workload.
pub fn analyse(workload: Workload, sequential: Duration, threaded: Duration) -> Finding {
    let speedup = sequential.as_secs_f64() / threaded.as_secs_f64().max(1e-9);
    let faster = if speedup > 1.0 {
        Model::Threads
    } else {
        Model::Sequential
    };
    let explanation = match (workload, faster) {
        (Workload::Io, Model::Threads) => format!(
            "threads are {speedup:.1}x faster: the waits overlap, so the total is about one wait"
        ),
        (Workload::Cpu, Model::Threads) => format!(
            "threads are {speedup:.1}x faster: with no GIL, each thread computes on its own core"
        ),
        (_, Model::Sequential) => format!(
            "sequential is faster ({speedup:.1}x): the threads' start-up cost outweighs the work \
             (or only one core is available)"
        ),
    };
    Finding {
        workload,
        faster,
        speedup,
        explanation,
    }
}
