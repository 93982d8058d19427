//! When copying data to a process pool costs more than the parallelism gains; shared memory avoids the copy.
//!
//! Python original: Effective Python (ch. 5), "All this serializing and deserializing is heavy work", the course notebook, "When to Use Process
//! Pools" and Grokking Concurrency (ch. 4), "Performance Considerations": a process pool with a swept payload size
//! (bincode bytes counted). Expect small payloads: pool faster than sequential; large payloads:
//! slower; shared memory (only offset + length sent): fast at every size.
//!
//! The same program as `cargo run --release --bin comparison -- --only serialization`; add `--quick`
//! for small sizes, `--json FILE` / `--svg DIR` for files, `--no-python` to skip Python.
//! Run: `cargo run --release --bin c08_serialization_overhead` (debug builds print a warning: timings mean little).

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[comparison::cli::Part::Serialization])
}
