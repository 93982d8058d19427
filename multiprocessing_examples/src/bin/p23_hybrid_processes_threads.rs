//! Processes for CPU work with I/O threads inside: each child takes max(CPU, I/O), not the sum.
//!
//! Python original: the course notebook, "Combining Threads and Processes" ("Processes handle CPU-heavy tasks; each process
//! uses threads for I/O"). Two child processes each start three I/O threads (each waits 1 s,
//! like a network call) and, meanwhile, compute on their main thread for 1 s. Because the waits
//! overlap the computing, a child needs about 1 s, not 2 s; and the two children run side by
//! side on two cores. Every line shows the pid and the thread name.
//!
//! The timeline at the end, recorded by each child and sent back with its report, shows in each
//! child the CPU slice and the three I/O waits side by side.
//!
//! Run: `cargo run --bin p23_hybrid_processes_threads`
//!
//! Expected output (scale 1.0; pids vary, lines interleave):
//! ```text
//! [   0.002s] pid 1001    io-0-0       | I/O wait started
//! [   0.002s] pid 1001    main         | Child 0: computing on the main thread, 3 I/O threads waiting
//! [   0.003s] pid 1002    main         | Child 1: computing on the main thread, 3 I/O threads waiting
//! …
//! [   1.004s] pid 1002    io-1-2       | I/O wait done
//! Two hybrid children: Time taken: 1.006 s
//! [   1.006s] pid 1000    main         | Child 0 (pid 1001): cpu slice 1.000 s, io wait 1.001 s, child total 1.002 s, I/O threads ["io-0-0", "io-0-1", "io-0-2"]
//! [   1.006s] pid 1000    main         | Child 1 (pid 1002): cpu slice 1.000 s, io wait 1.002 s, child total 1.003 s, I/O threads ["io-1-0", "io-1-1", "io-1-2"]
//! ```

use std::thread;

use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use multiprocessing_examples::work::spin_for;
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use utilities::{Stopwatch, Timeline, print_time_taken, say_pid, sleep_secs};

/// What each child reports back.
#[derive(Debug, Serialize, Deserialize)]
struct Report {
    child: u32,
    pid: u32,
    cpu_secs: f64,
    io_secs: f64,
    total_secs: f64,
    io_threads: Vec<String>,
    /// What ran in the child, for the parent's timeline: (label, start s, end s) since its start.
    spans: Vec<(String, f64, f64)>,
}

fn hybrid_child(i: u32) -> std::io::Result<Report> {
    let total = Stopwatch::start();
    let since = |t: Instant| t.duration_since(total.started_at()).as_secs_f64();
    let io_sw = Stopwatch::start();
    let io_threads = (0..3)
        .map(|j| {
            thread::Builder::new()
                .name(format!("io-{i}-{j}"))
                .spawn(|| {
                    let start = Instant::now();
                    say_pid!("I/O wait started");
                    sleep_secs(1.0); // pretend network call
                    say_pid!("I/O wait done");
                    (utilities::thread_label(), start, Instant::now())
                })
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    say_pid!("Child {i}: computing on the main thread, 3 I/O threads waiting");
    let cpu_sw = Stopwatch::start();
    spin_for(1.0); // a CPU-bound slice
    let cpu_secs = cpu_sw.elapsed().as_secs_f64();
    let mut spans = vec![(
        format!("child {i}: CPU slice on its main thread (1 s)"),
        since(cpu_sw.started_at()),
        since(cpu_sw.started_at()) + cpu_secs,
    )];
    let names = io_threads
        .into_iter()
        .map(|t| {
            t.join()
                .map_err(|_| std::io::Error::other("an I/O thread panicked"))
        })
        .collect::<std::io::Result<Vec<_>>>()?
        .into_iter()
        .map(|(name, start, end)| {
            spans.push((
                format!("child {i}: {name} waits (1 s)"),
                since(start),
                since(end),
            ));
            name
        })
        .collect();
    Ok(Report {
        child: i,
        pid: std::process::id(),
        cpu_secs,
        io_secs: io_sw.elapsed().as_secs_f64(),
        total_secs: total.elapsed().as_secs_f64(),
        io_threads: names,
        spans,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        let report = hybrid_child(role.parse_arg(0)?)?;
        QueueSender::<Report>::inherited(0)?.put(&report)?;
        return Ok(());
    }
    utilities::output::start_clock();
    let sw = Stopwatch::start();
    let (tx, mut rx) = ProcessQueue::<Report>::new()?.split();
    let tl = Timeline::new();
    let mut started = Vec::new(); // when each child was started, by index
    let children = (0..2u32)
        .map(|i| {
            started.push(Instant::now());
            SelfCommand::new("hybrid")
                .arg(i.to_string())
                .pass_fd(&tx)
                .and_then(SelfCommand::spawn)
                .map(Reaped::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    drop(tx);
    let mut reports = rx.iter().collect::<Result<Vec<_>, _>>()?;
    for c in children {
        assert!(c.wait()?.success());
    }
    print_time_taken("Two hybrid children", sw.elapsed());
    reports.sort_by_key(|r| r.child);
    assert_eq!(reports.len(), 2);
    // Each child timed its own work from its start; the parent places it at that child's start.
    for r in &reports {
        let Some(&t0) = usize::try_from(r.child).ok().and_then(|c| started.get(c)) else {
            continue; // a report from a child we did not start: nothing to place
        };
        // Seconds from a peer: a negative or non-finite value is placed at the child's start.
        let at = |s: f64| t0 + Duration::try_from_secs_f64(s).unwrap_or_default();
        for (label, a, b) in &r.spans {
            tl.add(label.as_str(), at(*a), at(*b));
        }
    }
    tl.print("Two children, each computing while three of its threads wait on I/O");
    for r in &reports {
        say_pid!(
            "Child {} (pid {}): cpu slice {:.3} s, io wait {:.3} s, child total {:.3} s, I/O threads {:?}",
            r.child,
            r.pid,
            r.cpu_secs,
            r.io_secs,
            r.total_secs,
            r.io_threads
        );
        assert_eq!(r.io_threads.len(), 3);
    }
    Ok(())
}
