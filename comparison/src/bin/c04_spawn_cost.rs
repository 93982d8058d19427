//! Cost to start one worker: thread, tokio task, fork, re-exec, process pool.
//!
//! Ports 001 "Resource Usage Comparison" (startup Low/High), 002 "Performance Considerations",
//! 003 "starting a process is slower than starting a thread": timed start + join loops.
//! Expect process (hundreds of µs) ≫ thread (tens of µs) ≫ tokio task (under a µs or two).
//!
//! The same program as `cargo run --release --bin comparison -- --only spawn`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c04_spawn_cost` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Spawn])
}
