//! Cost of contention: one shared Mutex vs an atomic counter vs per-thread sums merged at the end.
//!
//! Python original: the python-threads project, "Excessive synchronization can negate concurrency benefits" and the course notebook, "Lock Behavior
//! in Practice" (locked is slower than unsynchronised). Expect time: Mutex > atomic > local
//! sums, all with the same total; Python's Lock beside.
//!
//! The same program as `cargo run --release --bin comparison -- --only sync`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c07_sync_overhead` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Sync])
}
