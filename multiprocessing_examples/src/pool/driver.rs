//! The parent's side of one worker: a *driver thread* that sends requests (up to [`PIPELINE`]
//! at a time), reads the replies, watches the running task's deadline and cancel flag, and
//! kills, reaps and replaces its worker when anything goes wrong.

use super::*;

/// How many requests one worker may have in flight: while it runs one, the next waits in its
/// socket, so the worker never idles between two requests.
pub(super) const PIPELINE: usize = 2;
/// Only requests this small are queued behind a running one (both fit in the socket buffer,
/// so the driver never blocks writing while the worker blocks writing its reply).
pub(super) const PIPELINE_MAX_BYTES: usize = 32 << 10;
/// A second request is queued behind the running one only while requests are this short:
/// then the hand-off between them matters; for long ones it would only take work away from
/// an idle worker at the end of a `map`.
pub(super) const PIPELINE_BELOW: Duration = Duration::from_millis(2);
/// How often a waiting driver looks at cancel flags and idle workers.
pub(super) const TICK: Duration = Duration::from_millis(20);
/// A frame that has started to arrive must be complete within this time.
pub(super) const FRAME_STALL: Duration = Duration::from_secs(5);

pub(super) type ReplyTx = mpsc::Sender<Result<Vec<Outcome>, PoolError>>;

/// A request waiting for (or being served by) a worker.
pub(super) struct Job {
    pub(super) task: String,
    /// The whole frame, encoded (and size-checked) by the caller.
    pub(super) frame: Vec<u8>,
    pub(super) items: usize,
    /// Per item; a chunk of `k` items gets `k ×` this.
    pub(super) timeout: Option<Duration>,
    pub(super) cancelled: Arc<AtomicBool>,
    pub(super) reply: ReplyTx,
    /// Sent once to a worker that died before taking it.
    pub(super) retried: bool,
}

impl Job {
    fn finish(self, result: Result<Vec<Outcome>, PoolError>) {
        let _ = self.reply.send(result); // the caller may have dropped its handle: fine
    }
}

pub(super) struct Shared {
    /// The pid of the worker each driver currently owns (None while restarting).
    pub(super) pids: Mutex<Vec<Option<u32>>>,
    pub(super) closing: AtomicBool,
}

pub(super) fn kill_all(shared: &Shared) {
    // Under the lock, a listed pid is our child and not yet reaped (drivers clear the entry
    // under the same lock before they wait), so the pid cannot have been reused.
    let pids = lock(&shared.pids);
    for pid in pids.iter().flatten() {
        kill_pid(*pid);
    }
}

pub(super) fn kill_pid(pid: u32) {
    if let Ok(pid) = i32::try_from(pid) {
        let _ = nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::SIGKILL);
    }
}

pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(super) struct Worker {
    child: Child,
    sock: UnixStream,
}

impl Worker {
    /// Starts a worker for `slot` and lists its pid.
    pub(super) fn start(
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
pub(super) struct InFlight {
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
pub(super) enum Fault {
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
pub(super) struct Driver<'a> {
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
    pub(super) fn new(
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

    pub(super) fn run(mut self, first: Worker) {
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

pub(super) fn is_alive(w: &Worker) -> bool {
    crate::spawn::is_alive(w.pid())
}

pub(super) fn unexpected(what: &str) -> FrameError {
    FrameError::Io(io::Error::new(
        io::ErrorKind::InvalidData,
        format!("unexpected {what} reply"),
    ))
}

/// `FrameError` holds an `io::Error`, which is not `Clone`; every in-flight request of an
/// out-of-step worker gets its own copy of the message.
pub(super) fn clone_frame_error(e: &FrameError) -> FrameError {
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
