//! Synchronisation overhead (`c07`): one shared Mutex vs an atomic vs per-thread sums.

use anyhow::{Result, bail};

use crate::bench::{Bench, PyRounds, timed_table};
use crate::measure::{Mode, Status};
use crate::report::{Row, Section};
use crate::sync;

impl Bench {
    pub(crate) fn part_sync(&mut self) -> Result<()> {
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
        s.param("cores", cfg.cores);
        type Run = fn(usize, u64) -> u64;
        let kinds: [(&str, &str, Run); 4] = [
            ("sequential", "one thread, no sharing", sync::sequential),
            ("mutex", "shared Mutex<u64>", sync::mutex),
            ("atomic", "shared AtomicU64", sync::atomic),
            ("local", "per-thread sums, merged", sync::local_sums),
        ];
        // In rounds; only the per-thread sums can use every core (the shared counter makes the
        // other two wait for each other), so only that row is judged against the cores.
        let factor = per as f64 / cfg.py_sync_per as f64;
        let py_args = PyRounds::args(&[
            ("threads", t.to_string()),
            ("per", cfg.py_sync_per.to_string()),
        ]);
        let py_rounds = PyRounds::new();
        let mut modes: Vec<Mode<'_>> = kinds
            .iter()
            .map(|&(key, _, run)| {
                let needs = match key {
                    "sequential" => 1.0,
                    "local" => t as f64,
                    _ => 0.0,
                };
                Mode::new(key, needs, move || Ok(run(t, per)))
            })
            .collect();
        // Python's same additions after the Rust modes of every round.
        modes.extend(self.py_mode(&py_rounds, "sync_overhead.py", |_| py_args.clone()));
        let series = self.rounds("sync", cfg.runs, &mut modes)?;
        drop(modes);
        for (se, (key, what, _)) in series.iter().zip(kinds) {
            let workers = if key == "sequential" {
                "1 thread".to_owned()
            } else {
                format!("{t} threads")
            };
            let mut row = Row::from_series(what, workers, se);
            row.paired(&series[0], se, cfg.cores);
            row.note = format!(
                "{:.1} ns per addition",
                row.median * 1e9 / (t as f64 * per as f64)
            );
            s.rows.push(row);
        }
        if let Some(runs) = py_rounds.measured(cfg.warmup) {
            let py_seq = PyRounds::series(&runs, "sequential", factor).map(|p| p.0);
            for (i, key) in ["sequential", "mutex", "atomic", "local"]
                .into_iter()
                .enumerate()
            {
                let Some((py, sum)) = PyRounds::series(&runs, key, factor) else {
                    continue; // Python has no atomic integer
                };
                if sum != Some(t as u64 * cfg.py_sync_per) {
                    bail!("Python sync {key} returned {sum:?}");
                }
                if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                    let label = if key == "mutex" {
                        "threading.Lock"
                    } else {
                        key
                    };
                    r.with_python_rounds(label, &py, &series[i], py_seq.as_ref());
                }
            }
            s.notes.push(if factor > 1.0 + 1e-9 {
                format!(
                    "Python did {} additions per thread (×{factor:.0} scaled); it has no atomic integer",
                    cfg.py_sync_per
                )
            } else {
                format!(
                    "Python did the same {} additions per thread, measured, not scaled; it has no atomic integer",
                    cfg.py_sync_per
                )
            });
        }
        if let (Some(mx), Some(at), Some(lo)) = (s.row("mutex"), s.row("atomic"), s.row("local")) {
            let ordered = mx.median > at.median && at.median > lo.median;
            let measured = format!(
                "{} > {} > {}",
                crate::report::s3(mx.median),
                crate::report::s3(at.median),
                crate::report::s3(lo.median)
            );
            s.target(
                "mutex > atomic > local sums (time)",
                "ordered",
                measured,
                Status::judge(ordered, None, None),
            );
        }
        s.table = timed_table(&s.rows, "Python", true);
        self.push(s);
        Ok(())
    }
}
