//! Shared memory without a lock loses updates across processes; `fetch_add` loses none.
//!
//! Ports Pools "Shared `Value`" ("Without the lock, data corruption can occur") and "Why Locks
//! Are Still Needed" ("Operations are not atomic"). Two processes each add 1 to a shared counter
//! 200 000 times.
//!
//! - **Racy**: each step reads the counter, then writes back the read value + 1 (Python's
//!   `v.value += 1` without `get_lock()`). When both processes read the same value, both write
//!   the same sum and one increment is lost. The total is below 400 000 on most runs, and it can
//!   never be above (an update can be lost, not invented).
//! - **Fixed**: `fetch_add` makes read-add-write one indivisible step: exactly 400 000.
//!
//! In Rust the racy version still uses an atomic, with a separate `load` and `store`: a plain
//! `i32` written by one process while another reads it would be a data race, which is undefined
//! behaviour. The atomics make each read and write whole; only the *logic* is racy.
//!
//! Both children wait at a start gate (a flag in the same shared memory) so that they really run
//! at the same time: a fork takes longer than 200 000 increments.
//!
//! Run: `cargo run --bin p14_shared_value_without_lock`
//!
//! Expected output (the racy total varies from run to run):
//! ```text
//! [   0.000s] pid 1000    main         | 2 processes × 200000 increments, expected 400000
//! [   0.012s] pid 1000    main         | Without a lock (load, then store): 231877 (lost 168123 updates)
//! [   0.030s] pid 1000    main         | With fetch_add: 400000 (lost 0)
//! ```

use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicI64, AtomicU32};

use multiprocessing_examples::shared::{SharedValue, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::say_pid;

const PROCESSES: i64 = 2;
const INCREMENTS: i64 = 200_000;

/// One lost-update-prone step: read, then write. Another process can write in between.
fn racy_increment(counter: &AtomicI64) {
    let seen = counter.load(SeqCst);
    counter.store(seen + 1, SeqCst);
}

/// The fix: one atomic read-modify-write (what `with v.get_lock(): v.value += 1` achieves).
fn atomic_increment(counter: &AtomicI64) {
    counter.fetch_add(1, SeqCst);
}

/// Runs `step` `INCREMENTS` times in each of `PROCESSES` forked children, all released at once;
/// returns the final counter.
fn run(step: fn(&AtomicI64)) -> std::io::Result<i64> {
    let counter = SharedValue::new(AtomicI64::new(0))?;
    let gate = SharedValue::new(AtomicU32::new(0))?; // 0 = wait, 1 = go
    let mut children = Vec::new();
    for _ in 0..PROCESSES {
        // SAFETY: this program is single-threaded, so the forked child may run any code (in a
        // multi-threaded program it could only exec or call async-signal-safe functions).
        let child = unsafe {
            fork_child(|| {
                while gate.load(SeqCst) == 0 {
                    std::thread::yield_now();
                }
                for _ in 0..INCREMENTS {
                    step(&counter);
                }
                0
            })
        };
        children.push(child?);
    }
    gate.store(1, SeqCst); // go!
    for child in children {
        wait_child(child)?; // every child is reaped
    }
    Ok(counter.get())
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let expected = PROCESSES * INCREMENTS;
    say_pid!("{PROCESSES} processes × {INCREMENTS} increments, expected {expected}");

    let racy = run(racy_increment)?;
    let note = if racy < expected {
        ""
    } else {
        " (the processes did not overlap this time: run it again)"
    };
    say_pid!(
        "Without a lock (load, then store): {racy} (lost {} updates){note}",
        expected - racy
    );
    assert!(racy <= expected, "a lost update can only lower the total");

    let fixed = run(atomic_increment)?;
    say_pid!("With fetch_add: {fixed} (lost {})", expected - fixed);
    assert_eq!(fixed, expected);
    Ok(())
}
