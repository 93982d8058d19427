//! Three child processes run at once; their lines come in any order, and every one is reaped.
//!
//! Python original: the course notebook, "Running Multiple Processes" (`Worker {i} running`) and the python-threads project
//! `multiprocessing_examples/basic_processes.py`. The children are kept in a `Vec<Child>`:
//! start them all, then wait for each. A child that has exited but was not waited for stays in
//! the process table as a *zombie* (state `Z`) until its parent waits or exits; we list our
//! children from `/proc` at the end to show there is none.
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
use utilities::say_pid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        let i: u32 = role.parse_arg(0)?;
        say_pid!("Worker {i} running"); // the Python original's worker(name)
        return Ok(());
    }
    utilities::output::start_clock();

    let mut processes = Vec::new();
    for i in 0..3 {
        processes.push(SelfCommand::new("worker").arg(i.to_string()).spawn()?); // p.start()
    }
    let pids: Vec<u32> = processes.iter().map(std::process::Child::id).collect();
    say_pid!("Started 3 workers: {pids:?}");
    for p in &mut processes {
        let status = p.wait()?; // p.join(): wait and reap
        say_pid!("Reaped worker pid {}: {status}", p.id());
        assert!(status.success());
    }
    let left = children_of(std::process::id());
    say_pid!("Children left (zombies or running): {}", left.len());
    assert!(left.is_empty(), "{left:?}");
    Ok(())
}
