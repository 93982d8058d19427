//! A stuck child is killed after a 0.1 s timeout (status: signal 9) and reaped: no zombie.
//!
//! Python original: Effective Python (ch. 5), "`process.communicate(timeout=0.1)` … in case they are stuck hanging" and the threads-vs-processes notes's
//! process advantage "interruptable/killable".
//!
//! A child that may hang (`sleep 10` plays the stuck program) is waited for with a deadline.
//! When the deadline passes, the parent kills it with SIGKILL and then waits for it once more:
//! a killed process stays a zombie (an entry in the process table holding its exit status)
//! until its parent collects the status. Python's `communicate(timeout=…)` only *raises*
//! `TimeoutExpired`; the docs say to call `proc.kill()` and `communicate()` again, which are the
//! same two steps. Here they are `wait_or_kill` from `src/spawn.rs` (the `wait-timeout` crate,
//! then `kill` + `wait`).
//!
//! The contrast with threads (`t34_cooperative_cancellation`): a thread shares the process's
//! memory and locks, so it cannot be killed from outside safely; it can only be *asked* to stop
//! and must check a flag. A process owns its memory, so the OS can end it at any instruction.
//!
//! The timeline at the end shows the 10 s child's bar cut at the timeout and the quick child's
//! short bar.
//!
//! Run: `cargo run --bin p36_subprocess_timeout_kill`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] main         | Started `sleep 10.000` as pid 1001, timeout 0.100 s
//! [   0.101s] main         | Timeout after 0.101 s: the child was killed
//! [   0.101s] main         | Child status: signal: 9 (SIGKILL) (signal 9)
//! [   0.101s] main         | Zombie check: /proc/1001 is gone, children left: 0
//! [   0.101s] main         | Started `sleep 0.020` as pid 1002, timeout 2.000 s
//! [   0.123s] main         | Finished in time: exit status 0
//! ```

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use multiprocessing_examples::spawn::{Waited, children_of, wait_or_kill};
use utilities::{Stopwatch, Timeline, say, secs};

/// Runs `sleep <seconds>` (scaled) and gives it `timeout` (scaled) to finish.
fn run_with_timeout(seconds: f64, timeout: f64, tl: &Timeline) -> std::io::Result<(Waited, u32)> {
    let duration = format!("{:.3}", secs(seconds).as_secs_f64());
    let timeout = secs(timeout);
    let sw = Stopwatch::start();
    let limit = timeout.as_secs_f64();
    let span = tl.span(format!("child `sleep {duration}`, timeout {limit:.3} s"));
    let mut child = Command::new("sleep").arg(&duration).spawn()?;
    let pid = child.id();
    say!(
        "Started `sleep {duration}` as pid {pid}, timeout {:.3} s",
        timeout.as_secs_f64()
    );
    let waited = wait_or_kill(&mut child, timeout)?; // reaps the child in both cases
    drop(span);
    if waited.timed_out() {
        say!(
            "Timeout after {:.3} s: the child was killed",
            sw.elapsed().as_secs_f64()
        );
    }
    Ok((waited, pid))
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();

    // 1. The stuck child.
    let tl = Timeline::new();
    let (waited, pid) = run_with_timeout(10.0, 0.1, &tl)?;
    let status = waited.status();
    say!(
        "Child status: {status} (signal {})",
        status
            .signal()
            .map_or_else(|| "none".to_owned(), |s| s.to_string())
    );
    assert!(waited.timed_out());
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    // A zombie would still have a /proc entry (state Z) and be listed as our child.
    let gone = !std::path::Path::new(&format!("/proc/{pid}")).exists();
    let left = children_of(std::process::id()).len();
    say!(
        "Zombie check: /proc/{pid} is {}, children left: {left}",
        if gone { "gone" } else { "still there" }
    );
    assert!(gone && left == 0, "the killed child must be reaped");

    // 2. A child that finishes before its deadline is simply waited for: `wait_or_kill`
    //    returns as soon as it exits, not when the (generous) timeout would expire.
    let (waited, _) = run_with_timeout(0.02, 2.0, &tl)?;
    let status = waited.status();
    say!(
        "Finished in time: exit status {}",
        status.code().unwrap_or(-1)
    );
    assert!(!waited.timed_out() && status.success());
    tl.print("A stuck child is killed at its timeout; a quick one just finishes");
    Ok(())
}
