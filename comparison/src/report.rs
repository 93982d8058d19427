//! The results: one [`Section`] per workload with its rows, sweeps and performance targets, the
//! machine facts, the JSON file, the SVG charts and the verdict paragraph.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;

use crate::measure::{self, Series, Spread, Status};
use crate::stats::{self, Measured};

/// One measured mode of a workload.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Row {
    /// Stable identifier (`threads`, `rayon`, `process_pool`, …).
    pub key: String,
    /// Human label.
    pub mode: String,
    /// Workers / tasks as printed.
    pub workers: String,
    /// Measured runs (after the warm-up).
    pub runs: usize,
    /// Median wall time, seconds (or the row's value in `unit`).
    pub median: f64,
    /// Fastest run.
    pub min: f64,
    /// Every measured run.
    pub samples: Vec<f64>,
    /// Unit of `median`/`min` (`s`, `µs`, `KiB`).
    pub unit: String,
    /// Speedup against the sequential row.
    pub speedup: Option<f64>,
    /// Speedup / cores.
    pub efficiency: Option<f64>,
    /// The value the work computed.
    pub checksum: Option<u64>,
    /// The Python mode shown beside it.
    pub python_mode: Option<String>,
    /// Python's figure for the same work, same unit.
    pub python: Option<f64>,
    /// Python / Rust (how many times faster Rust is).
    pub ratio: Option<f64>,
    /// p10, median and p90 of Python / Rust, from runs taken in the same round (when Python ran
    /// in the rounds).
    pub ratio_spread: Option<Spread>,
    /// Python's speedup against its own sequential run.
    pub python_speedup: Option<f64>,
    /// p10, median and p90 of Python's speedup, from its runs of the same rounds.
    pub python_speedup_spread: Option<Spread>,
    /// Anything else worth knowing (ticker delay, bytes copied…).
    pub note: String,
    /// CPU seconds of every measured run (this process, its reaped children, its pool workers).
    pub cpu_samples: Vec<f64>,
    /// Share of every measured run during which some task on the machine waited for a CPU
    /// (CPU pressure; empty where the kernel does not report it).
    pub cpu_wait_shares: Vec<f64>,
    /// Cores' worth of CPU that other programs used during every measured run (the machine's
    /// busy time from `/proc/stat` minus this program's; empty where it is unreadable).
    pub cpu_others: Vec<f64>,
    /// Cores' worth of CPU the mode got (median CPU ÷ wall).
    pub cores_got: Option<f64>,
    /// Cores the mode can use at most (1 for sequential).
    pub cores_needed: Option<f64>,
    /// p10, median and p90 of the speedup, from pairs taken in the same round.
    pub speedup_spread: Option<Spread>,
    /// Rounds whose pair (baseline and this mode) both got their cores.
    pub clean_rounds: Option<usize>,
    /// Why this row's speedup cannot be judged (machine busy, impossible figure).
    pub inconclusive: Option<String>,
    /// The baseline (sequential) did not get its core in most rounds: the speedup may be too
    /// high, so even a met goal is inconclusive.
    pub baseline_busy: bool,
    /// Microsecond figures (p50, p90, p99 of many one-by-one samples), for spawn and round trips.
    pub micro: Option<measure::Micro>,
    /// Python's microsecond figures for the same operation.
    pub python_micro: Option<measure::Micro>,
    /// The course's goal for this row's value (same unit), drawn on the chart.
    pub goal: Option<f64>,
}

impl Row {
    /// A timed row from a measurement.
    pub fn timed(key: &str, mode: &str, workers: impl Into<String>, m: &Measured) -> Self {
        Self {
            key: key.to_owned(),
            mode: mode.to_owned(),
            workers: workers.into(),
            runs: m.timing.samples.len(),
            median: m.timing.median(),
            min: m.timing.min(),
            samples: m.timing.samples.clone(),
            unit: "s".to_owned(),
            checksum: Some(m.checksum),
            ..Self::default()
        }
    }

