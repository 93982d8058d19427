//! A process pool: N re-executed worker processes running named tasks (`multiprocessing.Pool`
//! and `concurrent.futures.ProcessPoolExecutor`).
//!
//! ```no_run
//! use multiprocessing_examples::pool::{self, ProcessPool, Task};
//!
//! fn square(x: u64) -> u64 { x * x }
//! fn add(a: i64, b: i64) -> i64 { a + b }
//!
//! // The table of functions a worker may run, by name. Plain `fn`s, nothing captured.
//! static TASKS: &[Task] = &[pool::task!("square", square), pool::task!("add", add, 2)];
//!
//! fn main() -> Result<(), pool::PoolError> {
//!     pool::serve_if_worker(TASKS); // FIRST line: a worker process never returns from here
//!
//!     let pool = ProcessPool::new(2, TASKS)?;
//!     let squares: Vec<u64> = pool.map("square", vec![1u64, 2, 3, 4, 5])?; // input order kept
//!     assert_eq!(squares, [1, 4, 9, 16, 25]);
//!     assert_eq!(pool.apply::<u64, u64>("square", 5)?, 25);
//!     let handle = pool.apply_async::<u64, u64>("square", 6)?; // runs while we go on
//!     let sums: Vec<i64> = pool.starmap("add", vec![(1i64, 2i64), (3, 4)])?;
//!     assert_eq!((handle.get()?, sums), (36, vec![3, 7]));
//!     Ok(())
//! } // Drop: workers finish, get end-of-file, exit, and are reaped (no zombie)
//! ```
//!
//! **Why our own pool, and not `procspawn`?** `procspawn` 1.0 (with `ipc-channel`) does the same
//! re-exec trick and is well made, but it ships closures by code address, hides the protocol,
//! and decodes with bincode 1 (no size limit to set). Here the whole mechanism is three files a
//! learner can read (this API, `pool/driver.rs`, `pool/worker.rs`): a socket pair per worker, one [`crate::frame`] per request and per reply,
//! and a table of plain functions that both sides know by name, which is exactly what pickle does
//! with a function (it sends the qualified name, never the code).
//!
//! How a request travels: the caller encodes it (checking its size, envelope included) and
//! queues it; one *driver thread* per worker sends it, waits for the worker's `Started` and
//! `Finished` replies, and watches the task's deadline and cancel flag meanwhile. A driver owns
//! its worker process: when anything goes wrong it kills and reaps it, answers the request with
//! the precise error, and starts a replacement.
//!
//! Guarantees (tests in `tests/pool.rs` and `tests/faults.rs`):
//! - results of [`ProcessPool::map`] / [`ProcessPool::starmap`] come back in input order;
//! - a task that panics is [`PoolError::TaskPanicked`]; a worker that crashes or is killed
//!   mid-task is [`PoolError::WorkerDied`] naming the task, never a hang; the pool then starts
//!   a fresh worker in its place;
//! - a task past its timeout, or cancelled, is killed with its worker ([`PoolError::Timeout`],
//!   [`PoolError::Cancelled`]); a worker that sends garbage is [`PoolError::Protocol`]; an
//!   argument or result too big for a frame is [`PoolError::TooLarge`] and kills nobody;
//! - a request that never reached a worker (it died idle) is retried once, not blamed;
//! - workers die with the pool's owner, even in the middle of a task;
//! - dropping the pool reaps every worker (after `drop_timeout`, stragglers are killed).

use std::collections::{HashMap, VecDeque};
use std::io::{self, Write};
use std::marker::PhantomData;
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::process::Child;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::frame::{self, FrameError, MAX_FRAME};

mod driver;
mod worker;

use crate::spawn::{SelfCommand, child_role, inherited_fd, wait_or_kill};
use driver::{Driver, Job, Shared, Worker, kill_all, lock};
pub use worker::serve_if_worker;
use worker::{Outcome, Reply, Request};

