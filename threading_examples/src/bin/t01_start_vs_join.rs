//! `spawn` (Python's `start()`) returns at once; `join()` waits until the thread has finished.
//!
//! Python original: the course notebook, Module 4A "Core Thread Concepts: `start()` vs `join()`", "Creating Threads in Python",
//! Essentials "Creating and Starting a Thread" and the python-threads project, `basic_threads.py`.
//!
//! Rust has no "created but not started" thread object. The created stage is a
//! `thread::Builder` (you can set a name or a stack size; no thread exists yet) and `spawn` both
//! creates and starts the OS thread. `join()` returns a `Result`: `Ok(value)` when the thread
//! returned, `Err(payload)` when it panicked — a panicking thread never brings `main` down by
//! itself. The default panic hook prints a report to stderr (and a whole backtrace when
//! `RUST_BACKTRACE=1`); this deliberate panic runs under `utilities::output::quiet_panics`, a
//! scoped hook that prints one labelled line instead, so the lesson is not drowned.
//!
//! Run: `cargo run --bin t01_start_vs_join`
//!
//! Expected output (scale 1.0; "Worker: starting" and "Main: after start" may swap):
//! ```text
//! [   0.000s] main         | Main: before start
//! [   0.000s] main         | Main: after start (worker may still be running)
//! [   0.000s] worker       | Worker: starting
//! [   1.001s] worker       | Worker: done
//! [   1.001s] main         | Main: after join (worker must be finished now)
//! [   1.001s] ThreadId(3)  | Task running
//! [   1.001s] ThreadId(4)  | panicked: "boom" (at threading_examples/src/bin/t01_start_vs_join.rs:…)   (stderr)
//! [   1.002s] main         | join() returned Err: the worker panicked with "boom"
//! ```

use std::thread;
use utilities::output::{panic_message, quiet_panics};
use utilities::{say, sleep_secs};

fn task() {
    say!("Worker: starting");
    sleep_secs(1.0);
    say!("Worker: done");
}

fn main() {
    utilities::output::start_clock();

    // "Created": a Builder holds the settings; nothing runs yet.
    let builder = thread::Builder::new().name("worker".into());

    say!("Main: before start");
    // "start()": the OS thread is created and starts running `task` right away.
    let handle = builder
        .spawn(task)
        .expect("the OS refused to create a thread");
    say!("Main: after start (worker may still be running)");
    // "join()": block until the worker returns.
    handle.join().expect("the worker panicked");
    say!("Main: after join (worker must be finished now)");

    // The Essentials version: spawn + join in two lines (`thread::spawn` = Builder with defaults).
    thread::spawn(|| say!("Task running"))
        .join()
        .expect("the task panicked");

    // What Python cannot tell you from `join()`: whether the thread died of an exception.
    // The panic is on purpose: a scoped hook reports it in one line, then the default is back.
    let result = quiet_panics(|| thread::spawn(|| -> u32 { panic!("boom") }).join());
    assert!(
        result.is_err(),
        "the worker panicked, so join() must say so"
    );
    match result {
        Ok(value) => say!("join() returned Ok({value})"),
        // The payload is the panic's argument: a `&str` or a `String` (`panic_message` downcasts).
        Err(payload) => say!(
            "join() returned Err: the worker panicked with {:?}",
            panic_message(&*payload)
        ),
    }
}
