//! Exercise 9 tests (solution by default; your starter via `cargo run --bin exercises -- check 9`).
//!
//! `harness = false`: the manager and the pool workers re-execute this test binary, so `main`
//! must start with the child-role guard.
exercises::subject!(ex09_pool_shared_manager_list);
use exercises::support::{child_process_test_main, with_timeout};
use multiprocessing_examples::{harness, spawn};
use std::time::Duration;

fn every_square_reaches_the_manager_list() {
    let run = with_timeout(
        Duration::from_secs(60),
        "squares_into_manager_list(2)",
        || ex::squares_into_manager_list(2),
    )
    .expect("the run failed");
    assert_eq!(
        run.squares,
        (1..=10i64).map(|x| x * x).collect::<Vec<_>>(),
        "10 squares, none lost or doubled"
    );
    let me = std::process::id();
    assert!(!run.worker_pids.is_empty() && !run.worker_pids.contains(&me));
    assert!(run.manager_pid != 0 && run.manager_pid != me);
    assert!(
        !std::path::Path::new(&format!("/proc/{}", run.manager_pid)).exists(),
        "the manager process {} is still there (not stopped, or not reaped)",
        run.manager_pid
    );
    let left = spawn::children_of(me);
    assert!(left.is_empty(), "child processes left: {left:?}");
}

fn main() {
    child_process_test_main(
        ex::child_guard,
        harness::tests![every_square_reaches_the_manager_list],
    );
}
