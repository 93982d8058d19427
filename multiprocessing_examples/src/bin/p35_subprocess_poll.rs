//! The parent works while it polls a child (`sleep 0.3`): "Working...", then "Exit status 0".
//!
//! Python original: Effective Python (ch. 5), "Use subprocess to manage child processes":
//! `proc = subprocess.Popen(['sleep', '0.3'])`, then `while proc.poll() is None: print('Working…')`,
//! then `print('Exit status', proc.poll())`.
//!
//! `Command::spawn` is `Popen`: it starts another program and returns at once with a `Child`.
//! `Child::try_wait` is `poll()`: `Ok(None)` while the child runs, `Ok(Some(status))` once it
//! has exited, and at that moment the child is also reaped (no zombie). The Python original's loop has a
//! comment "some time-consuming work here"; the work here is a short sleep.
//!
//! The timeline at the end shows the parent's short work slices under the child's one bar.
//!
//! Run: `cargo run --bin p35_subprocess_poll`
//!
//! Expected output (scale 1.0; the number of "Working..." lines varies a little):
//! ```text
//! [   0.000s] main         | Started `sleep 0.300` as pid 1001
//! [   0.001s] main         | Working...
//! [   0.052s] main         | Working...
//! …
//! [   0.253s] main         | Working...
//! [   0.304s] main         | Exit status 0
//! [   0.304s] main         | Polled 6 times while the child ran
//! ```

use std::process::Command;

use utilities::{Timeline, say, secs, sleep_secs};

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    // The child's 0.3 s is scaled like every other simulated wait in the course.
    let duration = format!("{:.3}", secs(0.3).as_secs_f64());
    let tl = Timeline::new();
    let child_span = tl.span(format!("child: sleep {duration} (start → exit seen)"));
    let mut proc = Command::new("sleep").arg(&duration).spawn()?; // Popen(['sleep', '0.3'])
    say!("Started `sleep {duration}` as pid {}", proc.id());

    let mut polls = 0;
    let status = loop {
        // proc.poll(): never blocks.
        if let Some(status) = proc.try_wait()? {
            drop(child_span);
            break status;
        }
        say!("Working...");
        polls += 1;
        let _work = tl.span(format!("parent: works 0.05 s, then polls (#{polls})"));
        sleep_secs(0.05); // some time-consuming work here
    };
    // `code()` is None when the child was killed by a signal (see p36).
    let code = status
        .code()
        .map_or_else(|| status.to_string(), |c| c.to_string());
    say!("Exit status {code}");
    say!("Polled {polls} times while the child ran");
    tl.print("The parent works and polls while its child runs");
    assert!(status.success());
    Ok(())
}
