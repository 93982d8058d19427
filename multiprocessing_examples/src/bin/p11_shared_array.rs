//! A shared array: the child adds 1 to element 0 and the parent sees "[1, 1, 2]".
//!
//! Python original: the course notebook, "Shared Arrays" (`Array("i", [0, 1, 2])` → `[1, 1, 2]`) and Pools "Shared
//! `Array`: Shared Sequence of Values" (`[1, 2, 3]` → `[2, 2, 3]`).
//!
//! `SharedArray<AtomicI32>` (see `src/shared.rs`) is a fixed-length array of atomics in a
//! `MAP_SHARED` mapping; it dereferences to a slice, so `arr[0]`, `arr.len()` and `arr.iter()`
//! work as usual. Python's `arr[0] += 1` is a read and a write under the array's lock; here it is
//! one `fetch_add` on element 0. Only the elements are shared: the length is fixed when the
//! array is made, like Python's `Array`.
//!
//! Run: `cargo run --bin p11_shared_array`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Before: [0, 1, 2]
//! [   0.001s] pid 1001    main         | Child: arr[0] += 1
//! [   0.001s] pid 1000    main         | [1, 1, 2]
//! [   0.001s] pid 1000    main         | Before: [1, 2, 3]
//! [   0.002s] pid 1002    main         | Child: arr[0] += 1
//! [   0.002s] pid 1000    main         | [2, 2, 3]
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{SharedArray, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::say_pid;

/// Python's `modify(arr)`: `arr[0] += 1`.
fn modify(arr: &[AtomicI32]) -> i32 {
    arr[0].fetch_add(1, SeqCst);
    say_pid!("Child: arr[0] += 1");
    0
}

/// Makes a shared array from `initial`, lets a forked child modify it, returns what the parent
/// sees afterwards.
fn run(initial: [i32; 3]) -> std::io::Result<Vec<i32>> {
    let arr = SharedArray::new(initial.map(AtomicI32::new))?;
    say_pid!("Before: {:?}", arr.snapshot());
    // SAFETY: this program never starts a thread, so the forked child may run any code (in a
    // multi-threaded program it could only exec or call async-signal-safe functions).
    let child = unsafe { fork_child(|| modify(&arr)) }?;
    wait_child(child)?; // p.join(); the child is reaped
    let after = arr.snapshot(); // Python's list(arr)
    say_pid!("{after:?}");
    Ok(after)
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    assert_eq!(run([0, 1, 2])?, [1, 1, 2]);
    assert_eq!(run([1, 2, 3])?, [2, 2, 3]);
    Ok(())
}
