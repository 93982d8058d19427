//! The command line of every comparison binary: the parts (`--only`), the options, the sizes
//! of a full or a quick run, and `main_with`, which runs the selected parts in one [`Bench`].

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, ValueEnum};

use crate::bench::Bench;
use crate::python;

/// One part of the benchmark (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, ValueEnum)]
pub enum Part {
    /// CPU-bound work, six ways (`c02`).
    Cpu,
    /// I/O-bound work: sleeps and HTTP, five ways (`c01`).
    Io,
    /// Scaling sweeps: CPU workers and I/O task counts (`c06`).
    Sweep,
    /// Mutex vs atomic vs per-thread sums (`c07`).
    Sync,
    /// Process pool with a swept payload size (`c08`).
    Serialization,
    /// Cost to start one thread, process, task (`c04`).
    Spawn,
    /// Memory per idle thread, process, task (`c05`).
    Memory,
    /// The Python original's threads-vs-processes demo, Python beside Rust (`c03`).
    Python,
}

impl Part {
    /// Every part, in the order they run.
    pub const ALL: [Part; 8] = [
        Part::Python,
        Part::Cpu,
        // Spawn and memory run early, while this process is still small: fork copies the
        // parent's page tables, so its cost grows with what earlier parts allocated.
        Part::Spawn,
        Part::Memory,
        Part::Io,
        Part::Sweep,
        Part::Sync,
        Part::Serialization,
    ];

    /// The `--only` name.
    pub fn name(self) -> &'static str {
        match self {
            Part::Cpu => "cpu",
            Part::Io => "io",
            Part::Sweep => "sweep",
            Part::Sync => "sync",
            Part::Serialization => "serialization",
            Part::Spawn => "spawn",
            Part::Memory => "memory",
            Part::Python => "python",
        }
    }
}

/// Command line of every comparison binary.
#[derive(Debug, Parser)]
#[command(
    name = "comparison",
    about = "Sequential vs threads vs pools vs processes vs tokio, with Python beside (run with --release)"
)]
pub struct Args {
    /// Run only these parts (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub only: Vec<Part>,
    /// Small sizes and one run per mode (also set by `COURSE_FAST=1`).
    #[arg(long)]
    pub quick: bool,
    /// Write every figure and the machine facts as JSON (default file:
    /// `target/comparison/results.json`).
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "target/comparison/results.json")]
    pub json: Option<PathBuf>,
    /// Write SVG bar and line charts into this folder (default: `target/comparison`).
    #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "target/comparison")]
    pub svg: Option<PathBuf>,
    /// Regenerate the results block of this README (between `<!-- results:begin -->` and
    /// `<!-- results:end -->`) from this run; `scripts/bench.sh --publish` passes
    /// `comparison/README.md`.
    #[arg(long, value_name = "FILE")]
    pub readme: Option<PathBuf>,
    /// Measured runs per mode (median and min are reported).
    #[arg(long)]
    pub runs: Option<usize>,
    /// Unmeasured warm-up runs per mode.
    #[arg(long)]
    pub warmup: Option<usize>,
    /// Skip the Python columns even when `python3` is present.
    #[arg(long)]
    pub no_python: bool,
    /// Numbers summed by the CPU workload (default sized for ~1.5 s sequentially in release).
    #[arg(long)]
    pub cpu_n: Option<u64>,
    /// Latency of one I/O task in milliseconds (before `COURSE_TIME_SCALE`).
    #[arg(long)]
    pub io_latency_ms: Option<f64>,
    /// Number of I/O tasks in the I/O table.
    #[arg(long)]
    pub io_tasks: Option<u64>,
}

