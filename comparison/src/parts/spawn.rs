//! Spawn cost (`c04`): start one thread, task or process and wait for it.

use anyhow::Result;
use serde_json::Value;

use crate::bench::Bench;
use crate::measure::Status;
use crate::procpool::ProcessPool;
use crate::report::{Row, Section, times};
use crate::stats::{self, Measured};
use crate::{memory, python, spawn};

impl Bench {
    pub(crate) fn part_spawn(&mut self) -> Result<()> {
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
            s.target(
                "process ≫ thread ≫ task",
                "ordered",
                measured,
                Status::judge(ok, None, None),
            );
        }
        self.push(s);
        Ok(())
    }
}
