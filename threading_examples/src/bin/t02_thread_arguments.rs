//! Passing arguments to a thread: a `move` closure captures them (Python: `args=(...)`, `kwargs`).
//!
//! Python original: the course notebook, Module 4A "2) Passing arguments to a thread", Essentials "Passing Arguments to
//! Threads" and Grokking Concurrency (ch. 4), "Key Points About Passing Parameters to Threads".
//!
//! Python's `Thread(target=greet, args=("Asha",))` needs a one-element tuple (the trailing comma
//! matters). In Rust the thread runs a closure, and the closure simply calls the function with
//! its arguments. `move` hands ownership of the captured values to the new thread: `spawn`
//! requires `F: Send + 'static`, because the thread may outlive the function that started it, so
//! it cannot keep borrowing that function's locals. `thread::scope` lifts the `'static` rule:
//! scoped threads are joined before the scope ends, so they *can* borrow. Keyword arguments
//! become a struct with named fields.
//!
//! Run: `cargo run --bin t02_thread_arguments`
//!
//! Expected output:
//! ```text
//! [   0.000s] ThreadId(2)  | Hello Asha
//! [   0.000s] ThreadId(3)  | Task A running
//! [   0.000s] ThreadId(4)  | Task B running (repeat = 2, loud = true)
//! [   0.000s] ThreadId(4)  | Task B running (repeat = 2, loud = true)
//! [   0.001s] ThreadId(5)  | Scoped thread borrowed 3 names: Asha, Ben, Chen
//! ```

use std::thread;
use utilities::say;

fn greet(name: &str) {
    say!("Hello {name}");
}

fn task(name: &str) {
    say!("Task {name} running");
}

/// Python's `kwargs={"name": "B", "repeat": 2, "loud": True}`, with names checked by the compiler.
struct TaskOptions {
    name: String,
    repeat: u32,
    loud: bool,
}

fn task_with_options(opts: &TaskOptions) {
    for _ in 0..opts.repeat {
        say!(
            "Task {} running (repeat = {}, loud = {})",
            opts.name,
            opts.repeat,
            opts.loud
        );
    }
}

fn main() {
    utilities::output::start_clock();

    // args=("Asha",): the String moves into the thread, which now owns it.
    let name = String::from("Asha");
    thread::spawn(move || greet(&name))
        .join()
        .expect("greet panicked");
    // `name` was moved: using it here would be error E0382 "borrow of moved value".

    thread::spawn(|| task("A")).join().expect("task panicked"); // a &'static str needs no move

    let opts = TaskOptions {
        name: "B".into(),
        repeat: 2,
        loud: true,
    };
    thread::spawn(move || task_with_options(&opts))
        .join()
        .expect("task panicked");

    // Borrowing instead of moving: without `move`, `thread::spawn(|| names.len())` is error E0373
    // ("closure may outlive the current function"). A scope joins its threads before returning,
    // so borrowing a local is fine here.
    let names = ["Asha", "Ben", "Chen"];
    thread::scope(|s| {
        s.spawn(|| {
            say!(
                "Scoped thread borrowed {} names: {}",
                names.len(),
                names.join(", ")
            );
        });
    });
    assert_eq!(names.len(), 3, "main still owns `names`");
}
