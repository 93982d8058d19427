//! Exercise 8 tests (solution by default; your starter via `cargo run --bin exercises -- check 8`).
//!
//! `harness = false`: pool workers re-execute this test binary, so `main` must start with the
//! child-role guard, which libtest's own `main` cannot do.
use exercises::subject::ex08_parallel_squares_pool as ex;
use exercises::support::{child_process_test_main, with_timeout};
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

fn main() {
    child_process_test_main(
        ex::child_guard,
        harness::tests![squares_in_order_from_several_workers],
    );
}
