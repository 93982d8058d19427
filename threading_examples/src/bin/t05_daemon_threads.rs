//! Daemon threads: in Rust *every* spawned thread is a daemon — returning from `main` ends them.
//!
//! Python original: the course notebook, Module 4A "5) Daemon threads", Essentials "Daemon vs Non-Daemon Threads" and the threads-vs-processes notes
//! "daemon thread". Python waits at exit for every non-daemon thread and lets `daemon=True`
//! threads die. Rust has no such flag: when `main` returns, the process exits and every other
//! thread stops wherever it is — no `Drop` runs in it, no `finally`-like cleanup. Python's
//! "non-daemon" behaviour is spelled `join()` (or `thread::scope`, which joins for you).
//! (The notebook in the Python original kept printing forever only because the Jupyter kernel stayed alive.)
//!
//! The timeline shows the worker's three steps before main's `join` returns, and the
//! background thread still running when main returns.
//!
//! Run: `cargo run --bin t05_daemon_threads`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] worker       | Worker: step 1 of 3
//! [   0.300s] worker       | Worker: step 2 of 3
//! [   0.600s] worker       | Worker: step 3 of 3
//! [   0.900s] main         | Main: joined the worker, it finished all 3 steps (non-daemon style)
//! [   0.900s] background   | Background working...
//! [   1.400s] background   | Background working...
//! [   1.900s] background   | Background working...
//! [   2.100s] main         | Background thread still running: is_finished() = false
//! [   2.100s] main         | Main ends now. The program exits even though the background loop is infinite.
//! ```
//! The line "Background: cleanup" is never printed: the thread is stopped, not unwound.

use std::sync::Arc;
use std::thread;
use std::time::Instant;
use utilities::{Timeline, say, sleep_secs};

/// Prints when dropped — if it ever is.
struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        say!("Background: cleanup (Drop ran)");
    }
}

fn main() {
    utilities::output::start_clock();

    // Non-daemon style: main waits for the work to finish because it joins.
    let tl = Arc::new(Timeline::new());
    let tl_worker = Arc::clone(&tl);
    let worker = thread::Builder::new()
        .name("worker".into())
        .spawn(move || {
            for step in 1..=3 {
                let _span = tl_worker.span(format!("worker: step {step} of 3 (0.3 s)"));
                say!("Worker: step {step} of 3");
                sleep_secs(0.3);
            }
        })
        .expect("cannot spawn");
    tl.record("main: join()", || worker.join())
        .expect("worker panicked");
    say!("Main: joined the worker, it finished all 3 steps (non-daemon style)");

    // Daemon style: nobody joins this infinite loop.
    let background_started = Instant::now();
    let background = thread::Builder::new()
        .name("background".into())
        .spawn(|| {
            let _cleanup = Cleanup;
            loop {
                say!("Background working...");
                sleep_secs(0.5);
            }
        })
        .expect("cannot spawn");

    tl.record("main: sleeps 1.2 s, then returns", || sleep_secs(1.2));
    let finished = background.is_finished();
    say!("Background thread still running: is_finished() = {finished}");
    assert!(!finished, "an infinite loop never finishes by itself");
    // This bar ends only because the picture is drawn now: the loop never ends by itself.
    tl.add(
        "background: infinite loop, still running",
        background_started,
        Instant::now(),
    );
    tl.print("Main waits for the worker (join) but not for the background thread");
    say!("Main ends now. The program exits even though the background loop is infinite.");
    // Dropping a JoinHandle detaches the thread; returning from main then ends the process.
}
