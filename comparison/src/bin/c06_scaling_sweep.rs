//! How each model scales: CPU workers 1..2×cores, and I/O tasks from 10 to 100 000.
//!
//! Python original: Effective Python (ch. 5), "a dozen or so is fine, but thousands of threads is just a bad idea" and the python-threads project, "use
//! pools for many small tasks" / "asyncio: high-concurrency I/O". Expect CPU time to stop
//! improving at the core count; tokio to stay ≈ one latency up to 100 000 tasks while fixed
//! pools grow as ceil(N / workers) × latency. Writes line charts with `--svg`.
//!
//! The same program as `cargo run --release --bin comparison -- --only sweep`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c06_scaling_sweep` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Sweep])
}
