//! Python's threads-vs-processes demo next to the same work in Rust (2 × 10 000 000).
//!
//! Python original: the course notebook, `threads_vs_processes_demo.py` (shipped as `comparison/python/`) and Grokking Concurrency (ch. 4)
//! "Comparing Threads and Processes": two workers each run the demo's loop (`total += 1`,
//! 10 000 000 times). The Rust processes are this program re-executed, started and then waited
//! for, like `multiprocessing.Process`. The modes run in interleaved rounds with their CPU time;
//! each speedup comes from same-round pairs with its p10–p90, and a target reads
//! `inconclusive (machine busy: got X of 2 cores)` when the machine did not give the cores.
//! Expect Python threads ≈ sequential (GIL) and processes ≈ ½; Rust ≈ 70× faster than Python,
//! its threads and processes short of the 1.9× goal at this size (milliseconds of work against
//! tens of µs to start a thread and about a millisecond to start a process).
//!
//! The same program as `cargo run --release --bin comparison -- --only python`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c03_threads_vs_processes` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Python])
}
