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
//! and decodes with bincode 1 (no size limit to set). Here the whole mechanism is ~400 lines a
//! learner can read: a socket pair per worker, one [`crate::frame`] per request and per reply,
//! and a table of plain functions that both sides know by name, which is exactly what pickle does
//! with a function (it sends the qualified name, never the code).
//!
//! Guarantees (each one has a test in `tests/pool.rs`):
//! - results of [`ProcessPool::map`] / [`ProcessPool::starmap`] come back in input order;
//! - a task that panics is [`PoolError::TaskPanicked`]; a worker that crashes or is killed
//!   mid-task is [`PoolError::WorkerDied`] naming the task, never a hang; the pool then starts
//!   a fresh worker in its place;
//! - dropping the pool reaps every worker (after `drop_timeout`, stragglers are killed).

use std::collections::HashMap;
use std::io;
use std::marker::PhantomData;
use std::os::unix::net::UnixStream;
use std::process::{Child, ExitStatus};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::frame::{self, FrameError};
use crate::spawn::{SelfCommand, child_role, inherited_fd, wait_or_kill};

/// The role a pool worker is started with (`<exe> --course-child-role __course_pool_worker`).
pub const WORKER_ROLE: &str = "__course_pool_worker";

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
    /// `get_timeout` expired; the task is still running and the handle can be asked again.
    #[error("task {task:?} did not finish within {timeout:?}")]
    Timeout {
        /// Task name.
        task: String,
        /// The timeout that expired.
        timeout: Duration,
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
    /// Starting the pool failed.
    #[error("cannot start the pool: {0}")]
    Io(#[from] io::Error),
}

#[derive(Debug, Serialize, Deserialize)]
struct Request {
    task: String,
    arg: Vec<u8>,
}

#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    Done(Vec<u8>),
    Panicked(String),
    Failed(String),
}

/// Call this first thing in `main`. In a pool worker it serves tasks until the pool closes its
/// socket, then exits the process; in any other process it returns at once.
pub fn serve_if_worker(tasks: &'static [Task]) {
    let Some(role) = child_role() else { return };
    if role.name != WORKER_ROLE {
        return;
    }
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
        let reply = match table.get(req.task.as_str()) {
            None => Reply::Failed(format!("unknown task {:?}", req.task)),
            Some(run) => match std::panic::catch_unwind(|| run(&req.arg)) {
                Ok(Ok(bytes)) => Reply::Done(bytes),
                Ok(Err(msg)) => Reply::Failed(msg),
                Err(payload) => Reply::Panicked(panic_message(payload.as_ref())),
            },
        };
        frame::write_frame(&mut sock, &reply)?;
    }
    Ok(()) // end-of-file: the pool is closing
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

type ReplyTx = mpsc::Sender<Result<Vec<u8>, PoolError>>;

