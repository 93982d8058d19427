//! The course's threads-vs-processes demo (`c03`), Python beside the same work in Rust.

use anyhow::Result;

use crate::bench::{Bench, timed_table};
use crate::procpool::ProcessPool;
use crate::report::{Row, Section};
use crate::stats::{self, measure};
use crate::{cpu, python};

impl Bench {
    pub(crate) fn part_threads_vs_processes(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let n = cfg.tvp_n;
        let mut s = Section {
            id: "threads_vs_processes".into(),
            title: format!(
                "Threads vs processes: 2 workers × {n} additions (the course notebook, threads_vs_processes_demo.py)"
            ),
            expected_checksum: Some(cpu::expected_sum(n).wrapping_mul(2)),
            bar_chart: true,
            ..Section::default()
        };
        s.param("n", n);
        // Rust's side takes milliseconds, so it gets more runs than the other parts: a median of
        // many short runs is steadier on a busy machine.
        let (warm, runs) = (self.cfg.warmup.max(2), (self.cfg.runs * 4).max(3));
        self.progress.step("threads vs processes");
        let m = measure(warm, runs, || {
            Ok(cpu::sum_range(0, n).wrapping_add(cpu::sum_range(0, n)))
        })?;
        s.rows.push(Row::timed(
            "sequential",
            "sequential (two calls)",
            "1 thread",
            &m,
        ));
        let two = [(0, n), (0, n)];
        let m = measure(warm, runs, || cpu::threads(&two))?;
        s.rows
            .push(Row::timed("threads", "2 threads", "2 threads", &m));
        let m = measure(warm, runs, || {
            // Like the Python original: the processes are started inside the timed block.
            let mut pool = ProcessPool::new(2)?;
            let sum = cpu::process_pool(&mut pool, &two)?;
            pool.shutdown()?;
            Ok(sum)
        })?;
        let mut row = Row::timed("processes", "2 processes", "2 processes", &m);
        row.note = "includes starting both processes, as in the Python original".into();
        s.rows.push(row);
        let base = s.rows[0].median;
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
        }
        let repeat = if cfg.quick { 1 } else { 3 };
        let args: Vec<String> = vec![
            "--n".into(),
            n.to_string(),
            "--json".into(),
            "--repeat".into(),
            repeat.to_string(),
        ];
        if let Some(v) = self.py("threads_vs_processes_demo.py", &args) {
            let py_seq = python::mode(&v, "sequential").map(|m| m.0);
            for key in ["sequential", "threads", "processes"] {
                if let (Some((t, _)), Some(r)) = (
                    python::mode(&v, key),
                    s.rows.iter_mut().find(|r| r.key == key),
                ) {
                    r.with_python(key, t);
                    r.python_speedup = py_seq.map(|b| stats::speedup(b, t));
                }
            }
        }
        s.table = timed_table(&s.rows, "Python (s)", true);
        if let Some(ratio) = s.row("sequential").and_then(|r| r.ratio) {
            s.target(
                "Rust vs Python, same loop",
                "≥ 10×",
                format!("{ratio:.1}×"),
                ratio >= 10.0,
            );
        }
        if let Some(p) = s.row("threads").and_then(|r| r.python_speedup) {
            let claim = "Python threads ≈ sequential (the GIL)";
            s.target(claim, "≤ 1.2×", format!("{p:.2}×"), p <= 1.2);
        }
        s.notes.push(
            "Rust does the Python original's 2 × 10 000 000 additions in milliseconds, as fast as starting the workers and \
             moving a new thread to the other core: see the CPU table for Rust's speedup on work worth measuring"
                .into(),
        );
        self.push(s);
        Ok(())
    }
}
