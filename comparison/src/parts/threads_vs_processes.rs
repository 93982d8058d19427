//! The course's threads-vs-processes demo (`c03`), Python beside the same work in Rust.

use anyhow::Result;

use anyhow::anyhow;

use crate::bench::{Bench, PyRounds, timed_table};
use crate::cpu;
use crate::measure::{Mode, Status, capacity_short};
use crate::parts::cpu::CPU_SPEEDUP_GOAL;
use crate::report::{Row, Section};

impl Bench {
    pub(crate) fn part_threads_vs_processes(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let n = cfg.tvp_n;
        let mut s = Section {
            id: "threads_vs_processes".into(),
            title: format!(
                "Threads vs processes: 2 workers × {n} additions (the course notebook, threads_vs_processes_demo.py)"
            ),
            expected_checksum: Some(n.wrapping_mul(2)),
            bar_chart: true,
            ..Section::default()
        };
        s.param("n", n);
        s.param("cores", cfg.cores);
        // Both sides run the Python demo's loop body (`total += 1`), in rounds: sequential,
        // threads, processes, then again, so each speedup pairs runs taken moments apart.
        let rounds = (self.cfg.runs * 3).max(3);
        s.param("rounds", rounds);
        // The Python original after the Rust modes of every round (its three modes once each).
        let py_args: Vec<String> = vec![
            "--n".into(),
            n.to_string(),
            "--json".into(),
            "--repeat".into(),
            "1".into(),
        ];
        let py_rounds = PyRounds::new();
        let capacity = std::cell::RefCell::new(Vec::new());
        let mut modes = vec![
            Mode::new("sequential", 1.0, || {
                Ok(cpu::count_up(n).wrapping_add(cpu::count_up(n)))
            }),
            Mode::new("threads", 2.0, || {
                let a = std::thread::spawn(move || cpu::count_up(n));
                let b = std::thread::spawn(move || cpu::count_up(n));
                let join = |h: std::thread::JoinHandle<u64>| {
                    h.join().map_err(|_| anyhow!("counting thread panicked"))
                };
                Ok(join(a)?.wrapping_add(join(b)?))
            }),
            // multiprocessing.Process(target=cpu_task): start two children (this program,
            // re-executed), then wait for both; the wait blocks, nothing polls.
            Mode::new("processes", 2.0, || {
                let (a, b) = (cpu::spawn_counter(n)?, cpu::spawn_counter(n)?);
                let first = cpu::join_counter(a);
                let second = cpu::join_counter(b);
                Ok(first?.wrapping_add(second?))
            }),
        ];
        // what the machine can deliver right now: a miss below it is the machine's
        modes.push(self.capacity_mode(&capacity));
        modes.extend(
            self.py_mode(&py_rounds, "threads_vs_processes_demo.py", |_| {
                py_args.clone()
            }),
        );
        let series = self.rounds("threads vs processes", rounds, &mut modes)?;
        drop(modes);
        let what = [
            ("sequential (two calls)", "1 thread"),
            ("2 threads", "2 threads"),
            ("2 processes (re-exec, then wait)", "2 processes"),
        ];
        for (se, (mode, workers)) in series.iter().zip(what) {
            let mut row = Row::from_series(mode, workers, se);
            row.paired(&series[0], se, cfg.cores);
            s.rows.push(row);
        }
        if let Some(r) = s.rows.iter_mut().find(|r| r.key == "processes") {
            r.note = "includes starting both processes, as in the Python original".into();
        }
        if let Some(runs) = py_rounds.measured(cfg.warmup) {
            let py_seq = PyRounds::series(&runs, "sequential", 1.0).map(|p| p.0);
            for (i, key) in ["sequential", "threads", "processes"]
                .into_iter()
                .enumerate()
            {
                if let (Some((py, _)), Some(r)) = (
                    PyRounds::series(&runs, key, 1.0),
                    s.rows.iter_mut().find(|r| r.key == key),
                ) {
                    r.with_python_rounds(key, &py, &series[i], py_seq.as_ref());
                }
            }
        }
        let capacity: Vec<f64> = capacity.into_inner().into_iter().skip(cfg.warmup).collect();
        s.param("parallel_capacity", crate::stats::median(&capacity));
        s.table = timed_table(&s.rows, "Python", true);
        for key in ["threads", "processes"] {
            if let Some(r) = s.row(key) {
                let sp = r.speedup.unwrap_or(f64::NAN);
                let measured = r
                    .speedup_spread
                    .map_or_else(|| format!("{sp:.2}×"), |x| x.times());
                let claim = format!("Rust {key} vs sequential, 2 × {n}");
                let status = r
                    .status(sp >= CPU_SPEEDUP_GOAL)
                    .unless_machine_short(capacity_short(CPU_SPEEDUP_GOAL, 2, &capacity));
                s.target(&claim, &format!("≥ {CPU_SPEEDUP_GOAL}×"), measured, status);
            }
        }
        if let Some((ratio, text)) = s
            .row("sequential")
            .and_then(|r| Some((r.ratio?, r.ratio_text())))
        {
            s.target(
                "Rust vs Python, same loop",
                "≥ 10×",
                text,
                Status::judge(ratio >= 10.0, None, None),
            );
        }
        if let Some(r) = s.row("threads")
            && let Some(p) = r.python_speedup
        {
            let measured = r
                .python_speedup_spread
                .map_or_else(|| format!("{p:.2}×"), |x| x.times());
            let claim = "Python threads ≈ sequential (the GIL)";
            s.target(
                claim,
                "≤ 1.2×",
                measured,
                Status::judge(p <= 1.2, None, None),
            );
        }
        s.notes.push(
            "Rust does the Python original's 2 × 10 000 000 additions in milliseconds, not much more than starting two \
             processes: the processes row pays their start-up, as the Python original does"
                .into(),
        );
        self.push(s);
        Ok(())
    }
}