    /// A timed row from an interleaved measurement (wall and CPU time of every round).
    pub fn from_series(mode: &str, workers: impl Into<String>, s: &Series) -> Self {
        let walls = s.walls();
        Self {
            key: s.key.clone(),
            mode: mode.to_owned(),
            workers: workers.into(),
            runs: walls.len(),
            median: stats::median(&walls),
            min: stats::min(&walls),
            samples: walls,
            cpu_samples: s.samples.iter().map(|x| x.cpu).collect(),
            cpu_wait_shares: s
                .samples
                .iter()
                .filter_map(measure::Sample::wait_share)
                .collect(),
            cpu_others: s
                .samples
                .iter()
                .filter_map(measure::Sample::others_cores)
                .collect(),
            cores_got: Some(s.cores_got()),
            cores_needed: Some(s.needs),
            unit: "s".to_owned(),
            checksum: Some(s.checksum),
            ..Self::default()
        }
    }

    /// Speedup against the `base` series from same-round pairs, with its p10–p90 spread and
    /// efficiency; marks the row inconclusive when either side did not get its cores in most
    /// rounds, or when the speedup is more than `cores` allow.
    pub fn paired(&mut self, base: &Series, me: &Series, cores: usize) {
        let clean = measure::paired_ratios(base, me, true);
        let rounds = me.samples.len();
        let enough = clean.len() * 2 >= rounds.max(1) && !clean.is_empty();
        let ratios = if enough {
            clean.clone()
        } else {
            measure::paired_ratios(base, me, false)
        };
        let spread = Spread::of(&ratios);
        self.speedup = Some(spread.p50);
        self.speedup_spread = Some(spread);
        self.clean_rounds = Some(clean.len());
        let usable = me.needs.min(cores as f64).max(1.0);
        // Which side lacked cores matters: a slowed mode only makes its speedup pessimistic,
        // a slowed baseline makes it optimistic (a "met" could be false). A side that used
        // fewer cores while nothing waited for a CPU is not "busy": that is its own figure.
        let (busy, base_busy) = match measure::pairs_busy(base, me, cores) {
            Some((b, base)) if !enough => (Some(b), base),
            _ => (None, false),
        };
        self.baseline_busy = base_busy;
        let impossible = measure::impossible_speedup(spread.p50, usable.max(cores as f64));
        self.inconclusive = impossible.or_else(|| busy.map(|b| b.to_string()));
        let eff = stats::efficiency(spread.p50, cores);
        self.efficiency = Some(eff.min(1.0)).filter(|_| self.inconclusive.is_none());
    }

    /// The status of a goal on this row's speedup (`met` says whether the figure reaches it).
    pub fn status(&self, met: bool) -> Status {
        match &self.inconclusive {
            Some(reason) if !met || self.baseline_busy || reason.starts_with("impossible") => {
                Status::Inconclusive {
                    reason: reason.clone(),
                }
            }
            _ if met => Status::Met,
            _ => Status::Missed,
        }
    }

    /// Fills speedup and efficiency against `baseline` seconds on `cores` cores.
    pub fn against(&mut self, baseline: f64, cores: usize, with_efficiency: bool) {
        let s = stats::speedup(baseline, self.median);
        self.speedup = Some(s);
        if with_efficiency {
            self.efficiency = Some(stats::efficiency(s, cores));
        }
    }

    /// Adds Python's figures measured in the same rounds as this row (`py`, one run per round,
    /// beside `me`): its median, Python/Rust from same-round pairs with p10–p90, and Python's
    /// own speedup against `py_base` (its sequential mode) from the same rounds.
    pub fn with_python_rounds(
        &mut self,
        mode: &str,
        py: &Series,
        me: &Series,
        py_base: Option<&Series>,
    ) {
        self.python_mode = Some(mode.to_owned());
        self.python = Some(py.median());
        let spread = Spread::of(&measure::paired_ratios(py, me, false));
        self.ratio = Some(spread.p50);
        self.ratio_spread = Some(spread);
        self.python_speedup_spread =
            py_base.map(|b| Spread::of(&measure::paired_ratios(b, py, false)));
        self.python_speedup = self.python_speedup_spread.map(|s| s.p50);
    }

