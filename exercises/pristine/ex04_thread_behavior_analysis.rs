//! # Exercise 4: thread behaviour analysis
//!
//! Python's two scripts: run a CPU-heavy loop on several threads and time it; run a blocking
//! wait (sleep or I/O) on several threads and time it. In Python the first gains nothing (the GIL
//! lets one thread execute Python bytecode at a time) and the second gains a lot.
//!
//! Write the threaded versions and the analysis, then find out what Rust does:
//! - `cpu_threaded(tasks, n)`: run `cpu_work(n)` on `tasks` threads at once, results in order;
//! - `io_threaded(tasks, wait)`: `tasks` threads each sleep `wait` and return their index;
//! - `analyse(workload, sequential, threaded)`: which model was faster, the speedup
//!   (`sequential / threaded`), and a sentence saying why.
//!
//! Done when: results equal the sequential ones; the I/O version takes about one wait (at most
//! 1.3×); the CPU version keeps several threads computing at the same moment (the test counts
//! them, so a busy machine cannot hide a sequential version), and when the machine has two free
//! cores it is at least 1.5× faster than sequential (on a busy machine that claim is skipped
//! with a visible warning); `analyse` names threads as faster for both and sequential when the
//! timings say so.
//!
//! Builds on: `t00_sequential_vs_threads`, `t14_thread_cpu_demo`, `t15_simulated_gil`,
//!   `t16_thread_io_demo`.
//!
//! Check: `cargo run --bin exercises -- check 4`
#![allow(unused, unreachable_code, clippy::all)]

use std::time::Duration;

/// A CPU-heavy loop (given).
pub fn cpu_work(iterations: u64) -> u64 {
    let mut acc: u64 = 0;
    for i in 0..iterations {
        acc = acc.wrapping_add(i.wrapping_mul(i) ^ (acc >> 3));
    }
    std::hint::black_box(acc)
}

/// Runs `cpu_work(iterations)` `tasks` times, one after another (given).
pub fn cpu_sequential(tasks: usize, iterations: u64) -> Vec<u64> {
    (0..tasks).map(|_| cpu_work(iterations)).collect()
}

/// Runs `cpu_work(iterations)` on `tasks` threads at once; results in task order.
pub fn cpu_threaded(tasks: usize, iterations: u64) -> Vec<u64> {
    todo!("std::thread::scope, one thread per task")
}

/// `tasks` threads each sleep `wait` and return their index; results in order.
pub fn io_threaded(tasks: usize, wait: Duration) -> Vec<usize> {
    todo!()
}

/// The kind of work measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Computing.
    Cpu,
    /// Waiting.
    Io,
}

/// Which way of running was faster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    /// One task after another on one thread.
    Sequential,
    /// One thread per task.
    Threads,
}

/// The conclusion for one workload.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What was measured.
    pub workload: Workload,
    /// The faster model.
    pub faster: Model,
    /// `sequential / threaded` (above 1: threads were faster).
    pub speedup: f64,
    /// One sentence explaining the result (mention the GIL for CPU work).
    pub explanation: String,
}

/// Compares the two timings of one workload.
pub fn analyse(workload: Workload, sequential: Duration, threaded: Duration) -> Finding {
    todo!()
}
