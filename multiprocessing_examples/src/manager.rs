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
//! that announces a big request and stalls is dropped), at most `max_clients` connections are
//! served at once, integer updates are checked for overflow, and only the owner (who holds a
//! random token given at start) can shut the server down. If the owner dies, the server
//! removes its socket file and exits. Each request is a round
//! trip through the kernel and a context switch; that is why a manager costs far more per
//! update than an atomic in shared memory (`p15` prints both).

use std::collections::BTreeMap;
use std::fmt;
use std::io;
use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
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
/// request once started, 32 clients at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagerLimits {
    /// Largest request frame accepted (bigger ones get an error and the connection closes).
    pub max_request: usize,
    /// Time a client has to send the rest of a request once its first byte arrived.
    pub read_timeout: Duration,
    /// Connections served at once; more are answered with an error and closed.
    pub max_clients: usize,
}

impl Default for ManagerLimits {
    fn default() -> Self {
        Self {
            max_request: 1 << 20,
            read_timeout: Duration::from_secs(10),
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
            },
            token,
        })
    }
}

fn serve(role: &crate::spawn::Role) -> io::Result<()> {
    let config = Arc::new(Config::from_role(role)?);
    // The parent bound the socket and passed us the listening descriptor: no start-up race.
    let listener = UnixListener::from(inherited_fd(0)?);
    // If the owner dies without stopping us (SIGKILL, abort), we are re-parented: nobody will
    // ever send Shutdown, so remove the socket file and leave instead of lingering as an
    // orphan. (The owner's pid comes from the command line, not from our first getppid(): the
    // owner may already be gone by then.)
    let watched = Arc::clone(&config);
    std::thread::spawn(move || {
        loop {
            if nix::unistd::getppid() != watched.owner {
                let _ = std::fs::remove_file(&watched.path);
                std::process::exit(0);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    });
    let state = Arc::new(Mutex::new(State::default()));
    let clients = Arc::new(AtomicUsize::new(0));
    for conn in listener.incoming() {
        let Ok(mut conn) = conn else { continue };
        // A connection cap: each client costs a thread and a request buffer.
        if clients.fetch_add(1, Ordering::SeqCst) >= config.limits.max_clients {
            clients.fetch_sub(1, Ordering::SeqCst);
            let _ = conn.set_write_timeout(Some(Duration::from_millis(100)));
            let _ = frame::write_frame(&mut conn, &Response::Error("too many clients".into()));
            continue;
        }
        let (state, clients, config) = (
            Arc::clone(&state),
            Arc::clone(&clients),
            Arc::clone(&config),
        );
        // One thread per connected process; the Mutex makes each request atomic.
        std::thread::spawn(move || {
            let flow = handle(conn, &state, &config);
            clients.fetch_sub(1, Ordering::SeqCst);
            if flow == Flow::Stop {
                let _ = std::fs::remove_file(&config.path);
                std::process::exit(0);
            }
        });
    }
    Ok(())
}

#[derive(PartialEq)]
enum Flow {
    Continue,
    Stop,
}

fn handle(mut conn: UnixStream, state: &Mutex<State>, config: &Config) -> Flow {
    let _ = conn.set_write_timeout(Some(config.limits.read_timeout));
    loop {
        // Between requests a client may stay idle as long as it likes (it holds one of the
        // capped connections); once a request starts, all of it must arrive in time.
        if !wait_readable(&conn) {
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
        let resp = {
            let mut s = state
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            apply(&mut s, req)
        };
        if frame::write_frame(&mut conn, &resp).is_err() {
            return Flow::Continue;
        }
    }
}

/// Blocks until `conn` has something to read (or is closed); false on error.
fn wait_readable(conn: &UnixStream) -> bool {
    let mut fds = [libc::pollfd {
        fd: conn.as_raw_fd(),
        events: libc::POLLIN,
        revents: 0,
    }];
    loop {
        // SAFETY: `fds` is a valid array of one pollfd that outlives the call, and its length
        // is passed with it; poll only writes `revents`.
        let rc = unsafe { libc::poll(fds.as_mut_ptr(), 1, -1) };
        if rc > 0 {
            return true;
        }
        if rc < 0 && io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
            return false;
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
#[derive(Debug)]
pub struct ManagerClient {
    conn: UnixStream,
}

impl ManagerClient {
    /// Connects to the manager listening at `path`.
    ///
    /// # Errors
    /// When nothing listens there.
    pub fn connect(path: impl AsRef<Path>) -> io::Result<Self> {
        let conn = UnixStream::connect(path)?;
        conn.set_read_timeout(Some(Duration::from_secs(30)))?;
        Ok(Self { conn })
    }

    fn call(&mut self, req: &Request) -> Result<Response, FrameError> {
        frame::write_frame(&mut self.conn, req)?;
        match frame::read_frame(&mut self.conn)? {
            Response::Error(e) => Err(FrameError::Io(io::Error::other(e))),
            r => Ok(r),
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