/// The role a pool worker is started with (`<exe> --course-child-role __course_pool_worker`).
pub const WORKER_ROLE: &str = "__course_pool_worker";

/// A task every worker knows without a table entry: it answers its argument unchanged. Used
/// by [`ProcessPool::round_trip_p50`] to time the pool itself.
pub const ECHO_TASK: &str = "__course_echo";

/// How a task runs inside a worker: bincode argument bytes in, bincode result bytes out.
/// Built by [`task!`]; a panic inside is caught by the worker and reported.
pub type RunFn = fn(&[u8]) -> Result<Vec<u8>, String>;

/// One entry of the task table: a name and the function that runs it.
#[derive(Debug, Clone, Copy)]
pub struct Task {
    /// The name used by `map`/`apply`/`submit`.
    pub name: &'static str,
    /// Decodes the argument, calls the function, encodes the result.
    pub run: RunFn,
}

/// Builds a [`Task`] from a plain function: `task!("square", square)` for `fn(A) -> R`,
/// `task!("add", add, 2)` / `task!("f", f, 3)` for functions of 2 or 3 arguments
/// (sent as a tuple, used with [`ProcessPool::starmap`]).
#[macro_export]
macro_rules! task {
    ($name:expr, $f:path) => {
        $crate::pool::Task {
            name: $name,
            run: |bytes| $crate::pool::run_with_arg(bytes, $f),
        }
    };
    ($name:expr, $f:path, 2) => {
        $crate::pool::Task {
            name: $name,
            run: |bytes| $crate::pool::run_with_arg(bytes, |(a, b)| $f(a, b)),
        }
    };
    ($name:expr, $f:path, 3) => {
        $crate::pool::Task {
            name: $name,
            run: |bytes| $crate::pool::run_with_arg(bytes, |(a, b, c)| $f(a, b, c)),
        }
    };
}
pub use crate::task;

/// Used by [`task!`]: decode `A` (size-limited), call `f`, encode `R`.
///
/// # Errors
/// A message when the argument does not decode as `A` or the result cannot be encoded.
pub fn run_with_arg<A: DeserializeOwned, R: Serialize>(
    bytes: &[u8],
    f: impl FnOnce(A) -> R,
) -> Result<Vec<u8>, String> {
    let arg: A = frame::decode(bytes).map_err(|e| format!("bad argument: {e}"))?;
    frame::encode(&f(arg)).map_err(|e| format!("bad result: {e}"))
}

fn killed_note(pid: Option<u32>) -> String {
    pid.map_or_else(String::new, |p| {
        format!("; it was killed with its worker {p}, which was replaced")
    })
}

