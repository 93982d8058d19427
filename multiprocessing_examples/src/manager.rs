//! A manager: a real server process that owns a dict and a list; other processes change them
//! by sending requests over a Unix socket (`multiprocessing.Manager()`).
//!
//! ```no_run
//! use multiprocessing_examples::manager::{self, Manager, ManagerClient, Value};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     manager::serve_if_manager(); // FIRST line: the manager process serves here and exits
//!
//!     let mgr = Manager::start()?; // spawns the server process
//!     let mut client = mgr.client()?; // any process can connect with mgr.address()
//!     client.dict_set("counter", Value::Int(0))?;
//!     client.dict_incr("counter", 1)?; // done *in the server*: no lost update
//!     client.list_append(Value::from("data"))?;
//!     println!("{}", manager::format_dict(&client.dict()?)); // {'counter': 1}
//!     Ok(())
//! } // Drop: the server is told to stop, reaped, and its socket file removed
//! ```
//!
//! Every request and reply is one [`crate::frame`]: bincode decoded with a size limit, so a
//! misbehaving client cannot make the server allocate without bound.
//!
//! The server does not trust its clients ([`ManagerLimits`]): a request may be at most
//! `max_request` bytes, must arrive whole within `read_timeout` once it has started (a client
//! that announces a big request and stalls is dropped), a connection silent for `idle_timeout`
//! between requests is closed, at most `max_clients` connections are served at once (when all
//! are taken, a newcomer takes the slot of the longest-idle one, so silent peers cannot lock a
//! real client out), integer updates are checked for overflow, and only the owner (who holds a
//! random token given at start) can shut the server down. A [`ManagerClient`] whose idle
//! connection was closed reconnects by itself. If the owner process dies, the server removes
//! its socket file and exits at once. Each request is a round
//! trip through the kernel and a context switch; that is why a manager costs far more per
//! update than an atomic in shared memory (`p15` prints both).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::frame::{self, FrameError};
use crate::spawn::{Reaped, SelfCommand, child_role, inherited_fd};

/// The role of the manager server process.
pub const MANAGER_ROLE: &str = "__course_manager";

/// The environment variable that carries the owner's shutdown token to the server (the
/// environment of a process is readable only by its user, unlike its command line).
const TOKEN_ENV: &str = "COURSE_MANAGER_TOKEN";

/// What the server accepts from its clients. Defaults: 1 MiB per request, 10 s to send a
/// request once started, 60 s of silence between requests, 32 clients at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagerLimits {
    /// Largest request frame accepted (bigger ones get an error and the connection closes).
    pub max_request: usize,
    /// Time a client has to send the rest of a request once its first byte arrived.
    pub read_timeout: Duration,
    /// Time a connection may stay silent between two requests (or before its first): then
    /// the server closes it, and a [`ManagerClient`] reconnects on its next call.
    pub idle_timeout: Duration,
    /// Connections served at once. A newcomer over the cap takes the slot of the connection
    /// idle the longest; only when every slot is in the middle of a request (each bounded by
    /// `read_timeout`) is it answered with an error and closed.
    pub max_clients: usize,
}

impl Default for ManagerLimits {
    fn default() -> Self {
        Self {
            max_request: 1 << 20,
            read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
            max_clients: 32,
        }
    }
}

/// A value stored in the manager (a small subset of Python's objects).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A string.
    Str(String),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}

/// Formats like Python's `repr`: `1`, `2.5`, `True`, `'text'`.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v:?}"),
            Self::Bool(true) => f.write_str("True"),
            Self::Bool(false) => f.write_str("False"),
            Self::Str(s) => write!(f, "'{s}'"),
        }
    }
}

/// `{'a': 1, 'b': 'x'}` (keys in sorted order).
pub fn format_dict(d: &BTreeMap<String, Value>) -> String {
    let items: Vec<String> = d.iter().map(|(k, v)| format!("'{k}': {v}")).collect();
    format!("{{{}}}", items.join(", "))
}

/// `['a', 1]`.
pub fn format_list(l: &[Value]) -> String {
    let items: Vec<String> = l.iter().map(ToString::to_string).collect();
    format!("[{}]", items.join(", "))
}