/// Every size the benchmark uses.
#[derive(Debug, Clone)]
pub struct Config {
    /// Small sizes.
    pub quick: bool,
    /// Measured runs per mode.
    pub runs: usize,
    /// Warm-up runs per mode.
    pub warmup: usize,
    /// Available cores.
    pub cores: usize,
    /// CPU: numbers summed.
    pub cpu_n: u64,
    /// CPU: chunks (tasks).
    pub cpu_chunks: usize,
    /// CPU: numbers Python sums (its time is scaled up by `cpu_n / py_cpu_n`).
    pub py_cpu_n: u64,
    /// I/O: tasks.
    pub io_tasks: u64,
    /// I/O: latency per task (scaled).
    pub io_latency: Duration,
    /// I/O: rounds of the five modes (each round includes one sequential run).
    pub io_runs: usize,
    /// I/O: workers of the thread pool and the process pool.
    pub io_workers: usize,
    /// Sweep: latency of one task (scaled).
    pub sweep_latency: Duration,
    /// Sweep: task counts.
    pub sweep_counts: Vec<u64>,
    /// Sweep: most tasks for one-thread-per-task.
    pub sweep_threads_max: u64,
    /// Sweep: most tasks for the fixed pools.
    pub sweep_pool_max: u64,
    /// Sweep: most tasks for the process pool.
    pub sweep_procs_max: u64,
    /// Sweep: most tasks for Python threads.
    pub sweep_py_threads_max: u64,
    /// Sweep: most tasks for Python asyncio.
    pub sweep_py_async_max: u64,
    /// Sync: additions per thread.
    pub sync_per: u64,
    /// Sync: additions per thread for Python.
    pub py_sync_per: u64,
    /// Spawn: threads started.
    pub spawn_threads: u64,
    /// Spawn: processes forked.
    pub spawn_forks: u64,
    /// Spawn: processes re-executed.
    pub spawn_execs: u64,
    /// Spawn: tokio tasks.
    pub spawn_tasks: u64,
    /// Spawn: Python processes.
    pub py_spawn_processes: u64,
    /// Round trips and ping-pongs timed one by one (≥ 1 000 in a full run).
    pub round_trips: u64,
    /// Tiny tasks in one process-pool `map`.
    pub pool_map_items: u64,
    /// Memory: idle threads.
    pub mem_threads: usize,
    /// Memory: idle tasks.
    pub mem_tasks: usize,
    /// Memory: idle processes.
    pub mem_procs: usize,
    /// Serialisation: jobs per run.
    pub ser_tasks: usize,
    /// Serialisation: payload sizes.
    pub ser_sizes: Vec<usize>,
    /// Serialisation: CPU iterations per job (heavy work).
    pub ser_work: u64,
    /// Serialisation: CPU iterations per job (light work).
    pub ser_work_light: u64,
    /// Serialisation: CPU iterations per job for Python (heavy work).
    pub py_ser_work: u64,
    /// Serialisation: CPU iterations per job for Python (light work).
    pub py_ser_work_light: u64,
    /// Threads vs processes: numbers per worker (the Python original's 10 000 000).
    pub tvp_n: u64,
}

impl Config {
    /// Sizes for a full or a quick run, with the command-line overrides.
    pub fn new(args: &Args) -> Self {
        let quick = args.quick || utilities::fast_mode();
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let ms = |x: f64| utilities::secs(x / 1000.0);
        let mut c = if quick {
            Self {
                quick,
                runs: 1,
                warmup: 0,
                cores,
                cpu_n: 4_000_000,
                cpu_chunks: 8,
                py_cpu_n: 4_000_000,
                io_tasks: 20,
                io_latency: ms(20.0),
                io_runs: 1,
                io_workers: 4,
                sweep_latency: ms(20.0),
                sweep_counts: vec![10, 100],
                sweep_threads_max: 100,
                sweep_pool_max: 100,
                sweep_procs_max: 10,
                sweep_py_threads_max: 100,
                sweep_py_async_max: 100,
                sync_per: 100_000,
                py_sync_per: 100_000,
                spawn_threads: 100,
                spawn_forks: 20,
                spawn_execs: 20,
                spawn_tasks: 1000,
                py_spawn_processes: 5,
                round_trips: 200,
                pool_map_items: 1000,
                mem_threads: 20,
                mem_tasks: 1000,
                mem_procs: 2,
                ser_tasks: 4,
                ser_sizes: vec![1 << 10, 256 << 10],
                ser_work: 200_000,
                ser_work_light: 10_000,
                py_ser_work: 5_000,
                py_ser_work_light: 500,
                tvp_n: 1_000_000,
            }
        } else {
            Self {
                quick,
                runs: 5,
                warmup: 1,
                cores,
                cpu_n: 5_000_000_000,
                cpu_chunks: 16,
                py_cpu_n: 20_000_000,
                io_tasks: 100,
                io_latency: ms(50.0),
                io_runs: 5,
                io_workers: 16,
                sweep_latency: ms(50.0),
                sweep_counts: vec![10, 100, 1_000, 10_000, 100_000],
                sweep_threads_max: 10_000,
                sweep_pool_max: 1_000,
                sweep_procs_max: 100,
                sweep_py_threads_max: 1_000,
                sweep_py_async_max: 10_000,
                sync_per: 5_000_000,
                py_sync_per: 5_000_000,
                spawn_threads: 2_000,
                spawn_forks: 1_000,
                spawn_execs: 1_000,
                spawn_tasks: 100_000,
                py_spawn_processes: 200,
                round_trips: 2_000,
                pool_map_items: 10_000,
                mem_threads: 500,
                mem_tasks: 100_000,
                mem_procs: 8,
                ser_tasks: 8,
                ser_sizes: vec![1 << 10, 64 << 10, 1 << 20, 4 << 20, 12 << 20],
                ser_work: 100_000_000,
                ser_work_light: 5_000_000,
                py_ser_work: 1_000_000,
                py_ser_work_light: 50_000,
                tvp_n: 10_000_000,
            }
        };
        if let Some(r) = args.runs {
            c.runs = r.max(1);
        }
        if let Some(w) = args.warmup {
            c.warmup = w;
        }
        if let Some(n) = args.cpu_n {
            c.cpu_n = n.max(1);
        }
        if let Some(l) = args.io_latency_ms {
            c.io_latency = ms(l.max(0.0));
        }
        if let Some(t) = args.io_tasks {
            c.io_tasks = t.max(1);
        }
        c
    }
}

