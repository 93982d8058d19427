//! Pool `apply` blocks for one result; `apply_async` returns a handle while the parent works on.
//!
//! Python original: the course notebook, "When to Use map, apply, and `apply_async`" (`pool.apply(square, (5,))`) and the
//! Pools passage "Non-Blocking Call (`apply_async`)" (`result.get()`).
//!
//! - `pool.apply::<A, R>("square", 5)` sends one task to one worker and waits: 25.
//! - `pool.apply_async::<A, R>("square", 5)` queues it and returns an [`AsyncResult`] at once.
//!   The parent does its own work, polls with `get_timeout` (which leaves the handle usable when
//!   the time is up, like Python's `get(timeout)` raising `TimeoutError`), then `get()`s 25.
//!
//! The type parameters say what goes in and what comes out; the worker decodes the argument
//! with a size limit, and a wrong type on either side is an error, not garbage.
//!
//! The timeline at the end shows `apply` as one blocked bar, then the `apply_async` task with
//! the parent's short work-and-check bars beside it.
//!
//! Run: `cargo run --bin p12_pool_apply_async`
//!
//! Expected output (scale 1.0; pids vary):
//! ```text
//! [   0.002s] pid 1001    main         | Worker: squaring 5
//! [   1.003s] pid 1000    main         | apply(square, 5) = 25
//! [   1.003s] pid 1000    main         | apply_async submitted; the parent keeps working
//! [   1.004s] pid 1001    main         | Worker: squaring 5
//! [   1.253s] pid 1000    main         | Parent keeps working (tick 1): result not ready yet
//! [   1.504s] pid 1000    main         | Parent keeps working (tick 2): result not ready yet
//! [   1.755s] pid 1000    main         | Parent keeps working (tick 3): result not ready yet
//! [   2.005s] pid 1000    main         | apply_async(square, 5).get() = 25
//! ```

use multiprocessing_examples::pool::{self, AsyncResult, PoolError, ProcessPool, Task};
use utilities::{Timeline, say_pid, secs, sleep_secs};

/// The Python original's `square(n)`, taking 1 s so that "non-blocking" is visible.
fn square(n: u64) -> u64 {
    say_pid!("Worker: squaring {n}");
    sleep_secs(1.0);
    n * n
}

static TASKS: &[Task] = &[pool::task!("square", square)];

fn main() -> Result<(), PoolError> {
    pool::serve_if_worker(TASKS);
    utilities::output::start_clock();
    let pool = ProcessPool::new(2, TASKS)?;

    // Blocking: like calling square(5), but in a worker process.
    let tl = Timeline::new();
    let result: u64 = tl.record("parent: apply(square, 5) blocks", || {
        pool.apply("square", 5u64)
    })?;
    say_pid!("apply(square, 5) = {result}");
    assert_eq!(result, 25);

    // Non-blocking: a handle now, the value later.
    let task_span = tl.span("apply_async(square, 5): submitted → result");
    let handle: AsyncResult<u64> = pool.apply_async("square", 5u64)?;
    say_pid!("apply_async submitted; the parent keeps working");
    let mut tick = 0;
    let result = loop {
        let waited = tl.span(format!(
            "parent: works, checks for 0.25 s (tick {})",
            tick + 1
        ));
        match handle.get_timeout(secs(0.25)) {
            Ok(v) => {
                drop(waited);
                drop(task_span); // the result is here: the task is done
                break v;
            }
            Err(PoolError::Timeout { .. }) => {
                tick += 1;
                say_pid!("Parent keeps working (tick {tick}): result not ready yet");
            }
            Err(e) => return Err(e),
        }
        assert!(tick < 400, "the task should finish long before this");
    };
    say_pid!("apply_async(square, 5).get() = {result}");
    assert_eq!(result, 25);
    assert!(tick >= 1, "the parent worked while the task ran");
    tl.print("apply blocks the parent; apply_async lets it keep working");
    Ok(())
}
