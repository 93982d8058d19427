//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 8, a pool that does no work: the squares are computed in the parent process.

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use std::time::Duration;

/// One square as the worker process reported it: the value, which process computed it, and
/// when (microseconds since the Unix epoch, a clock every process shares).
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

/// Squares `x` after a short pause (simulated work), so that several workers get tasks, and says who did it and when.
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

/// The functions a worker may run, by name.
pub static TASKS: &[Task] = &[pool::task!("square", square_in_worker)];

/// The child-role guard: serves tasks (and exits) in a worker process, returns elsewhere.
pub fn child_guard() {
    pool::serve_if_worker(TASKS);
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SquaresRun {
    /// Squares of 1..=10, in input order.
    pub squares: Vec<u64>,
    /// Every worker's report, in input order: the test reads the pids and the times from it.
    pub reports: Vec<Square>,
}

/// Squares 1..=10 on a pool of `workers` processes; the pool is shut down (every worker reaped)
/// before this returns.
///
/// # Errors
/// When the pool cannot start or a task fails.
pub fn parallel_squares(workers: usize) -> Result<SquaresRun, PoolError> {
    let pool = ProcessPool::new(workers, TASKS)?;
    // `map` sends every task before it waits for the first result: the workers run at once.
    let reports: Vec<Square> = (1..=10u64).map(square_in_worker).collect();
    drop(pool); // workers get end-of-file, exit, and are reaped here
    Ok(SquaresRun {
        squares: reports.iter().map(|r| r.value).collect(),
        reports,
    })
}