    /// Python / Rust as printed: with its same-round spread when there is one.
    pub fn ratio_text(&self) -> String {
        match (self.ratio_spread, self.ratio) {
            (Some(sp), _) if sp.p50.is_finite() => {
                format!("{:.1}× ({:.1}–{:.1})", sp.p50, sp.p10, sp.p90)
            }
            (_, r) => times(r),
        }
    }

    /// Adds Python's figure for the same work and the Python/Rust ratio.
    pub fn with_python(&mut self, mode: &str, value: f64) {
        self.python_mode = Some(mode.to_owned());
        self.python = Some(value);
        self.ratio = Some(stats::speedup(value, self.median));
    }
}

/// A series of a sweep chart.
#[derive(Debug, Clone, Serialize)]
pub struct SeriesOut {
    /// Legend.
    pub name: String,
    /// `[x, y]` points.
    pub points: Vec<[f64; 2]>,
    /// Per point (same order): true when its figure is inconclusive (machine busy); empty when
    /// no point of the line is judged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inconclusive: Vec<bool>,
}

/// A sweep: y against x for several modes (drawn as a line chart).
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    /// File stem of the chart.
    pub id: String,
    /// Chart title.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// Log-scale x.
    pub log_x: bool,
    /// The lines.
    pub series: Vec<SeriesOut>,
}

/// A performance target of the course: reported as met, missed or inconclusive, never asserted
/// by tests.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    /// What is claimed.
    pub claim: String,
    /// The goal, e.g. `≥ 1.9×`.
    pub goal: String,
    /// The measured figure, with its spread when there is one.
    pub measured: String,
    /// Met, missed or inconclusive (with the reason).
    #[serde(flatten)]
    pub status: Status,
}

impl Target {
    /// True when met.
    pub fn met(&self) -> bool {
        self.status == Status::Met
    }
}

/// One workload's results.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Section {
    /// `cpu`, `io_sleep`, `io_http`, `sweep_cpu`, …
    pub id: String,
    /// Title printed above the table.
    pub title: String,
    /// Parameters of the workload.
    pub params: BTreeMap<String, Value>,
    /// The rows of the table.
    pub rows: Vec<Row>,
    /// Sweeps drawn as line charts.
    pub sweeps: Vec<Sweep>,
    /// Targets checked on this run.
    pub targets: Vec<Target>,
    /// Notes printed under the table.
    pub notes: Vec<String>,
    /// The checksum every mode must return.
    pub expected_checksum: Option<u64>,
    /// True when every row's checksum equals the expected one.
    pub checksums_agree: bool,
    /// The table as printed.
    pub table: String,
    /// Draw a bar chart of the rows' medians.
    pub bar_chart: bool,
}

impl Section {
    /// Adds a target line.
    pub fn target(&mut self, claim: &str, goal: &str, measured: String, status: Status) {
        self.targets.push(Target {
            claim: claim.to_owned(),
            goal: goal.to_owned(),
            measured,
            status,
        });
    }

    /// Sets a parameter.
    pub fn param(&mut self, key: &str, value: impl Into<Value>) {
        self.params.insert(key.to_owned(), value.into());
    }

    /// The row with this key.
    pub fn row(&self, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.key == key)
    }

    /// The printable block: title, table, targets, notes.
    pub fn render(&self) -> String {
        let mut out = format!("\n== {} ==\n", self.title);
        if !self.params.is_empty() {
            let p: Vec<String> = self
                .params
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let _ = writeln!(out, "parameters: {}", p.join(", "));
        }
        out.push_str(&self.table);
        if let Some(c) = self.expected_checksum {
            let verdict = if self.checksums_agree {
                "all agree"
            } else {
                "MISMATCH"
            };
            let _ = writeln!(out, "checksum: {c} ({verdict})");
        }
        for t in &self.targets {
            let _ = writeln!(
                out,
                "target {}: goal {}, measured {} -> {}",
                t.claim, t.goal, t.measured, t.status
            );
        }
        for n in &self.notes {
            let _ = writeln!(out, "note: {n}");
        }
        out
    }
}

