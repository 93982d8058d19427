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
//! and decodes with bincode 1 (no size limit to set). Here the whole mechanism is a file a
//! learner can read: a socket pair per worker, one [`crate::frame`] per request and per reply,
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
use crate::spawn::{SelfCommand, child_role, inherited_fd, wait_or_kill};

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

/// One request: a chunk of one or more arguments for the same task (Python's `chunksize`).
#[derive(Debug, Serialize, Deserialize)]
struct Request {
    task: String,
    args: Vec<Vec<u8>>,
}

/// What a worker sends back for each request: `Started` as soon as it takes the request (so a
/// request that never reached a dead worker can be told apart, and the deadline starts then),
/// `Finished` with one outcome per argument.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    Started,
    Finished(Vec<Outcome>),
}

#[derive(Debug, Serialize, Deserialize)]
enum Outcome {
    Done(Vec<u8>),
    Panicked(String),
    Failed(String),
    /// The encoded result (with the reply's envelope) would exceed the frame limit.
    TooLarge(usize),
}

/// Call this first thing in `main`. In a pool worker it serves tasks until the pool closes its
/// socket, then exits the process; in any other process it returns at once.
pub fn serve_if_worker(tasks: &'static [Task]) {
    let Some(role) = child_role() else { return };
    if role.name != WORKER_ROLE {
        return;
    }
    // Die with the pool's driver thread, even in the middle of a task.
    crate::spawn::exit_with_parent();
    let code = match serve(tasks) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("pool worker {}: {e}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

fn serve(tasks: &'static [Task]) -> Result<(), FrameError> {
    let table: HashMap<&str, RunFn> = tasks.iter().map(|t| (t.name, t.run)).collect();
    let mut sock = UnixStream::from(inherited_fd(0)?);
    // A task's panic is reported to the parent as a reply; keep the default hook's stderr
    // message out of the way by capturing the text ourselves.
    std::panic::set_hook(Box::new(|_| {}));
    while let Some(req) = frame::read_frame_opt::<_, Request>(&mut sock)? {
        frame::write_frame(&mut sock, &Reply::Started)?;
        let run = table.get(req.task.as_str());
        let echo = req.task == ECHO_TASK;
        let mut outcomes: Vec<Outcome> = req
            .args
            .iter()
            .map(|arg| match run {
                None if echo => Outcome::Done(arg.clone()),
                None => Outcome::Failed(format!("unknown task {:?}", req.task)),
                Some(run) => match std::panic::catch_unwind(|| run(arg)) {
                    Ok(Ok(bytes)) => Outcome::Done(bytes),
                    Ok(Err(msg)) => Outcome::Failed(msg),
                    Err(payload) => Outcome::Panicked(panic_message(payload.as_ref())),
                },
            })
            .collect();
        refuse_oversize_results(&mut outcomes);
        frame::write_frame(&mut sock, &Reply::Finished(outcomes))?;
    }
    Ok(()) // end-of-file: the pool is closing
}

/// A reply larger than a frame could not be sent (the worker would have to die): replace the
/// results by their sizes when they do not fit together with the reply's envelope.
fn refuse_oversize_results(outcomes: &mut [Outcome]) {
    // Per outcome: at most 1 byte of variant and 5 of varint length, counted generously.
    let total: usize = outcomes
        .iter()
        .map(|o| match o {
            Outcome::Done(b) => b.len() + 16,
            Outcome::Panicked(m) | Outcome::Failed(m) => m.len() + 16,
            Outcome::TooLarge(_) => 16,
        })
        .sum();
    if total + 64 > MAX_FRAME {
        for o in outcomes {
            if let Outcome::Done(bytes) = o {
                *o = Outcome::TooLarge(bytes.len());
            }
        }
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

// ------------------------------------------------------------------------------ parent side

/// How many requests one worker may have in flight: while it runs one, the next waits in its
/// socket, so the worker never idles between two requests.
const PIPELINE: usize = 2;
/// Only requests this small are queued behind a running one (both fit in the socket buffer,
/// so the driver never blocks writing while the worker blocks writing its reply).
const PIPELINE_MAX_BYTES: usize = 32 << 10;
/// A second request is queued behind the running one only while requests are this short:
/// then the hand-off between them matters; for long ones it would only take work away from
/// an idle worker at the end of a `map`.
const PIPELINE_BELOW: Duration = Duration::from_millis(2);
/// How often a waiting driver looks at cancel flags and idle workers.
const TICK: Duration = Duration::from_millis(20);
/// A frame that has started to arrive must be complete within this time.
const FRAME_STALL: Duration = Duration::from_secs(5);

type ReplyTx = mpsc::Sender<Result<Vec<Outcome>, PoolError>>;

/// A request waiting for (or being served by) a worker.
struct Job {
    task: String,
    /// The whole frame, encoded (and size-checked) by the caller.
    frame: Vec<u8>,
    items: usize,
    /// Per item; a chunk of `k` items gets `k ×` this.
    timeout: Option<Duration>,
    cancelled: Arc<AtomicBool>,
    reply: ReplyTx,
    /// Sent once to a worker that died before taking it.
    retried: bool,
}

impl Job {
    fn finish(self, result: Result<Vec<Outcome>, PoolError>) {
        let _ = self.reply.send(result); // the caller may have dropped its handle: fine
    }
}

struct Shared {
    /// The pid of the worker each driver currently owns (None while restarting).
    pids: Mutex<Vec<Option<u32>>>,
    closing: AtomicBool,
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

fn kill_all(shared: &Shared) {
    // Under the lock, a listed pid is our child and not yet reaped (drivers clear the entry
    // under the same lock before they wait), so the pid cannot have been reused.
    let pids = lock(&shared.pids);
    for pid in pids.iter().flatten() {
        kill_pid(*pid);
    }
}

fn kill_pid(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Worker {
    child: Child,
    sock: UnixStream,
}

impl Worker {
    /// Starts a worker for `slot` and lists its pid.
    fn start(
        program: Option<&std::path::PathBuf>,
        slot: usize,
        shared: &Shared,
    ) -> io::Result<Self> {
        let (ours, theirs) = UnixStream::pair()?;
        let cmd = match program {
            Some(p) => SelfCommand::with_program(p.as_os_str(), WORKER_ROLE),
            None => SelfCommand::new(WORKER_ROLE),
        };
        let child = cmd.pass_fd(&theirs)?.spawn()?;
        drop(theirs); // only the worker holds its end: its death is our end-of-file
        // A reply that starts must arrive in one piece: a worker that stalls mid-frame is
        // a protocol error, not a reason to hang.
        ours.set_read_timeout(Some(FRAME_STALL))?;
        ours.set_write_timeout(Some(FRAME_STALL))?;
        lock(&shared.pids)[slot] = Some(child.id());
        Ok(Self { child, sock: ours })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process (if still running) and reaps it: for a worker that is dead, out of
    /// step, or running a task we gave up on.
    fn kill(self, slot: usize, shared: &Shared) -> String {
        let Self { mut child, sock } = self;
        lock(&shared.pids)[slot] = None;
        let _ = child.kill();
        drop(sock);
        child
            .wait()
            .map_or_else(|e| e.to_string(), |s| s.to_string())
    }

    /// Closes the socket (the worker exits at end-of-file) and reaps the process.
    fn stop(self, slot: usize, shared: &Shared, grace: Duration) {
        let Self { mut child, sock } = self;
        drop(sock);
        lock(&shared.pids)[slot] = None;
        let _ = wait_or_kill(&mut child, grace);
    }

    /// Waits up to `timeout` for the socket to have something to read (a reply, or
    /// end-of-file when the worker died). The one `unsafe` call of the pool.
    fn readable(&self, timeout: Duration) -> io::Result<bool> {
        let mut fds = [libc::pollfd {
            fd: self.sock.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        }];
        let ms = libc::c_int::try_from(timeout.as_millis()).unwrap_or(libc::c_int::MAX);
        // SAFETY: `fds` is a valid array of one pollfd that outlives the call, and its length
        // is passed with it; poll only writes `revents`.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), 1, ms) };
        match rc {
            0 => Ok(false),
            n if n > 0 => Ok(true),
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() == io::ErrorKind::Interrupted {
                    Ok(false)
                } else {
                    Err(e)
                }
            }
        }
    }
}

/// A request sent to the worker, waiting for its reply.
struct InFlight {
    job: Job,
    /// When the worker said `Started` (the deadline counts from there).
    started: Option<Instant>,
    /// Cancelled while waiting in the worker's socket: the caller already has its answer.
    answered: bool,
}

impl InFlight {
    fn deadline(&self) -> Option<Instant> {
        let per_item = self.job.timeout?;
        let items = u32::try_from(self.job.items).unwrap_or(u32::MAX);
        Some(self.started? + per_item.saturating_mul(items))
    }
}

/// Why a worker has to go.
enum Fault {
    /// End-of-file or a failed write: the worker process is gone.
    Died,
    /// The worker sent something that is not a valid reply.
    Protocol(FrameError),
    /// The running request passed its deadline.
    Timeout,
    /// The caller cancelled the running request.
    Cancelled,
}

/// One driver thread per worker: takes jobs, sends them (up to [`PIPELINE`] at a time), reads
/// the replies, watches deadlines and cancel flags, and replaces the worker when it has to go.
struct Driver<'a> {
    slot: usize,
    shared: &'a Shared,
    jobs: &'a Mutex<mpsc::Receiver<Job>>,
    program: Option<&'a std::path::PathBuf>,
    in_flight: VecDeque<InFlight>,
    /// Jobs taken from the queue but not sent yet: requests that never reached a worker that
    /// died (sent first to its replacement), or a big request waiting for the worker to be free.
    held: VecDeque<Job>,
    queue_open: bool,
    /// How long the last request ran (from `Started` to `Finished`).
    last_took: Duration,
}

impl<'a> Driver<'a> {
    fn new(
        slot: usize,
        shared: &'a Shared,
        jobs: &'a Mutex<mpsc::Receiver<Job>>,
        program: Option<&'a std::path::PathBuf>,
    ) -> Self {
        Self {
            slot,
            shared,
            jobs,
            program,
            in_flight: VecDeque::new(),
            held: VecDeque::new(),
            queue_open: true,
            last_took: Duration::ZERO,
        }
    }

    fn run(mut self, first: Worker) {
        let mut worker = Some(first);
        loop {
            let Some(w) = worker.as_mut() else {
                // No worker (it died and could not be restarted): fail what waits, try again.
                if !self.restart(&mut worker) {
                    break;
                }
                continue;
            };
            if let Err(fault) = self.top_up(w) {
                self.replace(&mut worker, fault);
                continue;
            }
            if self.in_flight.is_empty() {
                if !self.queue_open && self.held.is_empty() {
                    break; // the pool was dropped and everything is answered
                }
                // Idle: a worker that died while idle is replaced now, not blamed later.
                if w.readable(Duration::ZERO).unwrap_or(true) {
                    self.replace(&mut worker, Fault::Died);
                }
                continue;
            }
            if let Err(fault) = self.wait_for_reply(w) {
                self.replace(&mut worker, fault);
            }
        }
        if let Some(w) = worker {
            w.stop(self.slot, self.shared, Duration::from_secs(5));
        }
    }

    /// Sends queued jobs until [`PIPELINE`] are in flight (only small ones behind another).
    fn top_up(&mut self, w: &mut Worker) -> Result<(), Fault> {
        while self.in_flight.len() < PIPELINE {
            let Some(job) = self.next_job() else { break };
            if job.cancelled.load(Ordering::SeqCst) {
                let task = job.task.clone();
                job.finish(Err(PoolError::Cancelled { task }));
                continue;
            }
            if self.shared.closing.load(Ordering::SeqCst) {
                let task = job.task.clone();
                job.finish(Err(PoolError::Unavailable {
                    task,
                    message: "the pool was terminated".into(),
                }));
                continue;
            }
            if !self.in_flight.is_empty() && job.frame.len() > PIPELINE_MAX_BYTES {
                self.held.push_front(job); // big: sent when the worker is free
                break;
            }
            let sent = w.sock.write_all(&job.frame);
            self.in_flight.push_back(InFlight {
                job,
                started: None,
                answered: false,
            });
            if sent.is_err() {
                return Err(Fault::Died); // never reached: retried on the replacement
            }
            if self
                .in_flight
                .back()
                .is_some_and(|f| f.job.frame.len() > PIPELINE_MAX_BYTES)
            {
                break; // nothing goes behind a big request
            }
        }
        Ok(())
    }

    /// The next job: a held one first, else from the pool's queue. Blocks (a few ticks) only
    /// when nothing is in flight; with a request running, takes a job only if one is ready
    /// and no idle driver is already waiting for it.
    fn next_job(&mut self) -> Option<Job> {
        if let Some(front) = self.held.front() {
            if !self.in_flight.is_empty() && front.frame.len() > PIPELINE_MAX_BYTES {
                return None;
            }
            return self.held.pop_front();
        }
        if !self.queue_open {
            return None;
        }
        let next = if self.in_flight.is_empty() {
            lock(self.jobs).recv_timeout(TICK * 5)
        } else if self.last_took > PIPELINE_BELOW {
            return None; // long requests: leave the next one to whichever worker is free
        } else {
            match self.jobs.try_lock() {
                Ok(rx) => rx.try_recv().map_err(|e| match e {
                    mpsc::TryRecvError::Empty => mpsc::RecvTimeoutError::Timeout,
                    mpsc::TryRecvError::Disconnected => mpsc::RecvTimeoutError::Disconnected,
                }),
                Err(_) => return None, // an idle driver is waiting: let it take the job
            }
        };
        match next {
            Ok(job) => Some(job),
            Err(mpsc::RecvTimeoutError::Timeout) => None,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.queue_open = false;
                None
            }
        }
    }

    /// Waits (one tick at most) for the oldest request's reply and handles it.
    fn wait_for_reply(&mut self, w: &mut Worker) -> Result<(), Fault> {
        // A request cancelled while it waits behind the running one is answered now (it is
        // already in the worker's socket: when its turn comes, the worker is stopped).
        for f in self.in_flight.iter_mut().skip(1) {
            if f.started.is_none() && !f.answered && f.job.cancelled.load(Ordering::SeqCst) {
                let task = f.job.task.clone();
                let _ = f.job.reply.send(Err(PoolError::Cancelled { task }));
                f.answered = true;
            }
        }
        let Some(oldest) = self.in_flight.front() else {
            return Ok(());
        };
        if oldest.job.cancelled.load(Ordering::SeqCst) {
            return Err(Fault::Cancelled);
        }
        let now = Instant::now();
        let wait = match oldest.deadline() {
            Some(d) if d <= now => return Err(Fault::Timeout),
            Some(d) => (d - now).min(TICK),
            None => TICK,
        };
        if !w.readable(wait).map_err(|_| Fault::Died)? {
            return Ok(()); // nothing yet: look at the flags again
        }
        match frame::read_frame_opt::<_, Reply>(&mut w.sock) {
            Ok(None) => Err(Fault::Died),
            Err(FrameError::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {
                Err(Fault::Died)
            }
            Err(FrameError::Truncated { .. }) if !is_alive(w) => Err(Fault::Died),
            Err(e) => Err(Fault::Protocol(e)),
            Ok(Some(Reply::Started)) => {
                match self.in_flight.iter_mut().find(|f| f.started.is_none()) {
                    Some(f) => {
                        f.started = Some(Instant::now());
                        Ok(())
                    }
                    None => Err(Fault::Protocol(unexpected("Started"))),
                }
            }
            Ok(Some(Reply::Finished(outcomes))) => {
                let Some(done) = self.in_flight.pop_front() else {
                    return Err(Fault::Protocol(unexpected("Finished")));
                };
                if done.started.is_none() || outcomes.len() != done.job.items {
                    let fault = Fault::Protocol(unexpected("Finished"));
                    self.in_flight.push_front(done);
                    return Err(fault);
                }
                self.last_took = done.started.map_or(Duration::ZERO, |t| t.elapsed());
                if done.job.cancelled.load(Ordering::SeqCst) {
                    let task = done.job.task.clone();
                    done.job.finish(Err(PoolError::Cancelled { task }));
                } else {
                    done.job.finish(Ok(outcomes));
                }
                Ok(())
            }
        }
    }

    /// Kills and reaps the worker, answers the request it was running (if any) with the
    /// precise error, queues the ones it never started for the replacement, and starts it.
    fn replace(&mut self, worker: &mut Option<Worker>, fault: Fault) {
        let Some(w) = worker.take() else { return };
        let pid = w.pid();
        let status = w.kill(self.slot, self.shared);
        for f in std::mem::take(&mut self.in_flight) {
            let task = f.job.task.clone();
            if f.answered {
                continue; // cancelled while queued: already answered
            }
            if f.started.is_none() {
                // It never reached the worker: not blamed, retried once.
                if f.job.retried {
                    f.job.finish(Err(PoolError::WorkerDied {
                        task,
                        pid,
                        status: format!("{status}, before the task started (already retried once)"),
                    }));
                } else {
                    let mut job = f.job;
                    job.retried = true;
                    self.held.push_back(job);
                }
                continue;
            }
            let timeout = f.job.timeout.unwrap_or_default();
            let error = match &fault {
                Fault::Died => PoolError::WorkerDied {
                    task,
                    pid,
                    status: status.clone(),
                },
                Fault::Protocol(e) => PoolError::Protocol {
                    task,
                    pid,
                    source: clone_frame_error(e),
                },
                Fault::Timeout => PoolError::Timeout {
                    task,
                    timeout,
                    killed_worker: Some(pid),
                },
                Fault::Cancelled => PoolError::Cancelled { task },
            };
            f.job.finish(Err(error));
        }
        self.restart(worker);
    }

    /// Starts a replacement unless the pool is closing; returns false when the driver should
    /// stop (closing, and nothing left to answer).
    fn restart(&mut self, worker: &mut Option<Worker>) -> bool {
        if self.shared.closing.load(Ordering::SeqCst) {
            for job in self.held.drain(..) {
                let task = job.task.clone();
                job.finish(Err(PoolError::Unavailable {
                    task,
                    message: "the pool was terminated".into(),
                }));
            }
            // Keep answering queued jobs with "terminated" until the pool is dropped.
            return self.drain_closed();
        }
        match Worker::start(self.program, self.slot, self.shared) {
            Ok(w) => {
                *worker = Some(w);
                true
            }
            Err(e) => {
                let message = format!("cannot restart a worker: {e}");
                let retry: Vec<Job> = self.held.drain(..).collect();
                for job in retry.into_iter().chain(self.next_job()) {
                    let task = job.task.clone();
                    job.finish(Err(PoolError::Unavailable {
                        task,
                        message: message.clone(),
                    }));
                }
                self.queue_open
            }
        }
    }

    /// After `terminate`: answer every queued job at once, until the pool is dropped.
    fn drain_closed(&mut self) -> bool {
        if let Some(job) = self.next_job() {
            let task = job.task.clone();
            job.finish(Err(PoolError::Unavailable {
                task,
                message: "the pool was terminated".into(),
            }));
        }
        self.queue_open
    }
}

fn is_alive(w: &Worker) -> bool {
    crate::spawn::is_alive(w.pid())
}

fn unexpected(what: &str) -> FrameError {
    FrameError::Io(io::Error::new(
        io::ErrorKind::InvalidData,
        format!("unexpected {what} reply"),
    ))
}

/// `FrameError` holds an `io::Error`, which is not `Clone`; every in-flight request of an
/// out-of-step worker gets its own copy of the message.
fn clone_frame_error(e: &FrameError) -> FrameError {
    match e {
        FrameError::TooLarge { len, max } => FrameError::TooLarge {
            len: *len,
            max: *max,
        },
        FrameError::Truncated { expected, got } => FrameError::Truncated {
            expected: *expected,
            got: *got,
        },
        FrameError::WrongType { expected, got } => FrameError::WrongType {
            expected,
            got: *got,
        },
        other => FrameError::Io(io::Error::new(
            io::ErrorKind::InvalidData,
            other.to_string(),
        )),
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
