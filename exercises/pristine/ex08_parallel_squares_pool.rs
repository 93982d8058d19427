//! # Exercise 8: parallel squares in a process pool
//!
//! Python: compute the squares of 1..=10 with a process pool, print them, and use the
//! `if __name__ == "__main__":` guard correctly.
//!
//! The course's pool (`multiprocessing_examples::pool`) starts each worker by re-executing the
//! current program. A worker must not run the program's normal code: it must serve tasks. That is
//! the guard's job. Write:
//! - `child_guard()`: call `pool::serve_if_worker(TASKS)` — in a worker it serves and exits, in
//!   the parent it returns at once. (The test binary's `main` calls it first thing.)
//! - `parallel_squares(workers)`: a `ProcessPool::new(workers, TASKS)`, `map` the task `"square"`
//!   over 1..=10 (one call for all ten: a loop of `pool.apply` would wait for each square before
//!   sending the next), then drop the pool (that reaps the workers) and return the squares in
//!   order with the workers' reports.
//!
//! Done when: the squares are `[1, 4, …, 100]` in order; they were computed in more than one
//! worker process (not in the test process), and two workers were computing *at the same time*
//! (the reports' times overlap); no child process is left afterwards.
//!
//!
//! Builds on: `p03_pool_map`, `p07_main_guard`, `p12_pool_apply_async`.
//!
//! Check: `cargo run --bin exercises -- check 8`
#![allow(unused, unreachable_code, clippy::all)]

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use std::time::Duration;

/// One square as the worker process reported it: the value, which process computed it, and
/// when (microseconds since the Unix epoch, a clock every process shares) (given).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Square {
    /// `x * x`.
    pub value: u64,
    /// The process that computed it.
    pub pid: u32,
    /// When the work started.
    pub started_us: u64,
    /// When it finished.
    pub finished_us: u64,
}

fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// Squares `x` after a short pause (simulated work) (given), and says who did it and when.
pub fn square_in_worker(x: u64) -> Square {
    let started_us = now_us();
    std::thread::sleep(Duration::from_millis(50));
    Square {
        value: x * x,
        pid: std::process::id(),
        started_us,
        finished_us: now_us(),
    }
}

/// The functions a worker may run, by name (given).
pub static TASKS: &[Task] = &[pool::task!("square", square_in_worker)];

/// The child-role guard.
pub fn child_guard() {
    todo!("pool::serve_if_worker(TASKS)")
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SquaresRun {
    /// Squares of 1..=10, in input order.
    pub squares: Vec<u64>,
    /// Every worker's report, in input order: the test reads the pids and the times from it.
    pub reports: Vec<Square>,
}

/// Squares 1..=10 on a pool of `workers` processes.
pub fn parallel_squares(workers: usize) -> Result<SquaresRun, PoolError> {
    todo!()
}
