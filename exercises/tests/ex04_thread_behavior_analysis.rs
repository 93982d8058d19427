//! Exercise 4 tests (solution by default; your starter via `cargo run --bin exercises -- check 4`).
//!
//! Parallelism is proven by overlap first (several threads computing at the same moment, which a
//! busy machine cannot hide); the speedup is asserted only when the machine can show one, and a
//! skipped speedup claim is printed as `SKIPPED CLAIM` (the checker shows it as a warning).
use ex::{Model, Workload};
exercises::subject!(ex04_thread_behavior_analysis);
use exercises::support::{assert_speedup, busy_threads, serial};
use std::time::{Duration, Instant};

#[test]
fn blocking_waits_overlap_on_threads() {
    let _turn = serial();
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
fn cpu_work_runs_on_several_threads_at_once() {
    let _turn = serial(); // no other test's threads in the count
    let n: u64 = 30_000_000;
    let expected = ex::cpu_sequential(4, n / 10);
    let (results, running) = busy_threads(|| ex::cpu_threaded(4, n / 10));
    assert_eq!(
        results, expected,
        "same results as sequential, in task order"
    );
    let ((), running_big) = busy_threads(|| {
        ex::cpu_threaded(4, n);
    });
    let most = running.max(running_big);
    assert!(
        most >= 2,
        "at most {most} thread(s) besides the caller were busy at the same time: the 4 tasks \
         ran one after another (spawn every thread first, then join them)"
    );
}

#[test]
fn cpu_work_speeds_up_on_threads_without_a_gil() {
    let _turn = serial();
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
    let _turn = serial();
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
