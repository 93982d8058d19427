//! CPU work in 2 child processes runs in parallel: about half the sequential time on 2 cores.
//!
//! Python original: the course notebook, "CPU-Bound Performance Advantage": two processes each count to 10 000 000. In
//! Python the point is that processes escape the GIL, so they beat threads. Rust has no GIL:
//! two *threads* are just as parallel (see `threading_examples` `t14` and
//! `p22_threads_vs_processes_demo`), and processes only add start-up cost. Both run at about
//! half the sequential time on two free cores.
//!
//! Size: `P13_N` (default 10 000 000 per process; 2 000 000 under `COURSE_FAST=1`).
//!
//! The timeline at the end shows the parent's two counts back to back, then two processes
//! side by side, then two threads side by side (on 2 free cores each pair takes about one count).
//!
//! Run: `cargo run --bin p13_cpu_bound_processes` (add `--release` for realistic speed)
//!
//! Expected output (2 free cores; times vary):
//! ```text
//! [   0.000s] pid 1000    main         | Counting to 10000000 twice
//! Sequential: Time taken: 0.120 s
//! [   0.125s] pid 1001    main         | Child: counted to 10000000
//! [   0.126s] pid 1002    main         | Child: counted to 10000000
//! Two processes: Time taken: 0.066 s
//! Two threads: Time taken: 0.061 s
//! Processes / sequential = 0.55, threads / sequential = 0.51 (2 cores)
//! ```

use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use multiprocessing_examples::work::{count_to, cpu_count, size_from_env};
use utilities::{Stopwatch, Timeline, print_time_taken, say_pid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        let n: u64 = role.parse_arg(0)?;
        let count = count_to(n); // the Python original's cpu_task()
        say_pid!("Child: counted to {count}");
        // Exit status 0 means "counted exactly n".
        std::process::exit(i32::from(count != n));
    }
    utilities::output::start_clock();
    let n = size_from_env("P13_N", 10_000_000, 2_000_000);
    say_pid!("Counting to {n} twice");

    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let counts = [1, 2].map(|i| tl.record(format!("parent: count to {n} ({i})"), || count_to(n)));
    assert_eq!(counts, [n, n]);
    let sequential = sw.elapsed();
    print_time_taken("Sequential", sequential);

    let sw = Stopwatch::start();
    let processes = [1, 2].map(|i| {
        let span = tl.span(format!("child process {i}: count to {n}"));
        let child = SelfCommand::new("count").arg(n.to_string()).spawn();
        child.map(|c| (span, Reaped::new(c)))
    });
    for p in processes {
        let (span, child) = p?;
        let status = child.wait()?; // start both first, then join both
        drop(span);
        assert!(status.success(), "a child miscounted or failed: {status}");
    }
    let parallel = sw.elapsed();
    print_time_taken("Two processes", parallel);

    // The same in two threads: no GIL, so they are just as parallel (and start faster).
    let sw = Stopwatch::start();
    std::thread::scope(|s| {
        let tl = &tl;
        let threads = [1, 2].map(|i| {
            s.spawn(move || tl.record(format!("thread {i}: count to {n}"), || count_to(n)))
        });
        for t in threads {
            assert_eq!(t.join().expect("a counting thread panicked"), n);
        }
    });
    let threaded = sw.elapsed();
    print_time_taken("Two threads", threaded);
    tl.print("Counting twice: in the parent, in two processes, in two threads");
    println!(
        "Processes / sequential = {:.2}, threads / sequential = {:.2} ({} cores)",
        parallel.as_secs_f64() / sequential.as_secs_f64(),
        threaded.as_secs_f64() / sequential.as_secs_f64(),
        cpu_count()
    );
    Ok(())
}
