//! Thread lifecycle: created (Builder) → started (spawn) → finished → joined, and no restart.
//!
//! Python original: the course notebook, `thread_lifecycle_demo.py` and "Thread Lifecycle Summary". In Python a `Thread`
//! object is created first and `start()` runs it; in Rust the "created" stage is a
//! `thread::Builder` (name, stack size, nothing runs yet) and `spawn` starts it. The Python rule
//! "a finished thread cannot be restarted" is a *compile error* here, and so is joining twice:
//! `spawn(self)` consumes the Builder and `join(self)` consumes the handle. The compile-fail
//! tests `tests/ui/t19_restart.rs` and `tests/ui/t19_join_twice.rs` keep those errors honest.
//!
//! The timeline at the end shows main's `join()` waiting exactly as long as the worker runs.
//!
//! Run: `cargo run --bin t19_thread_lifecycle_demo`
//!
//! Expected output (scale 1.0; "Thread started" and "Worker started" may swap):
//! ```text
//! [   0.000s] main         | Thread created (a Builder: nothing runs yet)
//! [   0.000s] main         | Thread started
//! [   0.000s] Worker-1     | Worker started
//! [   0.000s] main         | is_finished() = false while the worker sleeps
//! [   2.001s] Worker-1     | Worker finished
//! [   2.001s] main         | Thread joined, program exiting
//! Lifecycle: Time taken: 2.001 s
//! ```

use std::sync::Arc;
use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

fn worker(tl: &Timeline) {
    let _span = tl.span("Worker-1: started → finished (sleep 2 s)");
    say!("Worker started");
    sleep_secs(2.0);
    say!("Worker finished");
}

fn main() {
    utilities::output::start_clock();
    let sw = Stopwatch::start();

    // Created: configured, but no OS thread exists yet.
    let builder = thread::Builder::new().name("Worker-1".into());
    say!("Thread created (a Builder: nothing runs yet)");

    // Started: `spawn` consumes the Builder, so it cannot be started a second time.
    let tl = Arc::new(Timeline::new());
    let tl_worker = Arc::clone(&tl);
    let handle = match builder.spawn(move || worker(&tl_worker)) {
        Ok(h) => h,
        Err(e) => panic!("the OS refused a thread: {e}"),
    };
    say!("Thread started");

    // Running: the handle can be asked without blocking.
    say!(
        "is_finished() = {} while the worker sleeps",
        handle.is_finished()
    );

    // Finished + joined: `join` consumes the handle; `Err` would mean the worker panicked.
    tl.record("main: join() waits", || handle.join())
        .expect("worker panicked");
    say!("Thread joined, program exiting");
    print_time_taken("Lifecycle", sw.elapsed());
    tl.print("A thread's life: started, running, finished, joined");

    // "Restarting" in Rust means building a new thread, exactly like Python's advice to create a
    // new Thread object:
    //   builder.spawn(worker)  -> error[E0382]: use of moved value: `builder`
    //   handle.join()          -> error[E0382]: use of moved value: `handle`
}
