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
//! The lock costs time: every increment takes and releases it, and the two threads queue for it.
//! Both timed versions run 3 times, and the cheapest run of each is compared in CPU time (time
//! the OS gave to other programs does not count in it, so the ratio holds on a busy machine).
//!
//! A Rust-only detail: if a thread panics while holding the guard, the mutex is *poisoned* and
//! later `lock()` calls return `Err`, so nobody silently uses half-updated data. The last part
//! shows it and recovers the value with `into_inner()`. That panic is deliberate, so it prints
//! one line on stderr (`utilities::output::quiet_panics`), even with `RUST_BACKTRACE=1`.
//!
//! Run: `cargo run --bin t07_lock_fixes_race`
//!
//! Expected output (times vary; the lock is usually several times slower than the atomic):
//! ```text
//! [   0.075s] main         | Counter: 200000 (Arc<Mutex<u64>>)
//! Mutex, best of 3: Time taken: 0.025 s (CPU time 0.048 s)
//! [   0.100s] main         | Counter: 200000 (Counter struct with a Mutex field)
//! [   0.112s] main         | Counter: 200000 (AtomicU64::fetch_add)
//! Atomic, best of 3: Time taken: 0.004 s (CPU time 0.007 s)
//! [   0.112s] main         | The lock costs 6.9× the CPU time of the atomic (best of 3 each)
//! [   0.113s] ThreadId(8)  | panicked: "crashed while holding the lock" (at threading_examples/src/bin/t07_lock_fixes_race.rs:141:17)
//! [   0.113s] main         | After a panic inside the lock: poisoned = true, value still 1
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::Duration;
use utilities::timing::time_taken_line;
use utilities::{Stopwatch, process_cpu_time, say};

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

/// Runs `f` three times; returns the run that used the least CPU time, as (wall time, CPU time).
/// CPU time is what the work cost: time the OS gave to other programs does not count in it, so
/// the comparison holds on a busy machine too.
fn best_of_3(f: fn()) -> (Duration, Duration) {
    (0..3)
        .map(|_| {
            let cpu = process_cpu_time();
            let sw = Stopwatch::start();
            f();
            (sw.elapsed(), process_cpu_time() - cpu)
        })
        .min_by_key(|&(_, cpu)| cpu)
        .unwrap_or_default()
}

/// Prints "`<label>`: Time taken: … s (CPU time … s)".
fn print_times(label: &str, (wall, cpu): (Duration, Duration)) {
    println!(
        "{} (CPU time {:.3} s)",
        time_taken_line(label, wall),
        cpu.as_secs_f64()
    );
}

/// The Python original's program: two spawned threads add 100 000 each to an `Arc<Mutex<u64>>`.
fn python_original() {
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
    assert_eq!(total, 200_000);
}

/// Two scoped threads add 100 000 each to an `AtomicU64` with `fetch_add`.
fn atomic_counter() {
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
    // Relaxed is enough: the scope's end joins both threads, and a join is a happens-before
    // edge, so every increment is visible here.
    assert_eq!(atomic.load(Ordering::Relaxed), 200_000);
}

fn main() {
    utilities::output::start_clock();

    // 1. The Python original's program: a shared counter behind a lock, two threads (3 times,
    // the best time kept).
    let mutex_time = best_of_3(python_original);
    say!("Counter: 200000 (Arc<Mutex<u64>>)");
    print_times("Mutex, best of 3", mutex_time);

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
    let atomic_time = best_of_3(atomic_counter);
    say!("Counter: 200000 (AtomicU64::fetch_add)");
    print_times("Atomic, best of 3", atomic_time);
    say!(
        "The lock costs {:.1}× the CPU time of the atomic (best of 3 each)",
        mutex_time.1.as_secs_f64() / atomic_time.1.as_secs_f64().max(1e-9)
    );

    // Poisoning: a thread panics halfway through its critical section.
    let shared = Mutex::new(0_u64);
    // The panic is on purpose: one clean line on stderr instead of the default report.
    utilities::output::quiet_panics(|| {
        thread::scope(|s| {
            let _ = s
                .spawn(|| {
                    let mut guard = shared.lock().expect("not poisoned yet");
                    *guard += 1;
                    panic!("crashed while holding the lock");
                })
                .join();
        });
    });
    let poisoned = shared.is_poisoned();
    let value = *shared.lock().unwrap_or_else(PoisonError::into_inner);
    say!("After a panic inside the lock: poisoned = {poisoned}, value still {value}");
}
