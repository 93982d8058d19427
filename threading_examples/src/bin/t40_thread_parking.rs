//! Thread parking: `park()` sleeps until `unpark()`, but may return early, so always wait in a loop.
//!
//! Python's `Event` and `Condition` are built from a lower-level primitive that Rust exposes
//! directly: every thread can *park* (sleep until told) and any thread holding its `Thread`
//! handle can *unpark* it. Two rules make it correct:
//! * **The token.** `unpark()` on a thread that is not parked is not lost: it leaves a token, and
//!   that thread's next `park()` returns at once. So "set the flag, then unpark" cannot be missed
//!   by a waiter that checks the flag and then parks, in whatever order the two happen.
//! * **Spurious wake-ups.** `park()` may return *without* any `unpark()` (the docs allow it, and a
//!   `park_timeout` expiring looks exactly the same). Returning from `park()` means "look again",
//!   never "it happened". So a waiter parks in a loop on the real condition:
//!   `while !ready.load(Acquire) { thread::park(); }`. The same holds for `Condvar::wait` (the
//!   lib's `Event` loops too), and for Python's `Condition.wait`, hence its `wait_for(predicate)`.
//!
//! The worker here waits with `park_timeout(0.1 s)`, so some of its wake-ups find the flag still
//! false: those are the wake-ups an `if` instead of a `while` would have trusted.
//!
//! Run: `cargo run --bin t40_thread_parking`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | unpark before park: the token made park() return after 0.000 s
//! [   0.000s] waiter       | waiting for the data: park in a loop until the flag is set
//! [   1.001s] main         | data stored, flag set, unpark(waiter)
//! [   1.001s] waiter       | flag set after 10 wake-ups, 9 of them with the flag still false; data = 42
//! [   1.001s] main         | with `if` instead of `while`, the first of those wake-ups would have read data = 0
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::Instant;
use threading_examples::spawn_scoped_named;
use utilities::{say, secs, sleep_secs};

fn main() {
    utilities::output::start_clock();

    // 1. The token: unpark first, park second, and park does not block.
    thread::current().unpark();
    let t = Instant::now();
    thread::park(); // returns at once: the token was waiting
    say!(
        "unpark before park: the token made park() return after {:.3} s",
        t.elapsed().as_secs_f64()
    );

    // 2. A waiter that parks until a flag is set, and counts its wake-ups.
    let data = AtomicU64::new(0);
    let ready = AtomicBool::new(false);
    let (wakeups, early, seen, early_data) = thread::scope(|s| {
        let waiter = spawn_scoped_named(s, "waiter", || {
            say!("waiting for the data: park in a loop until the flag is set");
            let (mut wakeups, mut early) = (0, 0);
            let mut first_early_data = None;
            // Acquire pairs with main's Release store: once the flag is seen, so is the data.
            while !ready.load(Ordering::Acquire) {
                thread::park_timeout(secs(0.1));
                wakeups += 1;
                if !ready.load(Ordering::Acquire) {
                    early += 1; // woke, but nothing happened: a spurious wake-up, as far as we know
                    first_early_data.get_or_insert(data.load(Ordering::Relaxed));
                }
            }
            let seen = data.load(Ordering::Relaxed);
            say!(
                "flag set after {wakeups} wake-ups, {early} of them with the flag still false; data = {seen}"
            );
            (wakeups, early, seen, first_early_data)
        });
        sleep_secs(1.0);
        data.store(42, Ordering::Relaxed);
        ready.store(true, Ordering::Release); // publish, then wake
        say!("data stored, flag set, unpark(waiter)");
        waiter.thread().unpark();
        waiter.join().expect("the waiter panicked")
    });
    if let Some(d) = early_data {
        say!(
            "with `if` instead of `while`, the first of those wake-ups would have read data = {d}"
        );
    }
    assert_eq!(seen, 42);
    assert!(wakeups > early, "the last wake-up found the flag set");
}
