//! # Exercise 6: synchronization in practice
//!
//! Python's exercise uses four primitives; each has one job here:
//! - a **lock** protects a shared counter of processed tasks;
//! - an **event** keeps every worker waiting until the caller sets it;
//! - a **semaphore** lets at most `permits` tasks run `process` at the same time;
//! - a **queue** hands out the tasks, each to exactly one worker.
//!
//! std has `Mutex` and `Condvar` but no Event and no Semaphore: build both from a `Mutex` plus a
//! `Condvar` (wait in a `while` loop). For the queue use `crossbeam::channel` (or a
//! `Mutex<VecDeque>`). Then write `run`.
//!
//! Done when: the counter equals the number of tasks, also with 30 000 tiny tasks on 16 workers
//! (where a read and a separate write of the counter lose updates); no task starts before the
//! event is set; never more than `permits` tasks run at once, even under that contention;
//! every task is processed exactly once; nothing hangs (the tests have a watchdog).
//!
//! Builds on: `t07_lock_fixes_race`, `t09_event_signal`, `t10_semaphore_limit`,
//!   `t11_queue_producer_consumer`.
//!
//! Check: `cargo run --bin exercises -- check 6`
#![allow(unused, unreachable_code, clippy::all)]

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Python's `threading.Event`: a flag that threads can wait for.
#[derive(Debug, Default)]
pub struct Event {
    set: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the flag and wakes every waiter.
    pub fn set(&self) {
        todo!()
    }
    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        todo!()
    }
    /// Blocks until the flag is set.
    pub fn wait(&self) {
        todo!()
    }
}

/// Python's `threading.Semaphore`: at most `permits` holders at a time.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A held permit; dropping it must give the permit back (write the `Drop` impl).
#[derive(Debug)]
pub struct Permit<'a>(&'a Semaphore);

impl Semaphore {
    /// A semaphore with `permits` free permits.
    pub fn new(permits: usize) -> Self {
        Self {
            free: Mutex::new(permits),
            released: Condvar::new(),
        }
    }
    /// Waits for a free permit and takes it.
    pub fn acquire(&self) -> Permit<'_> {
        todo!()
    }
}

// TODO: impl Drop for Permit<'_> — give the permit back and wake one waiter.

/// Runs every task on `workers` threads: each worker waits for `start`, then takes tasks from
/// the queue until it is empty; each task runs `process(task)` while holding a permit, then
/// adds 1 to the counter. Returns the counter.
pub fn run(
    tasks: &[u32],
    workers: usize,
    permits: usize,
    start: &Event,
    process: &(dyn Fn(u32) + Sync),
) -> u64 {
    todo!()
}
