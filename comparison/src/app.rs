//! The benchmark program: command line, sizes, one function per part, the printed report.
//! `src/bin/comparison.rs` runs every part; the numbered binaries run one part each.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::procpool::ProcessPool;
use crate::report::{Machine, Report, Row, Section, SeriesOut, Sweep, percent, s3, times};
use crate::stats::{self, Measured, measure};
use crate::{cpu, io, memory, python, serialization, spawn, sync};

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
    /// The seed's threads-vs-processes demo, Python beside Rust (`c03`).
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
    /// Threads vs processes: numbers per worker (the seed's 10 000 000).
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
                py_cpu_n: 400_000,
                io_tasks: 20,
                io_latency: ms(20.0),
                io_workers: 4,
                sweep_latency: ms(20.0),
                sweep_counts: vec![10, 100],
                sweep_threads_max: 100,
                sweep_pool_max: 100,
                sweep_procs_max: 10,
                sweep_py_threads_max: 100,
                sweep_py_async_max: 100,
                sync_per: 100_000,
                py_sync_per: 10_000,
                spawn_threads: 50,
                spawn_forks: 5,
                spawn_execs: 3,
                spawn_tasks: 1000,
                py_spawn_processes: 3,
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
                io_workers: 16,
                sweep_latency: ms(100.0),
                sweep_counts: vec![10, 100, 1_000, 10_000, 100_000],
                sweep_threads_max: 10_000,
                sweep_pool_max: 1_000,
                sweep_procs_max: 100,
                sweep_py_threads_max: 1_000,
                sweep_py_async_max: 10_000,
                sync_per: 5_000_000,
                py_sync_per: 500_000,
                spawn_threads: 2_000,
                spawn_forks: 200,
                spawn_execs: 50,
                spawn_tasks: 100_000,
                py_spawn_processes: 50,
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

/// Progress bar on stderr (hidden when stderr is not a terminal, e.g. in tests and pipes).
struct Progress {
    bar: ProgressBar,
}

impl Progress {
    fn new(parts: usize) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(parts as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{bar:24}] part {pos}/{len} {elapsed} {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    fn step(&self, msg: &str) {
        self.bar.set_message(msg.to_owned());
    }

    fn print(&self, text: &str) {
        self.bar.suspend(|| print!("{text}"));
    }
}

/// The benchmark run: configuration, shared runtime and pools, and the sections measured.
pub struct Bench {
    cfg: Config,
    python: Option<String>,
    progress: Progress,
    rt: tokio::runtime::Runtime,
    client: reqwest::Client,
    pool: Option<ProcessPool>,
    sections: Vec<Section>,
}

fn ms_label(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

fn size_label(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}

fn opt_s3(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), s3)
}

/// The standard table of a timed section.
fn timed_table(rows: &[Row], python_header: &str, efficiency: bool) -> String {
    let with_py = rows.iter().any(|r| r.python.is_some());
    let mut header = vec!["mode", "workers/tasks", "median (s)", "min (s)", "speedup"];
    if efficiency {
        header.push("efficiency");
    }
    if with_py {
        header.extend([python_header, "Py speedup", "Python/Rust"]);
    }
    header.push("note");
    let mut t = utilities::Table::new(header);
    for r in rows {
        let mut cells = vec![
            r.mode.clone(),
            r.workers.clone(),
            s3(r.median),
            s3(r.min),
            times(r.speedup),
        ];
        if efficiency {
            cells.push(percent(r.efficiency));
        }
        if with_py {
            cells.extend([opt_s3(r.python), times(r.python_speedup), times(r.ratio)]);
        }
        cells.push(r.note.clone());
        t.row(cells);
    }
    t.to_string()
}

/// The 1-minute load average (`/proc/loadavg`), or NaN when unavailable.
fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

fn check_checksums(section: &mut Section) {
    let expected = section.expected_checksum;
    section.checksums_agree = section
        .rows
        .iter()
        .filter_map(|r| r.checksum)
        .all(|c| expected.is_none_or(|e| e == c));
}