/// Facts about the machine and the build.
#[derive(Debug, Clone, Serialize)]
pub struct Machine {
    /// `available_parallelism`.
    pub cores: usize,
    /// OS name, release and distribution.
    pub os: String,
    /// CPU architecture.
    pub arch: String,
    /// CPU model from `/proc/cpuinfo`.
    pub cpu: String,
    /// Total memory in MiB.
    pub memory_mib: u64,
    /// `debug` or `release`.
    pub build_profile: String,
    /// `rustc --version` when available.
    pub rustc: String,
    /// Versions of the crates that do the work (from `Cargo.lock`).
    pub crates: BTreeMap<String, String>,
    /// `python3 --version` when present.
    pub python: Option<String>,
    /// Load average (1, 5, 15 min) when the run ended.
    pub load_average: String,
}

fn first_line_with(path: &str, prefix: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().find_map(|l| l.strip_prefix(prefix)).map(|v| {
        v.trim_start_matches([' ', '\t', ':', '='])
            .trim_matches('"')
            .trim()
            .to_owned()
    })
}

/// Versions of the named crates in a `Cargo.lock` text.
pub fn lock_versions(lock: &str, names: &[&str]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut current: Option<&str> = None;
    for line in lock.lines() {
        if let Some(name) = line.strip_prefix("name = ") {
            current = Some(name.trim_matches('"'));
        } else if let (Some(v), Some(name)) = (line.strip_prefix("version = "), current) {
            if names.contains(&name) {
                out.entry(name.to_owned())
                    .or_insert_with(|| v.trim_matches('"').to_owned());
            }
            current = None;
        }
    }
    out
}

impl Machine {
    /// Collects the facts of this machine.
    pub fn detect(python: Option<String>) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let distro = first_line_with("/etc/os-release", "PRETTY_NAME").unwrap_or_default();
        let rustc = std::process::Command::new("rustc")
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map_or_else(
                || "unknown".to_owned(),
                |o| String::from_utf8_lossy(&o.stdout).trim().to_owned(),
            );
        let lock = include_str!("../../Cargo.lock");
        Self {
            cores,
            os: format!("{} {} ({})", std::env::consts::OS, kernel.trim(), distro),
            arch: std::env::consts::ARCH.to_owned(),
            cpu: first_line_with("/proc/cpuinfo", "model name").unwrap_or_else(|| "unknown".into()),
            memory_mib: first_line_with("/proc/meminfo", "MemTotal")
                .and_then(|v| {
                    v.split_whitespace()
                        .next()
                        .and_then(|n| n.parse::<u64>().ok())
                })
                .map_or(0, |kib| kib / 1024),
            build_profile: if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            }
            .to_owned(),
            rustc,
            crates: lock_versions(
                lock,
                &["tokio", "rayon", "axum", "reqwest", "bincode", "indicatif"],
            ),
            python,
            load_average: load_averages(),
        }
    }
}

/// The load averages (1, 5, 15 min) from `/proc/loadavg`, e.g. `"3.10 2.40 1.95"`.
pub fn load_averages() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// Everything one run measured: what `--json` writes.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Always `comparison`.
    pub tool: String,
    /// Parts that ran.
    pub parts: Vec<String>,
    /// `--quick` / `COURSE_FAST=1`.
    pub quick: bool,
    /// `COURSE_TIME_SCALE` applied to every latency.
    pub time_scale: f64,
    /// Measured runs per mode.
    pub runs: usize,
    /// Warm-up runs per mode.
    pub warmup: usize,
    /// The machine.
    pub machine: Machine,
    /// Every workload.
    pub sections: Vec<Section>,
    /// Every checksum matched.
    pub all_checksums_agree: bool,
    /// The one-paragraph verdict.
    pub verdict: String,
    /// Whole run, seconds.
    pub wall_seconds: f64,
    /// Load average (1, 5, 15 min) when the run started.
    pub load_average_start: String,
}

