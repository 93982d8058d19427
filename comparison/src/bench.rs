//! The benchmark run shared by every part: the runtime, the HTTP client, the process pool, the
//! progress bar, the sections measured so far, the verdict and the files. Each part lives in
//! its own module under [`crate::parts`] and adds one or more [`Section`]s.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::cli::{Args, Config, Part};
use crate::measure::Series;
use crate::procpool::ProcessPool;
use crate::python;
use crate::report::{Machine, Report, Row, Section, percent, s3, times};

/// Progress bar on stderr (hidden when stderr is not a terminal, e.g. in tests and pipes).
pub(crate) struct Progress {
    pub(crate) bar: ProgressBar,
}

impl Progress {
    pub(crate) fn new(parts: usize) -> Self {
        let bar = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(parts as u64);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} [{bar:24}] part {pos}/{len} {elapsed} {msg}",
            ) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        } else {
            ProgressBar::hidden()
        };
        Self { bar }
    }

    pub(crate) fn step(&self, msg: &str) {
        self.bar.set_message(msg.to_owned());
    }

    pub(crate) fn print(&self, text: &str) {
        self.bar.suspend(|| print!("{text}"));
    }
}

/// The benchmark run: configuration, shared runtime and pools, and the sections measured.
pub struct Bench {
    pub(crate) cfg: Config,
    pub(crate) python: Option<String>,
    pub(crate) progress: Progress,
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) client: reqwest::Client,
    pub(crate) pool: Option<ProcessPool>,
    pub(crate) sections: Vec<Section>,
    pub(crate) load_start: String,
}

pub(crate) fn ms_label(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

pub(crate) fn size_label(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}

pub(crate) fn opt_s3(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), s3)
}

/// The standard table of a timed section: medians in a unit that fits, the speedup with its
/// p10–p90 spread from same-round pairs, efficiency (never above 100 %: an impossible figure
/// makes the row inconclusive), the cores each mode got, Python beside.
pub(crate) fn timed_table(rows: &[Row], python_header: &str, efficiency: bool) -> String {
    let with_py = rows.iter().any(|r| r.python.is_some());
    let with_cores = rows.iter().any(|r| r.cores_got.is_some());
    let mut header = vec![
        "mode",
        "workers/tasks",
        "median",
        "min",
        "speedup (p10–p90)",
    ];
    if efficiency {
        header.push("efficiency");
    }
    if with_cores {
        header.push("cores got");
    }
    if with_py {
        header.extend([python_header, "Py speedup", "Python/Rust (p10–p90)"]);
    }
    header.push("note");
    let mut t = utilities::Table::new(header);
    for r in rows {
        let speedup = r
            .speedup_spread
            .map_or_else(|| times(r.speedup), |s| s.times());
        let mut cells = vec![
            r.mode.clone(),
            r.workers.clone(),
            s3(r.median),
            s3(r.min),
            speedup,
        ];
        if efficiency {
            cells.push(percent(r.efficiency));
        }
        if with_cores {
            cells.push(match (r.cores_got, r.cores_needed) {
                (Some(g), Some(n)) if n > 0.0 => format!("{g:.2} of {n:.0}"),
                (Some(g), _) => format!("{g:.2}"),
                _ => "-".into(),
            });
        }
        if with_py {
            cells.extend([opt_s3(r.python), times(r.python_speedup), r.ratio_text()]);
        }
        let note = match &r.inconclusive {
            Some(why) if r.note.is_empty() => format!("inconclusive ({why})"),
            Some(why) => format!("inconclusive ({why}); {}", r.note),
            None => r.note.clone(),
        };
        cells.push(note);
        t.row(cells);
    }
    t.to_string()
}

/// Python's side of a part in the rounds: one run of its script per round, after the Rust
/// modes (A B C Py, A B C Py, …), so each Python/Rust ratio pairs runs taken moments apart.
pub(crate) struct PyRounds {
    runs: std::cell::RefCell<Vec<Option<Value>>>,
}