#[derive(Debug, Serialize, Deserialize)]
enum Request {
    DictSet(String, Value),
    DictGet(String),
    /// Adds to an integer entry (missing = 0) inside the server: one atomic step.
    DictIncr(String, i64),
    Dict,
    ListAppend(Value),
    List,
    /// Stops the server; only with the owner's token.
    Shutdown(u64),
}

#[derive(Debug, Serialize, Deserialize)]
enum Response {
    Done,
    Value(Option<Value>),
    Int(i64),
    Dict(BTreeMap<String, Value>),
    List(Vec<Value>),
    Error(String),
    /// Sent instead of an answer when the server closes an idle connection (its deadline
    /// passed, or a new client needed its slot): the request, if one was on its way, was not
    /// carried out, so the client may send it again on a new connection.
    Closed(String),
}

#[derive(Debug, Default)]
struct State {
    dict: BTreeMap<String, Value>,
    list: Vec<Value>,
}

/// Call first thing in `main`: in the manager process it serves until told to stop, then exits
/// the process; elsewhere it returns at once.
pub fn serve_if_manager() {
    let Some(role) = child_role() else { return };
    if role.name != MANAGER_ROLE {
        return;
    }
    let code = match serve(&role) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("manager {}: {e}", std::process::id());
            1
        }
    };
    std::process::exit(code);
}

/// What the server needs to know, from its command line and environment.
struct Config {
    owner: nix::unistd::Pid,
    path: PathBuf,
    limits: ManagerLimits,
    token: u64,
}

impl Config {
    fn from_role(role: &crate::spawn::Role) -> io::Result<Self> {
        let token = std::env::var(TOKEN_ENV)
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| io::Error::other("no shutdown token"))?;
        Ok(Self {
            owner: nix::unistd::Pid::from_raw(role.parse_arg(0)?),
            path: PathBuf::from(role.args.get(1).cloned().unwrap_or_default()),
            limits: ManagerLimits {
                max_request: role.parse_arg(2)?,
                read_timeout: Duration::from_millis(role.parse_arg(3)?),
                max_clients: role.parse_arg(4)?,
                idle_timeout: Duration::from_millis(role.parse_arg(5)?),
            },
            token,
        })
    }
}

fn serve(role: &crate::spawn::Role) -> io::Result<()> {
    let config = Arc::new(Config::from_role(role)?);
    // The parent bound the socket and passed us the listening descriptor: no start-up race.
    let listener = UnixListener::from(inherited_fd(0)?);
    watch_owner(config.owner, config.path.clone());
    let state = Arc::new(Mutex::new(State::default()));
    let clients = Arc::new(Mutex::new(Clients::default()));
    for conn in listener.incoming() {
        let Ok(mut conn) = conn else { continue };
        // The connection cap: each client costs a thread and a request buffer.
        let admitted = lock(&clients).admit(&conn, config.limits.max_clients);
        let Some(id) = admitted else {
            let _ = conn.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = frame::write_frame(&mut conn, &Response::Error("too many clients".into()));
            continue;
        };
        let (state, clients, config) = (
            Arc::clone(&state),
            Arc::clone(&clients),
            Arc::clone(&config),
        );
        // One thread per connected process; the Mutex makes each request atomic.
        std::thread::spawn(move || {
            let flow = handle(conn, id, &state, &clients, &config);
            lock(&clients).slots.remove(&id);
            if flow == Flow::Stop {
                let _ = std::fs::remove_file(&config.path);
                std::process::exit(0);
            }
        });
    }
    Ok(())
}

