//! I/O-bound work (`c01`): sleeps and HTTP requests to a local server, five ways, with Python beside.

use anyhow::{Context, Result, bail};

use crate::bench::{Bench, ms_label, timed_table};
use crate::measure::Status;
use crate::procpool::ProcessPool;
use crate::report::{Row, Section};
use crate::stats::{self, measure};
use crate::{io, python};

impl Bench {
    pub(crate) fn part_io(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let server = io::Server::start()?;
        let n = cfg.io_tasks;
        let io_pool = ProcessPool::new(cfg.io_workers)?;
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
                io::processes(&io_pool, &kind, n)
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
            // Waiting needs no cores, but waking 100 waiters on time does: a machine that cannot
            // give this program its cores makes a missed goal inconclusive.
            let got = crate::measure::probe_cores(cfg.cores, 50);
            s.param("probe_cores_got", got);
            let busy = crate::measure::classify(got, cfg.cores as f64, cfg.cores);
            for key in ["tokio", "threads"] {
                if let Some(r) = s.row(key) {
                    let x = r.median / lat;
                    let claim = format!("{n} × {} {label}, {key}", ms_label(cfg.io_latency));
                    s.target(
                        &claim,
                        "≤ 1.3 × one latency",
                        format!("{x:.2}×"),
                        Status::judge(x <= 1.3, busy, None),
                    );
                }
            }
            self.push(s);
        }
        io_pool.shutdown()?;
        drop(server);
        Ok(())
    }
}
