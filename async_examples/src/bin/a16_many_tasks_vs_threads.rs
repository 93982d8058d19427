//! 10 000 tokio tasks vs 1 000 threads: the same waits, far less memory and start cost per task.
//!
//! Many concurrent waits: 10 000 tokio tasks sleeping 1 s finish in ≈ 1 s and cost well under a
//! kilobyte each; OS threads cost megabytes of reserved stack each and take longer to start.
//!
//! Python original: Effective Python (ch. 5), "Consider coroutines to run many functions simultaneously" ("Threads require a lot
//! of memory (~8 MB per thread) … thousands of threads is just a bad idea", "the main cost is
//! starting them") and its sidenote "asyncio vs threading". Memory is read from
//! `/proc/self/status` before and after starting everything (Linux):
//! - a task is a heap allocation holding its future's state (the bytes printed) plus tokio's
//!   bookkeeping; `VmRSS` grows by well under 1 KB per task;
//! - a thread reserves its whole stack up front: Rust gives spawned threads 2 MiB (Python on
//!   Linux and the main thread get 8 MiB, the `ulimit -s` default), visible in `VmSize`; only the
//!   pages it touches become resident: a sleeping thread ≈ 9 KB resident, ≈ 20× a task.
//!
//! The claim compares like with like: resident memory of a thread against resident memory of a
//! task (address space is reserved, not used, so comparing it with a task's resident bytes would
//! prove nothing).
//!
//! The big sweep (10 … 100 000, with a chart) is `comparison`'s scaling example; with
//! `COURSE_FAST=1` this program starts 200 threads instead of 1 000.
//!
//! The timeline at the end draws, for each model, the time spent spawning and the time from the
//! last start to the last end: about one sleep, however many are waiting.
//!
//! Run: `cargo run --bin a16_many_tasks_vs_threads`
//!
//! Expect: `10000 tasks: Time taken: 1.0… s` (≈ one sleep); `memory per task: 0.47 KB resident`;
//! `memory per thread: 9.0 KB resident` (plus ≈ 2.8 MB of address space reserved);
//! `resident memory per unit: a thread costs 19× a task`; the threads' start cost per unit is higher.

use std::time::Duration;

use futures::future::join_all;
use utilities::{Stopwatch, Table, Timeline, fast_mode, print_time_taken, say, secs};

const TASKS: usize = 10_000;

