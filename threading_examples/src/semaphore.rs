//! [`Semaphore`] and its RAII [`Permit`]: Python's `threading.Semaphore(n)` and `with sem:`, from
//! a `Mutex<usize>` and a `Condvar`. Under `--cfg loom` it is built on loom's types, so
//! `tests/loom.rs` can explore it.

use crate::lock;
#[cfg(loom)]
use loom::sync::{Condvar, Mutex};
use std::sync::PoisonError;
#[cfg(not(loom))]
use std::sync::{Condvar, Mutex};

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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::thread;
    use std::time::Duration;
    use utilities::gauge::Gauge;

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
        let gauge = Gauge::new();
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
}
