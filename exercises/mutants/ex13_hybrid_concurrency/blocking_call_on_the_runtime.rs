//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 13, a blocking call on the runtime's thread: `blocking_read` is called directly in
//! the async function instead of in `spawn_blocking`, so every task on that thread stops.

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
    pool::serve_if_worker(TASKS);
}

/// A blocking call: sleeps (blocks its thread) for `d`.
pub fn blocking_read(d: Duration) -> String {
    std::thread::sleep(d);
    format!("read config after {} ms", d.as_millis())
}

/// A short async task.
pub async fn short_task(name: &str, d: Duration, log: &EventLog) -> String {
    tokio::time::sleep(d).await;
    log.say(format!("async {name} done"));
    format!("{name} ok")
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
    let blocking = {
        let r = blocking_read(plan.blocking);
        log.say("blocking done");
        async move { Ok::<String, tokio::task::JoinError>(r) }
    };
    let cpu = {
        let log = Arc::clone(&log);
        tokio::task::spawn_blocking(move || {
            let r = pool.apply::<u64, (u64, u32)>("cpu_job", plan.cpu_iterations);
            log.say("cpu done");
            r
        })
    };
    let (a, b) = tokio::join!(
        short_task("a", plan.short[0], &log),
        short_task("b", plan.short[1], &log)
    );
    let blocking = blocking.await.expect("the blocking task panicked");
    let cpu = cpu
        .await
        .expect("the pool waiter panicked")
        .map_err(|e| format!("cpu job: {e}"))?;
    Ok(Report {
        short: vec![a, b],
        blocking,
        cpu,
    })
}
