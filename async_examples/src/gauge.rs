//! An in-flight gauge: how many operations are running now, and the most that ever ran at once
//! (the high-water mark). Semaphore examples print the high-water mark to prove their limit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts operations in flight; share it in an `Arc`.
#[derive(Debug, Default)]
pub struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// Marks one operation in flight until dropped (made by [`InFlight::enter`]).
#[derive(Debug)]
#[must_use = "the operation counts as in flight only while this guard lives"]
pub struct InFlightGuard {
    gauge: Arc<InFlight>,
}

impl InFlight {
    /// A new gauge in an `Arc`, ready to be cloned into tasks.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Marks one more operation in flight; it ends when the guard is dropped.
    pub fn enter(self: &Arc<Self>) -> InFlightGuard {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        InFlightGuard {
            gauge: Arc::clone(self),
        }
    }

    /// Operations in flight right now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The largest number that were ever in flight at the same time.
    pub fn high_water(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_the_high_water_mark() {
        let g = InFlight::new();
        let a = g.enter();
        let b = g.enter();
        assert_eq!(g.current(), 2);
        drop(a);
        let c = g.enter();
        drop((b, c));
        assert_eq!(g.current(), 0);
        assert_eq!(g.high_water(), 2);
    }
}
