//! Arguments are copied into a child: `square(5)` via argv, a bincode frame on stdin, and fork.
//!
//! Python original: the course notebook, "Passing Data to Processes" (`Process(target=square, args=(5,))`) and Grokking Concurrency (ch. 4)
//! "Important Notes on Process Communication" 1–2 ("Data is Copied", "Pickling Limitation").
//! Python pickles `args` and the child unpickles a copy. In Rust:
//! - **argv**: text arguments of the re-executed program (`SelfCommand::arg`), parsed back;
//! - **stdin**: any `Serialize` value as one bincode frame on the child's stdin (the general
//!   form of `args=(…)`, and what Python does under the hood);
//! - **fork**: the child simply has a copy of the parent's variables.
//!
//! Whatever the child does to its copy, the parent's value does not change.
//!
//! Run: `cargo run --bin p09_process_args`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.003s] pid 1001    main         | Child (argv): square(5) = 25
//! [   0.007s] pid 1002    main         | Child (stdin frame): square(5) = 25
//! [   0.008s] pid 1003    main         | Child (fork): square(5) = 25
//! [   0.008s] pid 1000    main         | Parent: n is still 5
//! ```

use std::io::Write;
use std::process::Stdio;

use multiprocessing_examples::frame::{read_frame, write_frame};
use multiprocessing_examples::shared::wait_child;
use multiprocessing_examples::spawn::{SelfCommand, child_role, fork_child};
use serde::{Deserialize, Serialize};
use utilities::say_pid;

/// The Python original's `square(n)`: prints n².
fn square(how: &str, n: i64) {
    say_pid!("Child ({how}): square({n}) = {}", n * n);
}

/// `args=(5,)` as a value with a type.
#[derive(Debug, Serialize, Deserialize)]
struct Args {
    n: i64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        match role.name.as_str() {
            "argv" => square("argv", role.parse_arg(0)?),
            "stdin" => {
                // Bytes from another process: read_frame caps the size and decodes with a limit.
                let args: Args = read_frame(&mut std::io::stdin().lock())?;
                square("stdin frame", args.n);
            }
            other => return Err(format!("unknown role {other}").into()),
        }
        return Ok(());
    }
    utilities::output::start_clock();
    let n: i64 = 5;

    // 1. argv: the number travels as text.
    let status = SelfCommand::new("argv")
        .arg(n.to_string())
        .spawn()?
        .wait()?;
    assert!(status.success());

    // 2. A bincode frame on the child's stdin.
    let mut child = SelfCommand::new("stdin").stdin(Stdio::piped()).spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        write_frame(&mut stdin, &Args { n })?;
        stdin.flush()?;
    } // stdin dropped here: the child sees end-of-file after the frame
    assert!(child.wait()?.success());

    // 3. fork: the child starts with a copy of `n`.
    // SAFETY: single-threaded here (no thread was spawned), so the child may run any code.
    let pid = unsafe {
        fork_child(|| {
            square("fork", n);
            0
        })
    }?;
    assert_eq!(wait_child(pid)?, 0);
    say_pid!("Parent: n is still {n}");
    Ok(())
}
