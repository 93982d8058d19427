//! # Exercise 17: a thread-safe bounded queue
//!
//! Build a FIFO queue that many threads share, holding at most `capacity` items, from one
//! `Mutex` and two `Condvar`s:
//!
//! - `push` waits while the queue is full; `pop` waits while it is empty;
//! - `close` wakes every waiting thread: after it, `push` gives the item back as `Err(item)`, and
//!   `pop` returns what is left, then `None` — that is how consumers learn that the work is over.
//!
//! Done when: 4 producers × 500 items reach 3 consumers exactly once each; the queue never holds
//! more than `capacity`; a producer blocks on a full queue until someone pops; blocked consumers
//! return `None` when the queue is closed; nothing deadlocks (the tests have a watchdog).
//! The reference solution is also model-checked with loom (see the solution file).
//!
//! Builds on: `t09_event_signal`, `t10_semaphore_limit`, `t11_queue_producer_consumer`,
//!   `t29_multi_producer_consumer`.
//!
//! Check: `cargo run --bin exercises -- check 17`
#![allow(unused, unreachable_code, clippy::all)]

use std::collections::VecDeque;
use thread_safe_structures::sync::{Condvar, Mutex};

struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// A FIFO queue holding at most `capacity` items, safe to share between threads.
pub struct BoundedQueue<T> {
    capacity: usize,
    state: Mutex<State<T>>,
    not_full: Condvar,
    not_empty: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty open queue (panics when `capacity` is 0).
    pub fn new(capacity: usize) -> Self {
        assert!(
            capacity > 0,
            "a bounded queue needs a capacity of at least 1"
        );
        Self {
            capacity,
            state: Mutex::new(State {
                items: VecDeque::new(),
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

    /// Adds `item` at the back, waiting while the queue is full; `Err(item)` once closed.
    pub fn push(&self, item: T) -> Result<(), T> {
        todo!()
    }

    /// Removes the front item, waiting while the queue is empty and open; `None` once closed
    /// and drained.
    pub fn pop(&self) -> Option<T> {
        todo!()
    }

    /// Closes the queue and wakes every waiting thread.
    pub fn close(&self) {
        todo!()
    }

    /// Items queued right now.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether no item is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
