//! Three 2 s "downloads": one after another (≈ 6 s) vs awaited together with `join!` (≈ 2 s).
//!
//! Python original: the course notebook, Module 4C "Why normal code is slow (sequential)" and "A) Write an async coroutine"
//! (`asyncio.gather`). The blocking run uses `std::thread::sleep` (Python's `time.sleep`); the
//! async run uses `tokio::time::sleep` (`asyncio.sleep`), which hands the thread back to the
//! runtime while it waits, so the three waits overlap. A timeline draws both runs.
//!
//! Run: `cargo run --bin a01_sequential_vs_gather`
//!
//! Expect: `file-1`, `file-2`, `file-3` twice, in that order both times;
//! `Sequential: Time taken: 6.0… s`, `Gathered (join!): Time taken: 2.0… s`, and
//! `join_all` giving the same three results in argument order.

use futures::future::join_all;
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs, sleep_secs};

/// The Python original's blocking `download_simulation`: the thread sleeps, nothing else can run on it.
fn download_blocking(n: u32, timeline: &Timeline) -> String {
    let _span = timeline.span(format!("sequential: download file-{n} (2 s)"));
    sleep_secs(2.0);
    format!("file-{n}")
}

/// The async twin: `tokio::time::sleep` parks this future, not the thread.
async fn download_simulation(n: u32, timeline: &Timeline) -> String {
    let _span = timeline.span(format!("join!: download file-{n} (2 s)"));
    tokio::time::sleep(secs(2.0)).await;
    format!("file-{n}")
}

#[tokio::main]
async fn main() {
    utilities::output::start_clock();
    let timeline = Timeline::new();

    // 1. Sequential: each call blocks until it is done, so the times add up.
    //    (Blocking inside `async fn main` is exactly the mistake a05 warns about; it is done here
    //    on purpose, with nothing else to run, to reproduce the Python script.)
    let sw = Stopwatch::start();
    for n in 1..=3 {
        say!("{}", download_blocking(n, &timeline));
    }
    let sequential = sw.elapsed();
    print_time_taken("Sequential", sequential);

    // 2. `asyncio.gather(d(1), d(2), d(3))` → `tokio::join!`: all three futures are polled by the
    //    same task; while one sleeps the others make progress. Results come back in argument order.
    let sw = Stopwatch::start();
    let (a, b, c) = tokio::join!(
        download_simulation(1, &timeline),
        download_simulation(2, &timeline),
        download_simulation(3, &timeline),
    );
    for r in [&a, &b, &c] {
        say!("{r}");
    }
    let gathered = sw.elapsed();
    print_time_taken("Gathered (join!)", gathered);

    // 3. `gather(*coros)` with a list → `join_all(vec)`: also in argument order, whatever
    //    finishes first.
    let sw = Stopwatch::start();
    let timeline_ref = &timeline;
    let results = join_all((1..=3).map(|n| async move {
        let wait = 0.5 * f64::from(4 - n); // file-3 finishes first
        let _span = timeline_ref.span(format!("join_all: file-{n} ({wait} s)"));
        tokio::time::sleep(secs(wait)).await;
        format!("file-{n}")
    }))
    .await;
    say!("join_all results: {results:?}");
    print_time_taken("join_all", sw.elapsed());

    println!();
    timeline.print_width(
        "Three downloads: one after another, then awaited together",
        48,
    );
    say!(
        "gathered / sequential = {:.2} (three waits overlapped)",
        gathered.as_secs_f64() / sequential.as_secs_f64()
    );

    assert_eq!([a, b, c], ["file-1", "file-2", "file-3"]);
    assert_eq!(results, ["file-1", "file-2", "file-3"]);
    assert!(
        gathered < sequential / 2,
        "the gathered run should be ≈ 1/3 of the sequential one"
    );
}
