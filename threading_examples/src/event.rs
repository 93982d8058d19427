//! [`Event`]: Python's `threading.Event`, a flag threads can wait for, from a `Mutex<bool>` and a
//! `Condvar`. Under `--cfg loom` it is built on loom's types, so `tests/loom.rs` can explore it.

use crate::lock;
#[cfg(loom)]
use loom::sync::{Condvar, Mutex};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex};
#[cfg(not(loom))]
use std::time::{Duration, Instant};

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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
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
}
