//! A parent starts 3 child processes; each prints its own pid and its parent's pid.
//!
//! Python original: Grokking Concurrency (ch. 4), "Understanding the Basic Child Process Example" (`child_processes.py`). Every
//! process has a pid (`std::process::id()`, Python's `os.getpid()`) and knows its parent's
//! (`getppid`). The children's "parent PID" is the parent's own pid.
//!
//! Fix of the Python original: `child_processes.py` starts its children and never joins them; the interpreter
//! happens to wait for non-daemon children at exit. A Rust program would simply leave them
//! running (and unreaped), so we keep every `Child` and wait for each one.
//!
//! Run: `cargo run --bin p25_child_processes`
//!
//! Expected output (pids vary, child lines may interleave):
//! ```text
//! [   0.000s] pid 1000    main         | Parent: I am the parent process with PID: 1000
//! [   0.000s] pid 1000    main         | Parent: My parent's PID is: 999
//! [   0.000s] pid 1000    main         | Starting child process 0
//! [   0.001s] pid 1000    main         | Starting child process 1
//! [   0.001s] pid 1000    main         | Starting child process 2
//! [   0.003s] pid 1001    main         | Child: I am a child process with PID: 1001
//! [   0.003s] pid 1001    main         | Child: My parent's PID is: 1000
//! …
//! [   0.006s] pid 1000    main         | Parent: all 3 children reaped
//! ```

use multiprocessing_examples::spawn::{SelfCommand, child_role};
use nix::unistd::getppid;
use utilities::say_pid;

/// The Python original's `run_child()`.
fn run_child() {
    say_pid!(
        "Child: I am a child process with PID: {}",
        std::process::id()
    );
    say_pid!("Child: My parent's PID is: {}", getppid());
}

/// The Python original's `start_parent(num_children)`, plus the joins it forgot.
fn start_parent(num_children: u32) -> std::io::Result<()> {
    say_pid!(
        "Parent: I am the parent process with PID: {}",
        std::process::id()
    );
    say_pid!("Parent: My parent's PID is: {}", getppid());
    let mut children = Vec::new();
    for i in 0..num_children {
        say_pid!("Starting child process {i}");
        children.push(SelfCommand::new("child").spawn()?);
    }
    for c in &mut children {
        let status = c.wait()?; // the join the Python original leaves out
        assert!(status.success());
    }
    say_pid!("Parent: all {num_children} children reaped");
    Ok(())
}

fn main() -> std::io::Result<()> {
    if child_role().is_some() {
        run_child();
        return Ok(());
    }
    utilities::output::start_clock();
    start_parent(3)
}
