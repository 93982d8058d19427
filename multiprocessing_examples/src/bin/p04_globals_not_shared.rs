//! A child's change to a global stays in the child: "Counter in main process: 0".
//!
//! Python original: the course notebook, 4B "D) Why normal variables don't update across processes" (also the course notebook, "Memory
//! Isolation Between Processes", Pools "Problem 2: Processes Do Not Share Memory" and Grokking Concurrency (ch. 4), "Data
//! is Copied"). The child adds 1 to a global counter and prints 1; the parent still has 0.
//!
//! Two ways to make a child, one lesson:
//! - **fork**: the child starts as a copy of the parent's memory (copy-on-write: the pages are
//!   shared until someone writes, then the writer gets its own copy). The child sees the value
//!   the global had at fork time, and its `+= 1` changes only its copy.
//! - **re-exec** (Python's `spawn` start method): the child is a fresh run of this program.
//!   Nothing is inherited at all: its global starts from the initial value in the source.
//!
//! To share data on purpose, see `p05_shared_value_lock` (shared memory) and `p06_queue_message`.
//!
//! Run: `cargo run --bin p04_globals_not_shared`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Counter in main process before the child: 0
//! [   0.001s] pid 1001    main         | Child (fork): counter = 1
//! [   0.002s] pid 1000    main         | Counter in main process: 0
//! [   0.002s] pid 1000    main         | Main sets its counter to 100 and starts two more children
//! [   0.003s] pid 1002    main         | Child (fork): counter = 101
//! [   0.010s] pid 1003    main         | Child (re-exec): counter = 1
//! [   0.011s] pid 1000    main         | Counter in main process: 100
//! [   0.011s] pid 1000    main         | Children left unreaped: 0
//! ```

use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::wait_child;
use multiprocessing_examples::spawn::{SelfCommand, child_role, children_of, fork_child};
use utilities::say_pid;

/// Python's module-level `counter = 0`. A Rust global that can change is an atomic (or a
/// Mutex): `static mut` would need `unsafe` on every access. That makes it safe between
/// *threads*; it does nothing to share it between *processes*.
static COUNTER: AtomicI32 = AtomicI32::new(0);

/// Python's `increment()`: `global counter; counter += 1`.
fn increment(how: &str) -> i32 {
    let now = COUNTER.fetch_add(1, SeqCst) + 1;
    say_pid!("Child ({how}): counter = {now}");
    now
}

fn main() -> std::io::Result<()> {
    // The re-executed child: a fresh program, so COUNTER is 0 here whatever the parent did.
    if let Some(role) = child_role() {
        if role.name == "increment" {
            increment("re-exec");
        }
        return Ok(());
    }
    utilities::output::start_clock();
    let me = std::process::id();
    say_pid!(
        "Counter in main process before the child: {}",
        COUNTER.load(SeqCst)
    );

    // SAFETY: this program has only its main thread here (no thread was spawned), so the child
    // may run any code: the caveat of fork in multi-threaded programs (only exec or
    // async-signal-safe calls until exec) does not apply.
    let child = unsafe { fork_child(|| increment("fork")) }?;
    wait_child(child)?; // Python's p.join(): also reaps the child, so no zombie is left
    let after = COUNTER.load(SeqCst);
    say_pid!("Counter in main process: {after}");
    assert_eq!(after, 0, "the child's += 1 changed only its own copy");

    // What does each kind of child see? Change the parent's value first.
    COUNTER.store(100, SeqCst);
    say_pid!("Main sets its counter to 100 and starts two more children");
    // SAFETY: still single-threaded (see above).
    let forked = unsafe { fork_child(|| increment("fork")) }?; // a copy of *now*: 100 → 101
    wait_child(forked)?;
    let status = SelfCommand::new("increment").spawn()?.wait()?; // a fresh program: 0 → 1
    assert!(status.success(), "re-executed child failed: {status}");
    let after = COUNTER.load(SeqCst);
    say_pid!("Counter in main process: {after}");
    assert_eq!(after, 100);

    let left = children_of(me).len();
    say_pid!("Children left unreaped: {left}");
    assert_eq!(left, 0, "every child was waited for");
    Ok(())
}
