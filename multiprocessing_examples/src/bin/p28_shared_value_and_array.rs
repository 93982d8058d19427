//! A child changes a shared number and a shared array: "Shared number: 100", "[2, 4, 6, 8]".
//!
//! Python original: Grokking Concurrency (ch. 4), "Advanced Data Sharing" → "Using Shared Memory Objects" (`modify_shared`):
//! `num = Value('i', 0)`, `arr = Array('i', [1, 2, 3, 4])`; the child adds 100 to the number and
//! doubles every element.
//!
//! `SharedValue` and `SharedArray` (see `src/shared.rs`) both live in `MAP_SHARED` memory that
//! the forked child inherits, so its writes land in the pages the parent reads. Doubling an
//! element is a read-modify-write; `fetch_update` does it atomically (a compare-and-swap loop),
//! so it would stay correct even if several children did it at once.
//!
//! Run: `cargo run --bin p28_shared_value_and_array`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Before: number 0, array [1, 2, 3, 4]
//! [   0.001s] pid 1001    main         | Child: number += 100, every element *= 2
//! [   0.001s] pid 1000    main         | Shared number: 100
//! [   0.001s] pid 1000    main         | Shared array: [2, 4, 6, 8]
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{SharedArray, SharedValue, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::say_pid;

/// Python's `modify_shared(shared_num, shared_arr)`.
fn modify_shared(num: &AtomicI32, arr: &[AtomicI32]) -> i32 {
    num.fetch_add(100, SeqCst);
    for cell in arr {
        // `fetch_update` retries until no other writer got in between; it returns Err only
        // when the closure returns None, which ours never does.
        let _ = cell.fetch_update(SeqCst, SeqCst, |x| Some(x * 2));
    }
    say_pid!("Child: number += 100, every element *= 2");
    0
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let num = SharedValue::new(AtomicI32::new(0))?; // Value('i', 0)
    let arr = SharedArray::new([1, 2, 3, 4].map(AtomicI32::new))?; // Array('i', [1, 2, 3, 4])
    say_pid!("Before: number {}, array {:?}", num.get(), arr.snapshot());

    // SAFETY: this program is single-threaded, so the forked child may run any code (in a
    // multi-threaded program it could only exec or call async-signal-safe functions).
    let child = unsafe { fork_child(|| modify_shared(&num, &arr)) }?;
    wait_child(child)?; // p.join()

    say_pid!("Shared number: {}", num.get());
    say_pid!("Shared array: {:?}", arr.snapshot());
    assert_eq!(num.get(), 100);
    assert_eq!(arr.snapshot(), [2, 4, 6, 8]);
    Ok(())
}