impl Report {
    /// Writes the JSON file (creating its folder).
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_json(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let text = serde_json::to_string_pretty(self)?;
        std::fs::write(path, text).with_context(|| format!("write {}", path.display()))
    }

    /// Writes one bar chart per section with a bar chart and one line chart per sweep; returns
    /// the files written.
    ///
    /// # Errors
    /// I/O errors.
    pub fn write_svgs(&self, dir: &Path) -> Result<Vec<std::path::PathBuf>> {
        std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
        let mut written = Vec::new();
        for s in &self.sections {
            for (name, svg) in crate::charts::section_charts(s) {
                let path = dir.join(format!("{name}.svg"));
                std::fs::write(&path, svg).with_context(|| format!("write {}", path.display()))?;
                written.push(path);
            }
        }
        Ok(written)
    }
}

/// Formats seconds for a table cell in a unit that fits: `850 µs`, `8.9 ms`, `1.234 s`.
pub fn s3(x: f64) -> String {
    if !x.is_finite() {
        "-".to_owned()
    } else if x < 1e-3 {
        format!("{:.0} µs", x * 1e6)
    } else if x < 1.0 {
        format!("{:.1} ms", x * 1e3)
    } else {
        format!("{x:.3} s")
    }
}

/// Formats microseconds in a unit that fits: `0.42 µs`, `28 µs`, `1.43 ms`.
pub fn us(x: f64) -> String {
    if !x.is_finite() {
        "-".to_owned()
    } else if x < 10.0 {
        format!("{x:.2} µs")
    } else if x < 1000.0 {
        format!("{x:.0} µs")
    } else {
        format!("{:.2} ms", x / 1e3)
    }
}

/// Formats a ratio as `1.95x`.
pub fn times(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "-".to_owned(), |v| format!("{v:.2}x"))
}

/// Formats an efficiency as a percentage.
pub fn percent(x: Option<f64>) -> String {
    x.filter(|v| v.is_finite())
        .map_or_else(|| "-".to_owned(), |v| format!("{:.0}%", v * 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_from_a_lock_file() {
        let lock = "[[package]]\nname = \"tokio\"\nversion = \"1.54.1\"\n\n[[package]]\nname = \"x\"\nversion = \"0.1.0\"\n";
        let v = lock_versions(lock, &["tokio"]);
        assert_eq!(v.get("tokio").map(String::as_str), Some("1.54.1"));
        assert!(!v.contains_key("x"));
    }

    #[test]
    fn formats_cells() {
        assert_eq!(s3(1.23456), "1.235 s");
        assert_eq!(s3(0.0091), "9.1 ms");
        assert_eq!(s3(0.000_25), "250 µs");
        assert_eq!(us(28.4), "28 µs");
        assert_eq!(us(1430.0), "1.43 ms");
        assert_eq!(s3(f64::NAN), "-");
        assert_eq!(times(Some(1.954)), "1.95x");
        assert_eq!(times(None), "-");
        assert_eq!(percent(Some(0.97)), "97%");
    }

    #[test]
    fn rows_compute_speedup_efficiency_and_ratio() {
        let m = Measured {
            timing: stats::Timing {
                samples: vec![1.0, 2.0, 3.0],
            },
            checksum: 7,
        };
        let mut r = Row::timed("threads", "threads", "2", &m);
        r.against(4.0, 2, true);
        r.with_python("threads", 20.0);
        assert_eq!(r.speedup, Some(2.0));
        assert_eq!(r.efficiency, Some(1.0));
        assert_eq!(r.ratio, Some(10.0));
        assert_eq!(r.checksum, Some(7));
    }
}