/// Everything a pool call can fail with.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The name is not in the task table.
    #[error("unknown task {0:?} (not in the pool's task table)")]
    UnknownTask(String),
    /// The task panicked inside the worker (the worker survives).
    #[error("task {task:?} panicked in worker process: {message}")]
    TaskPanicked {
        /// Task name.
        task: String,
        /// The panic message.
        message: String,
    },
    /// The argument or result could not be (de)serialized on the worker's side.
    #[error("task {task:?} failed in the worker: {message}")]
    TaskFailed {
        /// Task name.
        task: String,
        /// What went wrong.
        message: String,
    },
    /// The worker process died (crash, `abort`, killed) while running the task.
    #[error("worker process {pid} died while running task {task:?} ({status})")]
    WorkerDied {
        /// Task name.
        task: String,
        /// The worker's pid.
        pid: u32,
        /// How it ended, e.g. `signal: 9 (SIGKILL)`.
        status: String,
    },
    /// The task did not finish in time. With `killed_worker: Some(pid)` it passed its task
    /// timeout and was killed with its worker (which was replaced); with `None`,
    /// [`AsyncResult::get_timeout`] stopped waiting and the task is still running.
    #[error("task {task:?} did not finish within {timeout:?}{}", killed_note(*killed_worker))]
    Timeout {
        /// Task name.
        task: String,
        /// The timeout that expired.
        timeout: Duration,
        /// The worker killed with the task, if it was.
        killed_worker: Option<u32>,
    },
    /// The task was cancelled ([`AsyncResult::cancel`]) before it finished.
    #[error("task {task:?} was cancelled")]
    Cancelled {
        /// Task name.
        task: String,
    },
    /// A pool (or manager) was created inside a pool worker or a manager process: `main` lacks
    /// the role check at its top, and every worker would start a pool of its own.
    #[error(
        "cannot start a pool inside a {role:?} child process: call pool::serve_if_worker (and \
         manager::serve_if_manager) first thing in main, before creating a pool"
    )]
    InsideWorker {
        /// The role of this process.
        role: String,
    },
    /// The pool is shutting down or a worker could not be started.
    #[error("pool unavailable for task {task:?}: {message}")]
    Unavailable {
        /// Task name.
        task: String,
        /// Why.
        message: String,
    },
    /// Encoding the argument or decoding the result failed on the parent's side.
    #[error("task {task:?}: {source}")]
    Frame {
        /// Task name.
        task: String,
        /// The frame error.
        source: FrameError,
    },
    /// The worker sent something that is not a valid reply (garbage, a hostile length): it is
    /// out of step with us, so it was killed and replaced at once.
    #[error("protocol error from worker {pid} during task {task:?}: {source}")]
    Protocol {
        /// Task name.
        task: String,
        /// The worker's pid.
        pid: u32,
        /// What was wrong with the reply.
        source: FrameError,
    },
    /// The argument (with the request's envelope) or the result is larger than a frame.
    #[error("task {task:?}: the {what} takes {len} bytes, more than the frame limit of {max}")]
    TooLarge {
        /// Task name.
        task: String,
        /// `"argument"` or `"result"`.
        what: &'static str,
        /// Encoded size.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Starting the pool failed.
    #[error("cannot start the pool: {0}")]
    Io(#[from] io::Error),
}

/// A pool of worker processes. See the [module docs](self).
pub struct ProcessPool {
    jobs: Option<mpsc::Sender<Job>>,
    drivers: Vec<JoinHandle<()>>,
    shared: Arc<Shared>,
    names: Vec<&'static str>,
    drop_timeout: Duration,
    task_timeout: Option<Duration>,
}

impl std::fmt::Debug for ProcessPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessPool")
            .field("workers", &self.worker_pids())
            .field("tasks", &self.names)
            .finish_non_exhaustive()
    }
}

impl ProcessPool {
    /// Starts `n` workers (re-executions of the current binary) that can run `tasks`.
    ///
    /// # Errors
    /// When `n` is 0, a worker cannot be started, or this process is itself a pool worker or
    /// a manager ([`PoolError::InsideWorker`]).
    pub fn new(n: usize, tasks: &'static [Task]) -> Result<Self, PoolError> {
        Self::with_program(n, tasks, None)
    }

    /// One worker per available core (`os.cpu_count()`, `Pool()` with no argument).
    ///
    /// # Errors
    /// See [`ProcessPool::new`].
    pub fn per_cpu(tasks: &'static [Task]) -> Result<Self, PoolError> {
        let n = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(n, tasks)
    }

