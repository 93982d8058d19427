//! Deadlock: two locks taken in opposite order; a detector reports who waits for what, then the fix.
//!
//! Two threads wait for each other forever; here a detector notices and says who waits for what,
//! and the same-order fix completes.
//!
//! Python original: the course notebook, Module 4A "8) Avoiding deadlocks" and Thread-safe "What Is a Deadlock?", "Simple
//! Deadlock Example" (`task_one` / `task_two`), "Why Deadlocks Are Dangerous", "Rule #1: Lock
//! Ordering".
//!
//! `task_one` holds `lock_a` and wants `lock_b`; `task_two` holds `lock_b` and wants `lock_a`.
//! Rust does not prevent this: the compiler stops data races, not deadlocks. In Python the
//! program simply hangs with no error. Here the locks are `parking_lot` mutexes built with its
//! `deadlock_detection` feature: a watchdog thread calls `parking_lot::deadlock::check_deadlock()`
//! every 50 ms, which finds the cycle of blocked threads. Nothing can unblock them (a thread
//! cannot be killed from outside; only ending the process frees them), so the deadlocked run
//! happens in a child process (this same program, started with the argument `deadlock`), which
//! prints the report and exits with status 3. The parent shows that status, then runs the fix:
//! both tasks take `lock_a` first, so no cycle can form.
//!
//! Run: `cargo run --bin t08_deadlock_opposite_order`
//! (only the deadlock, exiting with status 3: `cargo run --bin t08_deadlock_opposite_order -- deadlock`)
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] main         | Part 1: locks taken in opposite order (in a child process)
//! [   0.001s] task_one     | task_one: holds lock_a
//! [   0.001s] task_two     | task_two: holds lock_b
//! [   1.001s] task_one     | task_one: waiting for lock_b
//! [   1.001s] task_two     | task_two: waiting for lock_a
//! [   1.051s] watchdog     | DEADLOCK detected: 2 threads wait for each other
//! [   1.051s] watchdog     |   task_one holds lock_a and waits for lock_b
//! [   1.051s] watchdog     |   task_two holds lock_b and waits for lock_a
//! [   1.051s] watchdog     | Nothing can wake them: exiting with status 3
//! [   1.053s] main         | The deadlocked child exited with status 3
//! [   1.053s] main         | Part 2: both tasks take lock_a, then lock_b
//! [   2.054s] task_one     | Task one complete
//! [   3.055s] task_two     | Task two complete
//! ```

use parking_lot::Mutex;
use std::process::{Command, ExitCode};
use std::thread::{self, ThreadId};
use std::time::Duration;
use threading_examples::spawn_named;
use utilities::{say, sleep_secs};

/// Exit status of the deadlocked run.
const DEADLOCK_STATUS: u8 = 3;

static LOCK_A: Mutex<()> = Mutex::new(());
static LOCK_B: Mutex<()> = Mutex::new(());

/// Who waits for what, written by each task just before it blocks (for the watchdog's report).
static WAITING: std::sync::Mutex<Vec<(ThreadId, String)>> = std::sync::Mutex::new(Vec::new());

/// Takes `first`, pretends to work for 1 s, then takes `second` and reports completion.
fn task(name: &str, first: (&Mutex<()>, &str), second: (&Mutex<()>, &str)) {
    let _a = first.0.lock();
    say!("{name}: holds {}", first.1);
    sleep_secs(1.0); // the Python original's time.sleep(1): the other thread takes its first lock meanwhile
    say!("{name}: waiting for {}", second.1);
    WAITING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push((
            thread::current().id(),
            format!("{name} holds {} and waits for {}", first.1, second.1),
        ));
    let _b = second.0.lock();
    say!("Task {} complete", name.trim_start_matches("task_"));
}

/// The Python original's program, plus a watchdog. Never returns: exits with `DEADLOCK_STATUS`.
fn deadlock() -> ! {
    spawn_named("watchdog", || {
        loop {
            thread::sleep(Duration::from_millis(50));
            let cycles = parking_lot::deadlock::check_deadlock();
            let Some(cycle) = cycles.first() else {
                continue;
            };
            say!(
                "DEADLOCK detected: {} threads wait for each other",
                cycle.len()
            );
            let waiting = WAITING
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            for t in cycle {
                let what = waiting
                    .iter()
                    .find(|(id, _)| *id == t.thread_id())
                    .map_or("(unknown thread)", |(_, s)| s.as_str());
                say!("  {what}");
            }
            say!("Nothing can wake them: exiting with status {DEADLOCK_STATUS}");
            std::process::exit(i32::from(DEADLOCK_STATUS));
        }
    });
    let one = spawn_named("task_one", || {
        task("task_one", (&LOCK_A, "lock_a"), (&LOCK_B, "lock_b"));
    });
    let two = spawn_named("task_two", || {
        task("task_two", (&LOCK_B, "lock_b"), (&LOCK_A, "lock_a"));
    });
    let _ = one.join();
    let _ = two.join();
    // Only reached if the timing let one task finish before the other started (not on a
    // normal run): report it honestly rather than pretend.
    say!("No deadlock this time: the tasks did not overlap");
    std::process::exit(0);
}

fn main() -> ExitCode {
    utilities::output::start_clock();
    if std::env::args().nth(1).as_deref() == Some("deadlock") {
        deadlock();
    }

    say!("Part 1: locks taken in opposite order (in a child process)");
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => {
            eprintln!("error: cannot find this program's path: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (clock_var, clock_value) = utilities::output::clock_env();
    // stdout and stderr are inherited: the child's lines appear here, with our clock.
    let status = Command::new(exe)
        .arg("deadlock")
        .env(clock_var, clock_value)
        .status();
    match status {
        Ok(st) => say!(
            "The deadlocked child exited with status {}",
            st.code().map_or_else(|| format!("{st}"), |c| c.to_string())
        ),
        Err(e) => {
            eprintln!("error: cannot start the deadlock demo: {e}");
            return ExitCode::FAILURE;
        }
    }

    say!("Part 2: both tasks take lock_a, then lock_b");
    let one = spawn_named("task_one", || {
        task("task_one", (&LOCK_A, "lock_a"), (&LOCK_B, "lock_b"));
    });
    let two = spawn_named("task_two", || {
        task("task_two", (&LOCK_A, "lock_a"), (&LOCK_B, "lock_b"));
    });
    one.join().expect("task_one panicked");
    two.join().expect("task_two panicked");
    ExitCode::SUCCESS
}
