//! Exercise 13 tests (solution by default; your starter via `cargo run --bin exercises -- check 13`).
//!
//! `harness = false`: the pool's workers re-execute this test binary, so `main` must start with
//! the child-role guard.
exercises::subject!(ex13_hybrid_concurrency);
use exercises::support::{EventLog, child_process_test_main, with_timeout};
use multiprocessing_examples::pool::ProcessPool;
use multiprocessing_examples::{harness, spawn};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const MS: fn(u64) -> Duration = Duration::from_millis;

fn the_runtime_stays_responsive_and_everything_overlaps() {
    // Size the CPU job to take about 0.7 s here: longer than the short tasks, whatever the
    // machine's speed.
    let t = Instant::now();
    ex::cpu_job(2_000_000);
    let per_iteration = t.elapsed().as_secs_f64() / 2_000_000.0;
    let n = (0.7 / per_iteration.max(1e-10)) as u64;
    let t = Instant::now();
    let expected = ex::cpu_job(n).0;
    let cpu_time = t.elapsed();
    let plan = ex::Plan {
        short: [MS(200), MS(300)],
        blocking: MS(800),
        cpu_iterations: n,
    };
    let log = Arc::new(EventLog::new());
    let ticks = Arc::new(Mutex::new(Vec::<Instant>::new()));
    let pool = Arc::new(ProcessPool::new(2, ex::TASKS).expect("start the pool"));
    let (report, start, end) = {
        let (log, ticks, pool) = (Arc::clone(&log), Arc::clone(&ticks), Arc::clone(&pool));
        with_timeout(Duration::from_secs(60), "the hybrid run", move || {
            // ONE thread: anything that blocks it stops the ticker.
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let ticker = {
                    let ticks = Arc::clone(&ticks);
                    tokio::spawn(async move {
                        loop {
                            ticks.lock().unwrap().push(Instant::now());
                            tokio::time::sleep(MS(50)).await;
                        }
                    })
                };
                tokio::task::yield_now().await; // let the ticker take its first tick
                let start = Instant::now();
                let report = ex::run(pool, plan, log).await;
                let end = Instant::now();
                ticker.abort();
                (report, start, end)
            })
        })
    };
    drop(pool);
    let report = report.expect("the run failed");
    assert_eq!(report.short, ["a ok", "b ok"]);
    assert_eq!(report.blocking, "read config after 800 ms");
    assert_eq!(report.cpu.0, expected, "wrong CPU result");
    assert_ne!(
        report.cpu.1,
        std::process::id(),
        "the CPU job must run in a worker process"
    );

    // The ticker ticked all along: no gap near the 800 ms of blocking.
    let ticks = ticks.lock().unwrap().clone();
    let mut points: Vec<Instant> = ticks
        .into_iter()
        .filter(|t| *t >= start && *t <= end)
        .collect();
    points.insert(0, start);
    points.push(end);
    let worst = points
        .windows(2)
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default();
    assert!(
        worst < MS(500),
        "the runtime's only thread was blocked for {worst:?}: blocking or CPU work ran on it"
    );

    // Order of events: the short async tasks finish first.
    let messages = log.messages();
    let pos = |m: &str| {
        messages
            .iter()
            .position(|x| x == m)
            .unwrap_or_else(|| panic!("no {m:?} in {messages:?}"))
    };
    for short in ["async a done", "async b done"] {
        for long in ["blocking done", "cpu done"] {
            assert!(
                pos(short) < pos(long),
                "{short:?} should come before {long:?}: {messages:?}"
            );
        }
    }
    // Overlap: about the longest part, well under the sum.
    let took = end - start;
    let sum = MS(200) + MS(300) + MS(800) + cpu_time;
    assert!(
        took < sum.mul_f64(0.85),
        "took {took:?}; one after another would be {sum:?}: the parts should overlap"
    );
    let left = spawn::children_of(std::process::id());
    assert!(left.is_empty(), "pool workers left: {left:?}");
}

fn main() {
    child_process_test_main(
        ex::child_guard,
        harness::tests![the_runtime_stays_responsive_and_everything_overlaps],
    );
}
