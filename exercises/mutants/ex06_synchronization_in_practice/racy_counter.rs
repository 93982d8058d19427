//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 6, a racy read-modify-write: the shared counter is an atomic updated with a separate
//! `load` and `store`, so two workers can both read 5 and both write 6 (lost updates).

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
        *lock(&self.set) = true;
        self.changed.notify_all();
    }
    /// Whether the flag is set.
    pub fn is_set(&self) -> bool {
        *lock(&self.set)
    }
    /// Blocks until the flag is set.
    pub fn wait(&self) {
        let mut set = lock(&self.set);
        while !*set {
            set = self
                .changed
                .wait(set)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Python's `threading.Semaphore`: at most `permits` holders at a time.
#[derive(Debug)]
pub struct Semaphore {
    free: Mutex<usize>,
    released: Condvar,
}

/// A held permit; dropping it gives the permit back (even if the task panics).
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
        let mut free = lock(&self.free);
        while *free == 0 {
            free = self
                .released
                .wait(free)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *free -= 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        *lock(&self.0.free) += 1;
        self.0.released.notify_one();
    }
}

/// Runs every task of `tasks` on `workers` threads. Workers wait for `start`; at most `permits`
/// tasks run `process` at once; each task is processed exactly once. Returns the counter: how
/// many tasks were processed.
///
/// # Panics
/// When a worker panics.
pub fn run(
    tasks: &[u32],
    workers: usize,
    permits: usize,
    start: &Event,
    process: &(dyn Fn(u32) + Sync),
) -> u64 {
    let (tx, rx) = crossbeam::channel::unbounded();
    for &t in tasks {
        tx.send(t).expect("the receiver is alive");
    }
    drop(tx); // workers stop when the queue is empty and closed
    let counter = std::sync::atomic::AtomicU64::new(0);
    let semaphore = Semaphore::new(permits);
    std::thread::scope(|s| {
        for _ in 0..workers {
            let rx = rx.clone();
            let (counter, semaphore) = (&counter, &semaphore);
            s.spawn(move || {
                start.wait();
                while let Ok(task) = rx.recv() {
                    let permit = semaphore.acquire();
                    process(task);
                    drop(permit);
                    let seen = counter.load(std::sync::atomic::Ordering::SeqCst);
                    counter.store(seen + 1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    counter.into_inner()
}
