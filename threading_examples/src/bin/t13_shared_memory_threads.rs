//! Shared memory: every thread sees the same variable; 8 threads each add 1 and the total is 8.
//!
//! Python original: the course notebook, GIL "Shared Memory in Threads" and Thread-safe "Identifying Shared Data". Threads
//! share the process's memory, as in Python, but Rust makes *how* they share explicit:
//! 1. `thread::scope`: scoped threads may borrow a local (`&counter`), because the scope joins
//!    them before the local goes away. No `Arc`, no global.
//! 2. `thread::spawn`: the thread may outlive the caller, so it must own what it uses. An `Arc`
//!    (atomically reference-counted pointer) gives each thread an owning handle to one value.
//!
//! The value itself must be safe to change from several threads: an atomic here, a `Mutex` in
//! t07. `Rc`, the single-threaded reference count, is not `Send`; moving one into a thread is a
//! compile error, kept as the compile-fail test `tests/ui/t13_rc_not_send.rs`.
//!
//! Run: `cargo run --bin t13_shared_memory_threads`
//!
//! Expected output:
//! ```text
//! [   0.001s] main         | Scoped threads borrowing a local: counter = 8
//! [   0.002s] main         | Spawned threads sharing an Arc: counter = 8 (Arc strong count back to 1)
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use utilities::say;

const THREADS: usize = 8;

fn main() {
    utilities::output::start_clock();

    // 1. A local, borrowed by scoped threads.
    let counter = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| counter.fetch_add(1, Ordering::SeqCst));
        }
    });
    let scoped = counter.load(Ordering::SeqCst);
    say!("Scoped threads borrowing a local: counter = {scoped}");

    // 2. Spawned threads each own a clone of the Arc; all clones point at one counter.
    let counter = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || counter.fetch_add(1, Ordering::SeqCst))
        })
        .collect();
    for h in handles {
        h.join().expect("a thread panicked");
    }
    let spawned = counter.load(Ordering::SeqCst);
    say!(
        "Spawned threads sharing an Arc: counter = {spawned} (Arc strong count back to {})",
        Arc::strong_count(&counter)
    );

    assert_eq!((scoped, spawned), (THREADS, THREADS));
}
