//! A value in shared memory is changed in place, never copied: "Shared value: 15".
//!
//! Python original: the course notebook, IPC "Shared Memory vs Serialization" and "E) Shared memory example (no pickling for
//! the shared value itself)": `Value("i", 10)`, the child does `shared_num.value += 5`.
//!
//! A queue or pipe (`p06`, `p17`) serializes a value into bytes, copies the bytes through the
//! kernel and rebuilds the value on the other side. Shared memory skips all of that: parent and
//! child map the *same* physical page, so the child's write is simply there for the parent to
//! read. Zero bytes are serialized or sent.
//!
//! Why no lock this time? A lock (or `fetch_add`) is needed when two processes might
//! read-modify-write at the same time (`p14`). Here only the child writes, and the parent reads
//! only after `waitpid` has told it the child is finished, which orders the child's write
//! before the parent's read. One writer with a clear hand-over needs no lock. The cell is
//! still an `AtomicI32`: Rust's `SharedValue` only holds types that stay sound if someone
//! *does* share them carelessly.
//!
//! Run: `cargo run --bin p21_shared_value_no_copy`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Value before the child: 10
//! [   0.001s] pid 1001    main         | Child: 10 + 5, written in place
//! [   0.001s] pid 1000    main         | Shared value: 15
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{SharedValue, wait_child};
use multiprocessing_examples::spawn::fork_child;
use utilities::say_pid;

/// Python's `worker(shared_num)`: `shared_num.value += 5`. A separate load and store are fine
/// with a single writer (see the header).
fn worker(num: &AtomicI32) -> i32 {
    let seen = num.load(SeqCst);
    num.store(seen + 5, SeqCst);
    say_pid!("Child: {seen} + 5, written in place");
    0
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let num = SharedValue::new(AtomicI32::new(10))?; // Value("i", 10)
    say_pid!("Value before the child: {}", num.get());
    // SAFETY: this program is single-threaded, so the forked child may run any code (in a
    // multi-threaded program it could only exec or call async-signal-safe functions).
    let child = unsafe { fork_child(|| worker(&num)) }?;
    wait_child(child)?; // p.join(): after this the child's write is visible to us
    say_pid!("Shared value: {}", num.get());
    assert_eq!(num.get(), 15);
    Ok(())
}
