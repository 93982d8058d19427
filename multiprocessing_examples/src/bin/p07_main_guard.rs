//! Why children must not re-run the parent's setup: the `__main__` guard and its Rust twin.
//!
//! Python original: the course notebook, 4B "Common rules to be followed" 1) and the course notebook, "Why the __main__ Guard Is Required".
//! With the `spawn` start method a Python child *imports your script again*; without
//! `if __name__ == "__main__":` the import runs the process-creating code again, and every
//! child creates a child of its own.
//!
//! Rust runs no code at import time, but a re-executed child runs the same `main`. So `main`
//! begins with the role check `if let Some(role) = child_role() { …; return }`:
//! - **guarded**: the child sees its role, does its job once and returns.
//! - **unguarded** (simulated): a program whose setup starts a child *before* any role check;
//!   every child runs that setup again and starts another child. Here the chain is capped by a
//!   depth counter (`MAX_DEPTH`); a real program without the check would fork-bomb the machine.
//!   Every level still waits for its own child, so nothing is left behind.
//!
//! Run: `cargo run --bin p07_main_guard`
//!
//! Expected output (pids vary):
//! ```text
//! --- guarded: the role check comes first ---
//! [   0.000s] pid 1000    main         | Parent: setup runs once, starting 2 children
//! [   0.004s] pid 1001    main         | Child (role worker-0): doing my job once
//! [   0.004s] pid 1002    main         | Child (role worker-1): doing my job once
//! [   0.006s] pid 1000    main         | Guarded: processes started = 2
//! --- unguarded: setup runs again in every child (capped at depth 3) ---
//! [   0.006s] pid 1000    main         | Setup running at depth 0: starting a child
//! [   0.010s] pid 1003    main         | Setup running at depth 1: starting a child
//! [   0.014s] pid 1004    main         | Setup running at depth 2: starting a child
//! [   0.018s] pid 1005    main         | Setup running at depth 3: cap reached, a real program would go on forever
//! [   0.020s] pid 1000    main         | Unguarded: processes started = 3 (and growing without the cap)
//! ```

use multiprocessing_examples::spawn::{Role, SelfCommand, child_role};
use utilities::say_pid;

/// How deep the simulated unguarded program may go before we stop it.
const MAX_DEPTH: u32 = 3;

/// The "program without a guard": its setup starts a child, whoever runs it. Returns how many
/// processes the chain started below this one.
fn unguarded_setup(depth: u32) -> Result<u32, Box<dyn std::error::Error>> {
    if depth >= MAX_DEPTH {
        say_pid!("Setup running at depth {depth}: cap reached, a real program would go on forever");
        return Ok(0);
    }
    say_pid!("Setup running at depth {depth}: starting a child");
    let mut child = SelfCommand::new("unguarded")
        .arg((depth + 1).to_string())
        .spawn()?;
    let status = child.wait()?; // each level reaps its own child
    // The child reports how many processes it started through its exit code (small numbers).
    let below = u32::try_from(status.code().unwrap_or(0)).unwrap_or(0);
    Ok(below + 1)
}

fn child(role: &Role) -> Result<i32, Box<dyn std::error::Error>> {
    if role.name == "unguarded" {
        let depth: u32 = role.parse_arg(0)?;
        return Ok(i32::try_from(unguarded_setup(depth)?)?);
    }
    say_pid!("Child (role {}): doing my job once", role.name);
    Ok(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // THE GUARD: a child never gets past this block.
    if let Some(role) = child_role() {
        let code = child(&role)?;
        std::process::exit(code);
    }
    utilities::output::start_clock();

    println!("--- guarded: the role check comes first ---");
    say_pid!("Parent: setup runs once, starting 2 children");
    let mut children = Vec::new();
    for i in 0..2 {
        children.push(SelfCommand::new(&format!("worker-{i}")).spawn()?);
    }
    for c in &mut children {
        assert!(c.wait()?.success());
    }
    say_pid!("Guarded: processes started = {}", children.len());

    println!("--- unguarded: setup runs again in every child (capped at depth {MAX_DEPTH}) ---");
    let started = unguarded_setup(0)?;
    say_pid!("Unguarded: processes started = {started} (and growing without the cap)");
    assert_eq!(started, MAX_DEPTH);
    Ok(())
}
