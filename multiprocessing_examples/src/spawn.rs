//! Spawn plumbing: a binary re-executes *itself* with a role, like Python's `spawn` start method.
//!
//! Python's `multiprocessing` (with `spawn`) starts a fresh interpreter, imports your module and
//! calls the target function; the `if __name__ == "__main__":` guard stops the child from running
//! the parent's code again. Rust has no import-time code, so the guard becomes one check at the
//! top of `main`:
//!
//! ```no_run
//! use multiprocessing_examples::spawn::{child_role, SelfCommand, wait_or_kill};
//! use std::time::Duration;
//!
//! fn main() -> std::io::Result<()> {
//!     if let Some(role) = child_role() {
//!         // We are a re-executed child: do the child's job, then leave.
//!         assert_eq!(role.name, "greeter");
//!         println!("hello from child, args {:?}", role.args);
//!         return Ok(());
//!     }
//!     // We are the parent.
//!     let mut child = SelfCommand::new("greeter").arg("x").spawn()?;
//!     let outcome = wait_or_kill(&mut child, Duration::from_secs(5))?; // always reaps
//!     assert!(outcome.status().success());
//!     Ok(())
//! }
//! ```
//!
//! The role travels in `argv` (`<exe> --course-child-role <role> <args…>`), not in an
//! environment variable, so it is *not* inherited by the child's own children.
//!
//! File descriptors (pipe ends, sockets, memfds) are passed by **inheritance**: every descriptor
//! the standard library creates is close-on-exec, and [`SelfCommand::pass_fd`] makes a
//! duplicate (numbered 64 or more) survive `exec`; its number travels in the environment
//! variable [`PASSED_FDS_ENV`], and the child takes it back with [`inherited_fd`]. That is the
//! Rust twin of Python's "share synchronized objects only through inheritance".
//!
//! Why not move the descriptors to 3, 4, … with `dup2`? Between `fork` and `exec` the standard
//! library keeps its own close-on-exec pipe open in the child to report an `exec` failure, at
//! the lowest free numbers. `dup2` onto 3 or 4 can replace it: the failure report then lands in
//! the *user's* pipe and `spawn` returns `Ok` for a program that never started. Clearing
//! close-on-exec on our own high duplicate touches nothing else.

use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::Duration;

use wait_timeout::ChildExt;

/// The argv flag that marks a re-executed child: `<exe> --course-child-role <role> <args…>`.
pub const ROLE_FLAG: &str = "--course-child-role";

/// The environment variable that lists the passed descriptors' numbers (`"64,65"`), in the
/// order of the [`SelfCommand::pass_fd`] calls.
pub const PASSED_FDS_ENV: &str = "COURSE_PASSED_FDS";

/// The environment variable that holds the parent's pid, so a child can check at start that
/// its parent is still the one that started it ([`exit_with_parent`]).
pub const PARENT_PID_ENV: &str = "COURSE_PARENT_PID";

/// How many descriptors one child may inherit through [`SelfCommand::pass_fd`].
pub const MAX_PASSED_FDS: usize = 16;

/// Who this process is when it was started by [`SelfCommand`]: the role name and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The role, e.g. `"worker"`.
    pub name: String,
    /// Arguments after the role, as given to [`SelfCommand::arg`].
    pub args: Vec<String>,
}

impl Role {
    /// Argument `i` parsed as `T`, with an error that names the role and the argument.
    ///
    /// # Errors
    /// When the argument is missing or does not parse.
    pub fn parse_arg<T: std::str::FromStr>(&self, i: usize) -> io::Result<T> {
        let raw = self.args.get(i).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("role {:?}: missing argument #{i}", self.name),
            )
        })?;
        raw.parse().map_err(|_| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "role {:?}: argument #{i} = {raw:?} does not parse",
                    self.name
                ),
            )
        })
    }
}

