//! I/O-bound work (`c01`): sleeps and HTTP requests to a local server, five ways, with Python beside.

use anyhow::{Result, bail};

use crate::bench::{Bench, PyRounds, ms_label, timed_table};
use crate::io;
use crate::measure::{Mode, Spread, Status};
use crate::procpool::ProcessPool;
use crate::report::{Row, Section};

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
            // Python's five modes after the Rust ones in every round (one run each; in the
            // warm-up rounds without its 5 s sequential run, which needs no warming up).
            let py_args = |i: usize| -> Vec<String> {
                let mut modes = "threads,thread_pool,processes,asyncio".to_owned();
                if i >= cfg.warmup {
                    modes.insert_str(0, "sequential,");
                }
                PyRounds::args(&[
                    (
                        "kind",
                        if id == "io_sleep" { "sleep" } else { "http" }.into(),
                    ),
                    ("addr", server.addr().to_string()),
                    ("latency-us", cfg.io_latency.as_micros().to_string()),
                    ("tasks", n.to_string()),
                    ("pool-workers", cfg.io_workers.to_string()),
                    ("sequential-runs", "1".into()),
                    ("modes", modes),
                ])
            };
            let py_rounds = PyRounds::new();
            // The five modes in rounds (sequential, threads, pool, processes, tokio, then again),
            // so every ratio pairs runs taken moments apart. Waiting needs no cores (needs 0).
            let mut modes = {
                let (kind, rt, client, io_pool) = (&kind, &self.rt, &self.client, &io_pool);
                vec![
                    Mode::new("sequential", 0.0, move || io::sequential(kind, n)),
                    Mode::new("threads", 0.0, move || io::threads(kind, n)),
                    Mode::new("thread_pool", 0.0, move || {
                        io::thread_pool(kind, n, cfg.io_workers)
                    }),
                    Mode::new("process_pool", 0.0, move || io::processes(io_pool, kind, n))
                        .with_pids(move || io_pool.pids()),
                    Mode::new("tokio", 0.0, move || io::tokio_tasks(rt, client, kind, n)),
                ]
            };
            modes.extend(self.py_mode(&py_rounds, "io_bound.py", py_args));
            let series = self.rounds(id, cfg.io_runs, &mut modes)?;
            drop(modes);
            let what = [
                ("sequential", "1 thread".to_owned()),
                ("std threads, one per task", format!("{n} threads")),
                ("fixed thread pool", format!("{n} tasks, {w} threads")),
                ("process pool", format!("{n} tasks, {w} processes")),
                ("tokio tasks", format!("{n} tasks, {} workers", cfg.cores)),
            ];
            for (se, (mode, workers)) in series.iter().zip(what) {
                let mut row = Row::from_series(mode, workers, se);
                let spread = Spread::of(&crate::measure::paired_ratios(&series[0], se, false));
                row.speedup = Some(spread.p50);
                row.speedup_spread = Some(spread);
                s.rows.push(row);
            }
            for r in &mut s.rows {
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
            if let Some(runs) = py_rounds.measured(cfg.warmup) {
                let py_seq = PyRounds::series(&runs, "sequential", 1.0).map(|p| p.0);
                for (i, (key, py_mode)) in [
                    ("sequential", "sequential"),
                    ("threads", "threads"),
                    ("thread_pool", "thread_pool"),
                    ("process_pool", "processes"),
                    ("tokio", "asyncio"),
                ]
                .into_iter()
                .enumerate()
                {
                    let Some((py, sum)) = PyRounds::series(&runs, py_mode, 1.0) else {
                        continue;
                    };
                    if sum != Some(io::expected(n)) {
                        bail!("Python {py_mode} returned checksum {sum:?}");
                    }
                    if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                        r.with_python_rounds(py_mode, &py, &series[i], py_seq.as_ref());
                    }
                }
            }
            // Waiting needs no cores, but waking 100 waiters on time does: a machine that cannot
            // give this program its cores makes a missed goal inconclusive.
            let got = crate::measure::probe_cores(cfg.cores, 50);
            s.param("probe_cores_got", got);
            let probe_busy = crate::measure::classify(got, cfg.cores as f64, cfg.cores);
            for key in ["tokio", "threads"] {
                if let Some(r) = s.row(key) {
                    // busy only if tasks also waited for a CPU during this mode's own rounds
                    let waited = (!r.cpu_wait_shares.is_empty())
                        .then(|| crate::stats::median(&r.cpu_wait_shares));
                    let busy = probe_busy
                        .filter(|_| waited.is_none_or(|w| w >= crate::measure::QUIET_WAIT))
                        .map(|b| crate::measure::Busy { waited, ..b });
                    let x = r.median / lat;
                    let sp = Spread::of(&r.samples.iter().map(|t| t / lat).collect::<Vec<_>>());
                    let claim = format!("{n} × {} {label}, {key}", ms_label(cfg.io_latency));
                    let status = Status::judge(x <= 1.3, busy, None);
                    if let Status::Inconclusive { reason } = &status {
                        // the row shows it too (table, JSON, hatched bar)
                        let reason = reason.clone();
                        if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                            r.inconclusive = Some(reason);
                        }
                    }
                    s.target(
                        &claim,
                        "≤ 1.3 × one latency",
                        format!("{x:.2}× ({:.2}–{:.2})", sp.p10, sp.p90),
                        status,
                    );
                }
            }
            s.table = timed_table(&s.rows, "Python", false);
            self.push(s);
        }
        io_pool.shutdown()?;
        drop(server);
        Ok(())
    }
}
