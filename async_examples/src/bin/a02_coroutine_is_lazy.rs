//! A future does nothing until it is awaited: calling an `async fn` only builds a value.
//!
//! Python original: the course notebook, Module 4C "Writing async coroutines and tasks" (`c = hello()` prints
//! `<coroutine object hello at ...>` and never runs) and its "Code / Behavior" table.
//! In Rust, `hello()` returns an anonymous type that implements `Future`; its body has not
//! started. Nothing runs until something polls it: `.await` (or `tokio::spawn`, see a03).
//!
//! If you write `hello();` on a line of its own, rustc warns (the program still builds; the test
//! compiles exactly that, `async_examples/tests/snippets/a02_unused_future.rs`, and finds it):
//!
//! ```text
//! warning: unused implementer of `Future` that must be used
//!   |
//!   |     hello();
//!   |     ^^^^^^^
//!   = note: futures do nothing unless you `.await` or poll them
//!   = note: `#[warn(unused_must_use)]` (part of `#[warn(unused)]`) on by default
//! ```
//!
//! Python has the same trap, found later: `RuntimeWarning: coroutine 'hello' was never awaited`.
//!
//! Run: `cargo run --bin a02_coroutine_is_lazy`
//!
//! Expect: the future's type (`a02_coroutine_is_lazy::hello::{{closure}}`) and its size; a
//! pause in which nothing is printed; only after `main: awaiting it now` does
//! `hello: body starts` appear, then `Result: Hello`. A future that is dropped never runs.

use std::any::type_name_of_val;
use std::sync::atomic::{AtomicUsize, Ordering};

use utilities::{say, secs};

/// How many times the body of `hello` has started.
static BODY_STARTS: AtomicUsize = AtomicUsize::new(0);

async fn hello() -> &'static str {
    BODY_STARTS.fetch_add(1, Ordering::SeqCst);
    say!("hello: body starts");
    tokio::time::sleep(secs(1.0)).await;
    say!("hello: body ends");
    "Hello"
}

#[tokio::main]
async fn main() {
    utilities::output::start_clock();

    // `c = hello()`: the future is created, not running.
    let c = hello();
    say!(
        "main: created the future; its type is {}",
        type_name_of_val(&c)
    );
    say!(
        "main: it is a plain value of {} bytes (the state machine rustc generated)",
        size_of_val(&c)
    );

    // Give it every chance to run by itself: it will not.
    tokio::time::sleep(secs(1.0)).await;
    let before = BODY_STARTS.load(Ordering::SeqCst);
    say!("main: one second later the body has started {before} times");

    say!("main: awaiting it now");
    let result = c.await;
    say!("Result: {result}");

    // A future that is never polled never runs, and dropping it is enough to discard it.
    let never = hello();
    drop(never);
    let after = BODY_STARTS.load(Ordering::SeqCst);
    say!("main: a second future was dropped without being awaited; body starts in total: {after}");

    assert_eq!(before, 0, "a future must not run before it is polled");
    assert_eq!(after, 1, "only the awaited future ran");
    assert_eq!(result, "Hello");
}
