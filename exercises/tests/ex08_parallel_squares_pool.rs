//! Exercise 8 tests (solution by default; your starter via `cargo run --bin exercises -- check 8`).
//!
//! `harness = false`: pool workers re-execute this test binary, so `main` must start with the
//! child-role guard, which libtest's own `main` cannot do.
use exercises::subject::ex08_parallel_squares_pool as ex;
use exercises::support::with_timeout;
use multiprocessing_examples::{harness, spawn};
use std::time::Duration;

fn squares_in_order_from_several_workers() {
    let run = with_timeout(Duration::from_secs(60), "parallel_squares(2)", || {
        ex::parallel_squares(2)
    })
    .expect("the pool run failed");
    assert_eq!(run.squares, (1..=10u64).map(|x| x * x).collect::<Vec<_>>());
    assert!(
        run.worker_pids.len() > 1,
        "all tasks ran in one process: {:?}",
        run.worker_pids
    );
    assert!(
        !run.worker_pids.contains(&std::process::id()),
        "the squares must be computed in worker processes, not in the parent"
    );
    let left = spawn::children_of(std::process::id());
    assert!(left.is_empty(), "workers left unreaped: {left:?}");
}

fn the_guard_returns_in_the_parent() {
    with_timeout(
        Duration::from_secs(5),
        "child_guard() in the parent",
        ex::child_guard,
    );
}

fn main() {
    if spawn::child_role().is_some() {
        ex::child_guard();
        // Only a worker gets here, and only if the guard did not take over: stop instead of
        // running every test again inside the worker.
        eprintln!("a worker process came back from child_guard(): it should serve tasks and exit");
        std::process::exit(3);
    }
    harness::run(harness::tests![
        squares_in_order_from_several_workers,
        the_guard_returns_in_the_parent
    ]);
}
