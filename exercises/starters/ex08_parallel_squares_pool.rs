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
//!   over 1..=10, then drop the pool (that reaps the workers) and return the squares in order
//!   and the set of pids that computed them.
//!
//! Done when: the squares are `[1, 4, …, 100]` in order; they were computed in more than one
//! worker process (not in the test process); no child process is left afterwards.
//!
//! Check: `cargo run --bin exercises -- check 8`
#![allow(unused, unreachable_code, clippy::all)]

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use std::collections::BTreeSet;
use std::time::Duration;

/// Squares `x` after a short pause and says which process did it (given).
pub fn square_with_pid(x: u64) -> (u64, u32) {
    std::thread::sleep(Duration::from_millis(50));
    (x * x, std::process::id())
}

/// The functions a worker may run, by name (given).
pub static TASKS: &[Task] = &[pool::task!("square", square_with_pid)];

/// The child-role guard.
pub fn child_guard() {
    todo!("pool::serve_if_worker(TASKS)")
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SquaresRun {
    /// Squares of 1..=10, in input order.
    pub squares: Vec<u64>,
    /// The processes that computed them.
    pub worker_pids: BTreeSet<u32>,
}

/// Squares 1..=10 on a pool of `workers` processes.
pub fn parallel_squares(workers: usize) -> Result<SquaresRun, PoolError> {
    todo!()
}
