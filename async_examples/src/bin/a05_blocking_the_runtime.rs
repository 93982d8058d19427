//! One blocking call inside async code freezes every task on that thread: a ticker stops ticking.
//!
//! Python original: the course notebook, Module 4C "If the library is blocking (normal requests/DB driver), it will block the
//! event loop" and "A) … If you call blocking functions directly, you freeze the event loop".
//! The runtime here is tokio's `current_thread` flavour: one thread, like asyncio's event loop.
//! A ticker task prints `tick` every 0.2 s. `std::thread::sleep(2 s)` (Python's `time.sleep`)
//! inside a task takes the only thread away from the runtime, so no tick happens for 2 s. The
//! same wait done the async way (`tokio::time::sleep`) or moved to `spawn_blocking` (the
//! `asyncio.to_thread` lesson, more in a06) leaves the ticker alone.
//!
//! On the default multi-thread runtime the damage is smaller but real: the blocked worker's
//! other tasks wait, and with as many blocking calls as workers everything stops.
//!
//! The timeline at the end draws each 2 s wait next to the ticker's longest silence: as long as
//! the wait when it blocks the thread, one tick period otherwise.
//!
//! Run: `cargo run --bin a05_blocking_the_runtime`
//!
//! Expect: tick lines 0.2 s apart, then a ~2 s hole in their timestamps around
//! `blocking call returned`; `Blocking in async: longest gap between ticks: 2.0… s` against
//! ≈ 0.2 s for `tokio::time::sleep` and for `spawn_blocking`.

use std::time::{Duration, Instant};

use async_examples::Ticker;
use utilities::{Table, Timeline, say, secs};

/// Runs `wait` while the ticker ticks; returns (ticks during the wait, longest tick gap).
async fn watch<F: Future<Output = ()>>(label: &str, wait: F, tl: &Timeline) -> (usize, Duration) {
    let ticker = Ticker::spawn(secs(0.2), true);
    tokio::time::sleep(secs(0.5)).await; // a few normal ticks first
    say!("{label}: starting a 2 s wait");
    let from = Instant::now();
    wait.await;
    let to = Instant::now();
    say!("{label}: the wait returned");
    tokio::time::sleep(secs(0.5)).await;
    let report = ticker.stop();
    let ticks = report.count_between(from, to);
    let gap = report.longest_gap();
    tl.add(format!("{label}: the 2 s wait"), from, to);
    let (quiet_from, quiet_to) = report.longest_silence_between(from, to);
    tl.add(
        format!("{label}: ticker's longest silence in it"),
        quiet_from,
        quiet_to,
    );
    say!(
        "{label}: longest gap between ticks: {:.3} s ({ticks} ticks during the wait)",
        gap.as_secs_f64()
    );
    (ticks, gap)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    utilities::output::start_clock();
    let tl = Timeline::new();

    // The anti-pattern: a blocking call directly in async code. The `async` block is polled on
    // the runtime's only thread, and `std::thread::sleep` does not yield: the ticker starves.
    let (blocked_ticks, blocked_gap) = watch(
        "Blocking in async",
        async {
            std::thread::sleep(secs(2.0));
            say!("blocking call returned");
        },
        &tl,
    )
    .await;

    // The async wait: the future yields at `.await`, the runtime runs the ticker meanwhile.
    let (async_ticks, async_gap) = watch(
        "tokio::time::sleep",
        async {
            tokio::time::sleep(secs(2.0)).await;
        },
        &tl,
    )
    .await;

    // The fix when the call *must* block (a sync library): run it on the blocking thread pool.
    let (offloaded_ticks, offloaded_gap) = watch(
        "spawn_blocking",
        async {
            let joined = tokio::task::spawn_blocking(|| std::thread::sleep(secs(2.0))).await;
            if let Err(e) = joined {
                say!("the blocking task failed: {e}");
            }
        },
        &tl,
    )
    .await;

    let mut table = Table::new(["2 s wait done with", "ticks during it", "longest gap (s)"]);
    for (how, ticks, gap) in [
        ("std::thread::sleep", blocked_ticks, blocked_gap),
        ("tokio::time::sleep", async_ticks, async_gap),
        ("spawn_blocking", offloaded_ticks, offloaded_gap),
    ] {
        table.row([
            how.to_owned(),
            ticks.to_string(),
            format!("{:.3}", gap.as_secs_f64()),
        ]);
    }
    println!();
    print!("{table}");
    tl.print("A blocking call freezes the runtime: the ticker's silence is as long as the wait");

    assert_eq!(
        blocked_ticks, 0,
        "a blocked current-thread runtime cannot tick"
    );
    assert!(
        blocked_gap >= secs(1.8),
        "the gap spans the whole blocking call"
    );
    assert!(
        async_ticks >= 3 && offloaded_ticks >= 3,
        "the ticker runs during async waits"
    );
}
