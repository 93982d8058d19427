//! CPU-bound work six ways (`c02`): sequential, threads, rayon, the process pool, `spawn_blocking`
//! and work on the runtime, measured in interleaved rounds with CPU time per sample, Python
//! beside.

use std::cell::Cell;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::bench::{Bench, PyRounds, ms_label, timed_table};
use crate::cpu;
use crate::measure::{Mode, Status, capacity_short};
use crate::report::{Row, Section};

/// The course's goal for a parallel CPU speedup on 2 cores (threads and processes alike).
pub const CPU_SPEEDUP_GOAL: f64 = 1.9;

impl Bench {
    pub(crate) fn part_cpu(&mut self) -> Result<()> {
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
        s.param("rounds", cfg.runs);
        let tasks = format!("{} tasks", chunks.len());
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.cores)
            .build()?;
        let pool = self.take_pool()?;
        let (blocking_delay, runtime_delay) =
            (Cell::new(Duration::ZERO), Cell::new(Duration::ZERO));
        let par = cfg.cores as f64;
        // Python: the same loop and chunks, one run of every Python mode per round after the
        // Rust modes. Its full size would take far more than a minute (about 100× Rust's
        // time), so it sums 0..python_n and the time is scaled to the same work, and the table
        // says so.
        let factor = cfg.cpu_n as f64 / cfg.py_cpu_n as f64;
        let py_args = PyRounds::args(&[
            ("n", cfg.py_cpu_n.to_string()),
            ("chunks", cfg.cpu_chunks.to_string()),
            ("workers", cfg.cores.to_string()),
        ]);
        let py_rounds = PyRounds::new();
        let capacity = std::cell::RefCell::new(Vec::new());
        let series = {
            let (chunks, rt, pool) = (&chunks, &self.rt, &pool);
            let mut modes = vec![
                Mode::new("sequential", 1.0, || Ok(cpu::sequential(chunks))),
                Mode::new("threads", par, || cpu::threads(chunks)),
                Mode::new("rayon", par, || Ok(cpu::rayon_pool(&rayon, chunks))),
                Mode::new("process_pool", par, || cpu::process_pool(pool, chunks))
                    .with_pids(|| pool.pids()),
                Mode::new("spawn_blocking", par, || {
                    let (sum, d) = cpu::tokio_spawn_blocking(rt, chunks)?;
                    blocking_delay.set(blocking_delay.get().max(d.0));
                    Ok(sum)
                }),
                Mode::new("on_runtime", par, || {
                    let (sum, d) = cpu::tokio_on_runtime(rt, chunks)?;
                    runtime_delay.set(runtime_delay.get().max(d.0));
                    Ok(sum)
                }),
            ];
            // what the machine can deliver right now: a miss below it is the machine's
            modes.push(self.capacity_mode(&capacity));
            modes.extend(self.py_mode(&py_rounds, "cpu_bound.py", |_| py_args.clone()));
            self.rounds("cpu", cfg.runs, &mut modes)
        };
        let workers = pool.size();
        self.pool = Some(pool);
        let series = series?;
        let what = [
            ("sequential", "1 thread".to_owned()),
            (
                "std threads, one per task",
                format!("{tasks}, {} threads", chunks.len()),
            ),
            ("rayon pool", format!("{tasks}, {} threads", cfg.cores)),
            ("process pool", format!("{tasks}, {workers} processes")),
            ("tokio spawn_blocking", format!("{tasks}, blocking pool")),
            (
                "tokio, work on the runtime",
                format!("{tasks}, {} workers", cfg.cores),
            ),
        ];
        for (se, (mode, workers)) in series.iter().zip(what) {
            let mut row = Row::from_series(mode, workers, se);
            row.paired(&series[0], se, cfg.cores);
            s.rows.push(row);
        }
        let (blocking_delay, worst) = (blocking_delay.get(), runtime_delay.get());
        for r in &mut s.rows {
            r.note = match r.key.as_str() {
                "process_pool" => "pool started beforehand (see spawn)".into(),
                "spawn_blocking" => format!("5 ms ticker late by ≤ {}", ms_label(blocking_delay)),
                "on_runtime" => format!(
                    "5 ms ticker late by ≤ {} (runtime blocked)",
                    ms_label(worst)
                ),
                _ => String::new(),
            };
        }
        s.param(
            "ticker_delay_spawn_blocking_ms",
            blocking_delay.as_millis() as f64,
        );
        s.param("ticker_delay_on_runtime_ms", worst.as_millis() as f64);

        if let Some(runs) = py_rounds.measured(cfg.warmup) {
            let expected = cpu::expected_sum(cfg.py_cpu_n);
            let py_seq = PyRounds::series(&runs, "sequential", factor).map(|p| p.0);
            for (i, (key, py_mode)) in [
                ("sequential", "sequential"),
                ("threads", "threads"),
                ("rayon", "thread_pool"),
                ("process_pool", "processes"),
                ("spawn_blocking", "asyncio_to_thread"),
                ("on_runtime", "asyncio_direct"),
            ]
            .into_iter()
            .enumerate()
            {
                let Some((py, sum)) = PyRounds::series(&runs, py_mode, factor) else {
                    continue;
                };
                if sum != Some(expected) {
                    bail!("Python {py_mode} returned checksum {sum:?}, expected {expected}");
                }
                if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                    r.with_python_rounds(py_mode, &py, &series[i], py_seq.as_ref());
                }
            }
            s.param("python_n", cfg.py_cpu_n);
            s.param("python_extrapolated_by", factor);
            if factor > 1.0 + 1e-9 {
                s.notes.push(format!(
                    "Python* is extrapolated: Python summed 0..{} (1/{factor:.0} of the work, same chunks and loop body, one run per round after the Rust modes) and its times are scaled ×{factor:.0}; the full size would take about {:.0} s per mode",
                    cfg.py_cpu_n,
                    py_seq.as_ref().map_or(f64::NAN, crate::measure::Series::median)
                ));
            }
        }
        let capacity: Vec<f64> = capacity.into_inner().into_iter().skip(cfg.warmup).collect();
        s.param("parallel_capacity", crate::stats::median(&capacity));
        s.table = timed_table(&s.rows, "Python*", true);
        for key in ["threads", "rayon", "process_pool"] {
            if let Some(r) = s.row(key) {
                let sp = r.speedup.unwrap_or(f64::NAN);
                let measured = r
                    .speedup_spread
                    .map_or_else(|| format!("{sp:.2}×"), |x| x.times());
                let claim = format!("CPU speedup of {key} vs sequential on {} cores", cfg.cores);
                let status = r
                    .status(sp >= CPU_SPEEDUP_GOAL)
                    .unless_machine_short(capacity_short(CPU_SPEEDUP_GOAL, cfg.cores, &capacity));
                s.target(&claim, &format!("≥ {CPU_SPEEDUP_GOAL}×"), measured, status);
            }
        }
        if let Some((ratio, text)) = s
            .row("sequential")
            .and_then(|r| Some((r.ratio?, r.ratio_text())))
        {
            s.target(
                "Rust vs Python, sequential CPU",
                "≥ 10×",
                text,
                Status::judge(ratio >= 10.0, None, None),
            );
        }
        self.push(s);
        Ok(())
    }
}
