//! CPU-bound work six ways (`c02`): sequential, threads, rayon, the process pool, `spawn_blocking` and work on the runtime, with Python beside.

use std::time::Duration;

use anyhow::{Result, bail};

use crate::bench::{Bench, ms_label, timed_table};
use crate::report::{Row, Section};
use crate::stats::{self};
use crate::{cpu, python};

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
}
