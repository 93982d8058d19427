//! `spawn_blocking` is `asyncio.to_thread`: blocking calls leave the runtime, which stays free.
//!
//! `spawn_blocking` is `asyncio.to_thread`: a blocking call runs on a helper thread and the
//! runtime keeps serving other tasks.
//!
//! Python original: the course notebook, Module 4C "A) Running blocking code safely inside asyncio (use a thread)":
//! `result = await asyncio.to_thread(blocking_work)` → `spawn_blocking(blocking_work).await`.
//! The runtime is single-threaded (like asyncio's loop) and a ticker ticks every 0.25 s on it:
//! it keeps ticking during the 2 s blocking call, because that call runs on the runtime's
//! *blocking pool*, a separate set of threads.
//!
//! The blocking pool is large (512 threads by default in tokio; asyncio's default executor has
//! `min(32, cores + 4)`), but finite: calls beyond the limit wait in a queue. This program sets
//! `max_blocking_threads(2)` so you can see it: four 1 s calls take two rounds, ≈ 2 s.
//! (Use the pool for blocking I/O and short calls; long CPU work belongs to rayon or a process
//! pool, see a07.)
//!
//! The timeline at the end shows the 2 s blocking call beside the ticker's short longest
//! silence, then the four calls in two rounds of two (the pool has two threads).
//!
//! Run: `cargo run --bin a06_to_thread`
//!
//! Expect: ticks all through the call, then `blocking done` after ≈ 2 s (`to_thread: Time
//! taken: 2.0… s`), the ticker's longest gap ≈ 0.25 s; then `4 calls on 2 blocking threads: Time
//! taken: 2.0… s` where one call alone takes 1 s.

use std::time::Instant;

use async_examples::Ticker;
use futures::future::join_all;
use std::sync::Arc;
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

/// The Python original's `blocking_work`: a plain, blocking function (think: a sync library call).
fn blocking_work() -> &'static str {
    std::thread::sleep(secs(2.0)); // blocking sleep
    "blocking done"
}

async fn async_main(tl: Arc<Timeline>) -> Result<(), tokio::task::JoinError> {
    // 1. await asyncio.to_thread(blocking_work), with a ticker proving the runtime stays free.
    let ticker = Ticker::spawn(secs(0.25), true);
    let sw = Stopwatch::start();
    let from = Instant::now();
    say!("main: sending blocking_work to the blocking pool");
    let result = tokio::task::spawn_blocking(blocking_work).await?;
    let to = Instant::now();
    tl.add("spawn_blocking(blocking_work): sleep 2 s", from, to);
    say!("{result}");
    print_time_taken("to_thread", sw.elapsed());
    let report = ticker.stop();
    let (quiet_from, quiet_to) = report.longest_silence_between(from, to);
    tl.add(
        "runtime: ticker's longest silence meanwhile",
        quiet_from,
        quiet_to,
    );
    say!(
        "ticks during the blocking call: {}, longest gap between ticks: {:.3} s",
        report.count_between(from, to),
        report.longest_gap().as_secs_f64()
    );

    // 2. The pool's limit: 4 calls, 2 threads → two rounds. The thread names show the pool.
    let sw = Stopwatch::start();
    let calls = (1..=4).map(|n| {
        let tl = Arc::clone(&tl);
        tokio::task::spawn_blocking(move || {
            let _span = tl.span(format!("call {n}: on a blocking-pool thread (1 s)"));
            say!("call {n}: running on a blocking-pool thread");
            std::thread::sleep(secs(1.0));
            n
        })
    });
    let done: Result<Vec<u32>, _> = join_all(calls).await.into_iter().collect();
    say!("calls finished: {:?}", done?);
    print_time_taken("4 calls on 2 blocking threads", sw.elapsed());
    tl.print("spawn_blocking: the runtime keeps ticking; 4 calls share 2 blocking threads");
    // max_blocking_threads(2): the four calls' bars never overlap more than two at a time.
    let calls: Vec<_> = tl
        .spans()
        .into_iter()
        .filter(|s| s.label.starts_with("call "))
        .collect();
    let at_once = utilities::timeline::max_overlap(&calls);
    assert!(
        at_once <= 2,
        "{at_once} blocking calls at once on 2 threads"
    );

    assert_eq!(result, "blocking done");
    assert!(
        report.count_between(from, to) >= 3,
        "the ticker must tick during the call"
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    utilities::output::start_clock();
    // `#[tokio::main(flavor = "current_thread")]`, written out to size the blocking pool.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(2)
        .thread_name("blocking-pool") // a current-thread runtime only starts blocking threads
        .build()?;
    runtime.block_on(async_main(Arc::new(Timeline::new())))?;
    Ok(())
}
