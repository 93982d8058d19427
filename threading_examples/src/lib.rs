//! Shared pieces of the threading examples: the primitives Python's `threading` module has and
//! Rust's standard library lacks, written once here so the examples stay short.
//!
//! | type | Python | built from |
//! |---|---|---|
//! | [`Event`] | `threading.Event` | `Mutex<bool>` + `Condvar` |
//! | [`Semaphore`] (+ RAII [`Permit`]) | `threading.Semaphore` / `with sem:` | `Mutex<usize>` + `Condvar` |
//! | [`HighWater`] | (course helper) | two atomics: how many are inside now, and the most ever seen |
//! | [`SimultaneityProbe`] | (course helper) | proof that threads computed at the same instant: what a GIL forbids |
//! | [`pin_to_core`] | (course helper) | `sched_setaffinity` |
//! | [`spawn_named`], [`spawn_scoped_named`] | `Thread(target=f, name="x").start()` | `thread::Builder::name` |
//!
//! ```
//! use threading_examples::{Event, HighWater, Semaphore};
//! let sem = Semaphore::new(2);
//! let gauge = HighWater::new();
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

pub mod joinable_queue;

#[cfg(loom)]
use loom::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicUsize, Ordering},
};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{
    Condvar, Mutex, MutexGuard,
    atomic::{AtomicUsize, Ordering},
};
use std::time::{Duration, Instant};

/// Locks `m`, ignoring poisoning: every value guarded here (a flag, a count) is valid after any
/// panic, because each update is a single assignment.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A flag that threads can wait for, like Python's `threading.Event`.
///
/// `set` wakes every waiter; `wait` returns at once if the flag is already set. Waiting loops on
/// the flag, because a `Condvar` may wake a thread spuriously (without a `notify`).
#[derive(Debug, Default)]
pub struct Event {
    flag: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// A new, unset event.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the flag and wakes every waiting thread.
    pub fn set(&self) {
        *lock(&self.flag) = true;
        self.changed.notify_all();
    }

    /// Resets the flag; later `wait` calls block again.
    pub fn clear(&self) {
        *lock(&self.flag) = false;
    }

    /// Whether the flag is set now.
    pub fn is_set(&self) -> bool {
        *lock(&self.flag)
    }

    /// Blocks until the flag is set.
    pub fn wait(&self) {
        let mut set = lock(&self.flag);
        while !*set {
            set = self
                .changed
                .wait(set)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Blocks until the flag is set or `timeout` has passed; returns whether it is set
    /// (Python's `event.wait(timeout)` returns the same).
    #[cfg(not(loom))]
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut set = lock(&self.flag);
        while !*set {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            set = self
                .changed
                .wait_timeout(set, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }
}

/// A counting semaphore, like Python's `threading.Semaphore(n)`: at most `n` permits are out at
/// once. A [`Permit`] gives its slot back when dropped, which is what `with sem:` does.
#[derive(Debug)]
pub struct Semaphore {
    available: Mutex<usize>,
    released: Condvar,
}

/// One slot of a [`Semaphore`], returned to it on drop.
#[derive(Debug)]
#[must_use = "the permit is released as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Semaphore {
    /// A semaphore with `permits` free slots.
    pub fn new(permits: usize) -> Self {
        Self {
            available: Mutex::new(permits),
            released: Condvar::new(),
        }
    }

    /// Waits for a free slot and takes it.
    pub fn acquire(&self) -> Permit<'_> {
        let mut n = lock(&self.available);
        while *n == 0 {
            n = self
                .released
                .wait(n)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *n -= 1;
        Permit { sem: self }
    }

    /// Takes a free slot if there is one, without waiting.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut n = lock(&self.available);
        if *n == 0 {
            return None;
        }
        *n -= 1;
        Some(Permit { sem: self })
    }

    /// Free slots right now (may change as soon as it is read).
    pub fn available(&self) -> usize {
        *lock(&self.available)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *lock(&self.sem.available) += 1;
        // One slot came free, so one waiter can go.
        self.sem.released.notify_one();
    }
}

/// Counts how many threads are inside a region now and remembers the most ever seen at once:
/// the "high-water mark" the semaphore examples print.
#[derive(Debug, Default)]
pub struct HighWater {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// Inside a [`HighWater`] region until dropped.
#[derive(Debug)]
#[must_use = "the region is left as soon as this guard is dropped"]
pub struct Inside<'a> {
    gauge: &'a HighWater,
    /// How many were inside, this one included, right after entering.
    pub count: usize,
}

impl HighWater {
    /// A gauge with nobody inside.
    pub fn new() -> Self {
        Self::default()
    }