/// The role of this process, when it is a child re-executed by [`SelfCommand`]; `None` in the
/// parent. Call it first thing in `main`.
pub fn child_role() -> Option<Role> {
    role_from_args(std::env::args_os().skip(1))
}

/// Parses `--course-child-role <role> <args…>` (the arguments after the program name).
pub fn role_from_args(args: impl IntoIterator<Item = OsString>) -> Option<Role> {
    let mut it = args.into_iter();
    if it.next()? != ROLE_FLAG {
        return None;
    }
    let name = it.next()?.into_string().ok()?;
    let args = it.map(|a| a.to_string_lossy().into_owned()).collect();
    Some(Role { name, args })
}

/// A builder for "run this same program again, as a child with role R".
///
/// It wraps a [`Command`] on [`std::env::current_exe`], puts the role in argv, shares the
/// parent's clock (so `say!` timestamps line up) and can pass descriptors by inheritance.
/// Stdio is inherited unless changed with [`SelfCommand::stdin`] / [`SelfCommand::stdout`].
#[derive(Debug)]
pub struct SelfCommand {
    cmd: Command,
    /// Close-on-exec duplicates (numbered ≥ 64); `pre_exec` clears the flag so they survive.
    passed: Vec<OwnedFd>,
}

impl SelfCommand {
    /// A child of the current executable with role `role`.
    pub fn new(role: &str) -> Self {
        Self::with_program(current_exe_or_argv0(), role)
    }

    /// Same, for another program built with the same plumbing (used by tests).
    pub fn with_program(program: impl Into<OsString>, role: &str) -> Self {
        let mut cmd = Command::new(program.into());
        cmd.arg(ROLE_FLAG).arg(role);
        let (k, v) = utilities::output::clock_env();
        cmd.env(k, v);
        cmd.env(PARENT_PID_ENV, std::process::id().to_string());
        Self {
            cmd,
            passed: Vec::new(),
        }
    }

    /// Adds one argument for the child (it reads them from [`Role::args`]).
    #[must_use]
    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.cmd.arg(arg);
        self
    }

    /// Adds several arguments.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.cmd.args(args);
        self
    }

    /// Sets an environment variable for the child.
    #[must_use]
    pub fn env(
        mut self,
        key: impl AsRef<std::ffi::OsStr>,
        val: impl AsRef<std::ffi::OsStr>,
    ) -> Self {
        self.cmd.env(key, val);
        self
    }

    /// Sets the child's stdin (e.g. `Stdio::piped()` to send it a bincode frame).
    #[must_use]
    pub fn stdin(mut self, s: impl Into<Stdio>) -> Self {
        self.cmd.stdin(s);
        self
    }

    /// Sets the child's stdout.
    #[must_use]
    pub fn stdout(mut self, s: impl Into<Stdio>) -> Self {
        self.cmd.stdout(s);
        self
    }

    /// Lets the child inherit `fd`. The child takes the `n`-th passed descriptor (0-based) with
    /// [`inherited_fd`]`(n)`.
    ///
    /// The parent keeps its own copy: drop it after spawning when the child must be the only
    /// writer (a pipe reader sees end-of-file only when *every* write end is closed).
    ///
    /// # Errors
    /// When the descriptor cannot be duplicated or more than [`MAX_PASSED_FDS`] are passed.
    pub fn pass_fd(mut self, fd: impl AsFd) -> io::Result<Self> {
        if self.passed.len() >= MAX_PASSED_FDS {
            return Err(io::Error::other("too many descriptors passed to one child"));
        }
        // A close-on-exec duplicate numbered ≥ 64 (out of the way of std's low-numbered ones).
        // SAFETY: F_DUPFD_CLOEXEC on a valid borrowed fd returns a new fd that nobody else owns.
        let dup = unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_DUPFD_CLOEXEC, 64) };
        if dup < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `dup` is a fresh descriptor returned by fcntl above; we are its only owner.
        self.passed.push(unsafe { OwnedFd::from_raw_fd(dup) });
        Ok(self)
    }

    /// Starts the child. The caller must wait for it ([`Child::wait`], [`wait_or_kill`] or a
    /// [`Reaped`] guard): a child that is never waited for stays a zombie until we exit.
    ///
    /// # Errors
    /// When the executable cannot be started.
    pub fn spawn(mut self) -> io::Result<Child> {
        let fds: Vec<RawFd> = self.passed.iter().map(AsRawFd::as_raw_fd).collect();
        let list: Vec<String> = fds.iter().map(ToString::to_string).collect();
        // Always set (empty when nothing is passed): a grandchild never sees a stale list.
        self.cmd.env(PASSED_FDS_ENV, list.join(","));
        if !fds.is_empty() {
            // SAFETY: the closure runs in the forked child before exec. It only calls fcntl,
            // which is async-signal-safe, and allocates nothing (the Vec was built before
            // fork). It changes only the flags of our own duplicates: no other descriptor,
            // std's exec-error pipe included, is touched.
            unsafe {
                self.cmd.pre_exec(move || {
                    for &fd in &fds {
                        if libc::fcntl(fd, libc::F_SETFD, 0) < 0 {
                            return Err(io::Error::last_os_error());
                        }
                    }
                    Ok(())
                });
            }
        }
        let child = self.cmd.spawn();
        drop(self.passed); // our close-on-exec duplicates are no longer needed
        child
    }
}

