//! Exercise 16 tests (solution by default; your starter via `cargo run --bin exercises -- check 16`).
exercises::subject!(ex16_data_processing);
use exercises::support::{assert_speedup, busy_threads, repeat_for, serial};
use std::time::Duration;

#[test]
fn parallel_counts_equal_sequential_counts_exactly() {
    let _turn = serial(); // do not disturb the speedup measurement of the other test
    let lines = ex::generate(20_000, 12, 42);
    let seq = ex::count_sequential(&lines);
    let par = ex::count_parallel(&lines);
    assert_eq!(par, seq);
    assert_eq!(
        par.values().sum::<u64>(),
        240_000,
        "every word counted once"
    );
    assert!(ex::count_parallel(&[]).is_empty());
    let one = vec!["lock lock queue".to_owned()];
    assert_eq!(ex::count_parallel(&one).get("lock"), Some(&2));
}

#[test]
fn merge_adds_counts() {
    let _turn = serial();
    let a = ex::count_sequential(&["a b b".to_owned()]);
    let b = ex::count_sequential(&["b c".to_owned()]);
    let m = ex::merge(a, b);
    assert_eq!((m["a"], m["b"], m["c"]), (1, 3, 1));
}

/// Overlap, whatever the load: inside a rayon pool of 4 threads, a parallel version keeps several
/// of them busy at the same moment (a thread waiting for a core still counts as running); a
/// `count_parallel` that calls `count_sequential` keeps one.
#[test]
fn parallel_counts_on_several_threads_at_once() {
    let _turn = serial();
    let lines = ex::generate(60_000, 12, 3);
    let expected = ex::count_sequential(&lines);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("a rayon pool");
    // Repeated for 400 ms inside one `install` (enough samples to judge, on a fast machine too).
    let (got, running) = busy_threads(|| {
        pool.install(|| repeat_for(Duration::from_millis(400), || ex::count_parallel(&lines)))
    });
    assert_eq!(got, expected);
    assert!(
        running >= 2,
        "only {running} thread(s) were busy counting words at the same time: count_parallel runs \
         sequentially (par_iter + fold + reduce)"
    );
}

#[test]
fn parallel_is_faster_on_two_cores() {
    let _turn = serial();
    let lines = ex::generate(50_000, 12, 7);
    let expected = ex::count_sequential(&lines);
    assert_eq!(ex::count_parallel(&lines), expected);
    assert_speedup(
        "count_parallel",
        1.2,
        || assert_eq!(ex::count_sequential(&lines), expected),
        || assert_eq!(ex::count_parallel(&lines), expected),
    );
}
