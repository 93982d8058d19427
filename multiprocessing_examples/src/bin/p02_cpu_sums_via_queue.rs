//! Two children each sum 0..50 000 000 and send the result over a queue; timed against sequential.
//!
//! Python original: the course notebook, 4B "B) Why multiprocessing helps CPU-bound work" and "Using Queue to collect
//! results". Each child computes `sum(range(n))` and writes the total as one bincode frame into
//! a pipe that both children share (a [`ProcessQueue`]); the parent reads two frames. On two
//! cores the two sums run at the same time, so the pair takes about half the sequential time.
//!
//! **Read before you wait.** The Python original joins both children first and only then calls `q.get()`.
//! That works for two small ints, but a child blocks in `put` as soon as the pipe (about 64 KiB)
//! is full, and a parent blocked in `join` never empties it: a deadlock. So we read the results
//! first, then reap the children.
//!
//! In Python the processes beat threads because of the GIL; in Rust threads would do as well
//! (see `p13_cpu_bound_processes` and `p22_threads_vs_processes_demo`).
//!
//! Size: `P02_N` (default 50 000 000; 5 000 000 under `COURSE_FAST=1`).
//!
//! The timeline at the end shows the parent's two sums back to back, then the two child
//! processes side by side (each bar: from its start until the parent reaped it).
//!
//! Run: `cargo run --bin p02_cpu_sums_via_queue` (add `--release` for realistic speed)
//!
//! Expected output (2 cores; times vary):
//! ```text
//! [   0.000s] pid 1000    main         | Summing 0..50000000 twice
//! [   0.410s] pid 1000    main         | Sequential results: 1249999975000000 1249999975000000
//! Sequential: Time taken: 0.410 s
//! [   0.415s] pid 1001    main         | Child: sum done, sending it
//! [   0.417s] pid 1002    main         | Child: sum done, sending it
//! [   0.418s] pid 1000    main         | Two results received: 1249999975000000 1249999975000000
//! Two processes: Time taken: 0.214 s
//! Processes / sequential = 0.52 (2 cores)
//! ```

use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use multiprocessing_examples::work::{cpu_count, size_from_env, sum_below, sum_below_formula};
use utilities::{Stopwatch, Timeline, print_time_taken, say_pid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        // The Python original's `cpu_task(n, out_q)`: compute, then `out_q.put(total)`.
        let n: u64 = role.parse_arg(0)?;
        let total = sum_below(n);
        say_pid!("Child: sum done, sending it");
        QueueSender::<u64>::inherited(0)?.put(&total)?;
        return Ok(());
    }
    utilities::output::start_clock();
    let n = size_from_env("P02_N", 50_000_000, 5_000_000);
    say_pid!("Summing 0..{n} twice");

    // Both sums, one after the other, in this process.
    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let s1 = tl.record(format!("parent: sum 0..{n} (1st)"), || sum_below(n));
    let s2 = tl.record(format!("parent: sum 0..{n} (2nd)"), || sum_below(n));
    let sequential = sw.elapsed();
    say_pid!("Sequential results: {s1} {s2}");
    print_time_taken("Sequential", sequential);

    // Both sums in two child processes that share one queue.
    let sw = Stopwatch::start();
    let (tx, mut rx) = ProcessQueue::<u64>::new()?.split();
    let mut children = Vec::new();
    for i in 1..=2 {
        // The parent times each child from its start until it is reaped.
        let span = tl.span(format!("child process {i}: sum 0..{n}"));
        let child = SelfCommand::new("sum")
            .arg(n.to_string())
            .pass_fd(&tx)?
            .spawn()?;
        children.push((span, Reaped::new(child))); // killed + reaped even if we return early
    }
    drop(tx); // only the children write now
    // Read first…
    let r1 = rx.get()?;
    let r2 = rx.get()?;
    // …then wait (join) for both children.
    for (span, child) in children {
        let status = child.wait()?;
        drop(span);
        assert!(status.success(), "a child failed: {status}");
    }
    let parallel = sw.elapsed();
    say_pid!("Two results received: {r1} {r2}");
    print_time_taken("Two processes", parallel);
    println!(
        "Processes / sequential = {:.2} ({} cores)",
        parallel.as_secs_f64() / sequential.as_secs_f64(),
        cpu_count()
    );

    tl.print("Two sums: one after the other in the parent, then in two child processes");
    let expected = sum_below_formula(n);
    assert_eq!((s1, s2), (expected, expected));
    assert_eq!((r1, r2), (expected, expected));
    Ok(())
}