struct Job {
    task: String,
    arg: Vec<u8>,
    reply: ReplyTx,
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
    /// When `n` is 0 or a worker cannot be started.
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
        };
        for slot in 0..n {
            // Start the first worker here, so a failure is reported by `new`.
            let worker = Worker::start(program.as_ref())?;
            lock(&pool.shared.pids)[slot] = Some(worker.child.id());
            let shared = Arc::clone(&pool.shared);
            let jobs = Arc::clone(&jobs_rx);
            let program = program.clone();
            let handle = std::thread::Builder::new()
                .name(format!("pool-driver-{slot}"))
                .spawn(move || drive(slot, worker, &shared, &jobs, program.as_ref()))?;
            pool.drivers.push(handle);
        }
        Ok(pool)
    }

    /// How long `Drop` lets running tasks finish before it kills the workers (default 10 s).
    #[must_use]
    pub fn drop_timeout(mut self, d: Duration) -> Self {
        self.drop_timeout = d;
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
    /// Unknown task, an argument that cannot be serialized, or a closing pool.
    pub fn apply_async<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        arg: A,
    ) -> Result<AsyncResult<R>, PoolError> {
        if !self.names.contains(&task) {
            return Err(PoolError::UnknownTask(task.to_owned()));
        }
        let bytes = frame::encode(&arg).map_err(|source| PoolError::Frame {
            task: task.to_owned(),
            source,
        })?;
        let (reply, rx) = mpsc::channel();
        let job = Job {
            task: task.to_owned(),
            arg: bytes,
            reply,
        };
        let sent = self.jobs.as_ref().is_some_and(|j| j.send(job).is_ok());
        if !sent {
            return Err(PoolError::Unavailable {
                task: task.to_owned(),
                message: "the pool is closed".into(),
            });
        }
        Ok(AsyncResult {
            rx,
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

    /// Runs `task` on every item, spread over the workers; results in input order.
    /// The first failure (in input order) is returned; every task still runs to the end.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn map<A: Serialize, R: DeserializeOwned>(
        &self,
        task: &str,
        items: impl IntoIterator<Item = A>,
    ) -> Result<Vec<R>, PoolError> {
        let handles = items
            .into_iter()
            .map(|a| self.apply_async::<A, R>(task, a))
            .collect::<Result<Vec<_>, _>>()?;
        // Wait for all of them before reporting, so no task is still running after we return.
        let results: Vec<Result<R, PoolError>> =
            handles.into_iter().map(AsyncResult::get).collect();
        results.into_iter().collect()
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
        if let Ok(pid) = i32::try_from(*pid) {
            let _ =
                nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
        }
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
    fn start(program: Option<&std::path::PathBuf>) -> io::Result<Self> {
        let (ours, theirs) = UnixStream::pair()?;
        let cmd = match program {
            Some(p) => SelfCommand::with_program(p.as_os_str(), WORKER_ROLE),
            None => SelfCommand::new(WORKER_ROLE),
        };
        let child = cmd.pass_fd(&theirs)?.spawn()?;
        drop(theirs); // only the worker holds its end: its death is our end-of-file
        Ok(Self { child, sock: ours })
    }

    /// Closes the socket (the worker exits at end-of-file) and reaps the process.
    fn stop(self, slot: usize, shared: &Shared, grace: Duration) -> io::Result<ExitStatus> {
        let Self { mut child, sock } = self;
        drop(sock);
        lock(&shared.pids)[slot] = None;
        wait_or_kill(&mut child, grace).map(|w| w.status())
    }
}

/// One driver thread per worker: take a job, send it, read the reply, hand it back.
fn drive(
    slot: usize,
    first: Worker,
    shared: &Shared,
    jobs: &Mutex<mpsc::Receiver<Job>>,
    program: Option<&std::path::PathBuf>,
) {
    let mut worker = Some(first);
    loop {
        // Holding the lock only while receiving: the next idle driver takes the next job.
        let job = lock(jobs).recv();
        let Ok(job) = job else { break }; // the pool was dropped
        if shared.closing.load(Ordering::SeqCst) {
            let _ = job.reply.send(Err(PoolError::Unavailable {
                task: job.task,
                message: "the pool was terminated".into(),
            }));
            continue;
        }
        if worker.is_none() {
            match Worker::start(program) {
                Ok(w) => {
                    lock(&shared.pids)[slot] = Some(w.child.id());
                    worker = Some(w);
                }
                Err(e) => {
                    let _ = job.reply.send(Err(PoolError::Unavailable {
                        task: job.task,
                        message: format!("cannot restart a worker: {e}"),
                    }));
                    continue;
                }
            }
        }
        let Some(w) = worker.as_mut() else { continue };
        let request = Request {
            task: job.task.clone(),
            arg: job.arg,
        };
        let outcome = frame::write_frame(&mut w.sock, &request)
            .and_then(|()| frame::read_frame::<_, Reply>(&mut w.sock));
        let result = match outcome {
            Ok(Reply::Done(bytes)) => Ok(bytes),
            Ok(Reply::Panicked(message)) => Err(PoolError::TaskPanicked {
                task: job.task,
                message,
            }),
            Ok(Reply::Failed(message)) => Err(PoolError::TaskFailed {
                task: job.task,
                message,
            }),
            Err(_) => {
                // The worker is gone (or sent garbage): reap it, report, replace it later.
                let Some(dead) = worker.take() else { continue };
                let pid = dead.child.id();
                let status = dead.stop(slot, shared, Duration::from_secs(5));
                Err(PoolError::WorkerDied {
                    task: job.task,
                    pid,
                    status: status.map_or_else(|e| e.to_string(), |s| s.to_string()),
                })
            }
        };
        let _ = job.reply.send(result); // the caller may have dropped its handle: fine
    }
    if let Some(w) = worker {
        let _ = w.stop(slot, shared, Duration::from_secs(5));
    }
}

/// The handle of a queued task: [`AsyncResult::get`] waits for the result
/// (`AsyncResult.get()` / `Future.result()`).
#[derive(Debug)]
pub struct AsyncResult<R> {
    rx: mpsc::Receiver<Result<Vec<u8>, PoolError>>,
    task: String,
    _r: PhantomData<fn() -> R>,
}

impl<R: DeserializeOwned> AsyncResult<R> {
    /// Waits for the result.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn get(self) -> Result<R, PoolError> {
        let msg = self.rx.recv().map_err(|_| self.lost())?;
        self.finish(msg)
    }

    /// Waits at most `timeout`. On [`PoolError::Timeout`] the task keeps running and the
    /// handle can be asked again.
    ///
    /// # Errors
    /// See [`PoolError`].
    pub fn get_timeout(&self, timeout: Duration) -> Result<R, PoolError> {
        match self.rx.recv_timeout(timeout) {
            Ok(msg) => self.finish(msg),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(PoolError::Timeout {
                task: self.task.clone(),
                timeout,
            }),
            Err(mpsc::RecvTimeoutError::Disconnected) => Err(self.lost()),
        }
    }

    /// The task's name.
    pub fn task(&self) -> &str {
        &self.task
    }

    fn lost(&self) -> PoolError {
        PoolError::Unavailable {
            task: self.task.clone(),
            message: "the pool dropped the task".into(),
        }
    }

    fn finish(&self, msg: Result<Vec<u8>, PoolError>) -> Result<R, PoolError> {
        let bytes = msg?;
        frame::decode(&bytes).map_err(|source| PoolError::Frame {
            task: self.task.clone(),
            source,
        })
    }
}