    /// Like [`ProcessPool::new`], with workers started from `program` (a binary that calls
    /// [`serve_if_worker`] with the same table) instead of the current executable.
    ///
    /// # Errors
    /// See [`ProcessPool::new`].
    pub fn with_program(
        n: usize,
        tasks: &'static [Task],
        program: Option<std::path::PathBuf>,
    ) -> Result<Self, PoolError> {
        refuse_inside_a_worker()?;
        if n == 0 {
            return Err(PoolError::Io(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a pool needs at least one worker",
            )));
        }
        let shared = Arc::new(Shared {
            pids: Mutex::new(vec![None; n]),
            closing: AtomicBool::new(false),
        });
        let (jobs_tx, jobs_rx) = mpsc::channel::<Job>();
        let jobs_rx = Arc::new(Mutex::new(jobs_rx));
        // Built first, so that if a later worker fails to start, `Drop` stops and reaps the
        // ones already running.
        let mut pool = Self {
            jobs: Some(jobs_tx),
            drivers: Vec::with_capacity(n),
            shared,
            names: tasks.iter().map(|t| t.name).collect(),
            drop_timeout: Duration::from_secs(10),
            task_timeout: None,
        };
        for slot in 0..n {
            // Each driver thread starts its own worker: the kernel's "parent death signal"
            // follows the thread that forked, and a driver lives exactly as long as the pool.
            let (started_tx, started_rx) = mpsc::channel();
            let shared = Arc::clone(&pool.shared);
            let jobs = Arc::clone(&jobs_rx);
            let program = program.clone();
            let handle = std::thread::Builder::new()
                .name(format!("pool-driver-{slot}"))
                .spawn(move || {
                    let worker = match Worker::start(program.as_ref(), slot, &shared) {
                        Ok(w) => {
                            let _ = started_tx.send(Ok(()));
                            w
                        }
                        Err(e) => {
                            let _ = started_tx.send(Err(e));
                            return;
                        }
                    };
                    Driver::new(slot, &shared, &jobs, program.as_ref()).run(worker);
                })?;
            pool.drivers.push(handle);
            started_rx
                .recv()
                .unwrap_or_else(|_| Err(io::Error::other("driver thread ended")))?;
        }
        Ok(pool)
    }

    /// How long `Drop` lets running tasks finish before it kills the workers (default 10 s).
    #[must_use]
    pub fn drop_timeout(mut self, d: Duration) -> Self {
        self.drop_timeout = d;
        self
    }

    /// A time limit for every task of this pool (default: none). A task still running after
    /// it is killed together with its worker, the worker is replaced, and the caller gets
    /// [`PoolError::Timeout`]. The `*_within` methods set it per call.
    #[must_use]
    pub fn task_timeout(mut self, d: Duration) -> Self {
        self.task_timeout = Some(d);
        self
    }

    /// The number of worker processes.
    pub fn size(&self) -> usize {
        self.drivers.len()
    }

    /// The pids of the live workers (a replaced worker has a new pid).
    pub fn worker_pids(&self) -> Vec<u32> {
        lock(&self.shared.pids).iter().flatten().copied().collect()
    }

    /// Queues `task(arg)` and returns at once with a handle (`apply_async`).
    ///
    /// # Errors
    /// Unknown task, an argument that cannot be serialized or is too large, or a closing pool.
    pub fn apply_async<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
    ) -> Result<AsyncResult<R>, PoolError> {
        self.submit_within(task, arg, self.task_timeout)
    }

    /// [`ProcessPool::apply_async`] with a time limit for this task (`None`: no limit).
    ///
    /// # Errors
    /// See [`ProcessPool::apply_async`].
    pub fn submit_within<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
        timeout: Option<Duration>,
    ) -> Result<AsyncResult<R>, PoolError> {
        let arg = self.encode_arg(task, &arg)?;
        let (rx, cancelled) = self.send_chunk(task, vec![arg], timeout)?;
        Ok(AsyncResult {
            rx,
            cancelled,
            task: task.to_owned(),
            _r: PhantomData,
        })
    }

    /// `concurrent.futures`' name for [`ProcessPool::apply_async`].
    ///
    /// # Errors
    /// See [`ProcessPool::apply_async`].
    pub fn submit<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
    ) -> Result<AsyncResult<R>, PoolError> {
        self.apply_async(task, arg)
    }

    /// Runs `task(arg)` in a worker and waits for the result (`apply`).
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn apply<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
    ) -> Result<R, PoolError> {
        self.apply_async(task, arg)?.get()
    }

    /// [`ProcessPool::apply`] with a time limit: past it, the task is killed with its worker
    /// (which is replaced) and the result is [`PoolError::Timeout`].
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn apply_within<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
        timeout: Duration,
    ) -> Result<R, PoolError> {
        self.submit_within(task, arg, Some(timeout))?.get()
    }

    /// Runs `task` on every item, spread over the workers; results in input order.
    /// Items travel in chunks (see [`ProcessPool::map_chunked`], default chunk size as in
    /// Python: `len / (4 × workers)`, rounded up). The first failure (in input order) is
    /// returned; every chunk still runs to the end.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn map<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Vec<R>, PoolError> {
        self.map_with(task, items, None, self.task_timeout)
    }

    /// [`ProcessPool::map`] with a time limit per item (a chunk of `k` items gets `k ×`).
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn map_within<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
        timeout: Duration,
    ) -> Result<Vec<R>, PoolError> {
        self.map_with(task, items, None, Some(timeout))
    }

    /// [`ProcessPool::map`] with `chunksize` items per request (Python's `chunksize`). One
    /// request costs two context switches and a few system calls; chunks share that cost.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn map_chunked<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
        chunksize: usize,
    ) -> Result<Vec<R>, PoolError> {
        self.map_with(task, items, Some(chunksize.max(1)), self.task_timeout)
    }

    fn map_with<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
        chunksize: Option<usize>,
        timeout: Option<Duration>,
    ) -> Result<Vec<R>, PoolError> {
        let args = items
            .into_iter()
            .map(|a| self.encode_arg(task, &a))
            .collect::<Result<Vec<_>, _>>()?;
        let total = args.len();
        // Python's default: divmod(len, 4 * workers), rounded up.
        let chunksize = chunksize.unwrap_or_else(|| total.div_ceil(4 * self.size()).max(1));
        let mut pending = Vec::new();
        let mut args = args.into_iter().peekable();
        while args.peek().is_some() {
            let chunk: Vec<Vec<u8>> = args.by_ref().take(chunksize).collect();
            let size = chunk.len();
            pending.push((size, self.send_chunk(task, chunk, timeout)?.0));
        }
        // Wait for every chunk before reporting, so no task is still running after we return.
        let mut results = Vec::with_capacity(total);
        let mut first_error = None;
        for (size, rx) in pending {
            let outcome = rx.recv().unwrap_or_else(|_| Err(lost(task)));
            match outcome.and_then(|outs| check_count(task, outs, size)) {
                Ok(outs) => {
                    for out in outs {
                        match decode_outcome::<R>(task, out) {
                            Ok(r) => results.push(r),
                            Err(e) => {
                                first_error.get_or_insert(e);
                            }
                        }
                    }
                }
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        match first_error {
            Some(e) => Err(e),
            None => Ok(results),
        }
    }

    /// [`ProcessPool::map`] for a task of several arguments (registered with `task!(…, 2)`):
    /// each item is a tuple of arguments.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn starmap<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Vec<R>, PoolError> {
        self.map(task, items)
    }

    /// Kills every worker now (`Pool.terminate()`); queued and running tasks end with
    /// [`PoolError::WorkerDied`] or [`PoolError::Unavailable`]. Dropping the pool then reaps.
    pub fn terminate(&self) {
        self.shared.closing.store(true, Ordering::SeqCst);
        kill_all(&self.shared);
    }

    /// The median time of one tiny task's round trip (parent → worker → parent), over
    /// `samples` calls of the built-in [`ECHO_TASK`] one after the other: what the pool itself
    /// costs per request.
    ///
    /// # Errors
    /// When a call fails (see [`PoolError`]).
    pub fn round_trip_p50(&self, samples: usize) -> Result<Duration, PoolError> {
        let mut times = Vec::with_capacity(samples.max(1));
        for i in 0..samples.max(1) {
            let started = Instant::now();
            let back: u64 = self.apply(ECHO_TASK, i as u64)?;
            times.push(started.elapsed());
            if back != i as u64 {
                return Err(PoolError::TaskFailed {
                    task: ECHO_TASK.to_owned(),
                    message: format!("echo of {i} came back as {back}"),
                });
            }
        }
        times.sort_unstable();
        Ok(times[times.len() / 2])
    }

    fn encode_arg<A: Serialize>(&self, task: &str, arg: &A) -> Result<Vec<u8>, PoolError> {
        if !self.names.contains(&task) && task != ECHO_TASK {
            return Err(PoolError::UnknownTask(task.to_owned()));
        }
        frame::encode(arg).map_err(|source| too_large_or_frame(task, "argument", source))
    }

    /// Encodes one request frame (checking its size *with* the envelope) and queues it.
    /// A chunk too big for one frame is split in halves.
    fn send_chunk(
        &self,
        task: &str,
        args: Vec<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<ChunkHandle, PoolError> {
        let items = args.len();
        let request = Request {
            task: task.to_owned(),
            args,
        };
        let frame = match frame::frame_bytes(&request) {
            Err(FrameError::TooLarge { .. }) if items > 1 => {
                // Rare: many big items together. Send the halves as one logical chunk.
                let mut args = request.args;
                let back = args.split_off(items / 2);
                let (a, flag_a) = self.send_chunk(task, args, timeout)?;
                let (b, _) = self.send_chunk(task, back, timeout)?;
                return Ok((join_halves(a, b), flag_a));
            }
            other => other.map_err(|source| too_large_or_frame(task, "argument", source))?,
        };
        let (reply, rx) = mpsc::channel();
        let cancelled = Arc::new(AtomicBool::new(false));
        let job = Job {
            task: task.to_owned(),
            frame,
            items,
            timeout,
            cancelled: Arc::clone(&cancelled),
            reply,
            retried: false,
        };
        let sent = self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok());
        if !sent {
            return Err(PoolError::Unavailable {
                task: task.to_owned(),
                message: "the pool is closed".into(),
            });
        }
        Ok((rx, cancelled))
    }
}

