//! Checks shared by the test binaries that run a real process pool or manager (`tests/pool.rs`,
//! `tests/faults.rs`, `tests/plumbing.rs`), written once so that they assert the same thing.

use std::io::BufRead;
use std::process::{Child, Stdio};

use multiprocessing_examples::pool::{PoolError, ProcessPool};
use multiprocessing_examples::spawn::SelfCommand;

/// Runs the task `explode` (a `String` in, a panic with that message out) on `pool`, and asserts
/// the precise error, `TaskPanicked` naming the task and the message, and that the panic killed
/// no worker (the worker pids are the same afterwards). Each binary registers its own `explode`.
pub fn assert_task_panic_is_reported_and_worker_survives(pool: &ProcessPool) {
    let before = pool.worker_pids();
    let err = pool
        .apply::<String, u8>("explode", "boom".into())
        .unwrap_err();
    assert!(
        matches!(err, PoolError::TaskPanicked { ref task, ref message } if task == "explode" && message == "boom"),
        "{err}"
    );
    assert_eq!(
        pool.worker_pids(),
        before,
        "a panic does not kill the worker"
    );
}

/// Starts this test binary again in `role` (`pool-owner`, `manager-owner`: each binary's `main`
/// says what the role does), with its stdout piped; returns the child and the first line it
/// printed (what the owner reports once its pool or manager is up).
pub fn start_owner(role: &str) -> (Child, String) {
    let mut owner = SelfCommand::new(role)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(owner.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (owner, line)
}