/// If the owner dies without stopping us (SIGKILL, abort), nobody will ever send `Shutdown`:
/// remove the socket file and leave at once instead of lingering as an orphan.
///
/// Why not `PR_SET_PDEATHSIG`, as the pool's workers use? That signal follows the *thread*
/// that started us, not the owner process: `Manager::start` may be called on a short-lived
/// thread (a scoped thread, a request handler), and we would die with that thread while the
/// owner lives on. (The pool is safe there: its workers are started by driver threads that
/// live as long as the pool.) And a SIGKILL would leave no chance to remove the socket file.
/// Instead one thread holds a *pidfd* of the owner (Linux 5.3+) and sleeps in `poll` until it
/// becomes readable, which happens the moment the owner process ends, whichever thread
/// started us: no periodic wake-up, no delay. On an older kernel it falls back to comparing
/// `getppid()` with the owner every 50 ms (re-parenting changes it).
fn watch_owner(owner: nix::unistd::Pid, path: PathBuf) {
    let leave = move || -> ! {
        let _ = std::fs::remove_file(&path);
        std::process::exit(0)
    };
    let pidfd = pidfd_open(owner);
    // The owner's pid comes from the command line, not from our first getppid(): the owner
    // may already be gone by now. Checked *after* pidfd_open, so that if the owner is still
    // our parent, the pidfd is the owner's (a pid cannot be reused while its process lives).
    if nix::unistd::getppid() != owner {
        leave();
    }
    std::thread::spawn(move || {
        if let Ok(pidfd) = &pidfd
            && wait_readable(pidfd, None).is_ok()
        {
            leave(); // readable: the owner process has ended
        }
        loop {
            if nix::unistd::getppid() != owner {
                leave();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
}

/// A pidfd for `pid`: a descriptor that `poll` reports readable once that process has ended.
fn pidfd_open(pid: nix::unistd::Pid) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and a flags word (0) and returns a new descriptor or -1;
    // it touches no memory of ours.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid.as_raw(), 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::try_from(fd).map_err(io::Error::other)?;
    // SAFETY: `fd` was just returned by the kernel, is open, and nothing else owns it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The connections being served, for the cap of `max_clients`.
#[derive(Default)]
struct Clients {
    next_id: u64,
    slots: HashMap<u64, Slot>,
}

struct Slot {
    /// A second handle on the connection: shutting down its read side wakes the thread that
    /// serves it, when its slot is given to a newcomer.
    conn: UnixStream,
    /// Since when it has been waiting for a request; `None` while one is read or served.
    idle_since: Option<Instant>,
    /// Its slot was given to a newcomer: it closes as soon as its thread wakes.
    evicted: bool,
}

impl Clients {
    /// Gives `conn` a slot; when all are taken, it takes the slot of the connection that has
    /// been idle the longest (silent peers cannot lock real clients out). `None` when every
    /// slot is in the middle of a request (or has one waiting to be read).
    fn admit(&mut self, conn: &UnixStream, max_clients: usize) -> Option<u64> {
        let live = self.slots.values().filter(|s| !s.evicted).count();
        if live >= max_clients {
            let oldest = self
                .slots
                .values_mut()
                .filter(|s| !s.evicted)
                .filter(|s| !matches!(wait_readable(&s.conn, Some(Duration::ZERO)), Ok(true)))
                .filter_map(|s| Some((s.idle_since?, s)))
                .min_by_key(|(since, _)| *since)?
                .1;
            oldest.evicted = true;
            let _ = oldest.conn.shutdown(std::net::Shutdown::Read);
        }
        let slot = Slot {
            conn: conn.try_clone().ok()?,
            idle_since: Some(Instant::now()),
            evicted: false,
        };
        self.next_id += 1;
        self.slots.insert(self.next_id, slot);
        Some(self.next_id)
    }
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Stop,
}

fn handle(
    mut conn: UnixStream,
    id: u64,
    state: &Mutex<State>,
    clients: &Mutex<Clients>,
    config: &Config,
) -> Flow {
    let _ = conn.set_write_timeout(Some(config.limits.read_timeout));
    loop {
        // Between requests a client may stay silent up to `idle_timeout`, and only while no
        // newcomer needs its slot; once a request starts, all of it must arrive in time.
        let ready = wait_readable(&conn, Some(config.limits.idle_timeout));
        let closing = {
            let mut table = lock(clients);
            match table.slots.get_mut(&id) {
                Some(slot) if slot.evicted => Some("its slot was given to a new client"),
                Some(_) if !matches!(ready, Ok(true)) => Some("it was idle for too long"),
                Some(slot) => {
                    slot.idle_since = None; // busy: no longer evictable
                    None
                }
                None => Some("the server lost track of it"),
            }
        };
        if let Some(why) = closing {
            let notice = format!("the manager closed this idle connection: {why}");
            let _ = frame::write_frame(&mut conn, &Response::Closed(notice));
            return Flow::Continue;
        }
        let mut reader = Deadline {
            conn: &conn,
            until: Instant::now() + config.limits.read_timeout,
        };
        let req: Request = match frame::read_frame_limited(&mut reader, config.limits.max_request) {
            Ok(Some(r)) => r,
            Ok(None) => return Flow::Continue, // client closed
            Err(e) => {
                // A bad, oversized or stalled request: answer with an error and drop the
                // client; the server and other clients carry on.
                let _ = frame::write_frame(&mut conn, &Response::Error(e.to_string()));
                return Flow::Continue;
            }
        };
        if let Request::Shutdown(token) = req {
            if token == config.token {
                let _ = frame::write_frame(&mut conn, &Response::Done);
                return Flow::Stop;
            }
            let refused =
                Response::Error("shutdown refused: only the owner can stop the manager".into());
            let _ = frame::write_frame(&mut conn, &refused);
            return Flow::Continue;
        }
        let resp = apply(&mut lock(state), req);
        if frame::write_frame(&mut conn, &resp).is_err() {
            return Flow::Continue;
        }
        if let Some(slot) = lock(clients).slots.get_mut(&id) {
            slot.idle_since = Some(Instant::now());
        }
    }
}

/// Waits until `fd` has something to read (or is closed): `Ok(true)`; `Ok(false)` when
/// `timeout` passed first (`None`: no limit).
fn wait_readable(fd: &impl AsRawFd, timeout: Option<Duration>) -> io::Result<bool> {
    let until = timeout.map(|t| Instant::now() + t);
    let mut fds = [libc::pollfd {
        fd: fd.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    }];
    loop {
        // Rounded up: a deadline never fires early.
        let ms = until.map_or(-1, |u| {
            let left = u.saturating_duration_since(Instant::now()).as_nanos();
            libc::c_int::try_from(left.div_ceil(1_000_000)).unwrap_or(libc::c_int::MAX)
        });
        // SAFETY: `fds` is a valid array of one pollfd that outlives the call, and its length
        // is passed with it; poll only writes `revents`.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), 1, ms) };
        match rc {
            0 if until.is_some_and(|u| Instant::now() < u) => {} // woke a little early
            0 => return Ok(false),
            n if n > 0 => return Ok(true),
            _ => {
                let e = io::Error::last_os_error();
                if e.kind() != io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

/// A reader with one deadline for a whole request: each read may wait only for what is left.
struct Deadline<'a> {
    conn: &'a UnixStream,
    until: Instant,
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the request did not arrive in time",
            ));
        }
        self.conn.set_read_timeout(Some(left))?;
        let mut conn = self.conn;
        conn.read(buf)
    }
}

fn apply(s: &mut State, req: Request) -> Response {
    match req {
        Request::DictSet(k, v) => {
            s.dict.insert(k, v);
            Response::Done
        }
        Request::DictGet(k) => Response::Value(s.dict.get(&k).cloned()),
        Request::DictIncr(k, by) => {
            let entry = s.dict.entry(k).or_insert(Value::Int(0));
            match entry {
                Value::Int(v) => match v.checked_add(by) {
                    Some(sum) => {
                        *v = sum;
                        Response::Int(sum)
                    }
                    None => Response::Error(format!("integer overflow: {v} + {by}")),
                },
                other => Response::Error(format!("cannot add to {other}")),
            }
        }
        Request::Dict => Response::Dict(s.dict.clone()),
        Request::ListAppend(v) => {
            s.list.push(v);
            Response::Done
        }
        Request::List => Response::List(s.list.clone()),
        Request::Shutdown(_) => Response::Error("shutdown is handled by the server".into()),
    }
}

/// The running manager server (owned by the process that started it).
#[derive(Debug)]
pub struct Manager {
    server: Option<Reaped>,
    path: PathBuf,
    token: u64,
}

impl Manager {
    /// Binds a fresh Unix socket and starts the server process (a re-execution of the current
    /// binary, which must call [`serve_if_manager`] first thing in `main`).
    ///
    /// # Errors
    /// When the socket cannot be bound or the process cannot be started, or when called
    /// inside a pool worker or a manager (a missing role check at the top of `main`).
    pub fn start() -> io::Result<Self> {
        Self::start_with(ManagerLimits::default())
    }

    /// [`Manager::start`] with explicit [`ManagerLimits`].
    ///
    /// # Errors
    /// See [`Manager::start`].
    pub fn start_with(limits: ManagerLimits) -> io::Result<Self> {
        crate::pool::refuse_inside_a_worker().map_err(io::Error::other)?;
        static N: AtomicU32 = AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "course-manager-{}-{}.sock",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&path); // a leftover from a crashed run with our pid
        let listener = UnixListener::bind(&path)?;
        let token = random_token()?;
        let spawned = SelfCommand::new(MANAGER_ROLE)
            .arg(std::process::id().to_string())
            .arg(&path)
            .arg(limits.max_request.to_string())
            .arg(limits.read_timeout.as_millis().to_string())
            .arg(limits.max_clients.to_string())
            .arg(limits.idle_timeout.as_millis().to_string())
            .env(TOKEN_ENV, token.to_string())
            .pass_fd(&listener)
            .and_then(SelfCommand::spawn);
        drop(listener); // the server has its own copy
        match spawned {
            Ok(child) => Ok(Self {
                server: Some(Reaped::new(child)),
                path,
                token,
            }),
            Err(e) => {
                let _ = std::fs::remove_file(&path);
                Err(e)
            }
        }
    }

    /// The socket path other processes connect to ([`ManagerClient::connect`]).
    pub fn address(&self) -> &Path {
        &self.path
    }

    /// The server's pid.
    pub fn pid(&self) -> u32 {
        self.server.as_ref().map_or(0, Reaped::id)
    }

    /// A client connected to this manager.
    ///
    /// # Errors
    /// When connecting fails.
    pub fn client(&self) -> io::Result<ManagerClient> {
        ManagerClient::connect(&self.path)
    }
}

impl Drop for Manager {
    fn drop(&mut self) {
        if let Ok(mut c) = ManagerClient::connect(&self.path) {
            let _ = c.call(&Request::Shutdown(self.token));
        }
        if let Some(server) = self.server.take() {
            let _ = server.wait_or_kill(Duration::from_secs(5));
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// 8 random bytes from the kernel: the owner's shutdown token.
fn random_token() -> io::Result<u64> {
    let mut bytes = [0u8; 8];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    Ok(u64::from_le_bytes(bytes))
}

/// A connection to a manager: the dict and list proxies (`manager.dict()`, `manager.list()`).
///
/// If the server closed the connection while it was idle (see [`ManagerLimits::idle_timeout`]),
/// the next call reconnects once and sends its request again: the server had not carried it
/// out.
#[derive(Debug)]
pub struct ManagerClient {
    conn: UnixStream,
    path: PathBuf,
}

impl ManagerClient {
    /// Connects to the manager listening at `path`.
    ///
    /// # Errors
    /// When nothing listens there.
    pub fn connect(path: impl AsRef<Path>) -> io::Result<Self> {
        let path = path.as_ref().to_path_buf();
        Ok(Self {
            conn: Self::open(&path)?,
            path,
        })
    }

    fn open(path: &Path) -> io::Result<UnixStream> {
        let conn = UnixStream::connect(path)?;
        conn.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(conn)
    }

    fn call(&mut self, req: &Request) -> Result<Response, FrameError> {
        match self.try_call(req)? {
            Some(r) => Ok(r),
            None => {
                // Our idle connection was closed before the request reached the server.
                self.conn = Self::open(&self.path)?;
                self.try_call(req)?.ok_or(FrameError::Closed)
            }
        }
    }

    /// One request and its reply; `None` when the server had closed this connection for
    /// idleness, so that the request was certainly not carried out.
    fn try_call(&mut self, req: &Request) -> Result<Option<Response>, FrameError> {
        match frame::write_frame(&mut self.conn, req) {
            // A write fails only when the server no longer reads this connection: the frame
            // did not arrive whole, and a partial request is never applied.
            Err(FrameError::Io(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) =>
            {
                return Ok(None);
            }
            other => other?,
        }
        match frame::read_frame(&mut self.conn)? {
            Response::Closed(_) => Ok(None),
            Response::Error(e) => Err(FrameError::Io(io::Error::other(e))),
            r => Ok(Some(r)),
        }
    }

    /// `d[key] = value`.
    ///
    /// # Errors
    /// When the manager cannot be reached.
    pub fn dict_set(&mut self, key: &str, value: Value) -> Result<(), FrameError> {
        self.call(&Request::DictSet(key.to_owned(), value))
            .map(drop)
    }

    /// `d.get(key)`.
    ///
    /// # Errors
    /// When the manager cannot be reached.
    pub fn dict_get(&mut self, key: &str) -> Result<Option<Value>, FrameError> {
        match self.call(&Request::DictGet(key.to_owned()))? {
            Response::Value(v) => Ok(v),
            other => Err(unexpected(&other)),
        }
    }

    /// `d[key] += by`, done atomically inside the server; returns the new value.
    ///
    /// # Errors
    /// When the manager cannot be reached or the entry is not an integer.
    pub fn dict_incr(&mut self, key: &str, by: i64) -> Result<i64, FrameError> {
        match self.call(&Request::DictIncr(key.to_owned(), by))? {
            Response::Int(v) => Ok(v),
            other => Err(unexpected(&other)),
        }
    }

    /// A copy of the whole dict.
    ///
    /// # Errors
    /// When the manager cannot be reached.
    pub fn dict(&mut self) -> Result<BTreeMap<String, Value>, FrameError> {
        match self.call(&Request::Dict)? {
            Response::Dict(d) => Ok(d),
            other => Err(unexpected(&other)),
        }
    }

    /// `l.append(value)`.
    ///
    /// # Errors
    /// When the manager cannot be reached.
    pub fn list_append(&mut self, value: Value) -> Result<(), FrameError> {
        self.call(&Request::ListAppend(value)).map(drop)
    }

    /// A copy of the whole list.
    ///
    /// # Errors
    /// When the manager cannot be reached.
    pub fn list(&mut self) -> Result<Vec<Value>, FrameError> {
        match self.call(&Request::List)? {
            Response::List(l) => Ok(l),
            other => Err(unexpected(&other)),
        }
    }
}

fn unexpected(r: &Response) -> FrameError {
    FrameError::Io(io::Error::other(format!(
        "unexpected reply from the manager: {r:?}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_like_formatting() {
        let mut d = BTreeMap::new();
        d.insert("counter".to_owned(), Value::Int(1));
        d.insert("new_key".to_owned(), Value::from("added by child"));
        assert_eq!(
            format_dict(&d),
            "{'counter': 1, 'new_key': 'added by child'}"
        );
        assert_eq!(format_list(&[Value::from("data")]), "['data']");
        assert_eq!(Value::Bool(true).to_string(), "True");
        assert_eq!(Value::Float(2.0).to_string(), "2.0");
    }

    #[test]
    fn requests_apply_to_state() {
        let mut s = State::default();
        assert!(matches!(
            apply(&mut s, Request::DictIncr("c".into(), 2)),
            Response::Int(2)
        ));
        assert!(matches!(
            apply(&mut s, Request::DictIncr("c".into(), 3)),
            Response::Int(5)
        ));
        apply(&mut s, Request::DictSet("s".into(), Value::from("x")));
        assert!(matches!(
            apply(&mut s, Request::DictIncr("s".into(), 1)),
            Response::Error(_)
        ));
        apply(&mut s, Request::ListAppend(Value::Int(7)));
        assert_eq!(s.list, [Value::Int(7)]);
        apply(&mut s, Request::DictSet("m".into(), Value::Int(i64::MAX)));
        assert!(matches!(
            apply(&mut s, Request::DictIncr("m".into(), 1)),
            Response::Error(ref e) if e.contains("overflow")
        ));
        assert_eq!(s.dict["m"], Value::Int(i64::MAX));
    }
}
