//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 17, `if` instead of `while` around `Condvar::wait` in `pop`: a woken consumer does
//! not check again, so when another consumer took the item first it returns `None` although the
//! queue is still open.

use std::collections::VecDeque;

use std::sync::{Condvar, Mutex, MutexGuard};

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
        if state.items.is_empty() && !state.closed {
            state = self
                .not_empty
                .wait(state)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let item = state.items.pop_front();
        drop(state);
        if item.is_some() {
            self.not_full.notify_one();
        }
        item
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