impl PyRounds {
    /// The command line of one Python run in the rounds: `flags` as `--name value`, then
    /// `--runs 1 --warmup 0` (one sample of each Python mode per run: the rounds repeat the
    /// runs, and drop their own warm-up rounds).
    pub(crate) fn args(flags: &[(&str, String)]) -> Vec<String> {
        flags
            .iter()
            .flat_map(|(name, value)| [format!("--{name}"), value.clone()])
            .chain(["--runs", "1", "--warmup", "0"].map(String::from))
            .collect()
    }

    pub(crate) fn new() -> Self {
        Self {
            runs: std::cell::RefCell::new(Vec::new()),
        }
    }

    /// The runs of the measured rounds (warm-up rounds dropped), or `None` when Python did not
    /// run or one of its runs failed (its columns are then skipped).
    pub(crate) fn measured(self, warmup: usize) -> Option<Vec<Value>> {
        let runs = self.runs.into_inner();
        if runs.len() <= warmup {
            return None;
        }
        runs.into_iter().skip(warmup).collect()
    }

    /// One Python mode across the measured runs (seconds × `scale`), as a series that pairs
    /// round by round with the Rust modes, and its checksum (the same in every run, else
    /// `None`).
    pub(crate) fn series(runs: &[Value], mode: &str, scale: f64) -> Option<(Series, Option<u64>)> {
        let mut samples = Vec::with_capacity(runs.len());
        let mut sums = Vec::with_capacity(runs.len());
        for v in runs {
            let (t, sum) = python::mode(v, mode)?;
            samples.push(crate::measure::Sample::new(t * scale, 0.0));
            sums.push(sum);
        }
        let checksum = sums
            .first()
            .copied()
            .flatten()
            .filter(|c| sums.iter().all(|s| *s == Some(*c)));
        let series = Series {
            key: mode.to_owned(),
            needs: 0.0,
            samples,
            checksum: checksum.unwrap_or_default(),
        };
        Some((series, checksum))
    }
}

/// The 1-minute load average (`/proc/loadavg`), or NaN when unavailable.
pub(crate) fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().and_then(|v| v.parse().ok()))
        .unwrap_or(f64::NAN)
}

pub(crate) fn check_checksums(section: &mut Section) {
    let expected = section.expected_checksum;
    section.checksums_agree = section
        .rows
        .iter()
        .filter_map(|r| r.checksum)
        .all(|c| expected.is_none_or(|e| e == c));
}