    /// Enters the region; leaving happens when the guard is dropped.
    pub fn enter(&self) -> Inside<'_> {
        let count = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(count, Ordering::SeqCst);
        Inside { gauge: self, count }
    }

    /// How many are inside right now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The most that were ever inside at once.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

impl Drop for Inside<'_> {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Proof that threads *computed at the same instant* (on different cores), which a GIL forbids.
///
/// Wall-clock speedups need idle cores; on a busy machine the OS may hand a program one core's
/// worth of time however many threads it runs. This probe needs only a few moments of overlap.
/// Each worker calls [`SimultaneityProbe::tick`] after every small slice of work. A tick
/// publishes the worker's progress, then looks at the other workers' progress: if it moved since
/// this worker's previous tick, and that tick was less than [`SimultaneityProbe::GAP`] ago (so
/// this worker was running all along, not paused by the OS while another took its core), then
/// another thread made progress *while this one was running*: a sighting. With a global lock
/// held while computing, or on one core, there are no sightings. (It uses std's atomics even
/// under `--cfg loom`: it measures real threads and is not model-checked.)
#[derive(Debug)]
pub struct SimultaneityProbe {
    progress: Vec<std::sync::atomic::AtomicU64>,
    sightings: std::sync::atomic::AtomicU64,
}

/// One worker's memory between its ticks (see [`SimultaneityProbe::cursor`]).
#[derive(Debug)]
pub struct ProbeCursor {
    me: usize,
    /// Time of this worker's previous tick; `None` before its first one (the time between
    /// making the cursor and the first tick may include waiting, so it proves nothing).
    last: Option<Instant>,
    others: u64,
}

impl SimultaneityProbe {
    /// Two ticks closer than this mean the worker was not paused in between. An OS time slice
    /// is about a millisecond or more, so a pause is much longer than this.
    pub const GAP: Duration = Duration::from_micros(50);

