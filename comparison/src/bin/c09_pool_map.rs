//! Process-pool `map` that scales: chunked requests, two in flight per worker, and its two targets.
//!
//! Python original: the course notebook, Module 4A, "Pool.map" (`with Pool(4) as p: p.map(f, data)`),
//! and the threads-vs-processes notes, "processes pay for pickling and a round trip per task":
//! Python's `Pool.map` sends `chunksize` items per message for exactly that reason.
//!
//! The multiprocessing chapter's pool sends each `map` in chunks (Python's default size:
//! `len / (4 × workers)`, rounded up) and keeps up to two requests in flight per worker, so a
//! worker never waits for the parent between two chunks. Two targets:
//! 1. 10 000 tiny tasks (`x + 1`) through `map` on a pool of 2 cost at most 2 µs per item;
//! 2. on 1 ms CPU tasks, a pool of 2 finishes at least 1.7× faster than a pool of 1.
//!
//! Each target prints `met`, `missed`, or `inconclusive (machine busy: got X of 2 cores)`
//! (also when the pool of 1, the baseline, did not get its one core: a slowed baseline would
//! inflate the speedup):
//! the CPU time of the workers (from `/proc/<pid>/schedstat`) and of this process
//! ÷ wall time says how many cores they got, and the CPU pressure (`/proc/pressure/cpu`) says
//! whether tasks waited for a CPU meanwhile, and `/proc/stat` how much CPU other programs used:
//! only cores missing *while tasks waited and other programs used ≥ 0.15 cores* make a target
//! inconclusive (tiny tasks leave the workers idle between chunks on a quiet machine too, and a
//! pool's own processes can wait on each other; those are the pool's own figures). It also prints the median round trip of one
//! tiny task (`ProcessPool::round_trip_p50`), without chunks, for comparison.
//!
//! Run: `cargo run --release --bin c09_pool_map` (a debug build prints a warning: per-item
//! costs are several times higher). `COURSE_FAST=1` uses fewer 1 ms tasks.
//!
//! Expected output (release, idle 2-core machine; numbers vary):
//! ```text
//! [   0.000s] main         | round trip of one tiny task (p50 of 2000): 24.1 µs
//! [   0.120s] main         | target 1: 10000 tiny tasks in 9.8 ms = 0.98 µs per item (≤ 2 µs): met
//! [   1.460s] main         | target 2: pool of 1: 0.804 s, pool of 2: 0.409 s, speedup 1.97× (≥ 1.7×), the processes got 1.98 of 2 cores: met
//! ```

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use comparison::measure::{self, Sample};
use multiprocessing_examples::pool::{self, ProcessPool, Task};
use multiprocessing_examples::work::{size_from_env, sum_below};
use utilities::say;

fn tiny(x: u64) -> u64 {
    x + 1
}

/// One CPU-bound task: `sum_below(n)`, with `n` calibrated to take about 1 ms.
fn cpu(n: u64) -> u64 {
    sum_below(n)
}

static TASKS: &[Task] = &[pool::task!("tiny", tiny), pool::task!("cpu", cpu)];

const TINY_ITEMS: u64 = 10_000;
#[allow(clippy::cast_precision_loss, reason = "10 000 is exact in an f64")]
const TINY_ITEMS_F64: f64 = TINY_ITEMS as f64;
const TINY_TARGET_US: f64 = 2.0;
const SPEEDUP_TARGET: f64 = 1.7;

