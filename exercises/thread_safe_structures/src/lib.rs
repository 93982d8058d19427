//! A bounded blocking queue built from one `Mutex` and two `Condvar`s: the reference solution of
//! exercise 17 (`thread_safe_structures`), kept in its own package so that loom can check it.
//!
//! - `push` blocks while the queue is full, `pop` blocks while it is empty.
//! - `close` wakes everybody: later pushes give the item back, pops drain what is left and then
//!   return `None`. That is how consumers learn that no more work will come.
//!
//! Built normally it uses `std::sync`; built with `RUSTFLAGS="--cfg loom"` it uses loom's
//! instrumented `Mutex`/`Condvar`, and `tests/loom.rs` explores every interleaving of small
//! scenarios:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p thread_safe_structures --release --test loom
//! ```
//!
//! ```
//! use thread_safe_structures::BoundedQueue;
//! let q = BoundedQueue::new(2);
//! q.push(1).unwrap();
//! q.close();
//! assert_eq!(q.pop(), Some(1));
//! assert_eq!(q.pop(), None);
//! assert_eq!(q.push(3), Err(3)); // closed: the item comes back
//! ```
#![warn(missing_docs)]

// The learner's file names this crate as `thread_safe_structures::sync`, which must also work
// when the file is compiled inside this crate (feature `learner`).
extern crate self as thread_safe_structures;

use std::collections::VecDeque;

use sync::{Condvar, Mutex, MutexGuard};

/// `Mutex` and `Condvar` (and `MutexGuard`): std's in a normal build, loom's instrumented ones
/// under `--cfg loom`. Exercise 17's starter takes them from here, so that loom can check the
/// learner's queue too.
pub mod sync {
    #[cfg(loom)]
    pub use loom::sync::{Condvar, Mutex, MutexGuard};
    #[cfg(not(loom))]
    pub use std::sync::{Condvar, Mutex, MutexGuard};
}

/// The learner's queue: `exercises/starters/ex17_thread_safe_structures.rs`, compiled here so
/// that loom can model-check it (feature `learner`, turned on by `check 17`).
#[cfg(feature = "learner")]
#[path = "../../starters/ex17_thread_safe_structures.rs"]
pub mod learner;

struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// A FIFO queue holding at most `capacity` items, safe to share between threads (`Arc` or scoped
/// threads).
pub struct BoundedQueue<T> {
    capacity: usize,
    state: Mutex<State<T>>,
    /// Signalled when an item was removed (or on close): a blocked `push` may proceed.
    not_full: Condvar,
    /// Signalled when an item was added (or on close): a blocked `pop` may proceed.
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty open queue.
    ///
    /// # Panics
    /// When `capacity` is 0 (a zero-capacity queue could never accept an item).
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a bounded queue needs a capacity of at least 1"
        );
        Self {
            capacity,
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_full: Condvar::new(),
            not_empty: Condvar::new(),
        }
    }

    /// The most items the queue ever holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    // A panic while holding the lock cannot leave `State` half-updated (every change is one
    // VecDeque call or one bool store), so a poisoned lock is safe to keep using.
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Adds `item` at the back, waiting while the queue is full.
    ///
    /// # Errors
    /// `Err(item)` when the queue is (or becomes, while waiting) closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        let mut state = self.lock();
        // A `while`, not an `if`: wake-ups can be spurious, and another producer may have filled
        // the free slot between the notify and our re-lock.
        while state.items.len() >= self.capacity && !state.closed {
            state = self
                .not_full
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.closed {
            return Err(item);
        }
        state.items.push_back(item);
        drop(state);
        self.not_empty.notify_one();
        Ok(())
    }

    /// Removes the front item, waiting while the queue is empty and open. `None` once the queue
    /// is closed and drained.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.lock();
        loop {
            if let Some(item) = state.items.pop_front() {
                drop(state);
                self.not_full.notify_one();
                return Some(item);
            }
            if state.closed {
                return None;
            }
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }

    /// Closes the queue and wakes every waiting thread. Idempotent.
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }

    /// Whether [`close`](Self::close) was called.
    pub fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Items currently queued (a snapshot: it may change right after).
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// Whether no item is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::BoundedQueue;
    use std::sync::Arc;
    use std::time::Duration;

    #[test]
    fn fifo_and_close_semantics() {
        let q = BoundedQueue::new(3);
        for i in 0..3 {
            q.push(i).unwrap();
        }
        assert_eq!(q.len(), 3);
        assert_eq!(q.pop(), Some(0));
        q.close();
        assert_eq!(q.push(9), Err(9));
        assert_eq!(q.pop(), Some(1));
        assert_eq!(q.pop(), Some(2));
        assert_eq!(q.pop(), None);
        assert!(q.is_closed() && q.is_empty());
    }

    #[test]
    fn a_full_queue_blocks_the_producer_until_a_pop() {
        let q = Arc::new(BoundedQueue::new(1));
        q.push(1).unwrap();
        let q2 = Arc::clone(&q);
        let producer = std::thread::spawn(move || q2.push(2));
        std::thread::sleep(Duration::from_millis(100));
        assert!(!producer.is_finished(), "push into a full queue must wait");
        assert_eq!(q.pop(), Some(1));
        assert_eq!(producer.join().unwrap(), Ok(()));
        assert_eq!(q.pop(), Some(2));
    }
}