fn current_exe_or_argv0() -> OsString {
    std::env::current_exe()
        .map(std::path::PathBuf::into_os_string)
        .or_else(|_| std::env::args_os().next().ok_or(()))
        .unwrap_or_else(|()| OsString::from("/proc/self/exe"))
}

/// Spawns the current executable with `role` and `args`, stdio inherited.
///
/// # Errors
/// When the executable cannot be started.
pub fn spawn_self(role: &str, args: &[&str]) -> io::Result<Child> {
    SelfCommand::new(role).args(args).spawn()
}

/// Takes ownership of the `n`-th descriptor passed with [`SelfCommand::pass_fd`] (the child
/// side). Each index can be taken once.
///
/// # Errors
/// When this process is not a re-executed child, the index was already taken, or no such
/// descriptor is open.
pub fn inherited_fd(n: usize) -> io::Result<OwnedFd> {
    static TAKEN: Mutex<u32> = Mutex::new(0);
    if n >= MAX_PASSED_FDS {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "fd index too large",
        ));
    }
    if child_role().is_none() {
        return Err(io::Error::other(
            "inherited_fd: this process was not started by SelfCommand",
        ));
    }
    let mut taken = TAKEN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let bit = 1u32 << n;
    if *taken & bit != 0 {
        return Err(io::Error::other(format!(
            "inherited fd #{n} was already taken"
        )));
    }
    let listed = std::env::var(PASSED_FDS_ENV).unwrap_or_default();
    let fd: RawFd = listed
        .split(',')
        .nth(n)
        .and_then(|f| f.trim().parse().ok())
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("inherited fd #{n}: not in {PASSED_FDS_ENV}={listed:?}"),
            )
        })?;
    // SAFETY: F_GETFD only queries flags; it fails with EBADF if `fd` is not open.
    if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("inherited fd #{n} (descriptor {fd}) is not open"),
        ));
    }
    // Make it close-on-exec again, so our own children do not inherit it by accident.
    // SAFETY: F_SETFD on an open descriptor.
    unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
    *taken |= bit;
    // SAFETY: the parent placed this descriptor here for us (SelfCommand::pass_fd), it is open
    // (checked above) and the TAKEN bit guarantees we create only one owner for it.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// What [`wait_or_kill`] saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waited {
    /// The child exited by itself within the timeout.
    Exited(ExitStatus),
    /// The timeout expired: the child was killed (SIGKILL) and reaped; this is its status.
    Killed(ExitStatus),
}

