//! Memory ordering by example: Release/Acquire publishes data, Relaxed counts, `SeqCst` is rarely needed.
//!
//! Python never asks "in which order do other threads see my writes?": the GIL makes every
//! thread see one history. Real CPUs and compilers reorder memory accesses that look
//! independent, so Rust's atomics take an `Ordering` that says what a thread may rely on.
//! (Rust Atomics and Locks, chapter 3, is the reference; its summary is this program.)
//!
//! 1. **Release/Acquire publishes data.** A writer fills in some data, then sets a flag with
//!    `store(true, Release)`. A reader that sees the flag with `load(Acquire)` is guaranteed to
//!    see everything the writer did before the Release store: the data. This is how a `Mutex`
//!    hands over its contents, and how `OnceLock` and channels publish values.
//! 2. **Relaxed gives no such promise.** With `Relaxed` on the flag, the reader may see the flag
//!    set and the data *not yet* written: the compiler or an ARM/POWER CPU may move the data
//!    write after the flag write. On x86 the hardware does not, so this program cannot show the
//!    failure by running it; `tests/loom.rs` explores every allowed interleaving and finds a
//!    reader that sees the flag but data 0 (a model check, not luck).
//! 3. **Relaxed is right for a counter read after `join`.** Each `fetch_add` is indivisible
//!    whatever the ordering, so no increment is lost. Nothing else is published through the
//!    counter, and `join()` (or the end of a `thread::scope`) is itself a happens-before edge:
//!    everything the thread did is visible after it returns. So `Relaxed` is exact here.
//! 4. **`SeqCst` is rarely needed.** "`SeqCst` is the safe default" is a myth: it is *stronger*, not
//!    safer, and code that needs it is rare and subtle: every thread agreeing on ONE order of
//!    all `SeqCst` operations matters only when a thread stores one flag and then loads a
//!    *different* one (Dekker-style "I raise my hand, then check yours"). Use Release/Acquire to
//!    publish, Relaxed to count, and a `Mutex` for anything more.
//!
//! Run: `cargo run --bin t41_memory_ordering`
//!
//! Expected output:
//! ```text
//! [   0.101s] reader       | saw the flag, then data = 42
//! [   0.101s] main         | Release/Acquire: the reader saw data = 42 after the flag (guaranteed)
//! [   0.140s] main         | Release/Acquire: 1000 rounds, the reader saw data 42 every time
//! [   0.130s] main         | Relaxed flag: 1000 rounds, data 42 every time on this x86_64 CPU (not guaranteed: see tests/loom.rs)
//! [   0.140s] main         | Relaxed counter read after join: 400000 of 400000
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use threading_examples::spawn_scoped_named;
use utilities::{say, sleep_secs};

/// One round: a writer stores the data, then raises the flag with `flag_order`; a reader waits
/// for the flag with `read_order`, then reads the data. Returns the data the reader saw.
fn publish_once(flag_order: Ordering, read_order: Ordering, pause: bool) -> u64 {
    let data = AtomicU64::new(0); // Relaxed on the data itself: the flag carries the ordering
    let ready = AtomicBool::new(false);
    thread::scope(|s| {
        let reader = spawn_scoped_named(s, "reader", || {
            while !ready.load(read_order) {
                std::hint::spin_loop();
            }
            let seen = data.load(Ordering::Relaxed);
            if pause {
                say!("saw the flag, then data = {seen}");
            }
            seen
        });
        if pause {
            sleep_secs(0.1); // the reader is waiting for the flag by now
        }
        data.store(42, Ordering::Relaxed); // the payload
        ready.store(true, flag_order); // publishes it (with Release)
        reader.join().expect("the reader panicked")
    })
}

fn main() {
    utilities::output::start_clock();
    let rounds = if utilities::fast_mode() { 200 } else { 1000 };

    // 1. The pattern, once, slowly, with the reader's own line.
    let seen = publish_once(Ordering::Release, Ordering::Acquire, true);
    say!("Release/Acquire: the reader saw data = {seen} after the flag (guaranteed)");
    assert_eq!(seen, 42);
    let good = (0..rounds)
        .filter(|_| publish_once(Ordering::Release, Ordering::Acquire, false) == 42)
        .count();
    say!("Release/Acquire: {rounds} rounds, the reader saw data 42 every time");
    assert_eq!(good, rounds, "Release/Acquire guarantees the data");

    // 2. Relaxed: usually fine on x86, allowed to fail anywhere. Counted, not asserted.
    let good = (0..rounds)
        .filter(|_| publish_once(Ordering::Relaxed, Ordering::Relaxed, false) == 42)
        .count();
    let verdict = if good == rounds {
        format!(
            "data 42 every time on this {} CPU (not guaranteed: see tests/loom.rs)",
            std::env::consts::ARCH
        )
    } else {
        format!(
            "data 0 in {} rounds: the flag came before the data",
            rounds - good
        )
    };
    say!("Relaxed flag: {rounds} rounds, {verdict}");

    // 3. A Relaxed counter, read after the threads are joined.
    let counter = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..100_000 {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    }); // every thread joined here: a happens-before edge to the load below
    let total = counter.load(Ordering::Relaxed);
    say!("Relaxed counter read after join: {total} of 400000");
    assert_eq!(total, 400_000);
}