type ChunkHandle = (
    mpsc::Receiver<Result<Vec<Outcome>, PoolError>>,
    Arc<AtomicBool>,
);

/// One receiver for two halves of a chunk, results in order.
fn join_halves(
    a: mpsc::Receiver<Result<Vec<Outcome>, PoolError>>,
    b: mpsc::Receiver<Result<Vec<Outcome>, PoolError>>,
) -> mpsc::Receiver<Result<Vec<Outcome>, PoolError>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let first = a.recv();
        let second = b.recv();
        let joined = match (first, second) {
            (Ok(Ok(mut x)), Ok(Ok(y))) => {
                x.extend(y);
                Ok(x)
            }
            (Ok(Err(e)), _) | (_, Ok(Err(e))) => Err(e),
            _ => Err(PoolError::Unavailable {
                task: String::new(),
                message: "the pool dropped the task".into(),
            }),
        };
        let _ = tx.send(joined);
    });
    rx
}

fn too_large_or_frame(task: &str, what: &'static str, source: FrameError) -> PoolError {
    match source {
        FrameError::TooLarge { len, max } => PoolError::TooLarge {
            task: task.to_owned(),
            what,
            len: usize::try_from(len).unwrap_or(usize::MAX),
            max,
        },
        source => PoolError::Frame {
            task: task.to_owned(),
            source,
        },
    }
}