impl Waited {
    /// The exit status, however the child ended.
    pub fn status(&self) -> ExitStatus {
        match *self {
            Self::Exited(s) | Self::Killed(s) => s,
        }
    }

    /// True when the timeout expired and the child had to be killed.
    pub fn timed_out(&self) -> bool {
        matches!(self, Self::Killed(_))
    }
}

/// Waits up to `timeout` for `child`; on expiry kills it and reaps it. Either way the child is
/// no longer a zombie when this returns `Ok`.
///
/// # Errors
/// When waiting or killing fails at the OS level.
pub fn wait_or_kill(child: &mut Child, timeout: Duration) -> io::Result<Waited> {
    if let Some(status) = child.wait_timeout(timeout)? {
        return Ok(Waited::Exited(status));
    }
    // kill() fails only if the child already exited; wait() reaps it in both cases.
    let _ = child.kill();
    Ok(Waited::Killed(child.wait()?))
}

/// A [`Child`] that is killed and reaped when dropped, unless it was waited for already.
/// Use it so an early `?` return or a panic in the parent cannot leave a zombie or an orphan.
///
/// Only the process that created the guard acts on drop: a copy that reaches a forked child
/// (captured by a [`fork_child`] closure) is dropped there without touching the process, which
/// is not that child's child (waiting would fail with `ECHILD`, and killing it would kill the
/// parent's child).
#[derive(Debug)]
pub struct Reaped(Option<Child>, u32);

impl Reaped {
    /// Guards `child`.
    pub fn new(child: Child) -> Self {
        Self(Some(child), std::process::id())
    }

    /// The child's pid.
    pub fn id(&self) -> u32 {
        self.0.as_ref().map_or(0, Child::id)
    }

    /// Access to the child (e.g. to take its stdin).
    ///
    /// # Panics
    /// Never in practice: the child is only taken out by `wait`/`drop`, which consume `self`.
    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("child present until wait or drop")
    }

    /// Waits for the child to exit and returns its status.
    ///
    /// # Errors
    /// When waiting fails.
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        let mut child = self.0.take().expect("child present until wait or drop");
        child.wait()
    }

    /// Like [`wait_or_kill`].
    ///
    /// # Errors
    /// When waiting or killing fails.
    pub fn wait_or_kill(mut self, timeout: Duration) -> io::Result<Waited> {
        let mut child = self.0.take().expect("child present until wait or drop");
        wait_or_kill(&mut child, timeout)
    }
}

