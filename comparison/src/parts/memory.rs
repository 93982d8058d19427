//! Memory per idle worker (`c05`): thread, task, process.

use anyhow::Result;

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::bench::{Bench, PyRounds};
use crate::measure::{Mode, Sample, Series, Spread};
use crate::report::{Row, Section};
use crate::{memory, python};

impl Bench {
    pub(crate) fn part_memory(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "memory".into(),
            title: "Memory per idle worker (resident set size from /proc)".into(),
            bar_chart: false,
            ..Section::default()
        };
        // Thread, task, process, then Python, in rounds: every figure is the median of the
        // rounds with its p10–p90, and each Python/Rust ratio pairs figures of the same round.
        let rounds = if cfg.quick { 2 } else { 3 }; // two even when quick: a spread, and rounds seen by the quick test
        s.param("rounds", rounds);
        let got: RefCell<BTreeMap<&str, Vec<f64>>> = RefCell::new(BTreeMap::new());
        let keep = |key: &'static str, kib: f64| got.borrow_mut().entry(key).or_default().push(kib);
        let py_args: Vec<String> = vec![
            "memory".into(),
            "--threads".into(),
            cfg.mem_threads.to_string(),
            "--tasks".into(),
            cfg.mem_tasks.min(100_000).to_string(),
            "--processes".into(),
            cfg.mem_procs.to_string(),
        ];
        let py_rounds = PyRounds::new();
        {
            let rt = &self.rt;
            let mut modes = vec![
                Mode::new("thread", 0.0, || {
                    let (kib, virt) = memory::per_thread(cfg.mem_threads)?;
                    keep("thread", kib);
                    keep("thread_virt", virt);
                    Ok(0)
                }),
                Mode::new("task", 0.0, || {
                    keep("task", memory::per_task(rt, cfg.mem_tasks)?);
                    Ok(0)
                }),
                Mode::new("process", 0.0, || {
                    let (rss, pss) = memory::per_process(cfg.mem_procs)?;
                    keep("process_rss", rss);
                    keep("process_pss", pss);
                    Ok(0)
                }),
            ];
            modes.extend(self.py_mode(&py_rounds, "spawn_memory.py", |_| py_args.clone()));
            self.rounds_with("memory", 0, rounds, &mut modes)?;
        }
        let got = got.into_inner();
        let values = |key: &str| got.get(key).cloned().unwrap_or_default();
        let thread_virt = crate::stats::median(&values("thread_virt"));
        let py_runs = py_rounds.measured(0);
        for (key, mode, n, note, py_field, py_label) in [
            (
                "thread",
                "idle std thread",
                cfg.mem_threads,
                format!("{thread_virt:.0} KiB of address space reserved (stack)"),
                "per_thread_kib",
                "threading.Thread",
            ),
            (
                "task",
                "idle tokio task",
                cfg.mem_tasks,
                "one heap allocation".to_owned(),
                "per_task_kib",
                "asyncio task",
            ),
            (
                "process_rss",
                "idle process (RSS)",
                cfg.mem_procs,
                "counts shared library pages".to_owned(),
                "per_process_rss_kib",
                "multiprocessing.Process",
            ),
            (
                "process_pss",
                "idle process (PSS)",
                cfg.mem_procs,
                "shared pages divided among sharers".to_owned(),
                "per_process_pss_kib",
                "multiprocessing.Process",
            ),
        ] {
            let kib = values(key);
            let sp = Spread::of(&kib);
            let mut row = Row {
                key: key.into(),
                mode: mode.into(),
                workers: n.to_string(),
                runs: kib.len(),
                median: sp.p50,
                min: crate::stats::min(&kib),
                samples: kib.clone(),
                unit: "KiB".into(),
                note,
                ..Row::default()
            };
            let py: Option<Vec<f64>> = py_runs
                .as_ref()
                .and_then(|runs| runs.iter().map(|v| python::number(v, py_field)).collect());
            if let Some(py) = py {
                let as_series = |xs: &[f64]| Series {
                    key: key.into(),
                    needs: 0.0,
                    samples: xs.iter().map(|&x| Sample::new(x, 0.0)).collect(),
                    checksum: 0,
                };
                row.with_python_rounds(py_label, &as_series(&py), &as_series(&kib), None);
            }
            s.rows.push(row);
        }
        let mut t = utilities::Table::new([
            "worker",
            "count",
            "KiB each",
            "p10–p90",
            "Python KiB each",
            "Python/Rust (p10–p90)",
            "note",
        ]);
        for r in &s.rows {
            t.row([
                r.mode.clone(),
                r.workers.clone(),
                format!("{:.1}", r.median),
                match (r.samples.len() > 1).then(|| Spread::of(&r.samples)) {
                    Some(sp) => format!("{:.1}–{:.1}", sp.p10, sp.p90),
                    None => "-".into(),
                },
                r.python.map_or_else(|| "-".into(), |x| format!("{x:.1}")),
                r.ratio_text(),
                r.note.clone(),
            ]);
        }
        s.table = t.to_string();
        s.notes.push(
            "the Python original's \"~8 MB per thread\" is the default stack *reservation* (virtual); resident memory is what the touched pages cost".into(),
        );
        self.push(s);
        Ok(())
    }
}