impl Bench {
    /// Sets up the runtime and the HTTP client.
    ///
    /// # Errors
    /// When the runtime or client cannot be built.
    pub fn new(cfg: Config, python: Option<String>, parts: usize) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(cfg.cores)
            .enable_all()
            .build()?;
        // One connection per request, like the blocking client and Python's asyncio client
        // (`Connection: close`): no side gets connection reuse the others lack.
        let client = reqwest::Client::builder()
            .no_proxy()
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Self {
            cfg,
            python,
            progress: Progress::new(parts),
            rt,
            client,
            pool: None,
            sections: Vec::new(),
            load_start: crate::report::load_averages(),
        })
    }

    /// Like [`Bench::rounds`], with `warmup` warm-up rounds instead of the configured number.
    pub(crate) fn rounds_with(
        &self,
        label: &str,
        warmup: usize,
        rounds: usize,
        modes: &mut [crate::measure::Mode<'_>],
    ) -> Result<Vec<crate::measure::Series>> {
        let total = warmup + rounds;
        crate::measure::rounds(warmup, rounds, modes, |r| {
            self.progress
                .step(&format!("{label}: round {}/{total}", r + 1));
        })
        .with_context(|| label.to_owned())
    }

    /// Measures `modes` interleaved in rounds (A B C, A B C, …), with CPU time per sample.
    pub(crate) fn rounds(
        &self,
        label: &str,
        rounds: usize,
        modes: &mut [crate::measure::Mode<'_>],
    ) -> Result<Vec<crate::measure::Series>> {
        self.rounds_with(label, self.cfg.warmup, rounds, modes)
    }

    /// The CPU process pool (one worker per core), started on first use and reused.
    pub(crate) fn take_pool(&mut self) -> Result<ProcessPool> {
        match self.pool.take() {
            Some(p) => Ok(p),
            None => ProcessPool::new(self.cfg.cores),
        }
    }

    pub(crate) fn py(&self, script: &str, args: &[String]) -> Option<Value> {
        self.python.as_ref()?;
        self.progress.step(&format!("python3 {script}"));
        match python::run(script, args, Duration::from_secs(900)) {
            Ok(v) => Some(v),
            Err(e) => {
                self.progress.print(&format!(
                    "warning: Python {script} failed, its columns are skipped: {e:#}\n"
                ));
                None
            }
        }
    }

    /// The Python mode of a part's rounds: runs `script` with `args(i)` (i = the how-many-th
    /// run, warm-up included; each run does one sample per Python mode) and keeps its JSON in
    /// `py`. `None` without Python. After a failed run the later rounds skip Python.
    pub(crate) fn py_mode<'a>(
        &'a self,
        py: &'a PyRounds,
        script: &'a str,
        args: impl Fn(usize) -> Vec<String> + 'a,
    ) -> Option<crate::measure::Mode<'a>> {
        self.python.as_ref()?;
        Some(crate::measure::Mode::new(
            crate::measure::PYTHON_KEY,
            0.0,
            move || {
                let i = py.runs.borrow().len();
                let failed = py.runs.borrow().iter().any(Option::is_none);
                let v = if failed {
                    None
                } else {
                    self.py(script, &args(i))
                };
                py.runs.borrow_mut().push(v);
                Ok(0)
            },
        ))
    }

    /// A mode that measures, once per round, how many times faster the machine runs one copy
    /// of plain CPU work per core at once than one copy ([`crate::measure::capacity`]); the
    /// values (warm-up rounds included) go to `out`.
    pub(crate) fn capacity_mode<'a>(
        &self,
        out: &'a std::cell::RefCell<Vec<f64>>,
    ) -> crate::measure::Mode<'a> {
        let copies = self.cfg.cores;
        let n = if self.cfg.quick {
            1_000_000
        } else {
            80_000_000 // about 20 ms in release
        };
        crate::measure::Mode::new("capacity", 0.0, move || {
            out.borrow_mut().push(crate::measure::capacity(copies, n));
            Ok(0)
        })
    }

    pub(crate) fn push(&mut self, mut section: Section) {
        // Other programs on the machine take cores away from the parallel modes: keep the
        // 1-minute load average (it counts this program's own busy threads too) with the figures.
        section.param("load_average_1min", load_average());
        if section.expected_checksum.is_some() {
            check_checksums(&mut section);
        } else {
            section.checksums_agree = true;
        }
        self.progress.print(&section.render());
        self.sections.push(section);
    }

    /// Runs one part.
    ///
    /// # Errors
    /// Any failure of a mode (including a checksum that changes between runs).
    pub fn run_part(&mut self, part: Part) -> Result<()> {
        match part {
            Part::Cpu => self.part_cpu(),
            Part::Io => self.part_io(),
            Part::Sweep => self.part_sweep(),
            Part::Sync => self.part_sync(),
            Part::Serialization => self.part_serialization(),
            Part::Spawn => self.part_spawn(),
            Part::Memory => self.part_memory(),
            Part::Python => self.part_threads_vs_processes(),
        }
    }

    /// Finishes: verdict, JSON and SVG files.
    ///
    /// # Errors
    /// I/O errors while writing the files.
    pub fn finish(mut self, parts: &[Part], args: &Args, started: Instant) -> Result<bool> {
        if let Some(pool) = self.pool.take() {
            pool.shutdown()?;
        }
        self.progress.bar.finish_and_clear();
        let verdict = crate::verdict::verdict(&self.sections, self.cfg.cores);
        println!("\n== Verdict ==\n{verdict}");
        let all_agree = self.sections.iter().all(|s| s.checksums_agree);
        let report = Report {
            tool: "comparison".into(),
            parts: parts.iter().map(|p| p.name().to_owned()).collect(),
            quick: self.cfg.quick,
            time_scale: utilities::time_scale(),
            runs: self.cfg.runs,
            warmup: self.cfg.warmup,
            machine: Machine::detect(self.python.clone()),
            sections: std::mem::take(&mut self.sections),
            all_checksums_agree: all_agree,
            verdict,
            wall_seconds: started.elapsed().as_secs_f64(),
            load_average_start: self.load_start.clone(),
        };
        println!(
            "\nmachine: {} cores, {}, {}, {} MiB, {} build, {}{}",
            report.machine.cores,
            report.machine.cpu,
            report.machine.os,
            report.machine.memory_mib,
            report.machine.build_profile,
            report.machine.rustc,
            report
                .machine
                .python
                .as_ref()
                .map_or_else(String::new, |v| format!(", Python {v}")),
        );
        if let Some(path) = &args.json {
            report.write_json(path)?;
            println!("JSON written to {}", path.display());
        }
        if let Some(dir) = &args.svg {
            let files = report.write_svgs(dir)?;
            println!("{} SVG charts written to {}", files.len(), dir.display());
        }
        if let Some(path) = &args.readme {
            // From the JSON value itself, so the README can only say what the JSON says.
            let json = serde_json::to_value(&report)?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("read {}", path.display()))?;
            let text =
                crate::publish::replace_block(&text, &crate::publish::results_markdown(&json))?;
            std::fs::write(path, text).with_context(|| format!("write {}", path.display()))?;
            println!("results block of {} regenerated", path.display());
        }
        if all_agree {
            println!("All checksums agree.");
        } else {
            eprintln!(
                "CHECKSUM MISMATCH: some mode computed a different result (see the tables above)"
            );
        }
        Ok(all_agree)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: &str, checksum: u64) -> Row {
        Row {
            key: key.into(),
            checksum: Some(checksum),
            ..Row::default()
        }
    }

    #[test]
    fn python_runs_of_the_rounds_pair_with_the_rust_samples_of_the_same_round() {
        let run = |seq: f64, thr: f64| {
            serde_json::json!({"modes": {
                "sequential": {"samples": [seq], "checksum": 45},
                "threads": {"samples": [thr], "checksum": 45},
            }})
        };
        // a warm-up run, then three rounds; round 2 was slow for everybody
        let py = PyRounds::new();
        py.runs.borrow_mut().extend([
            Some(run(9.0, 9.0)),
            Some(run(1.0, 1.0)),
            Some(run(2.0, 2.0)),
            Some(run(1.0, 1.1)),
        ]);
        let runs = py.measured(1).expect("three measured runs");
        let (seq, sum) = PyRounds::series(&runs, "sequential", 10.0).unwrap();
        assert_eq!(sum, Some(45));
        assert_eq!(seq.walls(), [10.0, 20.0, 10.0], "scaled, warm-up dropped");
        let (thr, _) = PyRounds::series(&runs, "threads", 10.0).unwrap();
        let rust = |walls: &[f64]| Series {
            key: "threads".into(),
            needs: 2.0,
            samples: walls
                .iter()
                .map(|&w| crate::measure::Sample::new(w, w))
                .collect(),
            checksum: 45,
        };
        let mut row = Row::default();
        row.with_python_rounds("threads", &thr, &rust(&[0.1, 0.2, 0.1]), Some(&seq));
        let sp = row.ratio_spread.expect("spread");
        // same-round pairs: 10/0.1, 20/0.2, 11/0.1 (not 11/0.1 against the median of 0.1)
        assert_eq!(sp.n, 3);
        assert!(
            (sp.p50 - 100.0).abs() < 1e-9 && (sp.p90 - 108.0).abs() < 1e-9,
            "{sp:?}"
        );
        assert_eq!(row.ratio_text(), "100.0× (100.0–108.0)");
        assert!((row.python.unwrap() - 11.0).abs() < 1e-9);
        // a failed Python run skips the columns instead of mixing rounds
        let failed = PyRounds::new();
        failed.runs.borrow_mut().extend([Some(run(1.0, 1.0)), None]);
        assert!(failed.measured(0).is_none());
        assert!(PyRounds::series(&runs, "processes", 1.0).is_none());
    }

    #[test]
    fn a_mode_with_another_checksum_fails_the_section() {
        let mut s = Section {
            expected_checksum: Some(45),
            rows: vec![row("sequential", 45), row("threads", 45)],
            ..Section::default()
        };
        check_checksums(&mut s);
        assert!(s.checksums_agree);
        s.rows.push(row("rayon", 44));
        check_checksums(&mut s);
        assert!(!s.checksums_agree);
        assert!(s.render().contains("MISMATCH"));
    }
}
