//! Memory per idle worker: thread vs tokio task vs process (RSS from /proc).
//!
//! Python original: Effective Python (ch. 5), "~8 MB per thread" and the course notebook, "Resource Usage Comparison" (memory Low/High): start N
//! idle workers, read how much resident memory grew. Expect a thread ≈ tens of KiB resident
//! (of a 2 MiB reserved stack), a task ≈ hundreds of bytes, a process ≈ several MiB.
//!
//! The same program as `cargo run --release --bin comparison -- --only memory`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c05_memory_per_worker` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Memory])
}
