//! Shared pieces of the threading examples: the primitives Python's `threading` module has and
//! Rust's standard library lacks, written once here so the examples stay short, one module each.
//! (How many threads are inside a region at once is counted with `utilities::gauge::Gauge`.)
//!
//! | type | Python | built from |
//! |---|---|---|
//! | [`Event`] | `threading.Event` | `Mutex<bool>` + `Condvar` |
//! | [`Semaphore`] (+ RAII [`Permit`]) | `threading.Semaphore` / `with sem:` | `Mutex<usize>` + `Condvar` |
//! | [`SimultaneityProbe`] | (course helper) | proof that threads computed at the same instant: what a GIL forbids |
//! | [`pin_to_core`] | (course helper) | `sched_setaffinity` |
//! | [`spawn_named`], [`spawn_scoped_named`] | `Thread(target=f, name="x").start()` | `thread::Builder::name` |
//!
//! ```
//! use threading_examples::{Event, Semaphore};
//! use utilities::gauge::Gauge;
//! let sem = Semaphore::new(2);
//! let gauge = Gauge::new();
//! std::thread::scope(|s| {
//!     for _ in 0..4 {
//!         s.spawn(|| {
//!             let _permit = sem.acquire(); // released when `_permit` is dropped
//!             let _inside = gauge.enter(); // counted until `_inside` is dropped
//!         });
//!     }
//! });
//! assert!(gauge.max() <= 2);
//! let ev = Event::new();
//! ev.set();
//! ev.wait(); // already set: returns at once
//! ```
#![warn(missing_docs)]

pub mod event;
pub mod joinable_queue;
pub mod probe;
pub mod semaphore;

pub use event::Event;
pub use probe::{ProbeCursor, SimultaneityProbe, best_of_3};
pub use semaphore::{Permit, Semaphore};

#[cfg(loom)]
use loom::sync::{Mutex, MutexGuard};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{Mutex, MutexGuard};

/// Locks `m`, ignoring poisoning: every value guarded here (a flag, a count) is valid after any
/// panic, because each update is a single assignment.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Pins the calling thread to core `core % cores` (Linux `sched_setaffinity`), so that two
/// threads pinned to different cores cannot be stacked on one core by a busy OS. Returns whether
/// the OS accepted it (it may refuse, e.g. when a container allows fewer cores).
pub fn pin_to_core(core: usize) -> bool {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    let mut set = nix::sched::CpuSet::new();
    set.set(core % cores).is_ok()
        && nix::sched::sched_setaffinity(nix::unistd::Pid::from_raw(0), &set).is_ok()
}

/// Starts a thread called `name` (Python: `Thread(target=f, name=name).start()`).
///
/// # Panics
/// When the OS refuses to create a thread, like `std::thread::spawn`.
pub fn spawn_named<T: Send + 'static>(
    name: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> std::thread::JoinHandle<T> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(f)
        .expect("the OS refused to create a thread")
}

/// Starts a thread called `name` inside a `thread::scope`, so it may borrow locals.
///
/// # Panics
/// When the OS refuses to create a thread, like `Scope::spawn`.
pub fn spawn_scoped_named<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    name: &str,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn_scoped(scope, f)
        .expect("the OS refused to create a thread")
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::thread;

    #[test]
    fn named_threads_carry_their_names() {
        let name = spawn_named("Worker-1", || thread::current().name().map(str::to_owned));
        assert_eq!(name.join().unwrap().as_deref(), Some("Worker-1"));
        let local = 5;
        let got = thread::scope(|s| {
            spawn_scoped_named(s, "scoped", || {
                (thread::current().name().map(str::to_owned), local)
            })
            .join()
            .unwrap()
        });
        assert_eq!(got, (Some("scoped".to_owned()), 5));
    }

    #[test]
    fn threads_can_be_pinned() {
        assert!(thread::spawn(|| pin_to_core(0)).join().unwrap());
        assert!(
            thread::spawn(|| pin_to_core(1)).join().unwrap(),
            "wraps around on one core"
        );
    }
}
