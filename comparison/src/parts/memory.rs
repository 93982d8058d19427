//! Memory per idle worker (`c05`): thread, task, process.

use anyhow::Result;

use crate::bench::Bench;
use crate::report::{Row, Section, times};
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
            "the Python original's \"~8 MB per thread\" is the default stack *reservation* (virtual); resident memory is what the touched pages cost".into(),
        );
        self.push(s);
        Ok(())
    }
}
