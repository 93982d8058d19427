//! Three child processes run at once; their lines come in any order, and every one is reaped.
//!
//! Python original: the course notebook, "Running Multiple Processes" (`Worker {i} running`) and the python-threads project
//! `multiprocessing_examples/basic_processes.py`. The children are kept in a `Vec<Child>`:
//! start them all, then wait for each. A child that has exited but was not waited for stays in
//! the process table as a *zombie* (state `Z`) until its parent waits or exits; we list our
//! children from `/proc` at the end to show there is none.
//!
//! The timeline at the end draws each child from its start until the parent reaped it: three
//! bars that overlap, because all three are started before the first `wait`.
//!
//! Run: `cargo run --bin p08_multiple_processes`
//!
//! Expected output (pids and the order of the worker lines vary):
//! ```text
//! [   0.001s] pid 1000    main         | Started 3 workers: [1001, 1002, 1003]
//! [   0.004s] pid 1002    main         | Worker 1 running
//! [   0.004s] pid 1001    main         | Worker 0 running
//! [   0.005s] pid 1003    main         | Worker 2 running
//! [   0.006s] pid 1000    main         | Reaped worker pid 1001: exit status: 0
//! [   0.006s] pid 1000    main         | Reaped worker pid 1002: exit status: 0
//! [   0.006s] pid 1000    main         | Reaped worker pid 1003: exit status: 0
//! [   0.006s] pid 1000    main         | Children left (zombies or running): 0
//! ```

use multiprocessing_examples::spawn::{SelfCommand, child_role, children_of};
use utilities::{Timeline, say_pid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        let i: u32 = role.parse_arg(0)?;
        say_pid!("Worker {i} running"); // the Python original's worker(name)
        return Ok(());
    }
    utilities::output::start_clock();

    let tl = Timeline::new();
    let mut processes = Vec::new();
    for i in 0..3 {
        let span = tl.span(format!("worker process {i}: start → reaped"));
        processes.push((span, SelfCommand::new("worker").arg(i.to_string()).spawn()?)); // p.start()
    }
    let pids: Vec<u32> = processes.iter().map(|(_, p)| p.id()).collect();
    say_pid!("Started 3 workers: {pids:?}");
    for (span, mut p) in processes {
        let status = p.wait()?; // p.join(): wait and reap
        drop(span);
        say_pid!("Reaped worker pid {}: {status}", p.id());
        assert!(status.success());
    }
    tl.print("Three child processes: all started, then each one reaped");
    // All three were started before the first was waited for: three alive at once.
    assert_eq!(
        tl.max_overlap(),
        3,
        "a worker was reaped before the next one started"
    );
    let left = children_of(std::process::id());
    say_pid!("Children left (zombies or running): {}", left.len());
    assert!(left.is_empty(), "{left:?}");
    Ok(())
}