    /// A probe for `workers` threads, numbered `0..workers`.
    pub fn new(workers: usize) -> Self {
        Self {
            progress: (0..workers)
                .map(|_| std::sync::atomic::AtomicU64::new(0))
                .collect(),
            sightings: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// The cursor worker `me` passes to every [`Self::tick`].
    pub fn cursor(&self, me: usize) -> ProbeCursor {
        ProbeCursor {
            me,
            last: None,
            others: self.others(me),
        }
    }

    fn others(&self, me: usize) -> u64 {
        self.progress
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != me)
            .map(|(_, p)| p.load(std::sync::atomic::Ordering::Relaxed))
            .sum()
    }

    /// Records one slice of work by `cursor`'s worker and checks the others' progress.
    pub fn tick(&self, cursor: &mut ProbeCursor) {
        use std::sync::atomic::Ordering::Relaxed;
        self.progress[cursor.me].fetch_add(1, Relaxed);
        let now = Instant::now();
        let others = self.others(cursor.me);
        let ran_all_along = cursor
            .last
            .is_some_and(|last| now.duration_since(last) < Self::GAP);
        if others != cursor.others && ran_all_along {
            self.sightings.fetch_add(1, Relaxed);
        }
        cursor.last = Some(now);
        cursor.others = others;
    }

    /// How many times a worker saw another one progress while it was running itself.
    pub fn sightings(&self) -> u64 {
        self.sightings.load(std::sync::atomic::Ordering::Relaxed)
    }
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
    use std::sync::atomic::AtomicBool;
    use std::thread;

    #[test]
    fn event_wakes_every_waiter_only_after_set() {
        let ev = Event::new();
        let woke = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    ev.wait();
                    woke.fetch_add(1, Ordering::SeqCst);
                });
            }
            thread::sleep(Duration::from_millis(50));
            assert_eq!(woke.load(Ordering::SeqCst), 0, "nobody passes before set");
            assert!(!ev.is_set());
            ev.set();
        });
        assert_eq!(woke.load(Ordering::SeqCst), 3);
        assert!(ev.is_set());
    }

    #[test]
    fn event_wait_timeout_and_clear() {
        let ev = Event::new();
        let t = Instant::now();
        assert!(!ev.wait_timeout(Duration::from_millis(30)));
        assert!(t.elapsed() >= Duration::from_millis(30));
        ev.set();
        assert!(ev.wait_timeout(Duration::from_secs(5)));
        ev.clear();
        assert!(!ev.is_set());
        assert!(!ev.wait_timeout(Duration::ZERO));
        // Set from another thread while we wait with a long timeout: returns true early.
        thread::scope(|s| {
            s.spawn(|| {
                thread::sleep(Duration::from_millis(20));
                ev.set();
            });
            let t = Instant::now();
            assert!(ev.wait_timeout(Duration::from_secs(30)));
            assert!(t.elapsed() < Duration::from_secs(25));
        });
    }

    #[test]
    fn semaphore_limits_and_returns_permits() {
        let sem = Semaphore::new(2);
        let a = sem.acquire();
        let b = sem.try_acquire().expect("second permit is free");
        assert!(sem.try_acquire().is_none(), "only two permits");
        assert_eq!(sem.available(), 0);
        drop(a);
        assert_eq!(sem.available(), 1);
        drop(b);
        assert_eq!(sem.available(), 2);
    }

    #[test]
    fn semaphore_never_lets_more_than_n_inside() {
        let sem = Semaphore::new(2);
        let gauge = HighWater::new();
        let go = AtomicBool::new(false);
        thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    while !go.load(Ordering::SeqCst) {
                        thread::yield_now();
                    }
                    for _ in 0..20 {
                        let _p = sem.acquire();
                        let _in = gauge.enter();
                        thread::sleep(Duration::from_millis(1));
                    }
                });
            }
            go.store(true, Ordering::SeqCst);
        });
        assert!(gauge.max() <= 2, "max inside = {}", gauge.max());
        assert_eq!(gauge.max(), 2, "with 6 threads, two should have overlapped");
        assert_eq!(gauge.current(), 0);
        assert_eq!(sem.available(), 2);
    }

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
    fn probe_sees_nothing_with_one_worker_or_a_global_lock() {
        // One worker: nobody else can progress.
        let probe = SimultaneityProbe::new(1);
        let mut c = probe.cursor(0);
        for _ in 0..1000 {
            probe.tick(&mut c);
        }
        assert_eq!(probe.sightings(), 0);
        // Two workers that only tick while holding one lock, with slices much longer than GAP.
        let probe = SimultaneityProbe::new(2);
        let gil = Mutex::new(());
        thread::scope(|s| {
            for me in 0..2 {
                let (probe, gil) = (&probe, &gil);
                s.spawn(move || {
                    let mut c = probe.cursor(me);
                    for _ in 0..20 {
                        let _held = lock(gil);
                        let t = Instant::now();
                        while t.elapsed() < 2 * SimultaneityProbe::GAP {
                            probe.tick(&mut c);
                        }
                    }
                });
            }
        });
        assert_eq!(probe.sightings(), 0);
    }

    #[test]
    fn threads_can_be_pinned() {
        assert!(thread::spawn(|| pin_to_core(0)).join().unwrap());
        assert!(
            thread::spawn(|| pin_to_core(1)).join().unwrap(),
            "wraps around on one core"
        );
    }

    #[test]
    fn high_water_counts_nesting() {
        let g = HighWater::new();
        let a = g.enter();
        let b = g.enter();
        assert_eq!((a.count, b.count, g.current(), g.max()), (1, 2, 2, 2));
        drop(a);
        drop(b);
        let c = g.enter();
        assert_eq!((c.count, g.current(), g.max()), (1, 1, 2));
    }
}
