//! # Exercise 8: parallel squares in a process pool (reference solution)
//!
//! Python: `Pool().map(square, range(1, 11))` under `if __name__ == "__main__":`. The guard
//! matters because every worker process starts by running the same program; without it each
//! worker would create a pool of its own.
//!
//! Rust: the course's process pool (`multiprocessing_examples::pool`) also re-executes the
//! current binary for each worker. `child_guard()` is the guard: called first thing in `main`,
//! it turns a worker process into a task server that never returns; in the parent it returns at
//! once. The task table names the functions a worker may run.

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use std::collections::BTreeSet;
use std::time::Duration;

/// Squares `x` after a short pause (simulated work, so that both workers get tasks) and says
/// which process did it.
pub fn square_with_pid(x: u64) -> (u64, u32) {
    std::thread::sleep(Duration::from_millis(50));
    (x * x, std::process::id())
}

/// The functions a worker may run, by name.
pub static TASKS: &[Task] = &[pool::task!("square", square_with_pid)];

/// The child-role guard: serves tasks (and exits) in a worker process, returns elsewhere.
pub fn child_guard() {
    pool::serve_if_worker(TASKS);
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SquaresRun {
    /// Squares of 1..=10, in input order.
    pub squares: Vec<u64>,
    /// The processes that computed them.
    pub worker_pids: BTreeSet<u32>,
}

/// Squares 1..=10 on a pool of `workers` processes; the pool is shut down (every worker reaped)
/// before this returns.
///
/// # Errors
/// When the pool cannot start or a task fails.
pub fn parallel_squares(workers: usize) -> Result<SquaresRun, PoolError> {
    let pool = ProcessPool::new(workers, TASKS)?;
    let results: Vec<(u64, u32)> = pool.map("square", 1..=10u64)?;
    drop(pool); // workers get end-of-file, exit, and are reaped here
    Ok(SquaresRun {
        squares: results.iter().map(|&(sq, _)| sq).collect(),
        worker_pids: results.iter().map(|&(_, pid)| pid).collect(),
    })
}
