//! Exercise 16 tests (solution by default; your starter via `cargo run --bin exercises -- check 16`).
use exercises::subject::ex16_data_processing as ex;
use exercises::support::{assert_speedup, serial};

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
    let a = ex::count_sequential(&["a b b".to_owned()]);
    let b = ex::count_sequential(&["b c".to_owned()]);
    let m = ex::merge(a, b);
    assert_eq!((m["a"], m["b"], m["c"]), (1, 3, 1));
}

#[test]
fn parallel_is_faster_on_two_cores() {
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
