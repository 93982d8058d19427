//! CPU work from async code: on the runtime it freezes everything; rayon or a process pool do not.
//!
//! CPU-heavy work from async code: computing on the runtime freezes it; rayon or a process pool
//! does the work elsewhere while the runtime keeps ticking.
//!
//! Python original: the course notebook, Module 4C "B) Running CPU-heavy work safely inside asyncio (use a process)":
//! `await loop.run_in_executor(ProcessPoolExecutor(), cpu_heavy, 50_000_000)`. The same sum is
//! computed four ways on a single-threaded runtime (asyncio's shape) while a ticker task wakes
//! every 10 ms:
//! 1. directly in async code: the anti-pattern. The loop never reaches an `.await`, so nothing
//!    else on the runtime runs until it ends (0 ticks);
//! 2. rayon's parallel sum inside `spawn_blocking` (all cores, on threads off the runtime);
//! 3. `rayon::spawn` handing the result back through a `oneshot` channel (no blocking-pool thread
//!    is held while it computes);
//! 4. the multiprocessing crate's process pool (`multiprocessing_examples::pool`): the sum runs
//!    in a worker *process*; its blocking handle is awaited through a `oneshot` (see
//!    `async_examples::pool_bridge`). Python needs the process for the GIL; in Rust threads
//!    already run in parallel, so rayon is the usual choice and the process pool is for
//!    isolation (a crash or a leak stays in the worker) or for code that is not thread-safe.
//!
//! The CPU work is not scaled by `COURSE_TIME_SCALE` (it is real work): ≈ 0.4 s in a debug
//! build, ≈ 0.03 s in release.
//!
//! The timeline at the end draws each CPU job beside the ticker's longest silence: the whole
//! job when it runs on the runtime, a tick period when it runs elsewhere.
//!
//! Run: `cargo run --bin a07_cpu_in_process_pool`
//!
//! Expect: `CPU result: 1249999975000000` four times; `0 ticks` for the on-runtime run (its
//! longest gap is the whole computation), many ticks for the three offloaded runs; the pool's
//! worker pid differs from the main pid.

use std::time::{Duration, Instant};

use async_examples::Ticker;
use async_examples::cpu::{SEED_N, cpu_heavy, cpu_heavy_rayon, expected_sum};
use async_examples::pool_bridge::{CPU_TASKS, await_pool};
use multiprocessing_examples::pool::{self, ProcessPool};
use utilities::{Stopwatch, Table, Timeline, print_time_taken, say};

/// The ticker's period. It is not scaled: it measures real CPU time.
const TICK: Duration = Duration::from_millis(10);

/// One way of running the job, and what the ticker saw meanwhile.
struct Run {
    how: &'static str,
    sum: u64,
    took: Duration,
    ticks: usize,
    gap: Duration,
}

/// Awaits `job` while a ticker runs; reports the result and the ticks that happened during it.
async fn watch(
    how: &'static str,
    job: impl Future<Output = anyhow::Result<u64>>,
    tl: &Timeline,
) -> anyhow::Result<Run> {
    let ticker = Ticker::spawn(TICK, false);
    tokio::time::sleep(TICK * 3).await; // the ticker is running
    say!("{how}: start");
    let sw = Stopwatch::start();
    let from = Instant::now();
    let sum = job.await?;
    let to = Instant::now();
    let took = sw.elapsed();
    let report = ticker.stop();
    tl.add(format!("{how}: the CPU job"), from, to);
    let (quiet_from, quiet_to) = report.longest_silence_between(from, to);
    tl.add(
        format!("{how}: ticker's longest silence"),
        quiet_from,
        quiet_to,
    );
    let (ticks, gap) = (
        report.count_between(from, to),
        report.longest_gap_between(from, to),
    );
    say!("{how}: CPU result: {sum}");
    print_time_taken(how, took);
    say!(
        "{how}: {ticks} ticks during the computation, longest gap {:.3} s",
        gap.as_secs_f64()
    );
    Ok(Run {
        how,
        sum,
        took,
        ticks,
        gap,
    })
}

async fn async_main(pool: &ProcessPool, tl: &Timeline) -> anyhow::Result<Vec<Run>> {
    let n = SEED_N;
    let mut runs = Vec::new();

    // 1. The anti-pattern: CPU work in async code. Nothing else on this runtime can run.
    runs.push(watch("on the runtime", async { Ok(cpu_heavy(n)) }, tl).await?);

    // 2. rayon inside spawn_blocking: the parallel sum blocks a blocking-pool thread, not the
    //    runtime, while rayon's threads do the work.
    runs.push(
        watch(
            "rayon in spawn_blocking",
            async { Ok(tokio::task::spawn_blocking(move || cpu_heavy_rayon(n)).await?) },
            tl,
        )
        .await?,
    );

    // 3. rayon::spawn + oneshot: the job goes to rayon's pool, the answer comes back on a
    //    channel the runtime can await.
    runs.push(
        watch(
            "rayon::spawn + oneshot",
            async {
                let (tx, rx) = tokio::sync::oneshot::channel();
                rayon::spawn(move || {
                    let _ = tx.send(cpu_heavy(n));
                });
                Ok(rx.await?)
            },
            tl,
        )
        .await?,
    );

    // 4. The process pool, as in the Python original: `await loop.run_in_executor(pool, cpu_heavy, n)`.
    runs.push(
        watch(
            "process pool",
            async {
                let (sum, worker) =
                    await_pool(pool.submit::<u64, (u64, u32)>("cpu_heavy", n)?).await?;
                say!(
                    "process pool: computed in worker process {worker} (this process is {})",
                    std::process::id()
                );
                Ok(sum)
            },
            tl,
        )
        .await?,
    );
    Ok(runs)
}

fn main() -> anyhow::Result<()> {
    // A pool worker is this same binary, re-executed: it serves tasks here and never returns.
    pool::serve_if_worker(CPU_TASKS);
    utilities::output::start_clock();

    // `with ProcessPoolExecutor() as pool:` → the pool lives around the runtime; dropping it
    // at the end stops and reaps its worker.
    let pool = ProcessPool::new(1, CPU_TASKS)?;
    // `asyncio.run(main())`: a single-threaded runtime, like asyncio's event loop.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let tl = Timeline::new();
    let runs = runtime.block_on(async_main(&pool, &tl))?;
    drop(runtime);
    drop(pool);

    let mut table = Table::new(["how", "time (s)", "ticks during it", "longest gap (s)"]);
    for r in &runs {
        table.row([
            r.how.to_owned(),
            format!("{:.3}", r.took.as_secs_f64()),
            r.ticks.to_string(),
            format!("{:.3}", r.gap.as_secs_f64()),
        ]);
    }
    println!();
    print!("{table}");
    tl.print(
        "CPU work from async code: on the runtime the ticker falls silent, elsewhere it ticks",
    );

    for r in &runs {
        assert_eq!(r.sum, expected_sum(SEED_N), "{}", r.how);
    }
    assert_eq!(
        runs[0].ticks, 0,
        "CPU work on a current-thread runtime starves the ticker"
    );
    Ok(())
}