fn main() -> Result<()> {
    pool::serve_if_worker(TASKS); // a worker serves here and never returns
    utilities::output::start_clock();
    if cfg!(debug_assertions) {
        say!("warning: debug build; run with --release for timings that mean something");
    }

    let pool = ProcessPool::new(2, TASKS)?;
    say!(
        "round trip of one tiny task (p50 of 2000): {:.1} µs",
        micros(pool.round_trip_p50(2000)?)
    );

    // Target 1: per-item cost of map on tiny tasks (best of 5 runs after a warm-up).
    let items: Vec<u64> = (0..TINY_ITEMS).collect();
    let expected: Vec<u64> = items.iter().map(|x| x + 1).collect();
    let mut best = Duration::MAX;
    let mut best_cores = 0.0;
    let mut samples = Vec::new();
    for _ in 0..6 {
        let (wall, s, out) = measured(&pool, || pool.map::<u64, u64>("tiny", items.clone()))?;
        anyhow::ensure!(out == expected, "map returned wrong results");
        if wall < best {
            best = wall;
            best_cores = s.cores();
        }
        samples.push(s);
    }
    let per_item = micros(best) / TINY_ITEMS_F64;
    say!(
        "target 1: {TINY_ITEMS} tiny tasks in {:.1} ms = {per_item:.2} µs per item (≤ {TINY_TARGET_US} µs): {}",
        micros(best) / 1000.0,
        cost_verdict(
            per_item,
            TINY_TARGET_US,
            best_cores,
            measure::machine_busy(&samples)
        )
    );

    // Target 2: a pool of 2 against a pool of 1 on 1 ms CPU tasks.
    let n = calibrate_1ms();
    let tasks = usize::try_from(size_from_env("C09_TASKS", 800, 200)).unwrap_or(200);
    let one = ProcessPool::new(1, TASKS)?;
    let (t1, s1, sums1) = measured(&one, || one.map::<u64, u64>("cpu", vec![n; tasks]))?;
    drop(one);
    let (t2, s2, sums2) = measured(&pool, || pool.map::<u64, u64>("cpu", vec![n; tasks]))?;
    anyhow::ensure!(sums1 == sums2, "the two pools disagree");
    let (cores1, cores2) = (s1.cores(), s2.cores());
    let speedup = t1.as_secs_f64() / t2.as_secs_f64();
    // A baseline that lost its core is slow, and inflates the speedup: not a fair "met".
    let judged = if cores1 < 0.9 && measure::machine_busy(&[s1]) {
        format!("inconclusive (machine busy: the pool of 1 got {cores1:.2} of 1 core)")
    } else {
        verdict(
            speedup >= SPEEDUP_TARGET,
            cores2,
            SPEEDUP_TARGET,
            measure::machine_busy(&[s2]),
        )
    };
    say!(
        "target 2: pool of 1: {:.3} s, pool of 2: {:.3} s, speedup {speedup:.2}× (≥ {SPEEDUP_TARGET}×), the processes got {cores2:.2} of 2 cores: {judged}",
        t1.as_secs_f64(),
        t2.as_secs_f64(),
    );
    Ok(())
}

/// Runs `f` and returns its wall time, its sample (CPU time of this process and of the pool's
/// workers, and how long tasks waited for a CPU meanwhile) and its result.
fn measured<T>(
    pool: &ProcessPool,
    f: impl FnOnce() -> Result<T, pool::PoolError>,
) -> Result<(Duration, Sample, T)> {
    let workers = pool.worker_pids();
    let started = Instant::now();
    let (out, s) = measure::sample(&workers, || f().context("pool map"))?;
    Ok((started.elapsed(), s, out))
}

/// `met`, `missed`, or `inconclusive` when the processes did not get the cores the target
/// assumes (`needed` of 2) while the machine was `busy` (tasks waited for a CPU).
fn verdict(met: bool, cores: f64, needed: f64, busy: bool) -> String {
    if met {
        "met".to_owned()
    } else if cores < needed && busy {
        format!("inconclusive (machine busy: got {cores:.2} of 2 cores)")
    } else {
        "missed".to_owned()
    }
}

/// For a cost target: `met`; `inconclusive` when the processes got less than one core while
/// the machine was `busy` and the cost scaled to a whole core would meet the target; else
/// `missed`.
fn cost_verdict(cost: f64, target: f64, cores: f64, busy: bool) -> String {
    if cost <= target {
        "met".to_owned()
    } else if busy && cores < 1.0 && cost * cores <= target {
        format!("inconclusive (machine busy: got {cores:.2} of 2 cores)")
    } else {
        "missed".to_owned()
    }
}

/// The `n` for which `sum_below(n)` takes about 1 ms here (measured in this process).
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    reason = "a calibration estimate: a few percent either way does not matter"
)]
fn calibrate_1ms() -> u64 {
    let mut n = 10_000u64;
    loop {
        let started = Instant::now();
        std::hint::black_box(sum_below(n));
        let took = started.elapsed();
        if took >= Duration::from_millis(20) {
            return (n as f64 * 1e-3 / took.as_secs_f64()).max(1.0) as u64;
        }
        n *= 2;
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
