//! One program, three models: async I/O, a `spawn_blocking` call and a process-pool job overlap.
//!
//! One program, three models: async for waiting on I/O, `spawn_blocking` for a blocking
//! library, a process pool for CPU work; all three overlap, total ≈ the longest part.
//!
//! Python original: the course notebook, Module 4C "Combining async, threading, and multiprocessing safely", its
//! "Task type / Best tool" table and "Decision Guide". This is the reference shape for the
//! "Hybrid Concurrency Practice" exercise:
//! - I/O-bound (three API calls of 2 s) → async tasks on the runtime (`join_all`);
//! - blocking sync I/O (a legacy library call of 2 s) → `spawn_blocking` (`asyncio.to_thread`);
//! - CPU-bound (the Python original's 50 000 000-step sum) → the process pool
//!   (`ProcessPoolExecutor` + `run_in_executor`), awaited through a `oneshot`.
//!
//! A ticker keeps ticking the whole time: nothing blocks the runtime.
//!
//! Run: `cargo run --bin a08_hybrid_async_threads_processes`
//!
//! Expect: the three parts start together; `async: call N done` lines, `blocking: legacy
//! report done`, `cpu: result 1249999975000000 from worker process …`; a timeline with three
//! overlapping bars; `Total: Time taken` ≈ the longest part (≈ 2 s), well below the sum.

use std::time::{Duration, Instant};

use async_examples::Ticker;
use async_examples::cpu::{SEED_N, expected_sum};
use async_examples::pool_bridge::{CPU_TASKS, await_pool};
use futures::future::join_all;
use multiprocessing_examples::pool::{self, PoolError, ProcessPool};
use utilities::{Stopwatch, Table, Timeline, print_time_taken, say, secs};

/// Timeline labels of the three parts.
const IO: &str = "async I/O (3 calls)";
const BLOCKING: &str = "spawn_blocking call";
const CPU: &str = "process pool job";

/// I/O-bound: an awaitable call (a real program would use reqwest or an async DB driver).
async fn api_call(n: u32) -> String {
    tokio::time::sleep(secs(2.0)).await;
    say!("async: call {n} done");
    format!("response-{n}")
}

/// Blocking sync I/O: a library with no async API (it sleeps in place of, say, an FTP upload).
fn legacy_report() -> &'static str {
    std::thread::sleep(secs(2.0));
    say!("blocking: legacy report done");
    "report.pdf"
}

async fn async_main(pool: &ProcessPool, timeline: &Timeline) -> anyhow::Result<Duration> {
    let ticker = Ticker::spawn(secs(0.1), false);
    let sw = Stopwatch::start();
    let from = Instant::now();

    let io = async {
        let _span = timeline.span(IO);
        say!("async: starting 3 API calls");
        join_all((1..=3).map(api_call)).await
    };
    let blocking = async {
        let _span = timeline.span(BLOCKING);
        say!("blocking: handing the legacy call to the blocking pool");
        tokio::task::spawn_blocking(legacy_report).await
    };
    let cpu = async {
        let _span = timeline.span(CPU);
        say!("cpu: sending the sum to the process pool");
        let handle = pool.submit::<u64, (u64, u32)>("cpu_heavy", SEED_N)?;
        let (sum, pid) = await_pool(handle).await?;
        say!("cpu: result {sum} from worker process {pid}");
        Ok::<u64, PoolError>(sum)
    };
    // All three at once; each runs where it belongs.
    let (responses, report, sum) = tokio::join!(io, blocking, cpu);
    let (report, sum) = (report?, sum?);
    let total = sw.elapsed();
    let ticks = ticker.stop().count_between(from, Instant::now());

    say!("async results: {responses:?}; blocking result: {report}; CPU result: {sum}");
    say!("ticks during the run: {ticks} (the runtime never froze)");
    assert_eq!(responses, ["response-1", "response-2", "response-3"]);
    assert_eq!(sum, expected_sum(SEED_N));
    assert!(ticks >= 5, "the ticker must keep ticking");
    Ok(total)
}

fn main() -> anyhow::Result<()> {
    pool::serve_if_worker(CPU_TASKS); // a pool worker serves tasks here and never returns
    utilities::output::start_clock();

    let pool = ProcessPool::new(1, CPU_TASKS)?;
    let timeline = Timeline::new();
    let runtime = tokio::runtime::Runtime::new()?; // what #[tokio::main] builds
    let total = runtime.block_on(async_main(&pool, &timeline))?;
    drop(runtime);
    drop(pool); // stops and reaps the worker process

    let spans = timeline.spans();
    let parts: Vec<Duration> = spans.iter().map(|s| s.end - s.start).collect();
    let longest = parts.iter().copied().max().unwrap_or_default();
    let sum: Duration = parts.iter().sum();

    println!();
    timeline.print_width(
        "Async I/O, a blocking call and a process-pool job, all at once",
        48,
    );
    let mut table = Table::new(["task type", "best tool", "used here", "time (s)"]);
    let rows = [
        ("I/O-bound", "async", "3 × tokio::time::sleep, join_all", IO),
        ("blocking sync I/O", "a thread", "spawn_blocking", BLOCKING),
        (
            "CPU-bound",
            "a process (or rayon)",
            "ProcessPool + oneshot",
            CPU,
        ),
    ];
    for (kind, tool, used, label) in rows {
        let took = spans
            .iter()
            .find(|s| s.label == label)
            .map_or(0.0, |s| (s.end - s.start).as_secs_f64());
        table.row([kind, tool, used, &format!("{took:.3}")]);
    }
    print!("{table}");
    say!(
        "longest part {:.3} s, sum of the parts {:.3} s",
        longest.as_secs_f64(),
        sum.as_secs_f64()
    );
    print_time_taken("Total", total);
    // Overlap: the total is the longest part plus (at most) a fraction of the others.
    assert!(
        total < longest + (sum - longest) / 2,
        "the three parts must overlap"
    );
    Ok(())
}
