//! Per-child parameters: positional `args` on the command line, named `kwargs` as a struct.
//!
//! Python original: Grokking Concurrency (ch. 4), "Extending the Example: Sending Parameters to Child Processes"
//! (`child_processes_with_params.py`: `args=(child_name, child_number)`, and the `kwargs`
//! variant). Child *i* gets the name `Child-i` and the number `10·i`.
//! - `args` → command-line arguments of the re-executed program, in order;
//! - `kwargs` → a struct with named fields (`ChildParams { name, number }`), sent as one
//!   bincode frame on the child's stdin. Field names are checked by the compiler, not at run time.
//!
//! Like `p25`, every child is waited for (the Python original never joins).
//!
//! Run: `cargo run --bin p26_child_processes_with_params`
//!
//! Expected output (pids vary, child lines may interleave):
//! ```text
//! [   0.000s] pid 1000    main         | Parent: I am the parent process with PID: 1000
//! [   0.000s] pid 1000    main         | Starting child process 0 with name='Child-0', number=0
//! …
//! [   0.003s] pid 1001    main         | Child: I am a child process with PID: 1001
//! [   0.003s] pid 1001    main         | Child: My parent's PID is: 1000
//! [   0.003s] pid 1001    main         | Child: I received name='Child-0' and number=0
//! …
//! [   0.010s] pid 1004    main         | Child (kwargs): I received name='Child-0' and number=0
//! …
//! ```

use std::io::Write;
use std::process::Stdio;

use multiprocessing_examples::frame::{read_frame, write_frame};
use multiprocessing_examples::spawn::{SelfCommand, child_role};
use nix::unistd::getppid;
use serde::{Deserialize, Serialize};
use utilities::say_pid;

/// `kwargs={'name': …, 'number': …}` with types.
#[derive(Debug, Serialize, Deserialize)]
struct ChildParams {
    name: String,
    number: u32,
}

/// The Python original's `run_child_with_params(name, number)`.
fn run_child_with_params(name: &str, number: u32) {
    say_pid!(
        "Child: I am a child process with PID: {}",
        std::process::id()
    );
    say_pid!("Child: My parent's PID is: {}", getppid());
    say_pid!("Child: I received name='{name}' and number={number}");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        match role.name.as_str() {
            "args" => run_child_with_params(&role.parse_arg::<String>(0)?, role.parse_arg(1)?),
            "kwargs" => {
                let p: ChildParams = read_frame(&mut std::io::stdin().lock())?;
                say_pid!(
                    "Child (kwargs): I received name='{}' and number={}",
                    p.name,
                    p.number
                );
            }
            other => return Err(format!("unknown role {other}").into()),
        }
        return Ok(());
    }
    utilities::output::start_clock();
    say_pid!(
        "Parent: I am the parent process with PID: {}",
        std::process::id()
    );
    say_pid!("Parent: My parent's PID is: {}", getppid());

    let mut children = Vec::new();
    for i in 0..3u32 {
        let (child_name, child_number) = (format!("Child-{i}"), i * 10);
        say_pid!("Starting child process {i} with name='{child_name}', number={child_number}");
        // args=(child_name, child_number)
        children.push(
            SelfCommand::new("args")
                .arg(&child_name)
                .arg(child_number.to_string())
                .spawn()?,
        );
    }
    for c in &mut children {
        assert!(c.wait()?.success());
    }

    // kwargs={'name': child_name, 'number': child_number}
    for i in 0..3u32 {
        let params = ChildParams {
            name: format!("Child-{i}"),
            number: i * 10,
        };
        let mut c = SelfCommand::new("kwargs").stdin(Stdio::piped()).spawn()?;
        if let Some(mut stdin) = c.stdin.take() {
            write_frame(&mut stdin, &params)?;
            stdin.flush()?;
        }
        assert!(c.wait()?.success());
    }
    Ok(())
}
