//! `tokio::spawn` is `asyncio.create_task`: a task starts at once; its handle returns the value.
//!
//! `tokio::spawn` is `asyncio.create_task`: the task starts at once; awaiting its handle gives
//! the value.
//!
//! Python original: the course notebook, Module 4C "Task (scheduled to run)". Shows the `JoinHandle<T>` and its
//! `Result<T, JoinError>` (a panic or an abort inside a task is an `Err`, not a crash of the
//! program), a detached task (dropping the handle does not stop it), a `JoinSet` that yields
//! results in completion order, and what happens to unfinished tasks when the runtime shuts down
//! (they are dropped, like asyncio cancelling leftover tasks when `asyncio.run` ends).
//!
//! The timeline (printed before the shutdown part) shows `hello()` running while main sleeps,
//! the aborted task's bar cut short, and the three `JoinSet` tasks side by side.
//!
//! Run: `cargo run --bin a03_create_task`
//!
//! Expect: `hello: task started` *before* `main: now awaiting the handle` (the task ran while main
//! slept), then `Result: Hello`; a panic message on stderr and `JoinError: panicked`; an abort
//! reported as `JoinError: cancelled`; `JoinSet` results in the order `short, medium, long`; and,
//! after `main: returning`, `shutdown: unfinished task dropped`.

use std::sync::Arc;
use tokio::task::JoinSet;
use utilities::{Timeline, say, secs};

async fn hello(tl: Arc<Timeline>) -> &'static str {
    let _span = tl.span("task hello(): sleep 1 s");
    say!("hello: task started");
    tokio::time::sleep(secs(1.0)).await;
    "Hello"
}

/// Says something when dropped: shows the moment a task's future is destroyed.
struct SaysWhenDropped(&'static str);

impl Drop for SaysWhenDropped {
    fn drop(&mut self) {
        say!("{}", self.0);
    }
}

#[tokio::main]
async fn main() {
    utilities::output::start_clock();
    // Spans are recorded inside spawned tasks, which must own what they use: an `Arc`.
    let tl = Arc::new(Timeline::new());

    // 1. `t = asyncio.create_task(hello())`: scheduled immediately, running without us.
    let t = tokio::spawn(hello(Arc::clone(&tl)));
    say!("main: task spawned; main sleeps 0.5 s without awaiting it");
    tl.record_async("main: sleeps 0.5 s", tokio::time::sleep(secs(0.5)))
        .await;
    say!("main: now awaiting the handle");
    // `result = await t`. The outer `Result` says whether the task finished normally.
    let result = match tl.record_async("main: t.await", t).await {
        Ok(value) => value,
        Err(e) => panic!("hello() cannot fail, but its task did: {e}"),
    };
    say!("Result: {result}");

    // The future given to `spawn` must be `Send + 'static`: it may move between worker threads
    // and outlive the caller. Borrowing a local does not compile:
    //     let name = String::from("x");
    //     tokio::spawn(async { println!("{name}") });
    //     // error[E0373]: async block may outlive the current function, but it borrows `name`
    // Fix: `async move { … }` (the task owns its data) or share through an `Arc`.

    // 2. A panic inside a task is caught by the runtime and returned as a JoinError.
    //    The panic hook still runs first; this one-line hook replaces the default message (and
    //    its backtrace when RUST_BACKTRACE is set) so the output stays readable.
    std::panic::set_hook(Box::new(|info| eprintln!("panic hook: {info}")));
    let tl_boom = Arc::clone(&tl);
    let boom = tokio::spawn(async move {
        let _span = tl_boom.span("boom task: sleep 0.1 s, then panic");
        tokio::time::sleep(secs(0.1)).await;
        panic!("boom (a panic inside a task)");
    });
    match boom.await {
        Ok(()) => unreachable!("the task panics"),
        Err(e) => say!("JoinError: panicked = {} ({e})", e.is_panic()),
    }

    // 3. `task.cancel()` → `handle.abort()`: the task's future is dropped at its next `.await`.
    let tl_long = Arc::clone(&tl);
    let long = tokio::spawn(async move {
        // Ends when the future is dropped: the bar stops at the abort.
        let _span = tl_long.span("long task: sleep 60 s, aborted");
        let _guard = SaysWhenDropped("abort: the long task's future was dropped mid-sleep");
        tokio::time::sleep(secs(60.0)).await;
        say!("this line never prints");
    });
    tokio::time::sleep(secs(0.1)).await;
    long.abort();
    match long.await {
        Ok(()) => unreachable!("the task was aborted"),
        Err(e) => say!("JoinError: cancelled = {} ({e})", e.is_cancelled()),
    }

    // 4. Dropping a JoinHandle *detaches* the task: it keeps running (unlike dropping a plain
    //    future, which destroys it; see a02 and a10).
    let (done_tx, done_rx) = tokio::sync::oneshot::channel();
    let tl_detached = Arc::clone(&tl);
    drop(tokio::spawn(async move {
        let _span = tl_detached.span("detached task: sleep 0.3 s");
        tokio::time::sleep(secs(0.3)).await;
        say!("detached task: still ran after its handle was dropped");
        let _ = done_tx.send(());
    }));
    let _ = done_rx.await;

    // 5. JoinSet: a bag of tasks; `join_next` gives results as they finish (gather's
    //    `as_completed` cousin). Spawned long → short, finished short → long.
    let mut set = JoinSet::new();
    for (name, seconds) in [("long", 1.5), ("medium", 1.0), ("short", 0.5)] {
        let tl = Arc::clone(&tl);
        set.spawn(async move {
            let _span = tl.span(format!("JoinSet task {name}: sleep {seconds} s"));
            tokio::time::sleep(secs(seconds)).await;
            name
        });
    }
    let mut finished = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(name) => {
                say!("JoinSet: {name} finished");
                finished.push(name);
            }
            Err(e) => say!("JoinSet: a task failed: {e}"),
        }
    }
    say!("JoinSet completion order: {}", finished.join(", "));
    tl.print("Tasks run on their own: spawned, awaited, aborted, detached, joined as they finish");

    // 6. Runtime shutdown: when `main` returns, `#[tokio::main]` drops its runtime, and every
    //    task still running is dropped at its current `.await` (the guard below says so).
    //    Work you need finished must be awaited (or its JoinSet drained) before returning.
    tokio::spawn(async {
        let _guard = SaysWhenDropped("shutdown: unfinished task dropped (its last line never ran)");
        tokio::time::sleep(secs(60.0)).await;
        say!("this line never prints either");
    });
    tokio::time::sleep(secs(0.1)).await; // let it start
    say!("main: returning");

    assert_eq!(result, "Hello");
    assert_eq!(finished, ["short", "medium", "long"]);
}
