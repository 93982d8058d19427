//! The process pool of every "processes" mode: the multiprocessing chapter's pool
//! ([`multiprocessing_examples::pool::ProcessPool`]: re-executed workers, one socket pair each,
//! size-limited bincode frames, a table of named tasks), with one task, `"job"`, that runs a
//! [`Job`] and answers its checksum.
//!
//! Jobs are queued with `apply_async` and taken by whichever worker is free, so a slow job
//! never holds up the others (like `Pool.imap_unordered`); results come back in job order.

use std::time::Duration;

use anyhow::{Result, anyhow};
use multiprocessing_examples::pool::{self, Task};

use crate::worker::{self, Job, JobError};

/// The task table shared by the parent and its workers.
pub static TASKS: &[Task] = &[pool::task!("job", run_job_task)];

fn run_job_task(job: Job<'static>) -> Result<u64, JobError> {
    worker::run_job(&job)
}

/// Largest encoded job the pool's frames carry (the multiprocessing crate's frame limit,
/// minus room for the request header).
pub const MAX_JOB_BYTES: usize = multiprocessing_examples::frame::MAX_FRAME - 4096;

/// Serves pool jobs and exits when this process is a pool worker; returns at once otherwise.
pub fn pool_worker_entry() {
    pool::serve_if_worker(TASKS);
}

/// A pool of worker processes running [`Job`]s.
pub struct ProcessPool {
    inner: pool::ProcessPool,
}

impl ProcessPool {
    /// Starts `n` workers (this executable, re-executed in the pool-worker role).
    ///
    /// # Errors
    /// When a worker cannot be started.
    pub fn new(n: usize) -> Result<Self> {
        let inner = pool::ProcessPool::new(n.max(1), TASKS)?.drop_timeout(Duration::from_secs(30));
        Ok(Self { inner })
    }

    /// Like [`ProcessPool::new`], with workers started from `program` (a binary that calls
    /// [`crate::worker_entry`] first, like every comparison binary) instead of this executable:
    /// a test harness cannot serve as a worker itself.
    ///
    /// # Errors
    /// When a worker cannot be started.
    pub fn with_program(n: usize, program: std::path::PathBuf) -> Result<Self> {
        let inner = pool::ProcessPool::with_program(n.max(1), TASKS, Some(program))?
            .drop_timeout(Duration::from_secs(30));
        Ok(Self { inner })
    }

    /// Number of worker processes.
    pub fn size(&self) -> usize {
        self.inner.size()
    }

    /// Process ids of the workers.
    pub fn pids(&self) -> Vec<u32> {
        self.inner.worker_pids()
    }

    /// Runs every job on the workers and returns the answers in job order.
    ///
    /// # Errors
    /// A worker that died, a frame above the size limit, or a job that reported an error.
    pub fn map(&self, jobs: &[Job<'_>]) -> Result<Vec<u64>> {
        let answers: Vec<Result<u64, JobError>> = self.inner.map("job", jobs.iter())?;
        answers
            .into_iter()
            .enumerate()
            .map(|(i, a)| a.map_err(|e| anyhow!("job {i}: {e}")))
            .collect()
    }

    /// Runs one job on a worker and waits for its answer (`Pool.apply`): the round trip of one
    /// task through the pool.
    ///
    /// # Errors
    /// A worker that died, or a job that reported an error.
    pub fn apply(&self, job: &Job<'_>) -> Result<u64> {
        let answer: Result<u64, JobError> = self.inner.apply("job", job)?;
        answer.map_err(|e| anyhow!("job: {e}"))
    }

    /// Closes the pool: every worker gets end-of-file, exits and is reaped.
    ///
    /// # Errors
    /// Never at present (kept so callers can propagate future shutdown errors).
    pub fn shutdown(self) -> Result<()> {
        drop(self.inner);
        Ok(())
    }
}

/// Bytes a job occupies on the wire (bincode), for the serialisation table.
///
/// # Errors
/// When the job cannot be encoded.
pub fn encoded_len(job: &Job<'_>) -> Result<usize> {
    Ok(worker::encode(job)?.len())
}

/// Waits for `child`, killing it after `limit`.
///
/// # Errors
/// When waiting fails.
pub fn wait_with_timeout(
    child: &mut std::process::Child,
    limit: Duration,
) -> Result<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(status);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            return Ok(child.wait()?);
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
