//! The same computation six ways: sequential, threads, rayon, process pool, `spawn_blocking`, on the runtime.
//!
//! Python original: the python-threads project, `comparison/cpu_bound_comparison.py`, the course notebook, `thread_cpu_demo.py` and "CPU-Bound
//! Performance Advantage": the Python originals' big sum split into chunks. Expect threads, rayon and the
//! process pool ≈ sequential / cores (no GIL); CPU work directly on the tokio runtime also runs
//! on its workers but starves every other task (a 5 ms ticker is late by the whole job); every
//! checksum equal. Python: threads ≈ sequential, multiprocessing faster.
//!
//! The same program as `cargo run --release --bin comparison -- --only cpu`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c02_cpu_bound_comparison` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Cpu])
}
