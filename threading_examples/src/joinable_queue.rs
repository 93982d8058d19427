//! A `JoinableQueue`: Python's `queue.Queue` with `task_done()` and `join()`.
//!
//! Rust channels move items between threads, but they cannot tell the producer "every item you
//! sent has been *processed*". Python's `Queue` counts unfinished tasks: `put` adds one,
//! `task_done` removes one, and `join` blocks until the count is zero. This type does the same
//! with a `Mutex` (the queue and the count) and two `Condvar`s (one to wake getters, one to wake
//! joiners). `close` replaces Python's `None` sentinel: after it, `get` returns `None` once the
//! queue is empty, so consumers end their loop and can be joined (no daemon threads needed).
//!
//! ```
//! use threading_examples::joinable_queue::JoinableQueue;
//! let q = JoinableQueue::new();
//! q.put(1);
//! std::thread::scope(|s| {
//!     s.spawn(|| {
//!         while let Some(item) = q.get() {
//!             assert_eq!(item, 1);
//!             q.task_done();
//!         }
//!     });
//!     q.join(); // returns once the item was processed
//!     q.close(); // lets the consumer's loop end
//! });
//! ```

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    /// Items put but not yet marked done (Python's `unfinished_tasks`).
    unfinished: usize,
    closed: bool,
}

/// A FIFO queue whose `join` waits until every item put has been marked done.
#[derive(Debug)]
pub struct JoinableQueue<T> {
    state: Mutex<State<T>>,
    not_empty: Condvar,
    all_done: Condvar,
}

impl<T> Default for JoinableQueue<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T> JoinableQueue<T> {
    /// An empty, open queue.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State {
                items: VecDeque::new(),
                unfinished: 0,
                closed: false,
            }),
            not_empty: Condvar::new(),
            all_done: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<T>> {
        // A panicking consumer must not make the queue unusable for everyone else.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds an item at the back and counts it as an unfinished task.
    ///
    /// # Panics
    /// If the queue was closed (putting after the end of input is a bug).
    pub fn put(&self, item: T) {
        let mut st = self.lock();
        assert!(!st.closed, "put on a closed JoinableQueue");
        st.items.push_back(item);
        st.unfinished += 1;
        drop(st);
        self.not_empty.notify_one();
    }

    /// Takes the front item, waiting while the queue is empty. Returns `None` once the queue is
    /// closed and empty (the consumer's signal to stop).
    pub fn get(&self) -> Option<T> {
        let mut st = self.lock();
        loop {
            if let Some(item) = st.items.pop_front() {
                return Some(item);
            }
            if st.closed {
                return None;
            }
            // `wait` may wake spuriously: the loop checks the condition again.
            st = self
                .not_empty
                .wait(st)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Takes the front item if there is one, without waiting.
    pub fn try_get(&self) -> Option<T> {
        self.lock().items.pop_front()
    }

    /// Marks one item returned by `get` as processed.
    ///
    /// # Panics
    /// When called more times than items were put (Python raises `ValueError`).
    pub fn task_done(&self) {
        let mut st = self.lock();
        assert!(st.unfinished > 0, "task_done() called too many times");
        st.unfinished -= 1;
        if st.unfinished == 0 {
            self.all_done.notify_all();
        }
    }

    /// Blocks until every item put so far has been marked done.
    pub fn join(&self) {
        let mut st = self.lock();
        while st.unfinished > 0 {
            st = self
                .all_done
                .wait(st)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }

    /// Like [`join`](Self::join), giving up after `timeout`. Returns `true` if everything was done.
    pub fn join_timeout(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut st = self.lock();
        while st.unfinished > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            st = self
                .all_done
                .wait_timeout(st, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        true
    }

    /// Ends the input: consumers drain what is left, then `get` returns `None`.
    pub fn close(&self) {
        self.lock().closed = true;
        self.not_empty.notify_all();
    }

    /// Items put and not yet marked done (waiting in the queue or being processed).
    pub fn unfinished(&self) -> usize {
        self.lock().unfinished
    }

    /// Items waiting in the queue.
    pub fn len(&self) -> usize {
        self.lock().items.len()
    }

    /// True when no item is waiting (items may still be in progress).
    pub fn is_empty(&self) -> bool {
        self.lock().items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn fifo_and_counts() {
        let q = JoinableQueue::new();
        for i in 1..=3 {
            q.put(i);
        }
        assert_eq!(q.get(), Some(1));
        assert_eq!((q.len(), q.unfinished(), q.is_empty()), (2, 3, false));
        q.task_done();
        assert!(
            !q.join_timeout(Duration::from_millis(20)),
            "2 and 3 are not done"
        );
        assert_eq!(q.try_get(), Some(2));
        assert_eq!(q.get(), Some(3));
        q.task_done();
        q.task_done();
        assert!(q.join_timeout(Duration::from_millis(1)));
        q.join();
    }

    #[test]
    fn join_waits_for_every_task_done_and_close_ends_consumers() {
        let q = JoinableQueue::new();
        let done = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    while let Some(_item) = q.get() {
                        std::thread::sleep(Duration::from_millis(2));
                        done.fetch_add(1, Ordering::SeqCst);
                        q.task_done();
                    }
                });
            }
            for i in 0..20 {
                q.put(i);
            }
            q.join();
            assert_eq!(done.load(Ordering::SeqCst), 20);
            q.close();
        });
        assert_eq!(q.get(), None);
    }

    #[test]
    #[should_panic(expected = "too many times")]
    fn extra_task_done_panics() {
        let q = JoinableQueue::<u8>::new();
        q.task_done();
    }
}
