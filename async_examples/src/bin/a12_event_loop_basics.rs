//! What `asyncio.run` is: the same program under `#[tokio::main]`, `block_on`, and one thread.
//!
//! What `asyncio.run` is in Rust: a runtime that polls futures. The same program runs under
//! `#[tokio::main]`, under an explicit `Runtime::block_on`, and on a current-thread runtime.
//!
//! Python original: the python-threads project, `asyncio_examples/basic_asyncio.py` ("coroutines and event loops") and the course notebook
//! Module 4C "Key Terms" / "asyncio framework overview": the event loop runs tasks, pauses the
//! ones that wait, resumes them when they are ready. In Rust the loop is a library, not part of
//! the language: tokio's `Runtime`. `#[tokio::main]` is only a macro that builds one and calls
//! `block_on` on the function's body, and it works on any `async fn`, not just `main` (see
//! `with_macro` below).
//!
//! Two flavours:
//! - `current_thread`: one thread runs every task, exactly like asyncio's event loop;
//! - `multi_thread` (the default of `#[tokio::main]`): a worker per core, tasks may move
//!   between workers at each `.await` (that is why spawned futures must be `Send`).
//!
//! The timeline at the end shows, for each runtime, its three tasks side by side: on the
//! single-threaded runtime too, since a sleeping task does not hold the thread.
//!
//! Run: `cargo run --bin a12_event_loop_basics`
//!
//! Expect: for each runtime, three tasks that sleep 1 s together (≈ 1 s, not 3); the
//! `current_thread` runtime runs every task on `main`; the multi-thread runtimes run them on
//! worker threads (`tokio-rt-worker`, or `worker-N` where the builder names them).

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures::future::join_all;
use tokio::runtime::{Builder, Handle};
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs, thread_label};

/// One coroutine: says where it starts and where it resumes after its `.await`.
/// Every task of the three runtimes records its span here (spawned tasks need a `'static` one).
static TIMELINE: LazyLock<Timeline> = LazyLock::new(Timeline::new);

async fn work(runtime: &'static str, n: u32) -> String {
    let _span = TIMELINE.span(format!("{runtime} · task {n} (sleep 1 s)"));
    say!("{runtime}: task {n} starts");
    tokio::time::sleep(secs(1.0)).await; // the task is parked; its thread runs other tasks
    let thread = thread_label();
    say!("{runtime}: task {n} resumed on thread {thread}");
    thread
}

/// The "program": three spawned tasks, awaited together. Returns the threads they ran on.
/// (The body of `block_on` itself runs on the calling thread, `main`; spawned tasks run on
/// the runtime's workers.)
async fn program(runtime: &'static str) -> Vec<String> {
    say!(
        "{runtime}: runtime flavour {:?}, block_on runs on thread {}",
        Handle::current().runtime_flavor(),
        thread_label()
    );
    let sw = Stopwatch::start();
    let handles = (1..=3).map(|n| tokio::spawn(work(runtime, n)));
    let threads: Vec<String> = join_all(handles)
        .await
        .into_iter()
        .map(|joined| joined.unwrap_or_else(|e| format!("<task failed: {e}>")))
        .collect();
    print_time_taken(runtime, sw.elapsed());
    threads
}

/// `#[tokio::main]` on an ordinary function: it becomes a plain `fn` that builds a
/// multi-thread runtime, runs the body with `block_on`, and drops the runtime on return.
#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn with_macro() -> Vec<String> {
    program("#[tokio::main]").await
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    say!("each task sleeps {:.3} s", secs(1.0).as_secs_f64());

    // 1. The macro (what `async fn main` usually wears).
    let macro_threads = with_macro();

    // 2. The same thing by hand: `asyncio.run(main())` ≈ build a runtime + `block_on`.
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name_fn(|| format!("worker-{}", NEXT.fetch_add(1, Ordering::SeqCst)))
        .enable_all() // timers and sockets; without it `sleep` panics
        .build()?;
    let manual_threads = runtime.block_on(program("Runtime::block_on"));
    drop(runtime); // shuts the workers down

    // 3. One thread for everything, like asyncio.
    let runtime = Builder::new_current_thread().enable_all().build()?;
    let single_threads = runtime.block_on(program("current_thread"));
    drop(runtime);

    say!("#[tokio::main] tasks ran on: {macro_threads:?}");
    say!("Runtime::block_on tasks ran on: {manual_threads:?}");
    say!("current_thread tasks ran on: {single_threads:?}");
    TIMELINE.print("Three runtimes, three tasks each: the sleeps overlap even on one thread");

    assert!(
        single_threads.iter().all(|t| t == "main"),
        "one thread does it all"
    );
    assert!(manual_threads.iter().all(|t| t.starts_with("worker-")));
    assert!(
        macro_threads.iter().all(|t| t != "main"),
        "workers, not the caller"
    );
    Ok(())
}