fn check_count(task: &str, outs: Vec<Outcome>, expected: usize) -> Result<Vec<Outcome>, PoolError> {
    if outs.len() == expected {
        Ok(outs)
    } else {
        Err(PoolError::Unavailable {
            task: task.to_owned(),
            message: format!("expected {expected} results, got {}", outs.len()),
        })
    }
}

fn decode_outcome<R: DeserializeOwned>(task: &str, out: Outcome) -> Result<R, PoolError> {
    let task = task.to_owned();
    match out {
        Outcome::Done(bytes) => {
            frame::decode(&bytes).map_err(|source| PoolError::Frame { task, source })
        }
        Outcome::Panicked(message) => Err(PoolError::TaskPanicked { task, message }),
        Outcome::Failed(message) => Err(PoolError::TaskFailed { task, message }),
        Outcome::TooLarge(len) => Err(PoolError::TooLarge {
            task,
            what: "result",
            len,
            max: MAX_FRAME,
        }),
    }
}

fn lost(task: &str) -> PoolError {
    PoolError::Unavailable {
        task: task.to_owned(),
        message: "the pool dropped the task".into(),
    }
}

/// Python raises `RuntimeError` when a child process starts processes while it bootstraps
/// (the missing `if __name__ == "__main__":` guard). Here: a pool worker or a manager that
/// reaches pool creation has no role check at the top of `main`, and would recurse.
pub(crate) fn refuse_inside_a_worker() -> Result<(), PoolError> {
    match child_role() {
        Some(role) if role.name == WORKER_ROLE || role.name == crate::manager::MANAGER_ROLE => {
            Err(PoolError::InsideWorker { role: role.name })
        }
        _ => Ok(()),
    }
}

