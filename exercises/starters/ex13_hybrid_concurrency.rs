//! # Exercise 13: hybrid concurrency
//!
//! Python: two async tasks run concurrently, a blocking function goes to `asyncio.to_thread`,
//! a CPU-heavy function goes to a process pool, and the program prints the order of events.
//!
//! Write `short_task` (wait without blocking, log `"async <name> done"`) and `run`, which starts
//! everything at once:
//! - the blocking call `blocking_read(plan.blocking)` with `tokio::task::spawn_blocking`, then
//!   log `"blocking done"`;
//! - the CPU job on the process pool (`pool.apply::<u64, (u64, u32)>("cpu_job", n)`). `apply`
//!   blocks its thread until the worker answers, so call it inside `spawn_blocking` too; then log
//!   `"cpu done"`;
//! - the two async tasks, together (`tokio::join!`).
//!
//! And `child_guard()`, the pool workers' guard (the test binary's `main` calls it first).
//!
//! Done when: on a *single-threaded* runtime a ticker keeps ticking during the blocking and CPU
//! work (no gap longer than a few ticks); the CPU result is correct and came from a worker
//! process; both async tasks finish before the long jobs; everything overlaps (total ≈ the
//! longest part, not the sum).
//!
//! Builds on: `a05_blocking_the_runtime`, `a06_to_thread`, `a07_cpu_in_process_pool`,
//!   `a08_hybrid_async_threads_processes`.
//!
//! Check: `cargo run --bin exercises -- check 13`
#![allow(unused, unreachable_code, clippy::all)]

use crate::support::EventLog;
use multiprocessing_examples::pool::{self, ProcessPool, Task};
use std::sync::Arc;
use std::time::Duration;

/// The CPU job: a sum of squares mod 1 000 003, returned with the pid that computed it.
pub fn cpu_job(n: u64) -> (u64, u32) {
    let mut acc = 0u64;
    for i in 0..n {
        acc = (acc + i * i) % 1_000_003;
    }
    (acc, std::process::id())
}

/// The functions a pool worker may run.
pub static TASKS: &[Task] = &[pool::task!("cpu_job", cpu_job)];

/// The child-role guard: pool workers serve here and exit.
pub fn child_guard() {
    todo!("pool::serve_if_worker(TASKS)")
}

/// A blocking call: sleeps (blocks its thread) for `d`.
pub fn blocking_read(d: Duration) -> String {
    std::thread::sleep(d);
    format!("read config after {} ms", d.as_millis())
}

/// A short async task.
pub async fn short_task(name: &str, d: Duration, log: &EventLog) -> String {
    todo!("sleep without blocking, log \"async <name> done\", return \"<name> ok\"")
}

/// How long each part takes.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// The two async tasks' waits.
    pub short: [Duration; 2],
    /// The blocking call's duration.
    pub blocking: Duration,
    /// Iterations of the CPU job.
    pub cpu_iterations: u64,
}

/// What the run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The async tasks' results, in order.
    pub short: Vec<String>,
    /// The blocking call's result.
    pub blocking: String,
    /// The CPU job's result and the worker pid that computed it.
    pub cpu: (u64, u32),
}

/// Runs everything at once; logs `"async a done"`, `"async b done"`, `"blocking done"`,
/// `"cpu done"` as each part finishes.
///
/// # Errors
/// When the pool job fails.
///
/// # Panics
/// When a spawned task panics.
pub async fn run(pool: Arc<ProcessPool>, plan: Plan, log: Arc<EventLog>) -> Result<Report, String> {
    todo!("spawn_blocking for the blocking call and for the pool job; join the two async tasks")
}
