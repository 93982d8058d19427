//! Is the thread still running? `JoinHandle::is_finished()` — Python's `not t.is_alive()`.
//!
//! Python original: the course notebook, Essentials "Checking Thread State". The Python original asks `is_alive()` before and after
//! `join()`. In Rust `join(self)` consumes the handle, so there is nothing left to ask after
//! joining — and nothing to ask: a joined thread is finished by definition. So the program asks
//! `is_finished()` while the worker sleeps, keeps working (polling) until the worker is done,
//! and only then joins, which now returns at once.
//!
//! The timeline at the end shows main's polling bar ending just after the worker's bar.
//!
//! Run: `cargo run --bin t18_is_alive`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] main         | Right after spawn: alive = true (is_finished() = false)
//! [   1.000s] worker       | Worker: done sleeping
//! [   1.010s] main         | After 10 checks: alive = false (is_finished() = true)
//! [   1.010s] main         | Joined; the handle is gone now (join takes it by value)
//! ```

use std::sync::Arc;
use threading_examples::spawn_named;
use utilities::{Timeline, say, sleep_secs};

fn main() {
    utilities::output::start_clock();

    let tl = Arc::new(Timeline::new());
    let tl_worker = Arc::clone(&tl);
    let worker = spawn_named("worker", move || {
        let _span = tl_worker.span("worker: sleep 1 s");
        sleep_secs(1.0);
        say!("Worker: done sleeping");
    });

    say!(
        "Right after spawn: alive = {} (is_finished() = {})",
        !worker.is_finished(),
        worker.is_finished()
    );

    // Main is free to do other things meanwhile; here it just checks every 0.1 s.
    let mut checks = 0;
    let polling = tl.span("main: is_finished()? every 0.1 s");
    while !worker.is_finished() {
        checks += 1;
        sleep_secs(0.1);
    }
    drop(polling);
    say!(
        "After {checks} checks: alive = {} (is_finished() = {})",
        !worker.is_finished(),
        worker.is_finished()
    );

    worker.join().expect("worker panicked");
    say!("Joined; the handle is gone now (join takes it by value)");
    tl.print("Main polls is_finished() while the worker sleeps");
    // `worker.is_finished()` here would be error E0382: borrow of moved value `worker`.
}
