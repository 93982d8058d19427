//! Labelled output: every line says *when* (seconds since the program started), *who* (thread
//! name, and pid with [`say_pid!`](crate::say_pid!)) and *what*, so interleaving is visible in every example.
//!
//! ```text
//! [  0.000s] main         | Main: before start
//! [  0.001s] Worker-1     | Task running
//! [  1.002s] pid 4242 main         | child finished
//! ```
//!
//! Each line is printed with one `println!` call, which locks stdout for the whole line, so
//! lines from different threads never tear (Python's `print` can interleave halves of lines).
//!
//! Child processes started with [`clock_env`] in their environment share the parent's clock, so
//! their timestamps line up with the parent's.
//!
//! A panic made on purpose (to show what `join()` returns, or poisoning) runs inside
//! [`quiet_panics`]: one labelled line on stderr instead of the default report and, with
//! `RUST_BACKTRACE=1`, a backtrace that would bury the lesson.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Environment variable that carries the parent's start time (ns since the Unix epoch) to children.
pub const CLOCK_EPOCH_VAR: &str = "COURSE_CLOCK_EPOCH_NS";

struct Clock {
    instant: Instant,
    /// Start as wall-clock time (ns since the Unix epoch), shared with child processes.
    epoch_ns: u128,
}

fn clock() -> &'static Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    CLOCK.get_or_init(|| {
        let now_ns = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let inherited = std::env::var(CLOCK_EPOCH_VAR)
            .ok()
            .and_then(|v| v.parse::<u128>().ok())
            .filter(|&ns| ns <= now_ns);
        match inherited {
            // A child: pretend our Instant started when the parent did.
            Some(ns) => {
                let behind = Duration::from_nanos(u64::try_from(now_ns - ns).unwrap_or(0));
                let instant = Instant::now()
                    .checked_sub(behind)
                    .unwrap_or_else(Instant::now);
                Clock {
                    instant,
                    epoch_ns: ns,
                }
            }
            None => Clock {
                instant: Instant::now(),
                epoch_ns: now_ns,
            },
        }
    })
}

/// Starts the program clock now (if it has not started yet). Call it first thing in `main` so
/// that `0.000s` means "program start" rather than "first line printed".
pub fn start_clock() {
    let _ = clock();
}

/// Time since the program clock started (see [`start_clock`]).
pub fn elapsed_since_start() -> Duration {
    clock().instant.elapsed()
}

/// The `(name, value)` pair to put in a child's environment so its clock matches ours:
/// `Command::new(exe).env(k, v)`.
pub fn clock_env() -> (&'static str, String) {
    (CLOCK_EPOCH_VAR, clock().epoch_ns.to_string())
}

/// The current thread's name, or its `ThreadId(N)` when it has none.
/// (Python auto-names threads "Thread-N"; Rust leaves spawned threads unnamed.)
pub fn thread_label() -> String {
    let t = std::thread::current();
    match t.name() {
        Some(name) => name.to_owned(),
        None => format!("{:?}", t.id()),
    }
}

/// Formats one labelled line (used by [`say!`](crate::say!); public so tests and other sinks can reuse it).
pub fn label_line(with_pid: bool, message: &str) -> String {
    let t = elapsed_since_start().as_secs_f64();
    let who = thread_label();
    if with_pid {
        format!(
            "[{t:>8.3}s] pid {:<7} {who:<12} | {message}",
            std::process::id()
        )
    } else {
        format!("[{t:>8.3}s] {who:<12} | {message}")
    }
}

/// Prints a line with elapsed time and thread name: `say!("Task {} started", n)`.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        ::std::println!("{}", $crate::output::label_line(false, &::std::format!($($arg)*)))
    };
}

/// Like [`say!`](crate::say!), with the process id: for examples with child processes.
#[macro_export]
macro_rules! say_pid {
    ($($arg:tt)*) => {
        ::std::println!("{}", $crate::output::label_line(true, &::std::format!($($arg)*)))
    };
}

