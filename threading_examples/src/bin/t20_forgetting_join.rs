//! Forgetting `join()`: the worker's line is lost when `main` returns first; fix: `join` or `thread::scope`.
//!
//! Python original: the course notebook, Essentials "Common Mistake: Forgetting `join()`". Python quietly waits for every
//! non-daemon thread at exit, so its mistake still prints "Task running". Rust has no
//! `daemon=True` flag because *every* spawned thread is a daemon: when `main` returns, the
//! process exits and unjoined threads die mid-work, their output lost.
//!
//! To show the lost line without ending this program, the program runs *itself* a second time as
//! a child with `--mistake` and shows what that child printed. Then two fixes: `join`, and
//! `std::thread::scope`, which joins every thread at the end of the scope by itself and lets the
//! threads borrow locals (no `Arc`, no `move`).
//!
//! The timeline at the end shows the child process ending long before its 1 s task could, then
//! the joined and scoped tasks running their full second.
//!
//! Run: `cargo run --bin t20_forgetting_join`
//!
//! Expected output (abridged):
//! ```text
//! --- the mistake, run as a child process: spawn, no join ---
//!     child printed: [   0.000s] main         | Main thread finished
//!     child exit: exit status: 0; "Task running" was lost: true
//! --- fix 1: join ---
//! [   1.003s] ThreadId(2)  | Task running
//! [   1.003s] main         | Main thread finished
//! --- fix 2: thread::scope (borrows locals, joins automatically) ---
//! [   2.004s] ThreadId(3)  | Task running for Asha
//! [   2.004s] ThreadId(4)  | Task running for Ravi
//! [   2.004s] main         | Main thread finished, results = ["Asha done", "Ravi done"]
//! ```

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use utilities::{Timeline, say, sleep_secs};

/// The worker of the Python original: a little simulated work, then its line.
fn task() {
    sleep_secs(1.0);
    say!("Task running");
}

/// The Python code as written: start a thread and never join it.
fn mistake() {
    thread::spawn(task); // the JoinHandle is dropped: the thread is detached
    say!("Main thread finished");
    // `main` returns now; the process exits and takes the sleeping worker with it.
}

fn main() {
    utilities::output::start_clock();
    if std::env::args().nth(1).as_deref() == Some("--mistake") {
        mistake();
        return;
    }

    let tl = Timeline::new();
    println!("--- the mistake, run as a child process: spawn, no join ---");
    let mistake_span = tl.span("mistake: child process whose 1 s task never printed");
    let exe = std::env::current_exe().expect("path of this program");
    let (clock_var, clock_value) = utilities::output::clock_env(); // same clock as ours
    let mut child = Command::new(exe)
        .arg("--mistake")
        .env(clock_var, clock_value)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the child");
    let mut printed = String::new();
    // Read at most 64 KiB of the child's output (a size limit on another process's bytes).
    let stdout = child.stdout.take().expect("piped stdout");
    stdout
        .take(64 * 1024)
        .read_to_string(&mut printed)
        .expect("read the child's output");
    let status = child.wait().expect("reap the child");
    drop(mistake_span);
    for line in printed.lines() {
        println!("    child printed: {line}");
    }
    println!(
        "    child exit: {status}; \"Task running\" was lost: {}",
        !printed.contains("Task running")
    );

    println!("--- fix 1: join ---");
    let handle = thread::spawn(task);
    tl.record("fix 1: main's join() waits for task() (1 s)", || {
        handle.join()
    })
    .expect("task panicked");
    say!("Main thread finished");

    println!("--- fix 2: thread::scope (borrows locals, joins automatically) ---");
    let names = vec!["Asha".to_owned(), "Ravi".to_owned()];
    let results = std::sync::Mutex::new(Vec::new());
    thread::scope(|s| {
        for name in &names {
            // `name` and `results` are borrowed from main's stack: the scope guarantees the
            // threads end before `names` and `results` can be dropped.
            let (results, tl) = (&results, &tl);
            s.spawn(move || {
                let _span = tl.span(format!("fix 2: scoped thread for {name} (1 s)"));
                sleep_secs(1.0);
                say!("Task running for {name}");
                results
                    .lock()
                    .expect("no panics while holding the lock")
                    .push(format!("{name} done"));
            });
        }
    }); // <- every thread spawned in the scope is joined here
    let mut results = results
        .into_inner()
        .expect("no panics while holding the lock");
    results.sort();
    say!("Main thread finished, results = {results:?}");
    tl.print("Forgetting join: the child exits before its 1 s task; joined tasks finish");
    assert_eq!(results, ["Asha done", "Ravi done"]);
}
