//! Lock with a timeout: give up on a busy lock after 1 s, then a recovery path that is bounded too.
//!
//! Python original: the course notebook, Thread-safe "Rule #4: Use Timeouts" (`lock.acquire(timeout=1)`). `std::sync::Mutex`
//! only has `lock` (wait forever) and `try_lock` (don't wait at all), so this uses
//! `parking_lot::Mutex::try_lock_for`. It returns `Option<guard>`: `Some` means "acquired", and
//! dropping the guard replaces Python's `try: … finally: lock.release()`.
//!
//! The recovery path must not end in an unbounded wait either (`lock()` after a timeout would
//! undo the lesson): it retries a few times, each try bounded, and then gives up for good and
//! reports the resource as busy. `cargo run --bin t24_lock_timeout -- stuck` shows that branch:
//! the holder never lets go, and the program still ends after about 1 + 3 × 1 s.
//!
//! Run: `cargo run --bin t24_lock_timeout`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Lock acquired (it was free)
//! [   0.000s] holder       | holding the lock for 3 s
//! [   0.000s] main         | trying for at most 1 s…
//! [   1.001s] main         | gave up after 1.001 s: recovery path, up to 3 more tries with the same timeout
//! [   2.002s] main         | recovery: try 1 of 3 timed out
//! [   3.000s] holder       | released the lock
//! [   3.000s] main         | Lock acquired on recovery try 2, 3.000 s after the start
//! ```
//! With `-- stuck`, the last lines are instead:
//! ```text
//! [   4.004s] main         | recovery: try 3 of 3 timed out
//! [   4.004s] main         | gave up for good after 4.004 s: report "busy" to the caller
//! ```

use parking_lot::Mutex;
use std::sync::mpsc;
use std::thread;
use utilities::{Stopwatch, say, secs, sleep_secs};

/// Recovery tries after the first timeout, each bounded by the same timeout.
const RECOVERY_TRIES: u32 = 3;

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

/// The recovery path: a few more bounded tries, never a plain `lock()`. Returns the try that
/// got the lock, or `None` when every try timed out (the caller reports "busy").
fn recover(lock: &Mutex<u32>) -> Option<u32> {
    (1..=RECOVERY_TRIES).find(|&attempt| {
        let got = with_timeout(lock, 1.0);
        if !got {
            say!("recovery: try {attempt} of {RECOVERY_TRIES} timed out");
        }
        got
    })
}

fn main() {
    utilities::output::start_clock();
    // `stuck`: the holder never lets go, to show that the recovery path ends anyway.
    let stuck = std::env::args().nth(1).as_deref() == Some("stuck");
    let lock = Mutex::new(0_u32);

    // 1. The lock is free: acquired at once.
    assert!(with_timeout(&lock, 1.0));
    say!("Lock acquired (it was free)");

    // 2. Another thread holds it for 3 s (or until main gives up, with `stuck`).
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let lock = &lock; // the holder's `move` closure takes this reference, not the lock
    let recovered = thread::scope(|s| {
        thread::Builder::new()
            .name("holder".into())
            .spawn_scoped(s, move || {
                let _guard = lock.lock();
                locked_tx.send(()).expect("main is waiting for this");
                if stuck {
                    say!("holding the lock until main gives up");
                    // Returns when main sends, or drops its sender.
                    let _ = release_rx.recv();
                } else {
                    say!("holding the lock for 3 s");
                    sleep_secs(3.0);
                }
                say!("released the lock");
            })
            .expect("spawn holder");
        locked_rx.recv().expect("holder took the lock");

        say!("trying for at most 1 s…");
        let sw = Stopwatch::start();
        let acquired = with_timeout(lock, 1.0);
        let waited = sw.elapsed();
        assert!(!acquired, "the holder still has it");
        say!(
            "gave up after {:.3} s: recovery path, up to {RECOVERY_TRIES} more tries with the same timeout",
            waited.as_secs_f64()
        );

        let recovered = recover(lock);
        let total = sw.elapsed().as_secs_f64();
        match recovered {
            Some(attempt) => {
                say!("Lock acquired on recovery try {attempt}, {total:.3} s after the start");
            }
            None => say!("gave up for good after {total:.3} s: report \"busy\" to the caller"),
        }
        drop(release_tx); // lets a `stuck` holder go, so the scope can end
        recovered
    });
    let entered = *lock.lock();
    if stuck {
        assert!(recovered.is_none(), "the holder never released the lock");
        assert_eq!(
            entered, 1,
            "only the first attempt entered the critical section"
        );
    } else {
        assert!(
            recovered.is_some(),
            "the holder released after 3 s, within 1 + 3 tries"
        );
        assert_eq!(entered, 2, "the first attempt and the recovery entered");
    }
}
