//! Spawn cost and round trips (`c04`): start one thread, task or process and wait for it; send
//! one tiny task through a thread pool or a process pool and wait for the answer; ping-pong
//! between two threads, processes or tasks. Every figure is p50 / p90 / p99 of many samples
//! timed one by one, Python beside.

use anyhow::Result;
use serde_json::Value;

use crate::bench::Bench;
use crate::measure::{self, Micro, Status};
use crate::procpool::ProcessPool;
use crate::report::{Row, Section, times, us};
use crate::worker::Job;
use crate::{memory, python, spawn};

/// One operation of the table: key, label, Python's mode and label, the course's goal (µs).
struct Op {
    key: &'static str,
    label: String,
    python: Option<(&'static str, &'static str)>,
    goal: Option<(f64, &'static str)>,
    note: String,
}

fn op(key: &'static str, label: &str) -> Op {
    Op {
        key,
        label: label.to_owned(),
        python: None,
        goal: None,
        note: String::new(),
    }
}

impl Op {
    fn python(mut self, mode: &'static str, label: &'static str) -> Self {
        self.python = Some((mode, label));
        self
    }

    fn goal(mut self, us: f64, text: &'static str) -> Self {
        self.goal = Some((us, text));
        self
    }
}

impl Bench {
    /// Samples of one operation, judged by the cores the machine gave just before and just
    /// after (the smaller of two probes: `measure` runs between them), by whether tasks waited
    /// for a CPU while the samples were taken (CPU pressure) and by how much CPU other programs
    /// used over probes and samples (`/proc/stat` minus ours: `pids` are the pool workers whose
    /// CPU is ours).
    fn micro_of(
        &self,
        label: &str,
        pids: &[u32],
        measure: impl FnOnce() -> Result<Vec<f64>>,
    ) -> Result<Micro> {
        self.progress.step(label);
        // Other programs' CPU is read over probes and samples together: the samples alone are
        // often a few milliseconds, far below what /proc/stat's ticks can resolve, and the
        // probes are what it must explain (a probe short of cores because of this program's
        // own threads or pool workers is not a busy machine).
        let (((us, sample), before, after), around) = measure::sample(pids, || {
            let before = measure::probe_cores(self.cfg.cores, 100);
            let measured = measure::sample(pids, measure)?;
            let after = measure::probe_cores(self.cfg.cores, 100);
            Ok((measured, before, after))
        })?;
        // a reading over less than its window is too coarse to clear the probes
        let waited = sample
            .wait_share()
            .filter(|_| sample.wall >= measure::PRESSURE_WINDOW);
        let others = around
            .others_cores()
            .filter(|_| around.wall >= measure::STAT_WINDOW);
        Ok(Micro::new(
            us,
            before.min(after),
            self.cfg.cores,
            waited,
            others,
        ))
    }

    pub(crate) fn part_spawn(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "spawn".into(),
            title: "Spawn cost and round trips: one worker or one tiny task at a time".into(),
            bar_chart: true,
            ..Section::default()
        };
        s.param("round_trips", cfg.round_trips);
        let pool = self.take_pool()?;
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.cores)
            .build()?;
        let tiny = Job::Sum { lo: 0, hi: 1 };
        let exe = std::env::current_exe()?;
        let mut measured: Vec<(Op, Micro)> = Vec::new();
        let result = (|| -> Result<()> {
            let m = self.micro_of("spawn threads", &[], || {
                spawn::samples_us(cfg.spawn_threads, || spawn::threads(1).map(drop))
            })?;
            measured.push((
                op("thread", "std thread spawn + join")
                    .python("thread", "threading.Thread")
                    .goal(30.0, "p50 ≤ 30 µs"),
                m,
            ));
            let m = self.micro_of("spawn tokio", &[], || {
                spawn::tokio_task_samples(&self.rt, cfg.spawn_tasks)
            })?;
            measured.push((
                op("task", "tokio::spawn + await").python("task", "asyncio task"),
                m,
            ));
            let m = self.micro_of("spawn fork", &[], || {
                spawn::samples_us(cfg.spawn_forks, || spawn::fork(1).map(drop))
            })?;
            let mut o = op("fork", "fork + waitpid");
            // fork copies the parent's page tables: its cost grows with the parent's memory.
            o.note = format!("parent RSS {} MiB", memory::rss_kib().unwrap_or(0) / 1024);
            measured.push((o, m));
            let m = self.micro_of("spawn re-exec", &[], || {
                spawn::samples_us(cfg.spawn_execs, || spawn::reexec_exe(&exe))
            })?;
            measured.push((
                op("process", "process spawn + wait (re-exec this binary)")
                    .python("process", "multiprocessing.Process")
                    .goal(1500.0, "p50 ≤ 1.5 ms"),
                m,
            ));
            let m = self.micro_of("thread-pool round trip", &[], || {
                Ok(spawn::thread_pool_round_trips(&rayon, cfg.round_trips))
            })?;
            measured.push((
                op("thread_pool_rt", "thread-pool round trip (rayon install)")
                    .python("thread_pool", "ThreadPoolExecutor submit + result")
                    .goal(5.0, "p50 ≤ 5 µs"),
                m,
            ));
            pool.apply(&tiny)?; // every worker is up
            let m = self.micro_of("process-pool round trip", &pool.pids(), || {
                spawn::samples_us(cfg.round_trips, || pool.apply(&tiny).map(drop))
            })?;
            measured.push((
                op("pool_rt", "process-pool round trip (apply)")
                    .python("pool_apply", "Pool.apply")
                    .goal(50.0, "p50 ≤ 50 µs"),
                m,
            ));
            let jobs: Vec<Job<'_>> = (0..cfg.pool_map_items).map(|_| tiny.clone()).collect();
            let m = self.micro_of("process-pool map", &pool.pids(), || {
                Ok(spawn::samples_us(3, || pool.map(&jobs).map(drop))?
                    .into_iter()
                    .map(|x| x / cfg.pool_map_items as f64)
                    .collect())
            })?;
            let mut o = op(
                "pool_map_item",
                &format!(
                    "process-pool map of {} tiny tasks, per item",
                    cfg.pool_map_items
                ),
            )
            .python("pool_map", "Pool.map, per item");
            o.note = "3 maps; the process-runtime chapter sets the per-item goal".into();
            measured.push((o, m));
            for (key, label) in [
                ("ping_thread", "ping-pong round trip, 2 threads"),
                ("ping_process", "ping-pong round trip, 2 processes (pipe)"),
                ("ping_task", "ping-pong round trip, 2 tokio tasks"),
            ] {
                let m = self.micro_of(label, &[], || match key {
                    "ping_thread" => spawn::thread_ping_pong(cfg.round_trips),
                    "ping_process" => spawn::process_ping_pong(cfg.round_trips),
                    _ => spawn::task_ping_pong(&self.rt, cfg.round_trips),
                })?;
                let mut o = op(key, label).python(key, "");
                o.note = "two context switches per round trip".into();
                measured.push((o, m));
            }
            let pools = if cfg.quick { 1 } else { 5 };
            let m = self.micro_of("spawn pool", &[], || {
                spawn::samples_us(pools, || ProcessPool::new(cfg.cores)?.shutdown())
            })?;
            let mut o = op(
                "pool",
                &format!("process pool of {} start + stop", cfg.cores),
            );
            o.note = "once per pool, not per task".into();
            measured.push((o, m));
            Ok(())
        })();
        self.pool = Some(pool);
        result?;