/// A field of `/proc/self/status` in KiB (`VmRSS`, `VmSize`); 0 where unavailable.
fn status_kib(field: &str) -> u64 {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Per-unit cost of a delta in KiB, as KB with one decimal.
fn per_unit(after: u64, before: u64, units: usize) -> f64 {
    after.saturating_sub(before) as f64 / units as f64
}

struct Measured {
    took: Duration,
    start_cost: Duration,
    rss_kib: f64,
    virt_kib: f64,
}

async fn many_tasks(n: usize, tl: &Timeline) -> Measured {
    let (rss0, virt0) = (status_kib("VmRSS"), status_kib("VmSize"));
    let sleep = secs(1.0);
    let sw = Stopwatch::start();
    let spawning = tl.span(format!("{n} tokio tasks: spawn them all"));
    let handles: Vec<_> = (0..n)
        .map(|_| tokio::spawn(async move { tokio::time::sleep(sleep).await }))
        .collect();
    drop(spawning);
    let start_cost = sw.elapsed();
    let _waiting = tl.span(format!("{n} tokio tasks: all spawned → last done"));
    let (rss1, virt1) = (status_kib("VmRSS"), status_kib("VmSize")); // all n are sleeping now
    let failed = join_all(handles)
        .await
        .iter()
        .filter(|r| r.is_err())
        .count();
    let took = sw.elapsed();
    assert_eq!(failed, 0, "every task finishes");
    Measured {
        took,
        start_cost,
        rss_kib: per_unit(rss1, rss0, n),
        virt_kib: per_unit(virt1, virt0, n),
    }
}

fn many_threads(n: usize, tl: &Timeline) -> std::io::Result<Measured> {
    let (rss0, virt0) = (status_kib("VmRSS"), status_kib("VmSize"));
    let sleep = secs(1.0);
    let sw = Stopwatch::start();
    let mut handles = Vec::with_capacity(n);
    let spawning = tl.span(format!("{n} OS threads: spawn them all"));
    for _ in 0..n {
        handles.push(std::thread::Builder::new().spawn(move || std::thread::sleep(sleep))?);
    }
    drop(spawning);
    let start_cost = sw.elapsed();
    let _waiting = tl.span(format!("{n} OS threads: all spawned → last joined"));
    let (rss1, virt1) = (status_kib("VmRSS"), status_kib("VmSize"));
    let failed = handles
        .into_iter()
        .map(std::thread::JoinHandle::join)
        .filter(Result::is_err)
        .count();
    let took = sw.elapsed();
    assert_eq!(failed, 0, "every thread finishes");
    Ok(Measured {
        took,
        start_cost,
        rss_kib: per_unit(rss1, rss0, n),
        virt_kib: per_unit(virt1, virt0, n),
    })
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();
    let threads = if fast_mode() { 200 } else { 1_000 };
    say!(
        "each task or thread sleeps {:.3} s",
        secs(1.0).as_secs_f64()
    );
    let future = async { tokio::time::sleep(secs(1.0)).await };
    say!("one sleeping future is {} bytes", size_of_val(&future));
    drop(future);

    let tl = Timeline::new();
    let runtime = tokio::runtime::Runtime::new()?;
    let tasks = runtime.block_on(many_tasks(TASKS, &tl));
    drop(runtime);
    print_time_taken(&format!("{TASKS} tasks"), tasks.took);

    let threaded = many_threads(threads, &tl)?;
    print_time_taken(&format!("{threads} threads"), threaded.took);

    let mut table = Table::new([
        "model",
        "how many",
        "time (s)",
        "start cost per unit (µs)",
        "resident KB per unit",
        "address space KB per unit",
    ]);
    for (model, n, m) in [
        ("tokio tasks", TASKS, &tasks),
        ("OS threads", threads, &threaded),
    ] {
        table.row([
            model.to_owned(),
            n.to_string(),
            format!("{:.3}", m.took.as_secs_f64()),
            format!("{:.1}", m.start_cost.as_secs_f64() * 1e6 / n as f64),
            format!("{:.1}", m.rss_kib),
            format!("{:.1}", m.virt_kib),
        ]);
    }
    tl.print(&format!(
        "{TASKS} tasks and {threads} threads, each sleeping {:.3} s",
        secs(1.0).as_secs_f64()
    ));
    println!();
    print!("{table}");
    say!("memory per task: {:.2} KB resident", tasks.rss_kib);
    say!(
        "memory per thread: {:.1} KB resident (plus {:.2} MB of address space reserved for its stack)",
        threaded.rss_kib,
        threaded.virt_kib / 1024.0
    );
    // Resident against resident: what the machine really spends on each waiting unit. (A task's
    // delta can round to 0 KB; 0.1 KB stands in for it then.)
    let ratio = threaded.rss_kib / tasks.rss_kib.max(0.1);
    say!("resident memory per unit: a thread costs {ratio:.0}× a task");

    // About one sleep, plus the time to start and wake them all (far from 10 000 sleeps). The
    // fixed slack covers scheduling noise at tiny time scales (`COURSE_TIME_SCALE=0.05`).
    let bound = secs(1.0) * 2 + tasks.start_cost * 3 + Duration::from_millis(250);
    assert!(
        tasks.took < bound,
        "10 000 concurrent sleeps take about one sleep"
    );
    assert!(
        ratio >= 5.0,
        "a sleeping thread keeps far more memory resident than a sleeping task"
    );
    Ok(())
}
