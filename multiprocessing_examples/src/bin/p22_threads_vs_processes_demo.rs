//! The same CPU work in 2 threads and in 2 processes: both parallel in Rust; processes start slower.
//!
//! Python original: the course notebook, `threads_vs_processes_demo.py` and the course notebook, "Threads for CPU-Bound Work" / "Processes
//! for CPU-Bound Work". Python prints "Threads time" ≈ the sequential time (the GIL lets one
//! thread run at a time) and a lower "Processes time". Rust threads have no GIL: on two free
//! cores both versions take about half the sequential time. What a process adds is its start:
//! a new address space, `exec`, the dynamic loader, `main`. The program measures that too, with
//! children that do nothing. The full sweep is `comparison` `c03`.
//!
//! Size: `P22_N` (default 10 000 000 per worker; 2 000 000 under `COURSE_FAST=1`).
//!
//! The timeline shows the two counts back to back, then side by side in two threads, then side
//! by side in two processes (a little later: a process takes longer to start).
//!
//! Run: `cargo run --bin p22_threads_vs_processes_demo` (add `--release` for realistic speed)
//!
//! Expected output (2 free cores; times vary):
//! ```text
//! Sequential: Time taken: 0.120 s
//! Threads time: Time taken: 0.062 s
//! Processes time: Time taken: 0.066 s
//! Threads / sequential = 0.52, processes / sequential = 0.55
//! Process start-up cost: 1.2 ms per child (10 empty children); thread start-up: 15 µs
//! ```

use std::thread;

use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use multiprocessing_examples::work::{count_to, size_from_env};
use utilities::{Stopwatch, Timeline, format_duration, print_time_taken};

/// The Python original's `cpu_task()`: count to n.
fn cpu_task(n: u64) {
    assert_eq!(count_to(n), n);
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        if role.name == "cpu" {
            cpu_task(role.parse_arg(0)?);
        } // role "empty": start and exit at once
        return Ok(());
    }
    utilities::output::start_clock();
    let n = size_from_env("P22_N", 10_000_000, 2_000_000);

    let tl = Timeline::new();
    let sw = Stopwatch::start();
    tl.record(format!("main thread: count to {n} (1)"), || cpu_task(n));
    tl.record(format!("main thread: count to {n} (2)"), || cpu_task(n));
    let sequential = sw.elapsed();
    print_time_taken("Sequential", sequential);

    // run_threads()
    let sw = Stopwatch::start();
    thread::scope(|s| {
        let tl = &tl;
        let threads: Vec<_> = (1..=2)
            .map(|i| {
                s.spawn(move || tl.record(format!("thread {i}: count to {n}"), || cpu_task(n)))
            })
            .collect();
        threads
            .into_iter()
            .try_for_each(|t| t.join().map_err(|_| "a thread panicked"))
    })?;
    let threads_time = sw.elapsed();
    print_time_taken("Threads time", threads_time);

    // run_processes()
    let sw = Stopwatch::start();
    let processes = (1..=2)
        .map(|i| {
            let span = tl.span(format!("process {i}: count to {n} (start → reaped)"));
            let child = SelfCommand::new("cpu").arg(n.to_string()).spawn();
            child.map(|c| (span, Reaped::new(c)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    for (span, p) in processes {
        assert!(p.wait()?.success());
        drop(span);
    }
    let processes_time = sw.elapsed();
    print_time_taken("Processes time", processes_time);
    println!(
        "Threads / sequential = {:.2}, processes / sequential = {:.2}",
        threads_time.as_secs_f64() / sequential.as_secs_f64(),
        processes_time.as_secs_f64() / sequential.as_secs_f64()
    );

    // What a process costs just to exist: start and reap 10 children that do nothing.
    tl.print("The same counting: one after another, in two threads, in two processes");

    let k = 10u32;
    let sw = Stopwatch::start();
    for _ in 0..k {
        assert!(SelfCommand::new("empty").spawn()?.wait()?.success());
    }
    let per_process = sw.elapsed() / k;
    let sw = Stopwatch::start();
    for _ in 0..k {
        thread::spawn(|| {})
            .join()
            .map_err(|_| "a thread panicked")?;
    }
    let per_thread = sw.elapsed() / k;
    println!(
        "Process start-up cost: {} per child ({k} empty children); thread start-up: {}",
        format_duration(per_process),
        format_duration(per_thread)
    );
    Ok(())
}
