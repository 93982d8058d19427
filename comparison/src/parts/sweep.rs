//! Scaling sweeps (`c06`): CPU workers 1..2×cores, and I/O task counts from 10 upwards.

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::bench::{Bench, PyRounds, ms_label, timed_table};
use std::fmt::Write as _;

use crate::measure::{self, Mode, Spread, Status};
use crate::procpool::ProcessPool;
use crate::report::{Row, Section, SeriesOut, Sweep, s3};
use crate::{cpu, io};

impl Bench {
    pub(crate) fn part_sweep(&mut self) -> Result<()> {
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
        // Every worker count of both kinds in the same rounds (rayon 1, pool 1, rayon 2, …),
        // so the curve compares moments, not minutes apart; speedups pair with rayon 1.
        let widths: Vec<usize> = (1..=2 * cfg.cores).collect();
        let rayons = widths
            .iter()
            .map(|&w| rayon::ThreadPoolBuilder::new().num_threads(w).build())
            .collect::<Result<Vec<_>, _>>()?;
        let pools = widths
            .iter()
            .map(|&w| ProcessPool::new(w))
            .collect::<Result<Vec<_>>>()?;
        let series = {
            let chunks = &chunks;
            let mut modes = Vec::new();
            for ((&w, rp), pp) in widths.iter().zip(&rayons).zip(&pools) {
                let needs = w.min(cfg.cores) as f64;
                modes.push(Mode::new(&format!("rayon_{w}"), needs, move || {
                    Ok(cpu::rayon_pool(rp, chunks))
                }));
                modes.push(
                    Mode::new(&format!("process_pool_{w}"), needs, move || {
                        cpu::process_pool(pp, chunks)
                    })
                    .with_pids(move || pp.pids()),
                );
            }
            self.rounds("sweep cpu", cfg.runs.min(3), &mut modes)
        };
        for pp in pools {
            pp.shutdown()?;
        }
        let series = series?;
        let (mut ray, mut procs, mut ideal) = (Vec::new(), Vec::new(), Vec::new());
        let (mut ray_busy, mut procs_busy) = (Vec::new(), Vec::new());
        for se in &series {
            let w: usize = se
                .key
                .rsplit('_')
                .next()
                .and_then(|x| x.parse().ok())
                .unwrap_or(1);
            let rayon = se.key.starts_with("rayon");
            let (mode, workers) = if rayon {
                ("rayon pool", format!("{w} threads"))
            } else {
                ("process pool", format!("{w} processes"))
            };
            let mut row = Row::from_series(mode, workers, se);
            row.paired(&series[0], se, cfg.cores);
            let (points, busy) = if rayon {
                (&mut ray, &mut ray_busy)
            } else {
                (&mut procs, &mut procs_busy)
            };
            points.push([w as f64, se.median()]);
            busy.push(row.inconclusive.is_some());
            s.rows.push(row);
        }
        let base = series[0].median();
        for &w in &widths {
            ideal.push([w as f64, base / w.min(cfg.cores) as f64]);
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
                    inconclusive: ray_busy,
                },
                SeriesOut {
                    name: "process pool".into(),
                    points: procs,
                    inconclusive: procs_busy,
                },
                SeriesOut {
                    name: "ideal (1/cores)".into(),
                    points: ideal,
                    inconclusive: Vec::new(),
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
        let io_pool = ProcessPool::new(cfg.io_workers)?;
        let mut series: BTreeMap<&str, Vec<[f64; 2]>> = BTreeMap::new();
        let mut table =
            utilities::Table::new(["mode", "tasks", "median", "p10–p90", "× one latency"]);
        let mut all_agree = true;
        let sweep_runs = if cfg.quick { 2 } else { 3 };
        s.param("rounds", sweep_runs);
        let add = |table: &mut utilities::Table, label: &str, n: u64, walls: &[f64]| {
            let sp = Spread::of(walls);
            table.row([
                label.to_owned(),
                n.to_string(),
                s3(sp.p50),
                format!("{}–{}", s3(sp.p10), s3(sp.p90)),
                format!("{:.2}x", sp.p50 / lat),
            ]);
            sp.p50
        };
        for &n in &cfg.sweep_counts {
            let mut kinds: Vec<(&str, &str)> = Vec::new();
            if n <= cfg.sweep_threads_max {
                kinds.push(("threads", "std threads, one per task"));
            }
            if n <= cfg.sweep_pool_max {
                kinds.push(("thread_pool", "fixed thread pool"));
            }
            if n <= cfg.sweep_procs_max {
                kinds.push(("process_pool", "process pool"));
            }
            kinds.push(("tokio", "tokio tasks"));
            // Python beside: threads and asyncio for the same count.
            let mut py_kinds = Vec::new();
            if n <= cfg.sweep_py_threads_max {
                py_kinds.push("threads");
            }
            if n <= cfg.sweep_py_async_max {
                py_kinds.push("asyncio");
            }
            let py_args = PyRounds::args(&[
                ("kind", "sleep".into()),
                ("latency-us", cfg.sweep_latency.as_micros().to_string()),
                ("tasks", n.to_string()),
                ("modes", py_kinds.join(",")),
            ]);
            let py_rounds = PyRounds::new();
            // Every mode of this count, then Python, in rounds (no warm-up: the runtime, the
            // pools and the interpreter are warm from the parts before).
            let measured = {
                let (kind, rt, client, io_pool) = (&kind, &self.rt, &self.client, &io_pool);
                let mut modes: Vec<Mode<'_>> = kinds
                    .iter()
                    .map(|&(key, _)| {
                        let m = Mode::new(key, 0.0, move || match key {
                            "threads" => io::threads(kind, n),
                            "thread_pool" => io::thread_pool(kind, n, cfg.io_workers),
                            "process_pool" => io::processes(io_pool, kind, n),
                            _ => io::tokio_tasks(rt, client, kind, n),
                        });
                        if key == "process_pool" {
                            m.with_pids(move || io_pool.pids())
                        } else {
                            m
                        }
                    })
                    .collect();
                if !py_kinds.is_empty() {
                    modes.extend(self.py_mode(&py_rounds, "io_bound.py", |_| py_args.clone()));
                }
                self.rounds_with(&format!("sweep io {n}"), 0, sweep_runs, &mut modes)
                    .with_context(|| format!("sweep io {n}"))?
            };
            for (se, &(key, label)) in measured.iter().zip(&kinds) {
                all_agree &= se.checksum == io::expected(n);
                let t = add(&mut table, label, n, &se.walls());
                series.entry(label).or_default().push([n as f64, t]);
                let mut row = Row::from_series(label, n.to_string(), se);
                row.key = format!("{key}_{n}");
                row.note = format!("{:.2}× one latency", t / lat);
                s.rows.push(row);
            }
            if let Some(runs) = py_rounds.measured(0) {
                for (py_mode, label) in
                    [("threads", "Python threads"), ("asyncio", "Python asyncio")]
                {
                    if let Some((py, _)) = PyRounds::series(&runs, py_mode, 1.0) {
                        let t = add(&mut table, label, n, &py.walls());
                        series.entry(label).or_default().push([n as f64, t]);
                    }
                }
            }
        }
        io_pool.shutdown()?;
        s.checksums_agree = all_agree;
        s.table = table.to_string();
        // The course's goal: 100 000 concurrent 50 ms sleeps in under 0.1 s, with the time to
        // spawn them and the time to wait for them reported apart.
        let max = cfg.sweep_counts.iter().copied().max().unwrap_or(0);
        let mut phases = Vec::new();
        let probe_before = measure::probe_cores(cfg.cores, 50);
        let (sums, all_phases) = measure::sample(&[], || {
            let mut sums = Vec::new();
            for round in 0..cfg.runs.clamp(1, 5) {
                self.progress
                    .step(&format!("{max} tokio sleeps, phases, round {}", round + 1));
                let (sum, p) =
                    io::tokio_sleeps_phased(&self.rt, max, cfg.sweep_latency, cfg.cores)?;
                sums.push(sum);
                phases.push(p);
            }
            Ok(sums)
        })?;
        all_agree &= sums.iter().all(|&sum| sum == io::expected(max));
        let phases_wait = all_phases
            .wait_share()
            .filter(|_| all_phases.wall >= measure::PRESSURE_WINDOW);
        let spawn = Spread::of(&phases.iter().map(|p| p.0).collect::<Vec<_>>());
        let total = Spread::of(&phases.iter().map(|p| p.1).collect::<Vec<_>>());
        let wait = Spread::of(&phases.iter().map(|p| p.1 - p.0).collect::<Vec<_>>());
        s.checksums_agree = all_agree;
        let _ = writeln!(
            s.table,
            "\n{max} tokio sleeps of {}, spawned from {} tasks at once: spawn phase {} (p10 {}, p90 {}), wait phase {} (p10 {}, p90 {}), total {} over {} rounds",
            ms_label(cfg.sweep_latency),
            cfg.cores,
            s3(spawn.p50),
            s3(spawn.p10),
            s3(spawn.p90),
            s3(wait.p50),
            s3(wait.p10),
            s3(wait.p90),
            s3(total.p50),
            total.n,
        );
        s.param("tokio_phases_spawn_s", spawn.p50);
        s.param("tokio_phases_wait_s", wait.p50);
        s.param("tokio_phases_total_s", total.p50);
        // Judged like the microsecond figures: busy when a probe right after was short of
        // cores and tasks waited for a CPU during the rounds themselves.
        // the smaller of a probe just before and one just after, like the microsecond figures
        let got = probe_before.min(measure::probe_cores(cfg.cores, 50));
        s.param("tokio_phases_probe_cores", got);
        if let Some(w) = phases_wait {
            s.param("tokio_phases_cpu_wait_share", w);
        }
        let busy = measure::classify(got, cfg.cores as f64, cfg.cores)
            .filter(|_| phases_wait.is_none_or(|w| w >= measure::QUIET_WAIT));
        let goal = 2.0 * lat; // 0.1 s for the course's 50 ms
        let status = Status::judge(total.p50 < goal, busy, None);
        let tokio_busy = matches!(status, Status::Inconclusive { .. });
        s.target(
            &format!(
                "{max} concurrent {} tokio sleeps",
                ms_label(cfg.sweep_latency)
            ),
            &format!("total < {}", s3(goal)),
            format!(
                "total {} ({}–{}): spawn {}, wait {}",
                s3(total.p50),
                s3(total.p10),
                s3(total.p90),
                s3(spawn.p50),
                s3(wait.p50)
            ),
            status,
        );
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
                    // the largest tokio point is the judged one (the course's 100 000 sleeps)
                    inconclusive: if name == "tokio tasks" && tokio_busy {
                        points.iter().map(|p| p[0] >= max as f64).collect()
                    } else {
                        Vec::new()
                    },
                    name: name.to_owned(),
                    points,
                })
                .collect(),
        });
        self.push(s);
        Ok(())
    }
}
