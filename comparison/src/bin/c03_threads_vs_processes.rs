//! Python's threads-vs-processes demo next to the same work in Rust (2 × 10 000 000).
//!
//! Python original: the course notebook, `threads_vs_processes_demo.py` (shipped as `comparison/python/`) and Grokking Concurrency (ch. 4)
//! "Comparing Threads and Processes": two workers each add 10 000 000 numbers. Expect Python
//! threads ≈ sequential (GIL) and processes ≈ ½; Rust threads and processes both ≈ ½, processes
//! plus their start cost, and Rust many times faster than Python overall.
//!
//! The same program as `cargo run --release --bin comparison -- --only python`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c03_threads_vs_processes` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Python])
}