impl Drop for ProcessPool {
    fn drop(&mut self) {
        // Close the job queue: each driver finishes what is queued, then closes its worker's
        // socket; the worker reads end-of-file and exits; the driver reaps it.
        self.jobs = None;
        let deadline = Instant::now() + self.drop_timeout;
        while !self.drivers.iter().all(JoinHandle::is_finished) {
            if Instant::now() >= deadline {
                // A task runs too long: kill the workers (their drivers still reap them).
                self.shared.closing.store(true, Ordering::SeqCst);
                kill_all(&self.shared);
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        for d in self.drivers.drain(..) {
            let _ = d.join();
        }
    }
}

/// The handle of a queued task: [`AsyncResult::get`] waits for the result
/// (`AsyncResult.get()` / `Future.result()`).
#[derive(Debug)]
pub struct AsyncResult<R> {
    rx: mpsc::Receiver<Result<Vec<Outcome>, PoolError>>,
    cancelled: Arc<AtomicBool>,
    task: String,
    _r: PhantomData<fn() -> R>,
}

impl<R: DeserializeOwned> AsyncResult<R> {
    /// Waits for the result.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn get(self) -> Result<R, PoolError> {
        let msg = self.rx.recv().map_err(|_| lost(&self.task))?;
        self.finish(msg)
    }

    /// Waits at most `timeout`. On [`PoolError::Timeout`] (with `killed_worker: None`) the
    /// task keeps running and the handle can be asked again; to stop it, use
    /// [`AsyncResult::cancel`] or a task timeout.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn get_timeout(&self, timeout: Duration) -> Result<R, PoolError> {
        match self.rx.recv_timeout(timeout) {
            Ok(msg) => self.finish(msg),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(PoolError::Timeout {
                task: self.task.clone(),
                timeout,
                killed_worker: None,
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(lost(&self.task)),
        }
    }

    /// Cancels the task (`Future.cancel()`, but it also stops a *running* task): a queued task
    /// is dropped; a running one is killed together with its worker, which is replaced.
    /// Returns `true` when the task was stopped, `false` when it had already finished.
    pub fn cancel(self) -> bool {
        self.cancelled.store(true, Ordering::SeqCst);
        matches!(self.rx.recv(), Ok(Err(PoolError::Cancelled { .. })))
    }

    /// The task's name.
    pub fn task(&self) -> &str {
        &self.task
    }

    fn finish(&self, msg: Result<Vec<Outcome>, PoolError>) -> Result<R, PoolError> {
        let mut outs = check_count(&self.task, msg?, 1)?;
        let out = outs.pop().ok_or_else(|| lost(&self.task))?;
        decode_outcome(&self.task, out)
    }
}