        let args: Vec<String> = vec![
            "spawn".into(),
            "--threads".into(),
            cfg.spawn_threads.to_string(),
            "--processes".into(),
            cfg.py_spawn_processes.to_string(),
            "--tasks".into(),
            cfg.spawn_tasks.min(10_000).to_string(),
            "--round-trips".into(),
            cfg.round_trips.to_string(),
            "--workers".into(),
            cfg.cores.to_string(),
            "--map-items".into(),
            cfg.pool_map_items.to_string(),
        ];
        let py = self.py("spawn_memory.py", &args);
        let probe = measure::probe_cores(cfg.cores, 30);
        for (o, m) in measured {
            let mut row = Row {
                key: o.key.into(),
                mode: o.label.clone(),
                workers: m.samples.to_string(),
                runs: m.samples,
                median: m.p50,
                min: m.p50,
                unit: "µs".into(),
                note: o.note.clone(),
                ..Row::default()
            };
            if let (Some(v), Some((mode, label))) = (&py, o.python)
                && let Some(xs) = python::samples(v, mode)
            {
                let pm = Micro::new(
                    xs.iter().map(|x| x * 1e6).collect(),
                    probe,
                    cfg.cores,
                    None,
                    None,
                );
                row.with_python(if label.is_empty() { mode } else { label }, pm.p50);
                row.python_micro = Some(pm);
            }
            row.goal = o.goal.map(|g| g.0);
            if let Some((goal, text)) = o.goal {
                let status = Status::judge(m.p50 <= goal, m.busy, None);
                let measured = format!("p50 {} (p90 {}, p99 {})", us(m.p50), us(m.p90), us(m.p99));
                s.target(
                    &format!("{} (the course's goal)", o.label),
                    text,
                    measured,
                    status,
                );
            }
            row.micro = Some(m);
            s.rows.push(row);
        }
        if let Some(v) = &py {
            s.notes.push(format!(
                "Python: multiprocessing start method {}; {} threads, {} processes, {} round trips",
                v.get("start_method").and_then(Value::as_str).unwrap_or("?"),
                cfg.spawn_threads,
                cfg.py_spawn_processes,
                cfg.round_trips,
            ));
        }
        let mut t = utilities::Table::new([
            "operation",
            "samples",
            "p50",
            "p90",
            "p99",
            "Python p50",
            "Python/Rust",
            "note",
        ]);
        for r in &s.rows {
            let Some(m) = &r.micro else { continue };
            let note = match &m.busy {
                Some(b) if r.note.is_empty() => format!("({b})"),
                Some(b) => format!("{} ({b})", r.note),
                None => r.note.clone(),
            };
            t.row([
                r.mode.clone(),
                m.samples.to_string(),
                us(m.p50),
                us(m.p90),
                us(m.p99),
                r.python.map_or_else(|| "-".into(), us),
                times(r.ratio),
                note,
            ]);
        }
        s.table = t.to_string();
        if let (Some(p), Some(th), Some(k)) = (s.row("process"), s.row("thread"), s.row("task")) {
            let ok = p.median > th.median && th.median > k.median;
            let measured = format!("{} > {} > {}", us(p.median), us(th.median), us(k.median));
            s.target(
                "process ≫ thread ≫ task (start cost)",
                "ordered",
                measured,
                Status::judge(ok, None, None),
            );
        }
        self.push(s);
        Ok(())
    }
}
