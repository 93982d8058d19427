//! Synchronisation overhead: `threads` threads each add 1 `per_thread` times to one total, in
//! three ways. All three give the same total; what differs is how much the threads fight over
//! one cache line.
//!
//! - one shared `Mutex<u64>`: every addition takes and releases the lock (contended);
//! - one shared `AtomicU64`: every addition is one `fetch_add` (still one contended cache line);
//! - per-thread sums merged at the end: nothing is shared until the join (no contention).

use std::hint::black_box;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Every thread locks one shared mutex for every addition.
pub fn mutex(threads: usize, per_thread: u64) -> u64 {
    let total = Mutex::new(0u64);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    // A poisoned lock only means another adder panicked; the count is still valid.
                    *total
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) += 1;
                }
            });
        }
    });
    total
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Every thread does one atomic `fetch_add` per addition.
pub fn atomic(threads: usize, per_thread: u64) -> u64 {
    let total = AtomicU64::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                for _ in 0..per_thread {
                    total.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    total.into_inner()
}

/// Each thread counts in a local variable; the sums are merged once, at the join.
pub fn local_sums(threads: usize, per_thread: u64) -> u64 {
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut local = 0u64;
                    for _ in 0..per_thread {
                        // black_box: keep one addition per step, like the other two modes
                        local = black_box(local + 1);
                    }
                    local
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    })
}

/// The same additions on one thread with no synchronisation at all (the baseline).
pub fn sequential(threads: usize, per_thread: u64) -> u64 {
    let mut total = 0u64;
    for _ in 0..threads as u64 * per_thread {
        total = black_box(total + 1);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_strategies_count_every_addition() {
        for f in [mutex, atomic, local_sums, sequential] {
            assert_eq!(f(3, 10_000), 30_000);
        }
    }
}
