//! Exercise 4 tests (solution by default; your starter via `cargo run --bin exercises -- check 4`).
//!
//! The CPU claim needs 2 free cores: see `exercises::support::assert_speedup` for how it copes
//! with a busy machine.
use ex::{Model, Workload};
use exercises::subject::ex04_thread_behavior_analysis as ex;
use exercises::support::assert_speedup;
use std::time::{Duration, Instant};

#[test]
fn blocking_waits_overlap_on_threads() {
    let wait = Duration::from_millis(300);
    let t = Instant::now();
    let ids = ex::io_threaded(8, wait);
    let took = t.elapsed();
    assert_eq!(ids, (0..8).collect::<Vec<_>>(), "results in task order");
    assert!(took >= wait, "took {took:?}: did every thread wait?");
    assert!(
        took.as_secs_f64() <= wait.as_secs_f64() * 1.3,
        "8 waits of {wait:?} took {took:?}: they should overlap (≈ one wait)"
    );
    let f = ex::analyse(Workload::Io, wait * 8, took);
    assert_eq!(f.faster, Model::Threads);
    assert!(f.speedup > 5.0, "{f:?}");
}

#[test]
fn cpu_work_speeds_up_on_threads_without_a_gil() {
    let n: u64 = 20_000_000;
    let tasks = 2;
    // Same results first (and this warms the caches).
    assert_eq!(
        ex::cpu_threaded(tasks, n / 10),
        ex::cpu_sequential(tasks, n / 10)
    );
    let expected = ex::cpu_sequential(tasks, n);
    assert_speedup(
        "cpu_threaded with 2 threads",
        1.5,
        || assert_eq!(ex::cpu_sequential(tasks, n), expected),
        || assert_eq!(ex::cpu_threaded(tasks, n), expected),
    );
    // The report, from a clean measurement.
    let f = ex::analyse(
        Workload::Cpu,
        Duration::from_millis(1000),
        Duration::from_millis(520),
    );
    assert_eq!(f.faster, Model::Threads);
    assert!(
        f.explanation.contains("GIL"),
        "explain the difference: {f:?}"
    );
}

#[test]
fn analyse_names_the_faster_model() {
    let s = Duration::from_millis;
    let f = ex::analyse(Workload::Cpu, s(1000), s(500));
    assert_eq!((f.workload, f.faster), (Workload::Cpu, Model::Threads));
    assert!((f.speedup - 2.0).abs() < 1e-9);
    assert!(f.explanation.contains("GIL"), "{f:?}");
    let f = ex::analyse(Workload::Cpu, s(500), s(1000));
    assert_eq!(f.faster, Model::Sequential);
    assert!((f.speedup - 0.5).abs() < 1e-9);
    let f = ex::analyse(Workload::Io, s(3000), s(1000));
    assert_eq!((f.workload, f.faster), (Workload::Io, Model::Threads));
    assert!(!f.explanation.is_empty());
}
