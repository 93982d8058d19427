//! The same waits done five ways: sequential, threads, thread pool, process pool, tokio.
//!
//! Python original: the python-threads project, `comparison/io_bound_comparison.py`, the course notebook, `thread_io_demo.py` and 4C sequential vs
//! `gather`: N tasks each wait one latency, (a) as a sleep, (b) as a real HTTP GET to a local
//! axum server started on 127.0.0.1:0. Expect sequential ≈ N × latency; threads and tokio ≈ one
//! latency; fixed pools ≈ ceil(N / workers) × latency. Python threads/asyncio run beside.
//!
//! The same program as `cargo run --release --bin comparison -- --only io`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c01_io_bound_comparison` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Io])
}
