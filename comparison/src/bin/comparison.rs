//! The whole benchmark: CPU, I/O, scaling, synchronisation, serialisation, spawn cost and memory, Rust beside Python.
//!
//! Python original: the python-threads project, `comparison/io_bound_comparison.py` and `cpu_bound_comparison.py`, the course notebook
//! `threads_vs_processes_demo.py` and every timing claim of the course.
//! Each part runs its modes in interleaved rounds with their CPU time and prints an aligned table
//! (median, speedup vs sequential from same-round pairs with its p10–p90, efficiency, cores got,
//! Python and the Python/Rust ratio), the course's targets as met, missed or inconclusive
//! (machine busy: got X of N cores), and the run ends with a verdict written from the numbers.
//! `scripts/bench.sh --publish` runs it and regenerates the README results, `docs/*.svg` and
//! `docs/results.json` from that one run.
//!
//! Run (from the workspace root, in release: debug timings mean little):
//! `cargo run --release --bin comparison -- --json target/comparison/results.json --svg target/comparison`
//! Options: `--only cpu|io|sweep|sync|serialization|spawn|memory|python` (comma-separated),
//! `--quick` (small sizes; also `COURSE_FAST=1`), `--runs K`, `--no-python`.
//!
//! Expect on 2 cores: CPU threads/rayon/process pool ≈ 1.9× sequential; 100 × 50 ms waits
//! ≈ 0.05 s with tokio or threads against 5 s sequentially; process ≫ thread ≫ task to start.

fn main() -> std::process::ExitCode {
    comparison::worker_entry(); // a pool worker serves and exits here
    comparison::cli::main_with(&[])
}
