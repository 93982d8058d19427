//! Exercise 8 tests (solution by default; your starter via `cargo run --bin exercises -- check 8`).
//!
//! `harness = false`: pool workers re-execute this test binary, so `main` must start with the
//! child-role guard, which libtest's own `main` cannot do.
exercises::subject!(ex08_parallel_squares_pool);
use exercises::support::{child_process_test_main, with_timeout};
use multiprocessing_examples::{harness, spawn};
use std::collections::BTreeSet;
use std::time::Duration;

fn squares_in_order_from_several_workers() {
    let run = with_timeout(Duration::from_secs(60), "parallel_squares(2)", || {
        ex::parallel_squares(2)
    })
    .expect("the pool run failed");
    assert_eq!(run.squares, (1..=10u64).map(|x| x * x).collect::<Vec<_>>());
    assert_eq!(
        run.reports.iter().map(|r| r.value).collect::<Vec<_>>(),
        run.squares,
        "one report per square, in input order"
    );
    let pids: BTreeSet<u32> = run.reports.iter().map(|r| r.pid).collect();
    assert!(pids.len() > 1, "all tasks ran in one process: {pids:?}");
    assert!(
        !pids.contains(&std::process::id()),
        "the squares must be computed in worker processes, not in the parent"
    );
    let left = spawn::children_of(std::process::id());
    assert!(left.is_empty(), "workers left unreaped: {left:?}");
}

/// Overlap, not speed: two different worker processes were inside `square_in_worker` at the
/// same moment. A loop of `pool.apply` calls waits for each square before sending the next, so
/// its reports never overlap, however many workers the pool has.
fn two_workers_compute_at_the_same_time() {
    let run = with_timeout(Duration::from_secs(60), "parallel_squares(2)", || {
        ex::parallel_squares(2)
    })
    .expect("the pool run failed");
    let overlapping = run.reports.iter().enumerate().any(|(i, a)| {
        run.reports[i + 1..]
            .iter()
            .any(|b| a.pid != b.pid && a.started_us < b.finished_us && b.started_us < a.finished_us)
    });
    let spans: Vec<(u32, u64, u64)> = run
        .reports
        .iter()
        .map(|r| (r.pid, r.started_us, r.finished_us))
        .collect();
    assert!(
        overlapping,
        "no two workers ever computed at the same time: the squares went one after another \
         (a loop of `apply` waits for each result before sending the next task; `map` sends them \
         all first). (pid, start µs, end µs): {spans:?}"
    );
}

fn main() {
    child_process_test_main(
        ex::child_guard,
        harness::tests![
            squares_in_order_from_several_workers,
            two_workers_compute_at_the_same_time
        ],
    );
}