impl Drop for Reaped {
    fn drop(&mut self) {
        if self.1 != std::process::id() {
            return; // a forked copy: the child is not ours to kill
        }
        if let Some(mut child) = self.0.take()
            && child.try_wait().ok().flatten().is_none()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs `f` in a **forked** child and returns the child's pid; the child exits with `f`'s
/// return value and never returns from this call. The parent must `waitpid` it.
///
/// After `fork` only the calling thread exists in the child, but every lock another thread held
/// stays locked forever (stdout's lock, the allocator's). So this helper accepts only a
/// **single-threaded** caller: it counts the entries of `/proc/self/task` and panics if there
/// is more than one. Then the child may allocate, print and flush like any program. It flushes
/// stdout before forking (so buffered output is not printed twice) and leaves with `_exit`.
///
/// # Safety
/// Everything `f` captures by value is moved into the child and **dropped there**, in a
/// process that shares the parent's files, sockets and shared memory. The caller must make
/// sure those destructors are harmless when run in the child: they must not delete a file or
/// shared-memory name the parent still uses, close a connection the parent relies on, or act
/// on the parent's children ([`Reaped`] checks its owner's pid for exactly this reason).
///
/// # Panics
/// When the calling process has more than one thread.
///
/// # Errors
/// When `fork` fails (e.g. the process limit is reached).
pub unsafe fn fork_child(f: impl FnOnce() -> i32) -> nix::Result<nix::unistd::Pid> {
    use std::io::Write;
    let threads = thread_count();
    assert!(
        threads <= 1,
        "fork_child needs a single-threaded process, this one has {threads} threads \
         (a lock held by another thread would stay locked forever in the child)"
    );
    let _ = io::stdout().flush();
    // SAFETY: the process has one thread (asserted above, and only this thread could start
    // another), so no lock can be held by a thread that does not exist in the child.
    match unsafe { nix::unistd::fork() }? {
        nix::unistd::ForkResult::Parent { child } => Ok(child),
        nix::unistd::ForkResult::Child => {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(101);
            let _ = io::stdout().flush(); // fine: single-threaded, so the lock is free
            // SAFETY: _exit ends the child at once, without running the parent's atexit
            // handlers or destructors a second time.
            unsafe { libc::_exit(code) }
        }
    }
}

/// The number of threads of this process (`/proc/self/task` entries; 1 if unreadable).
pub fn thread_count() -> usize {
    std::fs::read_dir("/proc/self/task").map_or(1, Iterator::count)
}

/// For a child started by [`SelfCommand`]: ask the kernel to SIGKILL us when the parent thread
/// that started us ends (`PR_SET_PDEATHSIG`), then check that the parent is still the one
/// that started us (it may have died before the request was made). If it is gone, exit now.
///
/// A busy child never reads its socket, so it would not notice its parent's death by itself;
/// Python's pool has the same gap (its workers are daemonic only for a clean exit).
pub fn exit_with_parent() {
    // SAFETY: PR_SET_PDEATHSIG takes a signal number and changes only our own setting.
    let _ = unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) };
    let expected = std::env::var(PARENT_PID_ENV)
        .ok()
        .and_then(|p| p.parse::<i32>().ok());
    if expected.is_some_and(|p| nix::unistd::getppid().as_raw() != p) {
        std::process::exit(1); // the parent died before we could ask: nobody will use us
    }
}

/// A process that is a child of `parent`, as seen in `/proc`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcEntry {
    /// Its pid.
    pub pid: u32,
    /// Its state letter from `/proc/<pid>/stat`: `R`, `S`, `Z` (zombie), …
    pub state: char,
    /// Its command name.
    pub comm: String,
}

/// `pid`'s parent pid and entry, from `/proc/<pid>/stat`; `None` when there is no such process.
fn read_stat(pid: u32) -> Option<(Option<u32>, ProcEntry)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Format: pid (comm) state ppid … — comm may contain spaces and ')', so split at the last ')'.
    let (head, tail) = stat.rsplit_once(')')?;
    let comm = head.split_once('(').map_or("", |(_, c)| c).to_owned();
    let mut fields = tail.split_whitespace();
    let state = fields.next().and_then(|s| s.chars().next()).unwrap_or('?');
    let ppid = fields.next().and_then(|s| s.parse::<u32>().ok());
    Some((ppid, ProcEntry { pid, state, comm }))
}

/// CPU time (user + system) used so far by process `pid`, from `/proc/<pid>/stat` (10 ms
/// resolution); `None` when there is no such process. Benchmarks use it to see whether worker
/// processes got their cores.
pub fn cpu_time_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let (_, tail) = stat.rsplit_once(')')?;
    // After the command name: state is field 3, utime field 14, stime field 15.
    let fields: Vec<&str> = tail.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: sysconf only reads a system constant.
    let ticks = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .ok()?
        .max(1);
    Some(Duration::from_micros((utime + stime) * 1_000_000 / ticks))
}

/// Whether `pid` is a running process: listed in `/proc` and not a zombie.
pub fn is_alive(pid: u32) -> bool {
    read_stat(pid).is_some_and(|(_, e)| e.state != 'Z')
}