/// The message of a panic payload (what `join()` returns in `Err`, or `catch_unwind` catches):
/// the `&str` or `String` given to `panic!`, or `"<non-string panic payload>"`.
///
/// ```
/// let payload = std::thread::spawn(|| -> () { panic!("boom {}", 7) }).join().unwrap_err();
/// assert_eq!(utilities::output::panic_message(&*payload), "boom 7");
/// ```
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

type Hook = Box<dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

/// While alive, every panic prints ONE labelled line to stderr instead of the default report
/// (which adds a `note:` line, or a whole backtrace when `RUST_BACKTRACE` is set):
///
/// ```text
/// [   1.001s] ThreadId(3)  | panicked: "boom" (at threading_examples/src/bin/t01_start_vs_join.rs:59:45)
/// ```
///
/// For examples that panic *on purpose* to show what `join()` or a poisoned lock does. Dropping
/// the guard puts the previous hook back. The panic hook is process-wide, so the quiet hook
/// applies to every thread while the guard lives (keep its scope to the deliberate panic).
/// Prefer [`quiet_panics`], which cannot outlive its closure.
#[must_use = "the previous panic hook is restored when the guard is dropped"]
pub struct QuietPanics {
    previous: Option<std::sync::Arc<Hook>>,
}

impl QuietPanics {
    /// Installs the one-line hook, remembering the current one.
    ///
    /// # Panics
    /// When called from a thread that is already panicking (`std::panic::set_hook` forbids it).
    pub fn install() -> Self {
        let previous = std::sync::Arc::new(std::panic::take_hook());
        std::panic::set_hook(Box::new(|info| {
            let msg = panic_message(info.payload());
            let line = match info.location() {
                Some(at) => label_line(false, &format!("panicked: {msg:?} (at {at})")),
                None => label_line(false, &format!("panicked: {msg:?}")),
            };
            // One write of one line, like `say!`, so it cannot tear.
            eprintln!("{line}");
        }));
        Self {
            previous: Some(previous),
        }
    }
}

impl Drop for QuietPanics {
    fn drop(&mut self) {
        // `set_hook` panics on a panicking thread (that would abort): during an unwind the quiet
        // hook stays, which only makes later reports shorter.
        if std::thread::panicking() {
            return;
        }
        if let Some(previous) = self.previous.take() {
            drop(std::panic::take_hook());
            std::panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Runs `f` with [`QuietPanics`] installed: deliberate panics inside it (in any thread that
/// panics while `f` runs) print one clean line, even with `RUST_BACKTRACE=1`.
///
/// ```
/// let joined = utilities::output::quiet_panics(|| {
///     std::thread::spawn(|| -> u32 { panic!("boom") }).join()
/// });
/// assert!(joined.is_err());
/// ```
pub fn quiet_panics<R>(f: impl FnOnce() -> R) -> R {
    let _quiet = QuietPanics::install();
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_has_time_thread_and_message() {
        let line = std::thread::Builder::new()
            .name("Worker-1".into())
            .spawn(|| label_line(false, "hello"))
            .unwrap()
            .join()
            .unwrap();
        assert!(line.starts_with('['), "{line}");
        assert!(line.contains("s] Worker-1"), "{line}");
        assert!(line.ends_with("| hello"), "{line}");
    }

    #[test]
    fn pid_variant_shows_pid() {
        let line = label_line(true, "x");
        assert!(
            line.contains(&format!("pid {}", std::process::id())),
            "{line}"
        );
    }

    #[test]
    fn unnamed_threads_show_their_id() {
        let label = std::thread::spawn(thread_label).join().unwrap();
        assert!(label.starts_with("ThreadId("), "{label}");
    }

    #[test]
    fn clock_env_names_the_variable() {
        let (k, v) = clock_env();
        assert_eq!(k, CLOCK_EPOCH_VAR);
        assert!(v.parse::<u128>().is_ok());
        assert!(elapsed_since_start() < Duration::from_secs(3600));
    }
}
