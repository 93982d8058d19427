//! The comparison chapter: the same workloads run sequentially, with threads, with thread pools,
//! with a process pool and with tokio, timed side by side (and beside the Python originals when
//! `python3` is present).
//!
//! | module | what it measures |
//! |---|---|
//! | [`cpu`] | CPU-bound sums, six ways; every mode returns the same checksum |
//! | [`io`] | I/O-bound waits: sleeps and real HTTP to a local axum server, five ways |
//! | [`sync`] | one shared `Mutex` vs an atomic vs per-thread sums |
//! | [`serialization`] | a process pool with growing payloads, with and without shared memory |
//! | [`spawn`] | cost to start a thread, a process, a task |
//! | [`memory`] | resident memory per idle thread, process, task |
//! | [`publish`] | the README's results block, generated from the run's JSON |
//! | [`python`] | runs the Python scripts in `comparison/python/` |
//! | [`charts`] | SVG bar and line charts with ticks, log axes, Python bars, ideal/break-even/goal lines |
//! | [`measure`] | contention-aware timing: CPU time with every sample, interleaved rounds, same-round ratios, p10–p90, the busy-machine classifier |
//! | [`stats`], [`report`], [`verdict`] | median/min, speedup, efficiency; tables, JSON, SVG; the verdict written from the tables |
//! | [`cli`], [`bench`](mod@bench), [`parts`] | the program behind every `comparison` binary: command line, the run, one module per part |
//! | [`procpool`], [`worker`] | the process pool and the worker side of it |
//!
//! Run it with `cargo run --release --bin comparison` (debug timings are not representative).
#![warn(missing_docs)]

pub mod bench;
pub mod charts;
pub mod cli;
pub mod cpu;
pub mod io;
pub mod measure;
pub mod memory;
pub mod parts;
pub mod procpool;
pub mod publish;
pub mod python;
pub mod report;
pub mod serialization;
pub mod spawn;
pub mod stats;
pub mod sync;
pub mod verdict;
pub mod worker;

pub use worker::worker_entry;