/// The children of `parent` right now (read from `/proc/*/stat`), zombies included. Tests use
/// it to prove that an example left no zombie or orphan behind.
pub fn children_of(parent: u32) -> Vec<ProcEntry> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut out: Vec<ProcEntry> = dir
        .flatten()
        .filter_map(|entry| entry.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(read_stat)
        .filter(|(ppid, _)| *ppid == Some(parent))
        .map(|(_, e)| e)
        .collect();
    out.sort_by_key(|e| e.pid);
    out
}

/// Makes this process the "subreaper" of its descendants: an orphan (a child whose parent
/// exited without waiting for it) is re-parented to us instead of to init, so a test can see it
/// with [`children_of`]. Linux only.
///
/// # Errors
/// When `prctl` fails.
pub fn become_subreaper() -> io::Result<()> {
    // SAFETY: PR_SET_CHILD_SUBREAPER takes one integer argument and changes only our own flag.
    let rc = unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_of_a_busy_child_grows() {
        let me = cpu_time_of(std::process::id()).expect("our own stat");
        let started = std::time::Instant::now();
        let mut x = 0u64;
        while started.elapsed() < Duration::from_millis(200) {
            x = std::hint::black_box(x + 1);
        }
        let after = cpu_time_of(std::process::id()).expect("our own stat");
        assert!(
            after >= me + Duration::from_millis(50),
            "{me:?} → {after:?}"
        );
        assert_eq!(cpu_time_of(u32::MAX), None);
    }

    #[test]
    fn parses_role_and_args() {
        let args = [ROLE_FLAG, "worker", "7", "x"].map(OsString::from);
        let role = role_from_args(args).expect("a role");
        assert_eq!(role.name, "worker");
        assert_eq!(role.args, ["7", "x"]);
        assert_eq!(role.parse_arg::<u32>(0).unwrap(), 7);
        assert!(role.parse_arg::<u32>(1).is_err());
        assert!(role.parse_arg::<u32>(2).is_err());
        assert_eq!(role_from_args([OsString::from("--help")]), None);
        assert_eq!(role_from_args(Vec::<OsString>::new()), None);
    }

    #[test]
    fn wait_or_kill_kills_and_reaps_a_stuck_child() {
        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        let pid = child.id();
        let waited = wait_or_kill(&mut child, Duration::from_millis(50)).unwrap();
        assert!(waited.timed_out());
        assert!(!children_of(std::process::id()).iter().any(|c| c.pid == pid));
    }

    #[test]
    fn reaped_guard_kills_on_drop() {
        let guard = Reaped::new(Command::new("sleep").arg("30").spawn().unwrap());
        let pid = guard.id();
        drop(guard);
        assert!(!children_of(std::process::id()).iter().any(|c| c.pid == pid));
    }

    #[test]
    fn a_forked_copy_of_reaped_leaves_the_parents_child_alone() {
        let guard = Reaped::new(Command::new("sleep").arg("30").spawn().unwrap());
        let pid = guard.id();
        // SAFETY: the child only drops the guard (getpid, no lock, no allocation on this path)
        // and leaves with _exit.
        match unsafe { nix::unistd::fork() }.unwrap() {
            nix::unistd::ForkResult::Child => {
                drop(guard);
                // SAFETY: leave the child at once, never returning into the test harness.
                unsafe { libc::_exit(0) }
            }
            nix::unistd::ForkResult::Parent { child } => {
                nix::sys::wait::waitpid(child, None).unwrap();
                // A SIGKILL sent by the copy takes effect asynchronously: give it time to show.
                std::thread::sleep(Duration::from_millis(200));
                assert!(is_alive(pid), "the forked copy killed the parent's child");
                drop(guard);
                assert!(!is_alive(pid));
            }
        }
    }

    #[test]
    #[should_panic(expected = "single-threaded")]
    fn fork_child_refuses_a_multithreaded_caller() {
        // libtest runs this test on a thread of its own: the process has at least two.
        assert!(thread_count() >= 2);
        // SAFETY: it panics before forking.
        let _ = unsafe { fork_child(|| 0) };
    }
}