impl Bench {
    /// Sets up the runtime and the HTTP client.
    ///
    /// # Errors
    /// When the runtime or client cannot be built.
    pub fn new(cfg: Config, python: Option<String>, parts: usize) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cfg.cores)
            .enable_all()
            .build()?;
        let client = reqwest::Client::builder().no_proxy().build()?;
        Ok(Self {
            cfg,
            python,
            progress: Progress::new(parts),
            rt,
            client,
            pool: None,
            sections: Vec::new(),
        })
    }

    fn measure(&self, label: &str, f: impl FnMut() -> Result<u64>) -> Result<Measured> {
        self.progress.step(label);
        measure(self.cfg.warmup, self.cfg.runs, f).with_context(|| format!("mode {label}"))
    }

    /// Like `measure`, with at most 3 runs: for the many points of a sweep.
    fn measure_few(&self, label: &str, f: impl FnMut() -> Result<u64>) -> Result<Measured> {
        self.progress.step(label);
        measure(self.cfg.warmup, self.cfg.runs.min(3), f).with_context(|| format!("mode {label}"))
    }

    /// The CPU process pool (one worker per core), started on first use and reused.
    fn take_pool(&mut self) -> Result<ProcessPool> {
        match self.pool.take() {
            Some(p) => Ok(p),
            None => ProcessPool::new(self.cfg.cores),
        }
    }

    fn py(&self, script: &str, args: &[String]) -> Option<Value> {
        self.python.as_ref()?;
        self.progress.step(&format!("python3 {script}"));
        match python::run(script, args, Duration::from_secs(900)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.progress.print(&format!(
                    "warning: Python {script} failed, its columns are skipped: {e:#}\n"
                ));
                None
            }
        }
    }

    fn push(&mut self, mut section: Section) {
        // Other programs on the machine take cores away from the parallel modes: keep the
        // 1-minute load average (it counts this program's own busy threads too) with the figures.
        section.param("load_average_1min", load_average());
        if section.expected_checksum.is_some() {
            check_checksums(&mut section);
        } else {
            section.checksums_agree = true;
        }
        self.progress.print(&section.render());
        self.sections.push(section);
    }

    /// Runs one part.
    ///
    /// # Errors
    /// Any failure of a mode (including a checksum that changes between runs).
    pub fn run_part(&mut self, part: Part) -> Result<()> {
        match part {
            Part::Cpu => self.part_cpu(),
            Part::Io => self.part_io(),
            Part::Sweep => self.part_sweep(),
            Part::Sync => self.part_sync(),
            Part::Serialization => self.part_serialization(),
            Part::Spawn => self.part_spawn(),
            Part::Memory => self.part_memory(),
            Part::Python => self.part_threads_vs_processes(),
        }
    }

    fn part_cpu(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let chunks = cpu::chunks(cfg.cpu_n, cfg.cpu_chunks);
        let mut s = Section {
            id: "cpu".into(),
            title: format!(
                "CPU-bound: sum of 0..{} in {} chunks",
                cfg.cpu_n, cfg.cpu_chunks
            ),
            expected_checksum: Some(cpu::expected_sum(cfg.cpu_n)),
            bar_chart: true,
            ..Section::default()
        };
        s.param("n", cfg.cpu_n);
        s.param("chunks", cfg.cpu_chunks);
        s.param("cores", cfg.cores);
        let tasks = format!("{} tasks", chunks.len());
        let seq = self.measure("cpu sequential", || Ok(cpu::sequential(&chunks)))?;
        s.rows
            .push(Row::timed("sequential", "sequential", "1 thread", &seq));
        let m = self.measure("cpu threads", || cpu::threads(&chunks))?;
        s.rows.push(Row::timed(
            "threads",
            "std threads, one per task",
            format!("{tasks}, {} threads", chunks.len()),
            &m,
        ));
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.cores)
            .build()?;
        let m = self.measure("cpu rayon", || Ok(cpu::rayon_pool(&rayon, &chunks)))?;
        s.rows.push(Row::timed(
            "rayon",
            "rayon pool",
            format!("{tasks}, {} threads", cfg.cores),
            &m,
        ));
        let mut pool = self.take_pool()?;
        let m = self.measure("cpu process pool", || cpu::process_pool(&mut pool, &chunks));
        let workers = pool.size();
        self.pool = Some(pool);
        let mut row = Row::timed(
            "process_pool",
            "process pool",
            format!("{tasks}, {workers} processes"),
            &m?,
        );
        row.note = "pool started beforehand (see spawn)".into();
        s.rows.push(row);
        let mut worst = Duration::ZERO;
        let m = self.measure("cpu tokio spawn_blocking", || {
            let (sum, d) = cpu::tokio_spawn_blocking(&self.rt, &chunks)?;
            worst = worst.max(d.0);
            Ok(sum)
        })?;
        let mut row = Row::timed(
            "spawn_blocking",
            "tokio spawn_blocking",
            format!("{tasks}, blocking pool"),
            &m,
        );
        row.note = format!("5 ms ticker late by ≤ {}", ms_label(worst));
        let blocking_delay = worst;
        s.rows.push(row);
        let mut worst = Duration::ZERO;
        let m = self.measure("cpu tokio on runtime", || {
            let (sum, d) = cpu::tokio_on_runtime(&self.rt, &chunks)?;
            worst = worst.max(d.0);
            Ok(sum)
        })?;
        let mut row = Row::timed(
            "on_runtime",
            "tokio, work on the runtime",
            format!("{tasks}, {} workers", cfg.cores),
            &m,
        );
        row.note = format!(
            "5 ms ticker late by ≤ {} (runtime blocked)",
            ms_label(worst)
        );
        s.rows.push(row);
        let base = s.rows[0].median;
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
        }
        s.param(
            "ticker_delay_spawn_blocking_ms",
            blocking_delay.as_millis() as f64,
        );
        s.param("ticker_delay_on_runtime_ms", worst.as_millis() as f64);

        // Python: the same chunks of a smaller n; its time is scaled to the same work.
        let factor = cfg.cpu_n as f64 / cfg.py_cpu_n as f64;
        let args: Vec<String> = [
            "--n".into(),
            cfg.py_cpu_n.to_string(),
            "--chunks".into(),
            cfg.cpu_chunks.to_string(),
            "--workers".into(),
            cfg.cores.to_string(),
            "--runs".into(),
            cfg.runs.min(3).to_string(),
            "--warmup".into(),
            cfg.warmup.min(1).to_string(),
        ]
        .to_vec();
        if let Some(v) = self.py("cpu_bound.py", &args) {
            let expected = cpu::expected_sum(cfg.py_cpu_n);
            let py_seq = python::mode(&v, "sequential").map(|m| m.0);
            for (key, py_mode) in [
                ("sequential", "sequential"),
                ("threads", "threads"),
                ("rayon", "thread_pool"),
                ("process_pool", "processes"),
                ("spawn_blocking", "asyncio_to_thread"),
                ("on_runtime", "asyncio_direct"),
            ] {
                let Some((t, sum)) = python::mode(&v, py_mode) else {
                    continue;
                };
                if sum != Some(expected) {
                    bail!("Python {py_mode} returned checksum {sum:?}, expected {expected}");
                }
                if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                    r.with_python(py_mode, t * factor);
                    r.python_speedup = py_seq.map(|b| stats::speedup(b, t));
                }
            }
            s.param("python_n", cfg.py_cpu_n);
            s.notes.push(format!(
                "Python summed 0..{} (1/{factor:.0} of the work, same chunks) and its times are scaled ×{factor:.0} to the same work",
                cfg.py_cpu_n
            ));
        }
        s.table = timed_table(&s.rows, "Python (s)*", true);
        for (key, goal) in [("threads", 1.9), ("rayon", 1.9), ("process_pool", 1.8)] {
            if let Some(sp) = s.row(key).and_then(|r| r.speedup) {
                let claim = format!("CPU speedup of {key} on {} cores", cfg.cores);
                s.target(
                    &claim,
                    &format!("≥ {goal}×"),
                    format!("{sp:.2}×"),
                    sp >= goal,
                );
            }
        }
        if let Some(ratio) = s.row("sequential").and_then(|r| r.ratio) {
            s.target(
                "Rust vs Python, sequential CPU",
                "≥ 10×",
                format!("{ratio:.1}×"),
                ratio >= 10.0,
            );
        }
        self.push(s);
        Ok(())
    }

    fn part_io(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let server = io::Server::start()?;
        let n = cfg.io_tasks;
        let mut io_pool = ProcessPool::new(cfg.io_workers)?;
        for (id, kind, label) in [
            ("io_sleep", io::IoKind::Sleep(cfg.io_latency), "sleep"),
            (
                "io_http",
                io::IoKind::Http {
                    addr: server.addr(),
                    latency: cfg.io_latency,
                },
                "HTTP GET to a local axum server",
            ),
        ] {
            let lat = cfg.io_latency.as_secs_f64();
            let mut s = Section {
                id: id.into(),
                title: format!(
                    "I/O-bound: {n} tasks × {} {label}",
                    ms_label(cfg.io_latency)
                ),
                expected_checksum: Some(io::expected(n)),
                bar_chart: true,
                ..Section::default()
            };
            s.param("tasks", n);
            s.param("latency_s", lat);
            s.param("pool_workers", cfg.io_workers);
            let ideal = |workers: u64| (n.div_ceil(workers.max(1))) as f64 * lat;
            let w = cfg.io_workers as u64;
            self.progress.step(&format!("{id} sequential"));
            let m = measure(0, 1, || io::sequential(&kind, n)).context("sequential")?;
            s.rows
                .push(Row::timed("sequential", "sequential", "1 thread", &m));
            let m = self.measure(&format!("{id} threads"), || io::threads(&kind, n))?;
            s.rows.push(Row::timed(
                "threads",
                "std threads, one per task",
                format!("{n} threads"),
                &m,
            ));
            let m = self.measure(&format!("{id} pool"), || {
                io::thread_pool(&kind, n, cfg.io_workers)
            })?;
            s.rows.push(Row::timed(
                "thread_pool",
                "fixed thread pool",
                format!("{n} tasks, {w} threads"),
                &m,
            ));
            let m = self.measure(&format!("{id} processes"), || {
                io::processes(&mut io_pool, &kind, n)
            })?;
            s.rows.push(Row::timed(
                "process_pool",
                "process pool",
                format!("{n} tasks, {w} processes"),
                &m,
            ));
            let m = self.measure(&format!("{id} tokio"), || {
                io::tokio_tasks(&self.rt, &self.client, &kind, n)
            })?;
            s.rows.push(Row::timed(
                "tokio",
                "tokio tasks",
                format!("{n} tasks, {} workers", cfg.cores),
                &m,
            ));
            let base = s.rows[0].median;
            for r in &mut s.rows {
                r.against(base, cfg.cores, false);
                let workers = match r.key.as_str() {
                    "sequential" => 1,
                    "thread_pool" | "process_pool" => w,
                    _ => n,
                };
                r.note = format!(
                    "{:.2}× one latency (ideal {:.3} s)",
                    r.median / lat,
                    ideal(workers)
                );
            }
            s.rows[0].note.push_str(", 1 run");
            let mut args = vec![
                "--kind".to_owned(),
                if id == "io_sleep" { "sleep" } else { "http" }.to_owned(),
                "--addr".into(),
                server.addr().to_string(),
                "--latency-us".into(),
                cfg.io_latency.as_micros().to_string(),
                "--tasks".into(),
                n.to_string(),
                "--pool-workers".into(),
                cfg.io_workers.to_string(),
                "--runs".into(),
                cfg.runs.min(3).to_string(),
                "--warmup".into(),
                cfg.warmup.min(1).to_string(),
            ];
            args.extend(["--sequential-runs".into(), "1".into()]);
            if let Some(v) = self.py("io_bound.py", &args) {
                let py_seq = python::mode(&v, "sequential").map(|m| m.0);
                for (key, py_mode) in [
                    ("sequential", "sequential"),
                    ("threads", "threads"),
                    ("thread_pool", "thread_pool"),
                    ("process_pool", "processes"),
                    ("tokio", "asyncio"),
                ] {
                    let Some((t, sum)) = python::mode(&v, py_mode) else {
                        continue;
                    };
                    if sum != Some(io::expected(n)) {
                        bail!("Python {py_mode} returned checksum {sum:?}");
                    }
                    if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                        r.with_python(py_mode, t);
                        r.python_speedup = py_seq.map(|b| stats::speedup(b, t));
                    }
                }
            }
            s.table = timed_table(&s.rows, "Python (s)", false);
            for key in ["tokio", "threads"] {
                if let Some(r) = s.row(key) {
                    let x = r.median / lat;
                    let claim = format!("{n} × {} {label}, {key}", ms_label(cfg.io_latency));
                    s.target(&claim, "≤ 1.3 × one latency", format!("{x:.2}×"), x <= 1.3);
                }
            }
            self.push(s);
        }
        io_pool.shutdown()?;
        drop(server);
        Ok(())
    }

    fn part_sweep(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        // CPU: worker count 1..=2×cores.
        let chunks = cpu::chunks(cfg.cpu_n, cfg.cpu_chunks);
        let mut s = Section {
            id: "sweep_cpu".into(),
            title: format!(
                "Scaling: CPU work (sum of 0..{}) with 1..{} workers",
                cfg.cpu_n,
                2 * cfg.cores
            ),
            expected_checksum: Some(cpu::expected_sum(cfg.cpu_n)),
            ..Section::default()
        };
        s.param("n", cfg.cpu_n);
        s.param("chunks", cfg.cpu_chunks);
        let (mut ray, mut procs, mut ideal) = (Vec::new(), Vec::new(), Vec::new());
        for w in 1..=2 * cfg.cores {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(w).build()?;
            let m = self.measure_few(&format!("sweep rayon {w}"), || {
                Ok(cpu::rayon_pool(&pool, &chunks))
            })?;
            s.rows.push(Row::timed(
                &format!("rayon_{w}"),
                "rayon pool",
                format!("{w} threads"),
                &m,
            ));
            ray.push([w as f64, m.timing.median()]);
            let mut pp = ProcessPool::new(w)?;
            let m = self.measure_few(&format!("sweep processes {w}"), || {
                cpu::process_pool(&mut pp, &chunks)
            });
            pp.shutdown()?;
            let m = m?;
            s.rows.push(Row::timed(
                &format!("process_pool_{w}"),
                "process pool",
                format!("{w} processes"),
                &m,
            ));
            procs.push([w as f64, m.timing.median()]);
        }
        let base = ray.first().map_or(f64::NAN, |p| p[1]);
        for w in 1..=2 * cfg.cores {
            ideal.push([w as f64, base / w.min(cfg.cores) as f64]);
        }
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
        }
        s.notes.push(format!(
            "speedup is against the 1-thread pool; beyond {} workers there are no more cores to use",
            cfg.cores
        ));
        s.sweeps.push(Sweep {
            id: "sweep_cpu".into(),
            title: "CPU work: time vs workers".into(),
            x_label: "workers".into(),
            y_label: "seconds".into(),
            log_x: false,
            series: vec![
                SeriesOut {
                    name: "rayon pool".into(),
                    points: ray,
                },
                SeriesOut {
                    name: "process pool".into(),
                    points: procs,
                },
                SeriesOut {
                    name: "ideal (1/cores)".into(),
                    points: ideal,
                },
            ],
        });
        s.table = timed_table(&s.rows, "", true);
        self.push(s);

        // I/O: task count 10 → 100 000.
        let lat = cfg.sweep_latency.as_secs_f64();
        let kind = io::IoKind::Sleep(cfg.sweep_latency);
        let mut s = Section {
            id: "sweep_io".into(),
            title: format!("Scaling: N tasks × {} sleep", ms_label(cfg.sweep_latency)),
            ..Section::default()
        };
        s.param("latency_s", lat);
        s.param("counts", cfg.sweep_counts.clone());
        s.param("pool_workers", cfg.io_workers);
        let mut io_pool = ProcessPool::new(cfg.io_workers)?;
        let mut series: BTreeMap<&str, Vec<[f64; 2]>> = BTreeMap::new();
        let mut table = utilities::Table::new(["mode", "tasks", "time (s)", "× one latency"]);
        let mut all_agree = true;
        let sweep_runs = if cfg.quick { 1 } else { 2 };
        for &n in &cfg.sweep_counts {
            let mut modes: Vec<(&str, &str)> = Vec::new();
            if n <= cfg.sweep_threads_max {
                modes.push(("threads", "std threads, one per task"));
            }
            if n <= cfg.sweep_pool_max {
                modes.push(("thread_pool", "fixed thread pool"));
            }
            if n <= cfg.sweep_procs_max {
                modes.push(("process_pool", "process pool"));
            }
            modes.push(("tokio", "tokio tasks"));
            for (key, label) in modes {
                self.progress.step(&format!("sweep {key} {n}"));
                let m = measure(0, sweep_runs, || match key {
                    "threads" => io::threads(&kind, n),
                    "thread_pool" => io::thread_pool(&kind, n, cfg.io_workers),
                    "process_pool" => io::processes(&mut io_pool, &kind, n),
                    _ => io::tokio_tasks(&self.rt, &self.client, &kind, n),
                })
                .with_context(|| format!("sweep {key} {n}"))?;
                all_agree &= m.checksum == io::expected(n);
                let t = m.timing.median();
                series.entry(label).or_default().push([n as f64, t]);
                table.row([
                    label.to_owned(),
                    n.to_string(),
                    s3(t),
                    format!("{:.2}x", t / lat),
                ]);
                let mut row = Row::timed(&format!("{key}_{n}"), label, n.to_string(), &m);
                row.note = format!("{:.2}× one latency", t / lat);
                s.rows.push(row);
            }
            // Python beside: threads and asyncio for the same count.
            let mut py_modes = Vec::new();
            if n <= cfg.sweep_py_threads_max {
                py_modes.push("threads");
            }
            if n <= cfg.sweep_py_async_max {
                py_modes.push("asyncio");
            }
            if !py_modes.is_empty() {
                let args: Vec<String> = vec![
                    "--kind".into(),
                    "sleep".into(),
                    "--latency-us".into(),
                    cfg.sweep_latency.as_micros().to_string(),
                    "--tasks".into(),
                    n.to_string(),
                    "--runs".into(),
                    "1".into(),
                    "--warmup".into(),
                    "0".into(),
                    "--modes".into(),
                    py_modes.join(","),
                ];
                if let Some(v) = self.py("io_bound.py", &args) {
                    for (py_mode, label) in
                        [("threads", "Python threads"), ("asyncio", "Python asyncio")]
                    {
                        if let Some((t, _)) = python::mode(&v, py_mode) {
                            series.entry(label).or_default().push([n as f64, t]);
                            table.row([
                                label.to_owned(),
                                n.to_string(),
                                s3(t),
                                format!("{:.2}x", t / lat),
                            ]);
                        }
                    }
                }
            }
        }
        io_pool.shutdown()?;
        s.checksums_agree = all_agree;
        s.table = table.to_string();
        let max = cfg.sweep_counts.iter().copied().max().unwrap_or(0);
        if let Some(r) = s.row(&format!("tokio_{max}")) {
            let x = r.median / lat;
            let claim = format!("{max} tokio sleeps");
            s.target(&claim, "< 2 × one sleep", format!("{x:.2}×"), x < 2.0);
        }
        s.notes.push(format!(
            "pools keep {} workers, so their time grows as ceil(N/{})×latency; they stop at {} (threads at {}) to keep the run short",
            cfg.io_workers, cfg.io_workers, cfg.sweep_pool_max, cfg.sweep_threads_max
        ));
        s.sweeps.push(Sweep {
            id: "sweep_io".into(),
            title: format!(
                "I/O: time vs number of {} waits",
                ms_label(cfg.sweep_latency)
            ),
            x_label: "tasks (log scale)".into(),
            y_label: "seconds".into(),
            log_x: true,
            series: series
                .into_iter()
                .map(|(name, points)| SeriesOut {
                    name: name.to_owned(),
                    points,
                })
                .collect(),
        });
        self.push(s);
        Ok(())
    }

    fn part_sync(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let (t, per) = (cfg.cores, cfg.sync_per);
        let mut s = Section {
            id: "sync".into(),
            title: format!("Synchronisation: {t} threads × {per} additions to one total"),
            expected_checksum: Some(t as u64 * per),
            bar_chart: true,
            ..Section::default()
        };
        s.param("threads", t);
        s.param("per_thread", per);
        type Mode = fn(usize, u64) -> u64;
        let modes: [(&str, &str, Mode); 4] = [
            ("sequential", "one thread, no sharing", sync::sequential),
            ("mutex", "shared Mutex<u64>", sync::mutex),
            ("atomic", "shared AtomicU64", sync::atomic),
            ("local", "per-thread sums, merged", sync::local_sums),
        ];
        for (key, what, run) in modes {
            let workers = if key == "sequential" {
                "1 thread".to_owned()
            } else {
                format!("{t} threads")
            };
            let m = self.measure(&format!("sync {key}"), || Ok(run(t, per)))?;
            s.rows.push(Row::timed(key, what, workers, &m));
        }
        let base = s.rows[0].median;
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
            r.note = format!(
                "{:.1} ns per addition",
                r.median * 1e9 / (t as f64 * per as f64)
            );
        }
        let factor = per as f64 / cfg.py_sync_per as f64;
        let args: Vec<String> = vec![
            "--threads".into(),
            t.to_string(),
            "--per".into(),
            cfg.py_sync_per.to_string(),
            "--runs".into(),
            cfg.runs.min(3).to_string(),
            "--warmup".into(),
            cfg.warmup.min(1).to_string(),
        ];
        if let Some(v) = self.py("sync_overhead.py", &args) {
            let py_seq = python::mode(&v, "sequential").map(|m| m.0);
            for key in ["sequential", "mutex", "local"] {
                if let Some((py_t, sum)) = python::mode(&v, key) {
                    if sum != Some(t as u64 * cfg.py_sync_per) {
                        bail!("Python sync {key} returned {sum:?}");
                    }
                    if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                        r.with_python(
                            if key == "mutex" {
                                "threading.Lock"
                            } else {
                                key
                            },
                            py_t * factor,
                        );
                        r.python_speedup = py_seq.map(|b| stats::speedup(b, py_t));
                    }
                }
            }
            s.notes.push(format!(
                "Python did {} additions per thread (×{factor:.0} scaled); it has no atomic integer",
                cfg.py_sync_per
            ));
        }
        if let (Some(mx), Some(at), Some(lo)) = (s.row("mutex"), s.row("atomic"), s.row("local")) {
            let ordered = mx.median > at.median && at.median > lo.median;
            let measured = format!(
                "{:.3} s > {:.3} s > {:.3} s",
                mx.median, at.median, lo.median
            );
            s.target(
                "mutex > atomic > local sums (time)",
                "ordered",
                measured,
                ordered,
            );
        }
        s.table = timed_table(&s.rows, "Python (s)*", true);
        self.push(s);
        Ok(())
    }

    fn part_serialization(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "serialization".into(),
            title: format!(
                "Serialisation: {} jobs × payload, light ({}) or heavy ({}) work per job",
                cfg.ser_tasks, cfg.ser_work_light, cfg.ser_work
            ),
            ..Section::default()
        };
        s.param("tasks", cfg.ser_tasks);
        s.param("work_light", cfg.ser_work_light);
        s.param("work_heavy", cfg.ser_work);
        s.param("sizes", cfg.ser_sizes.clone());
        let sizes: Vec<usize> = cfg
            .ser_sizes
            .iter()
            .copied()
            .filter(|&b| b <= crate::procpool::MAX_JOB_BYTES)
            .collect();
        let mut pool = self.take_pool()?;
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.cores)
            .build()?;
        let mut table = utilities::Table::new([
            "payload",
            "work",
            "mode",
            "median (s)",
            "min (s)",
            "vs sequential",
            "sent per run",
        ]);
        let mut series: BTreeMap<String, Vec<[f64; 2]>> = BTreeMap::new();
        let mut agree = true;
        let mut pool_speedups: BTreeMap<&str, Vec<(usize, f64)>> = BTreeMap::new();
        let works = [("light", cfg.ser_work_light), ("heavy", cfg.ser_work)];
        let result = (|| -> Result<()> {
            for &size in &sizes {
                let data = serialization::payloads(cfg.ser_tasks, size);
                let shared = serialization::SharedPayloads::new(&data)?;
                let label = size_label(size);
                for (regime, work) in works {
                    let copied = serialization::bytes_per_run(&data, work)?;
                    let want = serialization::sequential(&data, work);
                    let mut seq_t = f64::NAN;
                    for (key, mode) in [
                        ("sequential", "sequential"),
                        ("threads", "rayon threads (borrow)"),
                        ("process_pool", "process pool (copy)"),
                        ("shared_memory", "process pool + shared memory"),
                    ] {
                        let m = self.measure_few(
                            &format!("serialization {key} {label} {regime}"),
                            || match key {
                                "sequential" => Ok(serialization::sequential(&data, work)),
                                "threads" => Ok(serialization::threads(&rayon, &data, work)),
                                "process_pool" => {
                                    serialization::process_pool(&mut pool, &data, work)
                                }
                                _ => serialization::shared_memory(&mut pool, &shared, work),
                            },
                        )?;
                        let sent = match key {
                            "process_pool" => copied.0,
                            "shared_memory" => copied.1,
                            _ => 0,
                        };
                        agree &= m.checksum == want;
                        let t = m.timing.median();
                        if key == "sequential" {
                            seq_t = t;
                        } else {
                            let short = match key {
                                "threads" => "threads",
                                "process_pool" => "pool (copy)",
                                _ => "pool (shm)",
                            };
                            series
                                .entry(format!("{short}, {regime}"))
                                .or_default()
                                .push([size as f64, stats::speedup(seq_t, t)]);
                        }
                        let sp = stats::speedup(seq_t, t);
                        if key == "process_pool" {
                            pool_speedups.entry(regime).or_default().push((size, sp));
                        }
                        table.row([
                            label.clone(),
                            regime.to_owned(),
                            mode.to_owned(),
                            s3(t),
                            s3(m.timing.min()),
                            format!("{sp:.2}x"),
                            size_label(sent),
                        ]);
                        let mut row =
                            Row::timed(&format!("{key}_{regime}_{size}"), mode, label.clone(), &m);
                        row.speedup = Some(sp);
                        row.note = format!("{regime} work; {sent} bytes sent to workers per run");
                        s.rows.push(row);
                    }
                }
            }
            Ok(())
        })();
        self.pool = Some(pool);
        result?;
        s.checksums_agree = agree;
        s.table = table.to_string();
        let size_list: Vec<String> = sizes.iter().map(ToString::to_string).collect();
        let args: Vec<String> = vec![
            "--tasks".into(),
            cfg.ser_tasks.to_string(),
            "--sizes".into(),
            size_list.join(","),
            "--works".into(),
            format!("{},{}", cfg.py_ser_work_light, cfg.py_ser_work),
            "--workers".into(),
            cfg.cores.to_string(),
            "--runs".into(),
            cfg.runs.min(3).to_string(),
            "--warmup".into(),
            cfg.warmup.min(1).to_string(),
        ];
        if let Some(v) = self.py("serialization.py", &args) {
            let mut t = utilities::Table::new([
                "payload",
                "work",
                "Python sequential (s)",
                "Python Pool.map (s)",
                "vs sequential",
            ]);
            for &size in &sizes {
                let data = serialization::payloads(cfg.ser_tasks, size);
                for (regime, work) in [("light", cfg.py_ser_work_light), ("heavy", cfg.py_ser_work)]
                {
                    let want = serialization::sequential(&data, work);
                    let seq = python::mode(&v, &format!("sequential@{size}@{work}"));
                    let pooled = python::mode(&v, &format!("processes@{size}@{work}"));
                    if let (Some((a, ca)), Some((b, cb))) = (seq, pooled) {
                        if ca != Some(want) || cb != Some(want) {
                            bail!("Python serialization checksum mismatch at {size} bytes");
                        }
                        let sp = stats::speedup(a, b);
                        t.row([
                            size_label(size),
                            regime.to_owned(),
                            s3(a),
                            s3(b),
                            format!("{sp:.2}x"),
                        ]);
                        series
                            .entry(format!("Python pool, {regime}"))
                            .or_default()
                            .push([size as f64, sp]);
                    }
                }
            }
            s.table.push_str(&format!(
                "\nPython, same payloads (pickled bytes), light = {} and heavy = {} loop iterations per job:\n{t}",
                cfg.py_ser_work_light, cfg.py_ser_work
            ));
        }
        for (regime, speedups) in &pool_speedups {
            s.notes.push(format!(
                "{regime} work: {}",
                serialization::crossover_note(speedups)
            ));
        }
        s.notes.push(
            "shared memory sends only (offset, length): the data is written once into a /dev/shm file that workers map"
                .into(),
        );
        s.sweeps.push(Sweep {
            id: "serialization".into(),
            title: "Speedup over sequential vs payload size per job (1.0 = break-even)".into(),
            x_label: "payload bytes per job (log scale)".into(),
            y_label: "speedup over sequential".into(),
            log_x: true,
            series: series
                .into_iter()
                .map(|(name, points)| SeriesOut { name, points })
                .collect(),
        });
        self.push(s);
        Ok(())
    }

    fn part_spawn(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "spawn".into(),
            title: "Spawn cost: start one worker and wait for it".into(),
            bar_chart: true,
            ..Section::default()
        };
        let per = |label: &str, key: &str, n: u64, m: &Measured| {
            let mut r = Row::timed(key, label, n.to_string(), m);
            for x in &mut r.samples {
                *x = *x / n as f64 * 1e6;
            }
            r.median = stats::median(&r.samples);
            r.min = stats::min(&r.samples);
            r.unit = "µs".into();
            r
        };
        let m = self.measure("spawn threads", || spawn::threads(cfg.spawn_threads))?;
        s.rows.push(per(
            "std thread spawn + join",
            "thread",
            cfg.spawn_threads,
            &m,
        ));
        let m = self.measure("spawn tokio", || {
            spawn::tokio_tasks(&self.rt, cfg.spawn_tasks)
        })?;
        s.rows
            .push(per("tokio::spawn + await", "task", cfg.spawn_tasks, &m));
        let m = self.measure("spawn fork", || spawn::fork(cfg.spawn_forks))?;
        let mut row = per("fork + waitpid", "fork", cfg.spawn_forks, &m);
        // fork copies the parent's page tables: its cost grows with the parent's memory.
        row.note = format!("parent RSS {} MiB", memory::rss_kib().unwrap_or(0) / 1024);
        s.rows.push(row);
        let m = self.measure("spawn re-exec", || spawn::reexec(cfg.spawn_execs))?;
        s.rows.push(per(
            "re-exec this binary + wait",
            "process",
            cfg.spawn_execs,
            &m,
        ));
        let pools = if cfg.quick { 1 } else { 5 };
        let m = self.measure("spawn pool", || {
            for _ in 0..pools {
                ProcessPool::new(cfg.cores)?.shutdown()?;
            }
            Ok(pools)
        })?;
        let mut row = per(
            &format!("process pool of {} start + stop", cfg.cores),
            "pool",
            pools,
            &m,
        );
        row.note = "once per pool, not per task".into();
        s.rows.push(row);
        let args: Vec<String> = vec![
            "spawn".into(),
            "--threads".into(),
            cfg.spawn_threads.to_string(),
            "--processes".into(),
            cfg.py_spawn_processes.to_string(),
            "--tasks".into(),
            cfg.spawn_tasks.to_string(),
        ];
        if let Some(v) = self.py("spawn_memory.py", &args) {
            for (key, py_mode, label) in [
                ("thread", "thread", "threading.Thread"),
                ("task", "task", "asyncio task"),
                ("fork", "process", "multiprocessing.Process (fork)"),
            ] {
                if let (Some((t, _)), Some(r)) = (
                    python::mode(&v, py_mode),
                    s.rows.iter_mut().find(|r| r.key == key),
                ) {
                    r.with_python(label, t * 1e6);
                }
            }
            s.notes.push(format!(
                "Python columns: {} threading.Thread, {} multiprocessing.Process (start method {}), {} asyncio tasks",
                cfg.spawn_threads,
                cfg.py_spawn_processes,
                v.get("start_method").and_then(Value::as_str).unwrap_or("?"),
                cfg.spawn_tasks
            ));
        }
        let thread = s.row("thread").map_or(f64::NAN, |r| r.median);
        let mut t = utilities::Table::new([
            "worker",
            "started",
            "median (µs)",
            "min (µs)",
            "vs thread",
            "Python (µs)",
            "Python/Rust",
            "note",
        ]);
        for r in &s.rows {
            let python = r
                .python
                .map_or_else(|| "-".to_owned(), |x| format!("{x:.1}"));
            t.row([
                r.mode.clone(),
                r.workers.clone(),
                format!("{:.1}", r.median),
                format!("{:.1}", r.min),
                format!("{:.2}x", r.median / thread),
                python,
                times(r.ratio),
                r.note.clone(),
            ]);
        }
        s.table = t.to_string();
        if let (Some(p), Some(th), Some(k)) = (s.row("process"), s.row("thread"), s.row("task")) {
            let ok = p.median > th.median && th.median > k.median;
            let measured = format!(
                "{:.0} µs > {:.1} µs > {:.2} µs",
                p.median, th.median, k.median
            );
            s.target("process ≫ thread ≫ task", "ordered", measured, ok);
        }
        self.push(s);
        Ok(())
    }

    fn part_memory(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "memory".into(),
            title: "Memory per idle worker (resident set size from /proc)".into(),
            bar_chart: false,
            ..Section::default()
        };
        self.progress.step("memory threads");
        let (thread, thread_virt) = memory::per_thread(cfg.mem_threads)?;
        self.progress.step("memory tasks");
        let task = memory::per_task(&self.rt, cfg.mem_tasks)?;
        self.progress.step("memory processes");
        let (proc_rss, proc_pss) = memory::per_process(cfg.mem_procs)?;
        let row = |key: &str, mode: &str, n: usize, kib: f64, note: &str| Row {
            key: key.into(),
            mode: mode.into(),
            workers: n.to_string(),
            runs: 1,
            median: kib,
            min: kib,
            samples: vec![kib],
            unit: "KiB".into(),
            note: note.into(),
            ..Row::default()
        };
        s.rows.push(row(
            "thread",
            "idle std thread",
            cfg.mem_threads,
            thread,
            &format!("{thread_virt:.0} KiB of address space reserved (stack)"),
        ));
        s.rows.push(row(
            "task",
            "idle tokio task",
            cfg.mem_tasks,
            task,
            "one heap allocation",
        ));
        s.rows.push(row(
            "process_rss",
            "idle process (RSS)",
            cfg.mem_procs,
            proc_rss,
            "counts shared library pages",
        ));
        s.rows.push(row(
            "process_pss",
            "idle process (PSS)",
            cfg.mem_procs,
            proc_pss,
            "shared pages divided among sharers",
        ));
        let args: Vec<String> = vec![
            "memory".into(),
            "--threads".into(),
            cfg.mem_threads.to_string(),
            "--tasks".into(),
            cfg.mem_tasks.min(100_000).to_string(),
            "--processes".into(),
            cfg.mem_procs.to_string(),
        ];
        if let Some(v) = self.py("spawn_memory.py", &args) {
            for (key, field, label) in [
                ("thread", "per_thread_kib", "threading.Thread"),
                ("task", "per_task_kib", "asyncio task"),
                (
                    "process_rss",
                    "per_process_rss_kib",
                    "multiprocessing.Process",
                ),
                (
                    "process_pss",
                    "per_process_pss_kib",
                    "multiprocessing.Process",
                ),
            ] {
                if let (Some(x), Some(r)) = (
                    python::number(&v, field),
                    s.rows.iter_mut().find(|r| r.key == key),
                ) {
                    r.with_python(label, x);
                }
            }
        }
        let mut t = utilities::Table::new([
            "worker",
            "count",
            "KiB each",
            "Python KiB each",
            "Python/Rust",
            "note",
        ]);
        for r in &s.rows {
            t.row([
                r.mode.clone(),
                r.workers.clone(),
                format!("{:.1}", r.median),
                r.python.map_or_else(|| "-".into(), |x| format!("{x:.1}")),
                times(r.ratio),
                r.note.clone(),
            ]);
        }
        s.table = t.to_string();
        s.notes.push(
            "the seed's \"~8 MB per thread\" is the default stack *reservation* (virtual); resident memory is what the touched pages cost".into(),
        );
        self.push(s);
        Ok(())
    }

    fn part_threads_vs_processes(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let n = cfg.tvp_n;
        let mut s = Section {
            id: "threads_vs_processes".into(),
            title: format!(
                "Threads vs processes: 2 workers × {n} additions (001 threads_vs_processes_demo.py)"
            ),
            expected_checksum: Some(cpu::expected_sum(n).wrapping_mul(2)),
            bar_chart: true,
            ..Section::default()
        };
        s.param("n", n);
        // Rust's side takes milliseconds, so it gets more runs than the other parts: a median of
        // many short runs is steadier on a busy machine.
        let (warm, runs) = (self.cfg.warmup.max(2), (self.cfg.runs * 4).max(3));
        self.progress.step("threads vs processes");
        let m = measure(warm, runs, || {
            Ok(cpu::sum_range(0, n).wrapping_add(cpu::sum_range(0, n)))
        })?;
        s.rows.push(Row::timed(
            "sequential",
            "sequential (two calls)",
            "1 thread",
            &m,
        ));
        let two = [(0, n), (0, n)];
        let m = measure(warm, runs, || cpu::threads(&two))?;
        s.rows
            .push(Row::timed("threads", "2 threads", "2 threads", &m));
        let m = measure(warm, runs, || {
            // Like the seed: the processes are started inside the timed block.
            let mut pool = ProcessPool::new(2)?;
            let sum = cpu::process_pool(&mut pool, &two)?;
            pool.shutdown()?;
            Ok(sum)
        })?;
        let mut row = Row::timed("processes", "2 processes", "2 processes", &m);
        row.note = "includes starting both processes, as in the seed".into();
        s.rows.push(row);
        let base = s.rows[0].median;
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
        }
        let repeat = if cfg.quick { 1 } else { 3 };
        let args: Vec<String> = vec![
            "--n".into(),
            n.to_string(),
            "--json".into(),
            "--repeat".into(),
            repeat.to_string(),
        ];
        if let Some(v) = self.py("threads_vs_processes_demo.py", &args) {
            let py_seq = python::mode(&v, "sequential").map(|m| m.0);
            for key in ["sequential", "threads", "processes"] {
                if let (Some((t, _)), Some(r)) = (
                    python::mode(&v, key),
                    s.rows.iter_mut().find(|r| r.key == key),
                ) {
                    r.with_python(key, t);
                    r.python_speedup = py_seq.map(|b| stats::speedup(b, t));
                }
            }
        }
        s.table = timed_table(&s.rows, "Python (s)", true);
        if let Some(ratio) = s.row("sequential").and_then(|r| r.ratio) {
            s.target(
                "Rust vs Python, same loop",
                "≥ 10×",
                format!("{ratio:.1}×"),
                ratio >= 10.0,
            );
        }
        if let Some(p) = s.row("threads").and_then(|r| r.python_speedup) {
            let claim = "Python threads ≈ sequential (the GIL)";
            s.target(claim, "≤ 1.2×", format!("{p:.2}×"), p <= 1.2);
        }
        s.notes.push(
            "Rust does the seed's 2 × 10 000 000 additions in milliseconds, as fast as starting the workers and \
             moving a new thread to the other core: see the CPU table for Rust's speedup on work worth measuring"
                .into(),
        );
        self.push(s);
        Ok(())
    }

    fn verdict(&self) -> String {
        let sec = |id: &str| self.sections.iter().find(|s| s.id == id);
        let mut parts = Vec::new();
        let cores = self.cfg.cores;
        if let Some(s) = sec("cpu") {
            let sp = |k: &str| s.row(k).and_then(|r| r.speedup).unwrap_or(f64::NAN);
            let delay = s
                .params
                .get("ticker_delay_on_runtime_ms")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            let mut text = format!(
                "On this {cores}-core machine CPU-bound work ran at {:.2}× the sequential speed with one thread per task, {:.2}× with a rayon pool and {:.2}× with the process pool (the ceiling is {cores}×); tokio's spawn_blocking gave {:.2}×, and doing the same work directly on the runtime gave {:.2}× but held a 5 ms ticker up for {delay:.0} ms, which is why CPU work does not belong on async workers",
                sp("threads"),
                sp("rayon"),
                sp("process_pool"),
                sp("spawn_blocking"),
                sp("on_runtime"),
            );
            if let Some(r) = s.row("sequential").and_then(|r| r.ratio) {
                let py_threads = s
                    .row("threads")
                    .and_then(|r| r.python_speedup)
                    .unwrap_or(f64::NAN);
                text.push_str(&format!(
                    ", while Python was {r:.0}× slower sequentially and its threads reached only {py_threads:.2}× (the GIL)"
                ));
            }
            parts.push(text + ".");
        }
        if let Some(s) = sec("io_http").or_else(|| sec("io_sleep")) {
            let lat = s
                .params
                .get("latency_s")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
            parts.push(format!(
                "For waiting, {} tasks of {:.0} ms took {:.2} s one after another but {:.2} s with tokio tasks and {:.2} s with one thread each ({:.2}× and {:.2}× one latency); fixed pools are bounded by their worker count ({:.2} s threads, {:.2} s processes).",
                s.params.get("tasks").and_then(Value::as_u64).unwrap_or(0),
                lat * 1e3,
                t("sequential"),
                t("tokio"),
                t("threads"),
                t("tokio") / lat,
                t("threads") / lat,
                t("thread_pool"),
                t("process_pool"),
            ));
        }
        if let Some(s) = sec("sweep_io") {
            let lat = s
                .params
                .get("latency_s")
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN);
            let max_tokio = s
                .rows
                .iter()
                .filter(|r| r.key.starts_with("tokio_"))
                .max_by_key(|r| r.workers.parse::<u64>().unwrap_or(0));
            let max_threads = s
                .rows
                .iter()
                .filter(|r| r.key.starts_with("threads_"))
                .max_by_key(|r| r.workers.parse::<u64>().unwrap_or(0));
            if let (Some(k), Some(th)) = (max_tokio, max_threads) {
                parts.push(format!(
                    "Scaling up, {} tokio sleeps finished in {:.2}× one sleep and {} threads in {:.2}×.",
                    k.workers,
                    k.median / lat,
                    th.workers,
                    th.median / lat
                ));
            }
        }
        if let Some(s) = sec("spawn") {
            let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
            parts.push(format!(
                "Starting a worker cost {:.1} µs for a thread, {:.2} µs for a tokio task and {:.0} µs for a process (re-exec), {:.0} µs with a bare fork.",
                t("thread"),
                t("task"),
                t("process"),
                t("fork")
            ));
        }
        if let Some(s) = sec("memory") {
            let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
            parts.push(format!(
                "An idle thread kept {:.0} KiB resident, an idle task {:.2} KiB and an idle process {:.0} KiB (PSS).",
                t("thread"),
                t("task"),
                t("process_pss")
            ));
        }
        if let Some(s) = sec("sync") {
            let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
            parts.push(format!(
                "Sharing one counter cost {:.1} ms behind a Mutex and {:.1} ms as an atomic, against {:.1} ms for per-thread sums merged at the end.",
                t("mutex") * 1e3,
                t("atomic") * 1e3,
                t("local") * 1e3
            ));
        }
        if let Some(s) = sec("serialization") {
            let notes: Vec<&str> = s
                .notes
                .iter()
                .filter(|n| n.contains(" work: "))
                .map(String::as_str)
                .collect();
            if !notes.is_empty() {
                parts.push(format!("Process pools and data: {}.", notes.join("; ")));
            }
        }
        let missed: Vec<String> = self
            .sections
            .iter()
            .flat_map(|s| s.targets.iter())
            .filter(|t| !t.met)
            .map(|t| t.claim.clone())
            .collect();
        if missed.is_empty() {
            parts.push("Every performance target was met on this run.".into());
        } else {
            parts.push(format!(
                "Targets missed on this run: {}.",
                missed.join("; ")
            ));
        }
        parts.join(" ")
    }

    /// Finishes: verdict, JSON and SVG files.
    ///
    /// # Errors
    /// I/O errors while writing the files.
    pub fn finish(mut self, parts: &[Part], args: &Args, started: Instant) -> Result<bool> {
        if let Some(pool) = self.pool.take() {
            pool.shutdown()?;
        }
        self.progress.bar.finish_and_clear();
        let verdict = self.verdict();
        println!("\n== Verdict ==\n{verdict}");
        let all_agree = self.sections.iter().all(|s| s.checksums_agree);
        let report = Report {
            tool: "comparison".into(),
            parts: parts.iter().map(|p| p.name().to_owned()).collect(),
            quick: self.cfg.quick,
            time_scale: utilities::time_scale(),
            runs: self.cfg.runs,
            warmup: self.cfg.warmup,
            machine: Machine::detect(self.python.clone()),
            sections: std::mem::take(&mut self.sections),
            all_checksums_agree: all_agree,
            verdict,
            wall_seconds: started.elapsed().as_secs_f64(),
        };
        println!(
            "\nmachine: {} cores, {}, {}, {} MiB, {} build, {}{}",
            report.machine.cores,
            report.machine.cpu,
            report.machine.os,
            report.machine.memory_mib,
            report.machine.build_profile,
            report.machine.rustc,
            report
                .machine
                .python
                .as_ref()
                .map_or_else(String::new, |v| format!(", Python {v}")),
        );
        if let Some(path) = &args.json {
            report.write_json(path)?;
            println!("JSON written to {}", path.display());
        }
        if let Some(dir) = &args.svg {
            let files = report.write_svgs(dir)?;
            println!("{} SVG charts written to {}", files.len(), dir.display());
        }
        if all_agree {
            println!("All checksums agree.");
        } else {
            eprintln!(
                "CHECKSUM MISMATCH: some mode computed a different result (see the tables above)"
            );
        }
        Ok(all_agree)
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

    fn row(key: &str, checksum: u64) -> Row {
        Row {
            key: key.into(),
            checksum: Some(checksum),
            ..Row::default()
        }
    }

    #[test]
    fn a_mode_with_another_checksum_fails_the_section() {
        let mut s = Section {
            expected_checksum: Some(45),
            rows: vec![row("sequential", 45), row("threads", 45)],
            ..Section::default()
        };
        check_checksums(&mut s);
        assert!(s.checksums_agree);
        s.rows.push(row("rayon", 44));
        check_checksums(&mut s);
        assert!(!s.checksums_agree);
        assert!(s.render().contains("MISMATCH"));
    }

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
