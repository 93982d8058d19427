//! A crashing child does not take down its parent or siblings; a thread's abort kills its process.
//!
//! Python original: the course notebook, "Fault Isolation and Stability", Grokking Concurrency (ch. 4), processes "Isolation" / "Stability" and the
//! process advantages in 003. Three children start; one of them aborts (`SIGABRT`, as a
//! segfault or a failed C library would). The parent reads each child's end from its
//! `ExitStatus`: `code()` for a normal exit, `ExitStatusExt::signal()` for a crash. The others
//! finish their work regardless.
//!
//! The contrast with threads:
//! - a thread that **panics** is contained too: `join()` returns `Err` and the program goes on;
//! - but a thread that **aborts** (or segfaults) kills its whole process, every thread with it.
//!   To show this without dying ourselves, a child process does it: its main thread would print
//!   "still alive", and never gets there.
//!
//! Run: `cargo run --bin p24_fault_isolation`
//!
//! Expected output (scale 1.0; pids vary, the order of child lines too):
//! ```text
//! [   0.003s] pid 1001    main         | Worker 0: working
//! [   0.003s] pid 1002    main         | Worker 1: something went very wrong, aborting
//! [   0.003s] pid 1003    main         | Worker 2: working
//! [   0.504s] pid 1001    main         | Worker 0: done
//! [   0.504s] pid 1003    main         | Worker 2: done
//! [   0.505s] pid 1000    main         | Worker 0 (pid 1001): exited with code 0
//! [   0.505s] pid 1000    main         | Worker 1 (pid 1002): killed by signal 6 (SIGABRT)
//! [   0.505s] pid 1000    main         | Worker 2 (pid 1003): exited with code 0
//! [   0.505s] pid 1000    main         | Parent: still running after a child crashed
//! --- threads ---
//! [   0.506s] pid 1000    main         | A panicking thread is an Err at join: "thread failed on purpose"
//! [   0.510s] pid 1004    main         | Child: a helper thread is about to abort
//! [   0.511s] pid 1000    main         | A thread's abort killed its whole process: signal 6 (SIGABRT)
//! ```

use std::os::unix::process::ExitStatusExt;
use std::process::ExitStatus;

use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use utilities::{say_pid, sleep_secs};

fn describe(status: ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exited with code {code}"),
        (None, Some(6)) => "killed by signal 6 (SIGABRT)".to_owned(),
        (None, Some(sig)) => format!("killed by signal {sig}"),
        (None, None) => format!("{status}"),
    }
}

/// A thread body that panics.
fn fails() {
    panic!("thread failed on purpose");
}

fn child(role: &multiprocessing_examples::spawn::Role) -> Result<(), Box<dyn std::error::Error>> {
    match role.name.as_str() {
        "worker" => {
            let i: u32 = role.parse_arg(0)?;
            if i == 1 {
                say_pid!("Worker {i}: something went very wrong, aborting");
                std::process::abort(); // no unwinding, no cleanup: the OS ends the process
            }
            say_pid!("Worker {i}: working");
            sleep_secs(0.5);
            say_pid!("Worker {i}: done");
        }
        "thread-abort" => {
            say_pid!("Child: a helper thread is about to abort");
            let t = std::thread::spawn(|| std::process::abort());
            let _ = t.join();
            say_pid!("Child: still alive"); // never printed
        }
        other => return Err(format!("unknown role {other}").into()),
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        return child(&role);
    }
    utilities::output::start_clock();

    let workers = (0..3u32)
        .map(|i| {
            SelfCommand::new("worker")
                .arg(i.to_string())
                .spawn()
                .map(Reaped::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut statuses = Vec::new();
    for (i, w) in workers.into_iter().enumerate() {
        let pid = w.id();
        let status = w.wait()?;
        say_pid!("Worker {i} (pid {pid}): {}", describe(status));
        statuses.push(status);
    }
    say_pid!("Parent: still running after a child crashed");
    assert!(statuses[0].success() && statuses[2].success());
    assert_eq!(statuses[1].signal(), Some(libc::SIGABRT));

    println!("--- threads ---");
    // A panic stays inside its thread (the default hook prints it on stderr; silence it here).
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let joined = std::thread::spawn(fails).join();
    std::panic::set_hook(hook);
    let msg = joined
        .err()
        .and_then(|p| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .ok_or("the thread should have panicked")?;
    say_pid!("A panicking thread is an Err at join: {msg:?}");

    let status = SelfCommand::new("thread-abort").spawn()?.wait()?;
    say_pid!(
        "A thread's abort killed its whole process: {}",
        describe(status).trim_start_matches("killed by ")
    );
    assert_eq!(status.signal(), Some(libc::SIGABRT));
    Ok(())
}
