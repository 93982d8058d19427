//! Cost to start one worker: thread, tokio task, fork, re-exec, process pool.
//!
//! Python original: the course notebook, "Resource Usage Comparison" (startup Low/High), the python-threads project, "Performance Considerations",
//! the threads-vs-processes notes, "starting a process is slower than starting a thread".
//! Every figure is p50 / p90 / p99 of ≥ 1 000 samples timed one by one (spawn + join; one tiny
//! task through a thread pool and a process pool, `Pool.apply` beside; ping-pong between two
//! threads, processes or tasks), against the course's goals (thread ≤ 30 µs, process ≤ 1.5 ms,
//! process-pool round trip ≤ 50 µs, thread-pool round trip ≤ 5 µs).
//! Expect process (about a millisecond) ≫ thread (tens of µs) ≫ tokio task (under a µs).
//!
//! The same program as `cargo run --release --bin comparison -- --only spawn`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c04_spawn_cost` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Spawn])
}
