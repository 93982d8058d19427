//! A child process runs a function while the parent waits (start + join), by re-exec and by fork.
//!
//! Python original: the course notebook, 4B "The simplest multiprocessing example (start + join)" and the course notebook, "Creating a
//! Process (Minimal Example)". Python's `Process(target=task).start()` becomes one of:
//!
//! 1. **re-exec** (Python's `spawn`): run this same program again with a role argument;
//!    `main` starts with `if let Some(role) = child_role()`, the Rust `__main__` guard.
//!    `child.wait()` is `p.join()`: it waits *and reaps* the child (no zombie left).
//! 2. **fork**: `nix::unistd::fork()` (an `unsafe` call) duplicates this process. The child
//!    gets its own pid (`getpid`), names us as its parent (`getppid`) and starts with a
//!    copy-on-write *copy* of our memory; `waitpid` is `join`.
//! 3. **fork in a multi-threaded program**: only the forking thread exists in the child, but
//!    every lock another thread held (stdout's, the allocator's) stays locked forever there.
//!    So the child may only call async-signal-safe functions (`write`, `_exit`, …) or `exec`.
//!    `std::process::Command` does exactly that (fork + exec), which is why the re-exec way is
//!    the default in this course.
//!
//! The timeline after the re-exec part shows the parent's `wait()` lasting as long as the child.
//!
//! Run: `cargo run --bin p01_process_start_join`
//!
//! Expected output (scale 1.0; pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Parent: starting a child (re-exec) and waiting for it
//! [   0.004s] pid 1001    main         | Child process: starting work
//! [   2.004s] pid 1001    main         | Child process: finished work
//! [   2.005s] pid 1000    main         | Parent: child exited with exit status: 0
//! Re-exec child: Time taken: 2.005 s
//! [   2.006s] pid 1001    main         | Running in a separate process (pid 1001, parent 1000)
//! --- fork ---
//! [   2.010s] pid 1002    main         | Forked child: getpid() = 1002, getppid() = 1000
//! [   2.010s] pid 1002    main         | Forked child: my copy of `scores` is now [10, 20, 30, 99]
//! [   2.011s] pid 1000    main         | Parent: waitpid → Exited(Pid(1002), 7); my `scores` is still [10, 20, 30]
//! --- fork in a multi-threaded program ---
//! forked child: only write(2) and _exit(2) here
//! [   2.012s] pid 1000    main         | Parent: child exited with 0; the helper thread still holds its lock: true
//! [   2.012s] pid 1000    main         | Children left unreaped: 0
//! ```

use std::sync::{Arc, Mutex, mpsc};

use multiprocessing_examples::spawn::{SelfCommand, child_role, children_of};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork, getpid, getppid};
use utilities::{Stopwatch, Timeline, print_time_taken, say_pid, sleep_secs};

/// The Python original's `task()`.
fn task() {
    say_pid!("Child process: starting work");
    sleep_secs(2.0); // simulate work
    say_pid!("Child process: finished work");
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The `__main__` guard: a re-executed child does its job and leaves before any parent code.
    if let Some(role) = child_role() {
        match role.name.as_str() {
            "task" => task(),
            "minimal" => say_pid!(
                "Running in a separate process (pid {}, parent {})",
                std::process::id(),
                getppid()
            ),
            other => return Err(format!("unknown role {other}").into()),
        }
        return Ok(());
    }
    utilities::output::start_clock();

    // 1. re-exec: start + join.
    say_pid!("Parent: starting a child (re-exec) and waiting for it");
    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let child_span = tl.span("child process: task() sleeps 2 s (start → reaped)");
    let mut child = SelfCommand::new("task").spawn()?; // p.start()
    let status = tl.record("parent: child.wait(), i.e. p.join()", || child.wait())?; // reaps it
    drop(child_span);
    say_pid!("Parent: child exited with {status}");
    print_time_taken("Re-exec child", sw.elapsed());
    tl.print("start + join: the parent waits while its child runs");
    assert!(status.success());
    // The minimal example: a child that only says where it runs.
    let status = SelfCommand::new("minimal").spawn()?.wait()?;
    assert!(status.success());

    // 2. fork. No thread has been started yet, so the child may run ordinary code.
    println!("--- fork ---");
    let parent_pid = getpid();
    let mut scores = vec![10, 20, 30];
    std::io::Write::flush(&mut std::io::stdout())?; // or the child would print our buffer again
    // SAFETY: this process is single-threaded here (nothing has spawned a thread), so the child
    // may allocate and print; it leaves with `_exit` and never returns into our `main`.
    match unsafe { fork() }? {
        ForkResult::Child => {
            say_pid!(
                "Forked child: getpid() = {}, getppid() = {}",
                getpid(),
                getppid()
            );
            scores.push(99); // changes the child's copy only
            say_pid!("Forked child: my copy of `scores` is now {scores:?}");
            assert_eq!(getppid(), parent_pid);
            std::io::Write::flush(&mut std::io::stdout())?;
            // SAFETY: `_exit` ends the child now, without running our destructors or atexit
            // handlers a second time. Exit code 7, to see it arrive in waitpid.
            unsafe { libc::_exit(7) }
        }
        ForkResult::Parent { child } => {
            let status = waitpid(child, None)?; // join + reap
            say_pid!("Parent: waitpid → {status:?}; my `scores` is still {scores:?}");
            assert_eq!(status, WaitStatus::Exited(child, 7));
            assert_eq!(scores, [10, 20, 30], "the child changed its own copy");
        }
    }

    // 3. fork while another thread holds a lock.
    println!("--- fork in a multi-threaded program ---");
    let lock = Arc::new(Mutex::new(0));
    let (locked_tx, locked_rx) = mpsc::channel();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let helper = {
        let lock = Arc::clone(&lock);
        std::thread::spawn(move || {
            let _guard = lock
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let _ = locked_tx.send(());
            let _ = release_rx.recv(); // hold the lock until main says so
        })
    };
    locked_rx.recv()?; // the helper now holds `lock`
    std::io::Write::flush(&mut std::io::stdout())?;
    // SAFETY: the process has two threads now, so the child restricts itself to
    // async-signal-safe calls: `write` on a static buffer and `_exit`. Calling `lock.lock()`,
    // `println!` or allocating there could block forever: the helper thread that would release
    // those locks does not exist in the child.
    match unsafe { fork() }? {
        ForkResult::Child => {
            const MSG: &[u8] = b"forked child: only write(2) and _exit(2) here\n";
            // SAFETY: write(2) and _exit(2) are async-signal-safe; MSG is a static buffer.
            unsafe {
                libc::write(1, MSG.as_ptr().cast(), MSG.len());
                libc::_exit(0)
            }
        }
        ForkResult::Parent { child } => {
            let status = waitpid(child, None)?;
            let held = lock.try_lock().is_err();
            say_pid!(
                "Parent: child exited with {}; the helper thread still holds its lock: {held}",
                match status {
                    WaitStatus::Exited(_, code) => code,
                    _ => -1,
                }
            );
            assert_eq!(status, WaitStatus::Exited(child, 0));
        }
    }
    release_tx.send(())?;
    helper.join().map_err(|_| "helper thread panicked")?;

    let left = children_of(std::process::id());
    say_pid!("Children left unreaped: {}", left.len());
    assert!(left.is_empty(), "{left:?}");
    Ok(())
}
