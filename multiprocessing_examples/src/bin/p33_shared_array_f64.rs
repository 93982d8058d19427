//! Two processes add 1.0 to each element of a shared f64 array: [2.0, 102.0, 202.0].
//!
//! Python original: the threads-vs-processes notes, "sharing an array": `Array('d', [0.0, 100.0, 200.0])` and a `Lock()`; two
//! processes each run `with lock: number[i] += 1` for every element.
//!
//! CPUs have atomic integer adds but no atomic float add. `AtomicF64` (see `src/shared.rs`)
//! keeps the float's bits in an `AtomicU64` and adds with a compare-and-swap loop: read the
//! bits, compute the new float, store it only if the cell still holds what was read (else
//! retry). No update is lost and no lock is needed. (A `ProcessLock`, as in `p32`, would work
//! too.)
//!
//! Run: `cargo run --bin p33_shared_array_f64`
//!
//! Expected output (the children's lines may come in either order):
//! ```text
//! array at the beginning is [0.0, 100.0, 200.0]
//! [   0.001s] pid 1001    main         | Child: added 1.0 to each of 3 elements
//! [   0.001s] pid 1002    main         | Child: added 1.0 to each of 3 elements
//! array at the end is [2.0, 102.0, 202.0]
//! ```

use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{AtomicF64, SharedArray, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::say_pid;

/// Python's `add100(number, lock)` (despite its name it adds 1 to every element).
fn add_one_to_each(array: &[AtomicF64]) -> i32 {
    for cell in array {
        cell.fetch_add(1.0, SeqCst);
    }
    say_pid!("Child: added 1.0 to each of {} elements", array.len());
    0
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let shared = SharedArray::new([0.0, 100.0, 200.0].map(AtomicF64::new))?;
    // Rust's `{:?}` of a Vec<f64> prints like Python's list of floats: [0.0, 100.0, 200.0].
    println!("array at the beginning is {:?}", shared.snapshot());

    let mut children = Vec::new();
    for _ in 0..2 {
        // SAFETY: this program is single-threaded, so the forked child may run any code (in a
        // multi-threaded program it could only exec or call async-signal-safe functions).
        children.push(unsafe { fork_child(|| add_one_to_each(&shared)) }?);
    }
    for child in children {
        wait_child(child)?;
    }

    let end = shared.snapshot();
    println!("array at the end is {end:?}");
    assert_eq!(end, [2.0, 102.0, 202.0]);
    Ok(())
}
