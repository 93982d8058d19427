//! Timeouts and errors: one `Result` per call, a slow call cut at the limit, cancelling = dropping.
//!
//! One slow or failing call does not sink the run: every call returns its own `Result`, a
//! timeout cuts the slow one at the limit, and cancellation is just dropping a future.
//!
//! Python original: the course notebook, capstone "Step 6: Add Error Handling and Timeouts" (`try`/`except` + timeouts).
//! Four calls run as tasks at once: two succeed, one fails, one would take 5 s and is cut by
//! `tokio::time::timeout` at 2 s. Then the three ways a future is cancelled in Rust:
//! `timeout` (above), dropping it by hand, and losing a `tokio::select!` race against a cancel
//! signal. Cancelling drops the future at its current `.await`: destructors run (the
//! `cleanup` lines), no code after that `.await` does. Python raises `CancelledError` inside the
//! coroutine instead; Rust has nothing to catch, cleanup lives in `Drop`.
//!
//! The timeline at the end shows the slow call's bar cut at the 2 s limit, the failing call
//! ending early, and the dropped and cancelled jobs cut short.
//!
//! Run: `cargo run --bin a10_timeouts_and_errors`
//!
//! Expect: `fast: ok`, `medium: ok`, `broken: failed: connection reset by peer (simulated)`,
//! `slow: timed out after 2.0… s`, `Summary: 2 ok, 1 failed, 1 timed out` in ≈ 2 s (the limit,
//! not the slow call's 5 s); then `cleanup` lines for the dropped and the `select!`-ed jobs,
//! and exit status 0.

use std::fmt;
use std::time::Duration;

use std::sync::Arc;
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

/// Says `cleanup: …` when dropped: shows when a cancelled future is destroyed.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        say!("cleanup: {}", self.0);
    }
}

#[derive(Debug)]
struct CallError(&'static str);

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl std::error::Error for CallError {}

/// A simulated remote call that takes `seconds` and then succeeds or fails.
async fn call(name: &'static str, seconds: f64, fails: bool) -> Result<String, CallError> {
    let _cleanup = Cleanup(format!("{name} released its resources"));
    tokio::time::sleep(secs(seconds)).await;
    if fails {
        return Err(CallError("connection reset by peer (simulated)"));
    }
    Ok(format!("{name} payload"))
}

/// What happened to one call.
#[derive(Debug)]
enum Outcome {
    Ok(String),
    Failed(String),
    TimedOut(Duration),
}

/// `await asyncio.wait_for(call(), timeout)` inside `try`/`except`: always returns.
async fn guarded(name: &'static str, seconds: f64, fails: bool, limit: Duration) -> Outcome {
    let sw = Stopwatch::start();
    match tokio::time::timeout(limit, call(name, seconds, fails)).await {
        Ok(Ok(body)) => Outcome::Ok(body),
        Ok(Err(e)) => Outcome::Failed(e.to_string()),
        Err(_elapsed) => Outcome::TimedOut(sw.elapsed()),
    }
}

#[tokio::main]
async fn main() {
    utilities::output::start_clock();
    let limit = secs(2.0);
    let tl = Arc::new(Timeline::new());
    say!("timeout limit: {:.3} s", limit.as_secs_f64());

    // 1. Four calls, four tasks, four Results. A task that panicked would show up as a
    //    JoinError in its own slot too; nothing here stops the other calls.
    let sw = Stopwatch::start();
    let calls = [
        ("fast", 1.0, false),
        ("medium", 1.5, false),
        ("broken", 0.5, true),
        ("slow", 5.0, false),
    ];
    let handles: Vec<_> = calls
        .iter()
        .map(|&(name, seconds, fails)| {
            let tl = Arc::clone(&tl);
            let how = if fails { "fails" } else { "ok" };
            let label = format!("{name}: {seconds} s call ({how}), 2 s timeout");
            let call = guarded(name, seconds, fails, limit);
            (
                name,
                tokio::spawn(async move { tl.record_async(label, call).await }),
            )
        })
        .collect();
    let (mut ok, mut failed, mut timed_out) = (0, 0, 0);
    for (name, handle) in handles {
        match handle.await {
            Ok(Outcome::Ok(body)) => {
                ok += 1;
                say!("{name}: ok ({body})");
            }
            Ok(Outcome::Failed(e)) => {
                failed += 1;
                say!("{name}: failed: {e}");
            }
            Ok(Outcome::TimedOut(after)) => {
                timed_out += 1;
                say!("{name}: timed out after {:.3} s", after.as_secs_f64());
            }
            Err(e) => {
                failed += 1;
                say!("{name}: task crashed: {e}");
            }
        }
    }
    let all = sw.elapsed();
    say!("Summary: {ok} ok, {failed} failed, {timed_out} timed out");
    print_time_taken("All calls", all);

    // 2. Cancelling by dropping: poll a job for a while, then simply drop it.
    let mut job = Box::pin(call("dropped job", 5.0, false));
    let first_try = tokio::time::timeout(secs(0.3), &mut job);
    let label = "dropped job: 5 s call, dropped after 0.3 s";
    if tl.record_async(label, first_try).await.is_err() {
        say!("dropped job: still running after 0.3 s; dropping it");
    }
    drop(job); // its Cleanup runs right here

    // 3. Cancelling with `select!`: whichever branch finishes first wins, the others are dropped.
    let (cancel, cancelled) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        tokio::time::sleep(secs(0.5)).await;
        say!("user: pressing cancel");
        let _ = cancel.send(());
    });
    let job = call("select job", 5.0, false);
    tokio::select! {
        result = tl.record_async("select job: 5 s call, cancelled at 0.5 s", job) => {
            say!("select job finished first: {result:?}");
        }
        _ = cancelled => say!("select!: the cancel signal won; the job was dropped"),
    }

    tl.print("Timeouts and cancellation: a slow call is cut at its limit, a dropped job stops");
    assert_eq!((ok, failed, timed_out), (2, 1, 1));
    assert!(
        all < secs(4.0),
        "the slow call must be cut at the limit, not awaited for 5 s"
    );
}
