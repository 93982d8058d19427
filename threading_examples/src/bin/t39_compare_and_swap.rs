//! Compare-and-swap: a `compare_exchange` loop fixes t06's lost update and t32's check-then-act, lock-free.
//!
//! t06 lost updates because "read, add one, write back" are three steps: the other thread's
//! write lands between the read and the write, and is overwritten. t32 lost one the same way
//! (read, work, write back), and let two threads both take the last item (check, then act).
//! A lock fixes both (t07, t32). Compare-and-swap fixes them *without* a lock: a thread computes
//! its new value from what it read, then asks the CPU, in one indivisible instruction, "store
//! this only if the value is still what I read". If another thread got in first, the store does
//! not happen, `compare_exchange` returns the value that is there now, and the thread tries
//! again from that. Nothing is lost; nobody waits for a lock holder that may be asleep.
//!
//! * `compare_exchange(expected, new, ..)`: `Ok(previous)` if it stored, `Err(actual)` if not.
//!   (`compare_exchange_weak` may also fail spuriously; it is cheaper on some CPUs and fine
//!   inside a retry loop.)
//! * `fetch_update(.., |v| Some(f(v)))` is that loop, written once; the closure may return
//!   `None` to give up, which is check-then-act done right: "take one if there is one".
//!
//! This is how `fetch_add` itself works on CPUs without an atomic add, and how lock-free
//! structures are built. The retry count printed is the proof that the threads collided.
//!
//! Run: `cargo run --bin t39_compare_and_swap`
//!
//! Expected output (the retry counts vary; on one core they may be 0):
//! ```text
//! [   0.009s] main         | compare_exchange loop: 200000 (t06's 2 x 100000, none lost; 1731 retries after a collision)
//! [   0.016s] main         | fetch_update: 200000 (the same loop, written once)
//! [   0.217s] main         | read, work 0.1 s, compare_exchange: end value 2 (t32 got 1; 1 thread retried)
//! [   0.219s] main         | last ticket, 1000 rounds of 2 threads: 1 winner every round, 0 rounds with 2
//! ```

use std::sync::Barrier;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use utilities::{say, sleep_secs};

const PER_THREAD: u64 = 100_000;

/// One increment as an explicit compare-and-swap loop; returns how many times it had to retry.
fn increment(counter: &AtomicU64) -> u64 {
    let mut retries = 0;
    let mut current = counter.load(Ordering::Relaxed);
    loop {
        // Relaxed is enough for a counter: nothing else is published through it, and the final
        // value is read after join() (a happens-before edge, see t41).
        match counter.compare_exchange_weak(
            current,
            current + 1,
            Ordering::Relaxed,
            Ordering::Relaxed,
        ) {
            Ok(_) => return retries,
            Err(actual) => {
                // Another thread changed it since we read it: start again from its value.
                current = actual;
                retries += 1;
            }
        }
    }
}

/// Two threads, started together, each adding 1 `PER_THREAD` times with `add`.
fn count_with(add: impl Fn(&AtomicU64) -> u64 + Sync) -> (u64, u64) {
    let counter = AtomicU64::new(0);
    let start_line = Barrier::new(2);
    let retries: u64 = thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    start_line.wait();
                    (0..PER_THREAD).map(|_| add(&counter)).sum::<u64>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a counting thread panicked"))
            .sum()
    });
    (counter.into_inner(), retries)
}

/// t32's `increase()`: read, "process" for 0.1 s, write back; here the write is a
/// compare-and-swap, and on a collision the work is redone from the new value.
fn increase(db: &AtomicU64, both_read: &Barrier) -> bool {
    let mut retried = false;
    let mut seen = db.load(Ordering::Acquire);
    both_read.wait(); // both threads have read 0: the unlucky timing, made certain
    loop {
        let local_copy = seen + 1;
        sleep_secs(0.1); // "processing"
        match db.compare_exchange(seen, local_copy, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => return retried,
            Err(now) => {
                seen = now; // someone wrote first: redo the work on their result
                retried = true;
            }
        }
    }
}

fn main() {
    utilities::output::start_clock();

    // 1. t06's counter, with the read-modify-write as a compare-and-swap loop.
    let (total, retries) = count_with(increment);
    say!(
        "compare_exchange loop: {total} (t06's 2 x {PER_THREAD}, none lost; {retries} retries after a collision)"
    );
    assert_eq!(total, 2 * PER_THREAD);

    // 2. The same loop as a library call.
    let (total, _) = count_with(|c| {
        c.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |v| Some(v + 1))
            .expect("the closure always returns Some");
        0
    });
    say!("fetch_update: {total} (the same loop, written once)");
    assert_eq!(total, 2 * PER_THREAD);

    // 3. t32's lost update (read, work, write back), fixed without holding a lock while working.
    let db = AtomicU64::new(0);
    let both_read = Barrier::new(2);
    let retried = thread::scope(|s| {
        let a = s.spawn(|| increase(&db, &both_read));
        let b = s.spawn(|| increase(&db, &both_read));
        usize::from(a.join().expect("no panic")) + usize::from(b.join().expect("no panic"))
    });
    let end = db.into_inner();
    say!(
        "read, work 0.1 s, compare_exchange: end value {end} (t32 got 1; {retried} thread retried)"
    );
    assert_eq!(
        (end, retried),
        (2, 1),
        "both read 0, so exactly one must redo its work"
    );

    // 4. t32's check-then-act: 1 ticket left, 2 threads try to take it at the same moment.
    // `fetch_update` with `checked_sub` checks and takes in one step: `None` (no ticket) gives up.
    let rounds = if utilities::fast_mode() { 200 } else { 1000 };
    let mut double_winners = 0;
    for _ in 0..rounds {
        let tickets = AtomicU64::new(1);
        let start_line = Barrier::new(2);
        let winners: usize = thread::scope(|s| {
            let take = || {
                start_line.wait();
                tickets
                    .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
                    .is_ok()
            };
            let a = s.spawn(take);
            let b = s.spawn(take);
            usize::from(a.join().expect("no panic")) + usize::from(b.join().expect("no panic"))
        });
        assert_eq!(winners, 1, "exactly one thread gets the last ticket");
        double_winners += usize::from(winners == 2);
    }
    say!(
        "last ticket, {rounds} rounds of 2 threads: 1 winner every round, {double_winners} rounds with 2"
    );
}
