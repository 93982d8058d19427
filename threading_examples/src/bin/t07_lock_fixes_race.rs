//! A lock makes the read-modify-write correct: `Counter: 200000`, every time.
//!
//! Python original: the course notebook, Module 4A "7) Fix using Lock", Sync "Creating and Using a Lock" / "Lock Behavior in
//! Practice", Thread-safe "Making Data Access Thread-Safe with Locks" / "Using Context Managers
//! for Safety" and Effective Python (ch. 5), "Use lock to prevent data races in threads".
//!
//! In Rust the lock *owns* the data: `Mutex<u64>`, not a lock next to a global. The only way to
//! reach the number is `lock()`, which returns a guard; the guard's scope is Python's
//! `with lock:` block and the lock is released when the guard is dropped. Three versions:
//! 1. `Arc<Mutex<u64>>` shared by two spawned threads (the Python original's program);
//! 2. a `Counter` struct with a `Mutex` field and `&self` methods (Effective Python (ch. 5)'s `self.lock`);
//! 3. `AtomicU64::fetch_add`: no lock at all, and faster for a single number.
//!
//! A Rust-only detail: if a thread panics while holding the guard, the mutex is *poisoned* and
//! later `lock()` calls return `Err`, so nobody silently uses half-updated data. The last part
//! shows it and recovers the value with `into_inner()` (the panic message goes to stderr).
//!
//! Run: `cargo run --bin t07_lock_fixes_race`
//!
//! Expected output (times vary; the lock is usually several times slower than the atomic):
//! ```text
//! [   0.025s] main         | Counter: 200000 (Arc<Mutex<u64>>)
//! Mutex: Time taken: 0.025 s
//! [   0.050s] main         | Counter: 200000 (Counter struct with a Mutex field)
//! [   0.054s] main         | Counter: 200000 (AtomicU64::fetch_add)
//! Atomic: Time taken: 0.004 s
//! [   0.055s] main         | After a panic inside the lock: poisoned = true, value still 1
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use utilities::{Stopwatch, print_time_taken, say};

const PER_THREAD: u64 = 100_000;

/// Effective Python (ch. 5)'s `Counter` with `self.lock`: the lock lives inside the struct, callers just call methods.
#[derive(Default)]
struct Counter {
    value: Mutex<u64>,
}

impl Counter {
    fn increment(&self) {
        // The guard lives until the end of this statement: the whole `+= 1` happens under the lock.
        *self.value.lock().unwrap_or_else(PoisonError::into_inner) += 1;
    }

    fn get(&self) -> u64 {
        *self.value.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn main() {
    utilities::output::start_clock();

    // 1. The Python original's program: a shared counter behind a lock, two threads.
    let sw = Stopwatch::start();
    let counter = Arc::new(Mutex::new(0_u64));
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..PER_THREAD {
                    let mut guard = counter.lock().expect("no thread panics while holding it");
                    *guard += 1; // `with lock: counter += 1`
                } // guard dropped at the end of each iteration: the lock is released
            })
        })
        .collect();
    for h in handles {
        h.join().expect("a counting thread panicked");
    }
    let total = *counter.lock().expect("not poisoned");
    say!("Counter: {total} (Arc<Mutex<u64>>)");
    let mutex_time = sw.elapsed();
    print_time_taken("Mutex", mutex_time);
    assert_eq!(total, 200_000);

    // 2. The lock hidden inside a type; scoped threads borrow it, no Arc needed.
    let counter = Counter::default();
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| (0..PER_THREAD).for_each(|_| counter.increment()));
        }
    });
    say!(
        "Counter: {} (Counter struct with a Mutex field)",
        counter.get()
    );
    assert_eq!(counter.get(), 200_000);

    // 3. One number needs no lock: an atomic add is one indivisible instruction.
    let sw = Stopwatch::start();
    let atomic = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..PER_THREAD {
                    atomic.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    let total = atomic.load(Ordering::Relaxed);
    say!("Counter: {total} (AtomicU64::fetch_add)");
    print_time_taken("Atomic", sw.elapsed());
    assert_eq!(total, 200_000);

    // Poisoning: a thread panics halfway through its critical section.
    let shared = Mutex::new(0_u64);
    thread::scope(|s| {
        let _ = s
            .spawn(|| {
                let mut guard = shared.lock().expect("not poisoned yet");
                *guard += 1;
                panic!("crashed while holding the lock");
            })
            .join();
    });
    let poisoned = shared.is_poisoned();
    let value = *shared.lock().unwrap_or_else(PoisonError::into_inner);
    say!("After a panic inside the lock: poisoned = {poisoned}, value still {value}");
}
