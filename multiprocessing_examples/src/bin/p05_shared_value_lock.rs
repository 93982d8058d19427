//! A counter in shared memory, updated safely by several processes: "Shared counter: 2".
//!
//! Python original: the course notebook, 4B "E) Use multiprocessing.Value for simple shared numbers" (2 children → 2) and
//! the course notebook, "Shared Value" / Pools "Shared Value: Single Shared Variable" (5 children → "Final
//! value: 5"), with Pools "Why Locks Are Still Needed".
//!
//! Python's `Value("i", 0)` is an int in shared memory plus a lock, and the child does
//! `with v.get_lock(): v.value += 1`. Here the int is an `AtomicI32` in a `MAP_SHARED` mapping
//! (`SharedValue`, see `src/shared.rs`), and `fetch_add` is one indivisible read-add-write done
//! by the CPU: it does the work of `get_lock()` + `+=`, so no lock is needed. (Without either,
//! updates get lost: `p14_shared_value_without_lock`.)
//!
//! The two children of part 1 are **forked**: they inherit the mapping itself. The five of
//! part 2 are **re-executed** copies of this program: `exec` drops every mapping, so each one
//! inherits the mapping's file descriptor instead and maps the same memory again. That is
//! Python's rule "share synchronized objects only through inheritance".
//!
//! Run: `cargo run --bin p05_shared_value_lock`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Shared counter before: 0
//! [   0.001s] pid 1001    main         | Child (fork): counter 0 → 1
//! [   0.001s] pid 1002    main         | Child (fork): counter 1 → 2
//! [   0.002s] pid 1000    main         | Shared counter: 2
//! [   0.004s] pid 1003    main         | Child (re-exec): counter 0 → 1
//! …                                        (five children, in any order)
//! [   0.009s] pid 1000    main         | Final value: 5
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::{SharedValue, wait_child};
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role, fork_child, inherited_fd};
use utilities::say_pid;

/// Python's `increment(shared_value)`. The returned value is the one *before* our +1, read and
/// changed in one atomic step, so no other process can slip in between.
fn increment(value: &AtomicI32, how: &str) {
    let before = value.fetch_add(1, SeqCst);
    say_pid!("Child ({how}): counter {before} → {}", before + 1);
}

fn main() -> std::io::Result<()> {
    if let Some(role) = child_role() {
        if role.name == "increment" {
            // Descriptor #0 is the memfd the parent passed: map the same memory again.
            let value = SharedValue::<AtomicI32>::from_fd(inherited_fd(0)?)?;
            increment(&value, "re-exec");
        }
        return Ok(());
    }
    utilities::output::start_clock();

    // Part 1: `Value("i", 0)` and two forked children.
    let counter = SharedValue::new(AtomicI32::new(0))?;
    say_pid!("Shared counter before: {}", counter.get());
    let children = [(); 2].map(|()| {
        // SAFETY: this program is single-threaded here, so the forked child may run any code
        // (in a multi-threaded program it could only exec or call async-signal-safe functions).
        unsafe {
            fork_child(|| {
                increment(&counter, "fork");
                0
            })
        }
    });
    for child in children {
        wait_child(child?)?; // start both, then join both, as the Python does
    }
    say_pid!("Shared counter: {}", counter.get());
    assert_eq!(counter.get(), 2);

    // Part 2: five re-executed children, each given the memory by inheriting its descriptor.
    let value = SharedValue::new(AtomicI32::new(0))?;
    let mut started = Vec::new();
    for _ in 0..5 {
        // `Reaped` kills and reaps the child if we leave early (a `?` below): no zombies.
        started.push(Reaped::new(
            SelfCommand::new("increment").pass_fd(&value)?.spawn()?,
        ));
    }
    for child in started {
        let status = child.wait()?;
        assert!(status.success(), "child failed: {status}");
    }
    say_pid!("Final value: {}", value.get());
    assert_eq!(value.get(), 5);
    Ok(())
}
