//! A semaphore caps in-flight work: 10 one-second requests, limit 3 → 4 rounds, never 4 at once.
//!
//! A semaphore caps how many operations are in flight: 10 one-second requests with a limit of 3
//! take 4 rounds (≈ 4 s), and never more than 3 run at once.
//!
//! Python original: the course notebook, capstone "Step 7: Limit Concurrent Requests" (`asyncio.Semaphore`). Each task
//! takes a permit with `acquire_owned` (an owned permit can live inside a spawned, `'static`
//! task) and gives it back when the permit is dropped, at the end of the task, even on an early
//! return or a panic. An in-flight gauge records the high-water mark. The same requests without
//! a limit run all at once.
//!
//! Each run ends with a timeline: with the limit, the ten bars come in rounds of three;
//! without it, all ten lie side by side.
//!
//! Run: `cargo run --bin a09_semaphore_limited`
//!
//! Expect: `request N: start (k in flight)` with k never above 3; `Limit 3: high-water mark: 3`,
//! `Limit 3: Time taken: 4.0… s` (ceil(10 / 3) = 4 rounds of 1 s); then `No limit: high-water
//! mark: 10` in ≈ 1 s.

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use utilities::gauge::Gauge;
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

const REQUESTS: usize = 10;
const LIMIT: usize = 3;

/// One "request" that waits for a permit first.
async fn request(i: usize, permits: Arc<Semaphore>, gauge: Arc<Gauge>, tl: Arc<Timeline>) -> usize {
    // `async with sem:` → hold the permit for the whole body.
    let Ok(_permit) = permits.acquire_owned().await else {
        unreachable!("the semaphore is never closed");
    };
    let _span = tl.span(format!("request {i}: holds a permit (1 s)"));
    let _in_flight = gauge.enter();
    say!("request {i}: start ({} in flight)", gauge.current());
    tokio::time::sleep(secs(1.0)).await;
    say!("request {i}: done");
    i
}

/// Runs all requests with at most `limit` at once; returns the high-water mark.
async fn run(label: &str, limit: usize) -> usize {
    let permits = Arc::new(Semaphore::new(limit));
    let gauge = Arc::new(Gauge::new());
    let tl = Arc::new(Timeline::new());
    let sw = Stopwatch::start();
    let mut tasks = JoinSet::new();
    for i in 1..=REQUESTS {
        tasks.spawn(request(
            i,
            Arc::clone(&permits),
            Arc::clone(&gauge),
            Arc::clone(&tl),
        ));
    }
    let mut done = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(i) => done.push(i),
            Err(e) => say!("a request task failed: {e}"),
        }
    }
    done.sort_unstable();
    let high_water = gauge.max();
    say!("{label}: high-water mark: {high_water} (limit {limit})");
    print_time_taken(label, sw.elapsed());
    tl.print(&format!(
        "{REQUESTS} one-second requests, at most {limit} at once"
    ));
    // Each bar lies inside its permit: the picture never shows more than the limit.
    assert!(tl.max_overlap() <= limit, "more than {limit} bars at once");
    assert_eq!(
        done,
        (1..=REQUESTS).collect::<Vec<_>>(),
        "every request ran once"
    );
    high_water
}

#[tokio::main]
async fn main() {
    utilities::output::start_clock();
    let rounds = REQUESTS.div_ceil(LIMIT);
    say!("{REQUESTS} requests of 1 s, at most {LIMIT} at once: expect {rounds} rounds");
    let limited = run(&format!("Limit {LIMIT}"), LIMIT).await;
    let unlimited = run("No limit", REQUESTS).await;

    assert!(limited <= LIMIT, "the semaphore must cap concurrency");
    assert_eq!(
        limited, LIMIT,
        "with 10 waiting requests the cap is reached"
    );
    assert_eq!(unlimited, REQUESTS);
}