/// The whole program: parse arguments (with `forced` parts for the numbered binaries), run the
/// parts, print, write files. Exit code 1 on any failure or checksum mismatch.
pub fn main_with(forced: &[Part]) -> ExitCode {
    utilities::output::start_clock();
    let args = Args::parse();
    match run(&args, forced) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the selected parts.
///
/// # Errors
/// Any failure of a part.
pub fn run(args: &Args, forced: &[Part]) -> Result<bool> {
    let started = Instant::now();
    let mut parts: Vec<Part> = if !forced.is_empty() {
        forced.to_vec()
    } else if args.only.is_empty() {
        Part::ALL.to_vec()
    } else {
        args.only.clone()
    };
    parts.sort_by_key(|p| Part::ALL.iter().position(|q| q == p));
    parts.dedup();
    let cfg = Config::new(args);
    if cfg!(debug_assertions) {
        println!(
            "WARNING: this is a debug build; its timings are not representative. Use: cargo run --release --bin comparison"
        );
    }
    let python = if args.no_python {
        None
    } else {
        python::version()
    };
    match &python {
        Some(v) => println!("python3 {v} found: Python columns are measured in the same run"),
        None if args.no_python => println!("Python columns skipped (--no-python)"),
        None => println!("python3 not found on PATH: Python columns are skipped"),
    }
    println!(
        "{} cores; parts: {}; {} (runs={}, warm-up={}, time scale={})",
        cfg.cores,
        parts
            .iter()
            .map(|p| p.name())
            .collect::<Vec<_>>()
            .join(", "),
        if cfg.quick {
            "quick sizes"
        } else {
            "full sizes"
        },
        cfg.runs,
        cfg.warmup,
        utilities::time_scale()
    );
    let mut bench = Bench::new(cfg, python, parts.len())?;
    for &part in &parts {
        bench
            .run_part(part)
            .with_context(|| format!("part {}", part.name()))?;
        bench.progress.bar.inc(1);
    }
    bench.finish(&parts, args, started)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_part_has_a_distinct_name_and_runs_once() {
        let mut names: Vec<&str> = Part::ALL.iter().map(|p| p.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Part::ALL.len());
    }

    #[test]
    fn quick_sizes_are_smaller_than_full_ones() {
        let quick = Config::new(&Args::parse_from(["comparison", "--quick"]));
        let full = Config::new(&Args::parse_from(["comparison"]));
        if !utilities::fast_mode() {
            assert!(!full.quick);
            assert!(full.cpu_n > quick.cpu_n && full.io_tasks > quick.io_tasks);
        }
        assert!(quick.quick && quick.runs == 1);
        let custom = Config::new(&Args::parse_from([
            "comparison",
            "--runs",
            "7",
            "--cpu-n",
            "1000",
        ]));
        assert_eq!((custom.runs, custom.cpu_n), (7, 1000));
    }
}
