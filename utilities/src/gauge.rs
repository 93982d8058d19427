//! The course's one in-flight gauge: how many are inside a region *now*, the most that ever were
//! at once (the high-water mark), and how many entered in all.
//!
//! A semaphore example proves its limit by printing the high-water mark; a "parallel" example
//! proves overlap by a high-water mark of at least 2. Threads, tasks and request handlers all use
//! this one type.
//!
//! ```
//! use std::sync::Arc;
//! use utilities::gauge::Gauge;
//! let g = Gauge::new();
//! let a = g.enter();
//! let b = g.enter();
//! assert_eq!((g.current(), g.max()), (2, 2));
//! drop((a, b));
//! // Tasks that outlive a borrow take an owned guard from an `Arc<Gauge>`.
//! let shared = Arc::new(Gauge::new());
//! let owned = shared.enter_owned();
//! assert_eq!(owned.count(), 1);
//! drop(owned);
//! assert_eq!((shared.current(), shared.max(), shared.total()), (0, 1, 1));
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts who is inside a region. Share it by reference (scoped threads) or in an `Arc`.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
    total: AtomicUsize,
}

// Orderings: the high-water mark is read after the threads or tasks were joined (a happens-before
// edge, see t27 and t41), so Relaxed would do; SeqCst costs nothing measurable here (one atomic add
// per region, not per unit of work) and lets a reader of `current()` mid-run reason without
// orderings. The gauge never publishes other data.
impl Gauge {
    /// A gauge with nobody inside.
    pub fn new() -> Self {
        Self::default()
    }

    fn arrive(&self) -> usize {
        let count = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(count, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        count
    }

    /// Enters the region until the returned guard is dropped.
    pub fn enter(&self) -> GaugeGuard<'_> {
        let count = self.arrive();
        GaugeGuard { gauge: self, count }
    }

    /// Enters the region with a guard that owns a clone of the `Arc` (for spawned tasks).
    pub fn enter_owned(self: &Arc<Self>) -> OwnedGaugeGuard {
        let count = self.arrive();
        OwnedGaugeGuard {
            gauge: Arc::clone(self),
            count,
        }
    }

    /// How many are inside right now.
    pub fn current(&self) -> usize {
        self.now.load(Ordering::SeqCst)
    }

    /// The high-water mark: the most that were ever inside at the same time.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }

    /// How many times the region was entered.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

/// Inside a [`Gauge`]'s region until dropped.
#[derive(Debug)]
#[must_use = "the region is left as soon as this guard is dropped"]
pub struct GaugeGuard<'a> {
    gauge: &'a Gauge,
    count: usize,
}

impl GaugeGuard<'_> {
    /// How many were inside, this one included, right after entering.
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Like [`GaugeGuard`], but holds an `Arc<Gauge>`, so it can move into a `'static` task.
#[derive(Debug)]
#[must_use = "the region is left as soon as this guard is dropped"]
pub struct OwnedGaugeGuard {
    gauge: Arc<Gauge>,
    count: usize,
}

impl OwnedGaugeGuard {
    /// How many were inside, this one included, right after entering.
    pub fn count(&self) -> usize {
        self.count
    }
}

impl Drop for OwnedGaugeGuard {
    fn drop(&mut self) {
        self.gauge.now.fetch_sub(1, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_overlap_not_entries() {
        let g = Gauge::new();
        for _ in 0..3 {
            let _inside = g.enter();
        }
        assert_eq!((g.max(), g.total(), g.current()), (1, 3, 0));
    }

    #[test]
    fn threads_inside_at_once_raise_the_mark() {
        let g = Gauge::new();
        let barrier = std::sync::Barrier::new(2);
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    let _inside = g.enter();
                    // Both are inside when the barrier opens, whatever the scheduler does.
                    barrier.wait();
                });
            }
        });
        assert_eq!(g.max(), 2);
        assert_eq!(g.current(), 0);
    }
}
