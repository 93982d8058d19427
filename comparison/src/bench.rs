//! The benchmark run shared by every part: the runtime, the HTTP client, the process pool, the
//! progress bar, the sections measured so far, the verdict and the files. Each part lives in
//! its own module under [`crate::parts`] and adds one or more [`Section`]s.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

use crate::cli::{Args, Config, Part};
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
        header.extend([python_header, "Py speedup", "Python/Rust"]);
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
            cells.extend([opt_s3(r.python), times(r.python_speedup), times(r.ratio)]);
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

    /// Measures `modes` interleaved in rounds (A B C, A B C, …), with CPU time per sample.
    pub(crate) fn rounds(
        &self,
        label: &str,
        rounds: usize,
        modes: &mut [crate::measure::Mode<'_>],
    ) -> Result<Vec<crate::measure::Series>> {
        let total = self.cfg.warmup + rounds;
        crate::measure::rounds(self.cfg.warmup, rounds, modes, |r| {
            self.progress
                .step(&format!("{label}: round {}/{total}", r + 1));
        })
        .with_context(|| label.to_owned())
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
