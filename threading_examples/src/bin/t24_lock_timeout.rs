//! Lock with a timeout: give up on a busy lock after 1 s and run a recovery path.
//!
//! Python original: the course notebook, Thread-safe "Rule #4: Use Timeouts" (`lock.acquire(timeout=1)`). `std::sync::Mutex`
//! only has `lock` (wait forever) and `try_lock` (don't wait at all), so this uses
//! `parking_lot::Mutex::try_lock_for`. It returns `Option<guard>`: `Some` means "acquired", and
//! dropping the guard replaces Python's `try: … finally: lock.release()`.
//!
//! Run: `cargo run --bin t24_lock_timeout`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Lock acquired (it was free)
//! [   0.000s] holder       | holding the lock for 3 s
//! [   0.000s] main         | trying for at most 1 s…
//! [   1.001s] main         | gave up after 1.001 s: running the recovery path (retry later, report busy)
//! [   3.001s] holder       | released the lock
//! [   3.001s] main         | Lock acquired after the holder released it
//! ```

use parking_lot::Mutex;
use std::sync::mpsc;
use std::thread;
use utilities::{Stopwatch, say, secs, sleep_secs};

/// Python's `acquired = lock.acquire(timeout=…)` followed by the `if acquired:` branch.
fn with_timeout(lock: &Mutex<u32>, timeout_secs: f64) -> bool {
    match lock.try_lock_for(secs(timeout_secs)) {
        Some(mut guard) => {
            *guard += 1; // the critical section
            true
        } // guard dropped here: the lock is released even if the section panicked
        None => false,
    }
}

fn main() {
    utilities::output::start_clock();
    let lock = Mutex::new(0_u32);

    // 1. The lock is free: acquired at once.
    assert!(with_timeout(&lock, 1.0));
    say!("Lock acquired (it was free)");

    // 2. Another thread holds it for 3 s: our attempt gives up after 1 s.
    let (locked_tx, locked_rx) = mpsc::channel();
    thread::scope(|s| {
        thread::Builder::new()
            .name("holder".into())
            .spawn_scoped(s, || {
                let _guard = lock.lock();
                locked_tx.send(()).expect("main is waiting for this");
                say!("holding the lock for 3 s");
                sleep_secs(3.0);
                say!("released the lock");
            })
            .expect("spawn holder");
        locked_rx.recv().expect("holder took the lock");

        say!("trying for at most 1 s…");
        let sw = Stopwatch::start();
        let acquired = with_timeout(&lock, 1.0);
        let waited = sw.elapsed();
        assert!(!acquired, "the holder still has it");
        say!(
            "gave up after {:.3} s: running the recovery path (retry later, report busy)",
            waited.as_secs_f64()
        );

        // Recovery here: wait without a limit, now that we know who holds it.
        let _guard = lock.lock();
        say!("Lock acquired after the holder released it");
    });
    assert_eq!(
        *lock.lock(),
        1,
        "only the first attempt entered the critical section"
    );
}
