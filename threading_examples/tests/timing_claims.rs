//! Claims about time measured on a CPU: t07 (a lock costs more than an atomic), t14 (two threads
//! are faster than one on two cores) and t15 (a GIL takes that speedup away).
//! A test target of their own, so they never run beside the other example tests: cargo runs test
//! targets one after another, and the lock below keeps these tests from running at once.
//! When the machine did not give an example the cores it needed (CPU time ÷ wall time), the
//! claim is reported with `utilities::testkit::skip_claim`, never passed silently.

mod common;

use common::float_after;
use std::sync::{Mutex, PoisonError};
use utilities::testkit::{numbers_after, run_ok as run, seconds_on_line};

/// Tests that measure CPU time take this lock, so they never compete with each other.
static CPU: Mutex<()> = Mutex::new(());

/// The 1-minute load average, if the OS reports one.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
fn t14_cpu_threads_run_at_the_same_time_without_a_gil() {
    let _cpu = CPU.lock().unwrap_or_else(PoisonError::into_inner);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Up to three attempts: the machine is shared, and one clear result is enough.
    let mut speedups = Vec::new();
    let mut sightings = Vec::new();
    let mut busiest = 0.0_f64;
    for _ in 0..3 {
        busiest = busiest.max(load_average().unwrap_or(0.0));
        let out = run(env!("CARGO_BIN_EXE_t14_thread_cpu_demo"), 1.0);
        let s = &out.stdout;
        assert!(s.contains(&format!("on {cores} cores")), "{s}");
        let speedup = float_after(s, "Speedup:");
        let ratio = seconds_on_line(s, "Sequential") / seconds_on_line(s, "Threaded");
        assert!(
            (speedup - ratio).abs() < 0.05,
            "the printed speedup is sequential / threaded\n{s}"
        );
        if cores < 2 {
            return; // one core: nothing can run at the same time
        }
        speedups.push(speedup);
        sightings.extend(numbers_after(s, "computing at once:"));
        busiest = busiest.max(load_average().unwrap_or(0.0));
        if speedup >= 1.3 && sightings.iter().any(|&n| n > 0) {
            return;
        }
    }
    // No GIL means the threads were on two cores at the same instant, at least sometimes.
    assert!(
        sightings.iter().any(|&n| n > 0),
        "the two threads never computed at the same instant: {sightings:?}"
    );
    // A wall-clock speedup also needs idle cores. When other programs keep the cores busy, the
    // OS shares time out per program (per session), not per thread, so two threads get no more
    // than one did. The speedup is therefore checked only when the load average (other work)
    // left at least 1.3 cores free for the whole test.
    #[allow(clippy::cast_precision_loss)]
    let busy = busiest > cores as f64 - 1.3;
    assert!(
        busy,
        "no speedup ≥ 1.3 on {cores} cores in 3 runs ({speedups:?}) though the load was only {busiest}"
    );
    eprintln!(
        "note: speedups {speedups:?} not checked: load average {busiest} on {cores} cores; \
         simultaneous progress seen {sightings:?}"
    );
}

#[test]
fn t15_simulated_gil_gives_pythons_result() {
    let _cpu = CPU.lock().unwrap_or_else(PoisonError::into_inner);
    let out = run(env!("CARGO_BIN_EXE_t15_simulated_gil"), 0.5);
    let s = &out.stdout;
    // With the GIL, never two threads computing at the same instant...
    let with_gil = numbers_after(s, "with GIL");
    assert_eq!(with_gil, [0], "{s}");
    // ... so two threads take about as long as one (on idle cores no GIL would give ≈ 0.5).
    // Wall-clock ratios need idle cores: on a saturated machine they are noise (see t14).
    let gil = float_after(s, "GIL: 2 threads / 1 thread =");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    #[allow(clippy::cast_precision_loss)]
    if load_average().is_some_and(|l| l < cores as f64 - 0.5) {
        assert!(
            gil >= 0.7,
            "the GIL should serialise the threads: {gil}\n{s}"
        );
    }
    // Releasing it around the sleeps lets the two 1 s waits overlap; holding it does not.
    let released = seconds_on_line(s, "GIL released while sleeping");
    let held = seconds_on_line(s, "GIL held while sleeping");
    assert!(
        released <= 0.8 * held,
        "released {released} s, held {held} s\n{s}"
    );
    assert_eq!(
        numbers_after(s, "sleeps at the same moment:"),
        [2, 1],
        "{s}"
    );
}

#[test]
fn t07_the_lock_is_slower_than_the_atomic() {
    let _cpu = CPU.lock().unwrap_or_else(PoisonError::into_inner);
    // Each time is already the best of 3 inside the binary; a lock round trip per increment
    // (with two threads queueing) costs several times one atomic add, so 1.5× leaves a margin.
    let out = run(env!("CARGO_BIN_EXE_t07_lock_fixes_race"), 0.1);
    let s = &out.stdout;
    let mutex = seconds_on_line(s, "Mutex, best of 3: Time taken");
    let atomic = seconds_on_line(s, "Atomic, best of 3: Time taken");
    assert!(mutex >= atomic, "mutex {mutex} s, atomic {atomic} s\n{s}");
    // The ratio the binary prints is computed from the unrounded times.
    let ratio = float_after(s, "The lock is");
    assert!(
        ratio > 1.5,
        "the lock should cost more than the atomic: {ratio}×\n{s}"
    );
}
