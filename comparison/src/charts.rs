//! The charts of a run, as plain SVG: horizontal bars (Rust, with its p10–p90 whisker, and
//! Python beside it) with reference lines (ideal, break-even, the course's goal), and line
//! charts for the sweeps. Both axes carry ticks and labels; an axis goes logarithmic when its
//! values span more than a factor of 30, and time labels pick their unit (µs, ms, s).

use std::fmt::Write as _;

use utilities::chart::{color, escape, svg_header};

use crate::measure::percentile;
use crate::report::Section;

/// What the numbers on an axis are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Seconds (labels in µs, ms or s).
    Seconds,
    /// Microseconds (labels in µs or ms).
    Micros,
    /// Bytes (labels in B, KiB, MiB).
    Bytes,
    /// A ratio (labels like `1.5×`).
    Times,
    /// A plain count.
    Count,
    /// KiB.
    Kib,
}

/// Formats `v` for an axis label in `unit`.
pub fn label(v: f64, unit: Unit) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let trim = |x: f64| {
        let s = if x >= 100.0 || (x - x.round()).abs() < 1e-9 {
            format!("{x:.0}")
        } else if x >= 10.0 {
            format!("{x:.1}")
        } else {
            format!("{x:.2}")
        };
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s
        }
    };
    match unit {
        Unit::Seconds if v < 1e-3 => format!("{} µs", trim(v * 1e6)),
        Unit::Seconds if v < 1.0 => format!("{} ms", trim(v * 1e3)),
        Unit::Seconds => format!("{} s", trim(v)),
        Unit::Micros if v < 1000.0 => format!("{} µs", trim(v)),
        Unit::Micros => format!("{} ms", trim(v / 1e3)),
        Unit::Bytes if v >= f64::from(1 << 20) => format!("{} MiB", trim(v / f64::from(1 << 20))),
        Unit::Bytes if v >= 1024.0 => format!("{} KiB", trim(v / 1024.0)),
        Unit::Bytes => format!("{} B", trim(v)),
        Unit::Times => format!("{}×", trim(v)),
        Unit::Count if v >= 1000.0 => {
            let n = v.round() as u64;
            let mut s = n.to_string();
            let mut i = s.len();
            while i > 3 {
                i -= 3;
                s.insert(i, ' ');
            }
            s
        }
        Unit::Count => trim(v),
        Unit::Kib => format!("{} KiB", trim(v)),
    }
}

/// One axis: its range, scale and unit.
#[derive(Debug, Clone, Copy)]
pub struct Axis {
    /// Smallest value shown.
    pub lo: f64,
    /// Largest value shown.
    pub hi: f64,
    /// Logarithmic.
    pub log: bool,
    /// Unit of the labels.
    pub unit: Unit,
}

/// The step between two ticks of a log axis: 4 for bytes (1 KiB, 4 KiB, 16 KiB …), else 10.
fn log_base(unit: Unit) -> f64 {
    if unit == Unit::Bytes { 4.0 } else { 10.0 }
}

impl Axis {
    /// An axis covering `values` (positive, finite ones), logarithmic when they span more than
    /// 30× or when `force_log`; a linear axis starts at 0.
    pub fn fit(values: impl IntoIterator<Item = f64>, unit: Unit, force_log: bool) -> Self {
        let v: Vec<f64> = values
            .into_iter()
            .filter(|x| x.is_finite() && *x > 0.0)
            .collect();
        let (mut lo, mut hi) = (
            v.iter().copied().fold(f64::INFINITY, f64::min),
            v.iter().copied().fold(0.0_f64, f64::max),
        );
        if !lo.is_finite() || hi <= 0.0 {
            (lo, hi) = (1.0, 10.0);
        }
        let log = force_log || hi / lo > 30.0;
        if log {
            let base = log_base(unit);
            let (a, b) = (
                (lo.ln() / base.ln() + 1e-9).floor(),
                (hi.ln() / base.ln() - 1e-9).ceil(),
            );
            let b = if b <= a { a + 1.0 } else { b };
            Self {
                lo: base.powf(a),
                hi: base.powf(b),
                log,
                unit,
            }
        } else {
            let step = nice_step(hi / 5.0);
            Self {
                lo: 0.0,
                hi: (hi / step).ceil().max(1.0) * step,
                log,
                unit,
            }
        }
    }

    /// Where `v` falls, 0.0 (at `lo`) to 1.0 (at `hi`).
    pub fn pos(&self, v: f64) -> f64 {
        let p = if self.log {
            (v.max(self.lo * 1e-3).log10() - self.lo.log10()) / (self.hi.log10() - self.lo.log10())
        } else {
            (v - self.lo) / (self.hi - self.lo)
        };
        p.clamp(-0.02, 1.02)
    }

    /// The ticks: every decade (log) or every nice step (linear), with their labels.
    pub fn ticks(&self) -> Vec<(f64, String)> {
        let mut out = Vec::new();
        if self.log {
            let mut v = self.lo;
            while v <= self.hi * 1.0001 {
                out.push((v, label(v, self.unit)));
                v *= log_base(self.unit);
            }
        } else {
            let step = nice_step((self.hi - self.lo) / 5.0);
            let mut i = 0.0;
            while self.lo + i * step <= self.hi + step * 1e-6 {
                let v = self.lo + i * step;
                out.push((v, label(v, self.unit)));
                i += 1.0;
            }
        }
        out
    }
}

/// 1, 2 or 5 × a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let p = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&s| s >= raw)
        .unwrap_or(10.0 * p)
}

/// One bar group: a label, Rust's value with an optional (p10, p90) whisker, Python's value.
#[derive(Debug, Clone)]
pub struct Bar {
    /// Mode label.
    pub label: String,
    /// Rust's value.
    pub value: f64,
    /// p10 and p90 of Rust's samples.
    pub whisker: Option<(f64, f64)>,
    /// Python's value for the same work.
    pub python: Option<f64>,
    /// The course's goal for this bar (drawn as a short red mark).
    pub goal: Option<f64>,
    /// Why this bar's figure cannot be judged (drawn hatched, the reason as its tooltip).
    pub inconclusive: Option<String>,
}

/// A vertical reference line across a bar chart (or horizontal across a line chart).
#[derive(Debug, Clone)]
pub struct Reference {
    /// Where.
    pub value: f64,
    /// What it is (`ideal`, `break-even`, `goal ≤ 1.3×`).
    pub label: String,
}

/// The hatch pattern of an inconclusive bar, defined once per chart.
const HATCH: &str = "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"white\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c0392b\" stroke-width=\"3\"/></pattern></defs>";

/// The legend sentence of an inconclusive figure.
const INCONCLUSIVE: &str = "inconclusive: machine busy (re-run on a quiet machine)";

const RUST: &str = "#c0392b";
const PYTHON: &str = "#3776ab";
const REF: &str = "#555555";

/// A horizontal bar chart: one group per mode (Rust bar with whisker, Python bar below),
/// a value axis with ticks at the bottom, reference lines with their names at the top.
pub fn bars(
    title: &str,
    (x_label, whisker): (&str, &str),
    unit: Unit,
    bars: &[Bar],
    refs: &[Reference],
) -> String {
    let values = bars
        .iter()
        .flat_map(|b| {
            [
                Some(b.value),
                b.python,
                b.whisker.map(|w| w.0),
                b.whisker.map(|w| w.1),
                b.goal,
            ]
            .into_iter()
            .flatten()
        })
        .chain(refs.iter().map(|r| r.value));
    let axis = Axis::fit(values, unit, false);
    let with_py = bars.iter().any(|b| b.python.is_some());
    let hatched = bars.iter().any(|b| b.inconclusive.is_some());
    let legend_rows = 1.0 + f64::from(u8::from(with_py)) + f64::from(u8::from(hatched));
    let (left, plot_w) = (300.0, 520.0);
    let top = 50.0 + 14.0 * legend_rows + 12.0 * refs.len().min(3) as f64;
    let group = if with_py { 34.0 } else { 22.0 };
    let plot_h = group * bars.len() as f64 + 8.0;
    let height = top + plot_h + 70.0;
    let width = left + plot_w + 40.0;
    let mut svg = svg_header(width, height, title);
    let x = |v: f64| left + axis.pos(v) * plot_w;
    // legend
    let _ = writeln!(
        svg,
        "<rect x=\"{left}\" y=\"30\" width=\"12\" height=\"10\" fill=\"{RUST}\"/><text x=\"{:.0}\" y=\"39\">Rust{}</text>",
        left + 16.0,
        escape(whisker)
    );
    if with_py {
        let _ = writeln!(
            svg,
            "<rect x=\"{left}\" y=\"44\" width=\"12\" height=\"10\" fill=\"{PYTHON}\"/><text x=\"{:.0}\" y=\"53\">Python, same work</text>",
            left + 16.0
        );
    }
    if hatched {
        let y = if with_py { 58.0 } else { 44.0 };
        let _ = writeln!(
            svg,
            "{HATCH}<rect x=\"{left}\" y=\"{y}\" width=\"12\" height=\"10\" fill=\"url(#hatch)\" stroke=\"{RUST}\"/><text x=\"{:.0}\" y=\"{:.0}\">hatched: {INCONCLUSIVE}</text>",
            left + 16.0,
            y + 9.0
        );
    }
    // grid and ticks
    for (v, text) in axis.ticks() {
        let px = x(v);
        let _ = writeln!(
            svg,
            "<line x1=\"{px:.1}\" y1=\"{top}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"#dddddd\"/>\
             <line x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top + plot_h,
            top + plot_h,
            top + plot_h + 5.0,
            top + plot_h + 18.0,
            escape(&text)
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{:.1}\" stroke=\"black\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        top + plot_h,
        left + plot_w,
        top + plot_h,
        top + plot_h,
        left + plot_w / 2.0,
        top + plot_h + 40.0,
        escape(&format!(
            "{x_label}{}",
            if axis.log { " (log scale)" } else { "" }
        ))
    );
    for (i, b) in bars.iter().enumerate() {
        let y = top + 4.0 + group * i as f64;
        let w = (x(b.value) - left).max(1.0);
        let text_x = [Some(b.value), b.whisker.map(|w| w.1), b.goal]
            .into_iter()
            .flatten()
            .map(x)
            .fold(left + w, f64::max)
            + 5.0;
        let (fill, tip, mark) = match &b.inconclusive {
            Some(why) => (
                format!("url(#hatch)\" stroke=\"{RUST}"),
                format!("{}: inconclusive ({why})", label(b.value, unit)),
                " (inconclusive)",
            ),
            None => (RUST.to_owned(), label(b.value, unit), ""),
        };
        let _ = writeln!(
            svg,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{left}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"12\" fill=\"{fill}\"><title>{}</title></rect>\
             <text x=\"{text_x:.1}\" y=\"{:.1}\" font-size=\"10\">{}{mark}</text>",
            left - 8.0,
            y + 10.0,
            escape(&b.label),
            escape(&tip),
            y + 10.0,
            escape(&label(b.value, unit)),
        );
        if let Some((p10, p90)) = b.whisker {
            let (a, c) = (x(p10), x(p90));
            let _ = writeln!(
                svg,
                "<line x1=\"{a:.1}\" y1=\"{:.1}\" x2=\"{c:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
                 <line x1=\"{a:.1}\" y1=\"{:.1}\" x2=\"{a:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
                 <line x1=\"{c:.1}\" y1=\"{:.1}\" x2=\"{c:.1}\" y2=\"{:.1}\" stroke=\"black\"/>",
                y + 6.0,
                y + 6.0,
                y + 2.0,
                y + 10.0,
                y + 2.0,
                y + 10.0
            );
        }
        if let Some(goal) = b.goal {
            let g = x(goal);
            let _ = writeln!(
                svg,
                "<line x1=\"{g:.1}\" y1=\"{:.1}\" x2=\"{g:.1}\" y2=\"{:.1}\" stroke=\"#e67e22\" stroke-width=\"3\"><title>goal {}</title></line>",
                y - 2.0,
                y + 14.0,
                escape(&label(goal, unit))
            );
        }
        if let Some(p) = b.python {
            let w = (x(p) - left).max(1.0);
            let _ = writeln!(
                svg,
                "<rect x=\"{left}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"10\" fill=\"{PYTHON}\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>",
                y + 14.0,
                left + w + 4.0,
                y + 23.0,
                escape(&label(p, unit))
            );
        }
    }
    for (i, r) in refs.iter().enumerate() {
        let px = x(r.value);
        let _ = writeln!(
            svg,
            "<line x1=\"{px:.1}\" y1=\"{:.1}\" x2=\"{px:.1}\" y2=\"{:.1}\" stroke=\"{REF}\" stroke-dasharray=\"5,3\"/>\
             <text x=\"{px:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\" fill=\"{REF}\">{}</text>",
            top - 4.0,
            top + plot_h,
            top - 6.0 - 12.0 * (i % 3) as f64,
            escape(&r.label)
        );
    }
    svg.push_str("</svg>\n");
    svg
}

/// One line of a line chart.
#[derive(Debug, Clone)]
pub struct Line {
    /// Legend.
    pub name: String,
    /// Points.
    pub points: Vec<(f64, f64)>,
    /// Dashed (ideal lines, Python).
    pub dashed: bool,
    /// Points whose figure is inconclusive (same order as `points`; empty: none), drawn hollow.
    pub hollow: Vec<bool>,
}

/// A line chart with ticks on both axes and horizontal reference lines.
pub fn lines(
    title: &str,
    (x_label, x_unit, x_log): (&str, Unit, bool),
    (y_label, y_unit, y_log): (&str, Unit, bool),
    series: &[Line],
    refs: &[Reference],
) -> String {
    let xs = Axis::fit(
        series.iter().flat_map(|s| s.points.iter().map(|p| p.0)),
        x_unit,
        x_log,
    );
    let xs = if x_log {
        xs
    } else {
        // a linear x axis (workers) starts at the smallest value, not at 0
        let lo = series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.0))
            .fold(f64::INFINITY, f64::min);
        Axis {
            lo: if lo.is_finite() { lo } else { 0.0 },
            ..xs
        }
    };
    let ys = Axis::fit(
        series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1))
            .chain(refs.iter().map(|r| r.value)),
        y_unit,
        y_log,
    );
    let (left, top, w, h) = (90.0, 50.0, 560.0, 320.0);
    let mut svg = svg_header(left + w + 230.0, top + h + 70.0, title);
    let any_hollow = series.iter().any(|s| s.hollow.iter().any(|&x| x));
    let px = |v: f64| left + xs.pos(v) * w;
    let py = |v: f64| top + h - ys.pos(v) * h;
    for (v, text) in xs.ticks() {
        let x = px(v);
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#dddddd\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            top + h + 5.0,
            top + h + 18.0,
            escape(&text)
        );
    }
    for (v, text) in ys.ticks() {
        let y = py(v);
        let _ = writeln!(
            svg,
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#dddddd\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 5.0,
            left + w,
            left - 8.0,
            y + 4.0,
            escape(&text)
        );
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{:.1}\" stroke=\"black\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\
         <text x=\"16\" y=\"{:.1}\" transform=\"rotate(-90 16 {:.1})\" text-anchor=\"middle\">{}</text>",
        top + h,
        left + w,
        top + h,
        top + h,
        left + w / 2.0,
        top + h + 42.0,
        escape(&format!(
            "{x_label}{}",
            if xs.log { " (log scale)" } else { "" }
        )),
        top + h / 2.0,
        top + h / 2.0,
        escape(&format!(
            "{y_label}{}",
            if ys.log { " (log scale)" } else { "" }
        )),
    );
    for r in refs {
        let y = py(r.value);
        let _ = writeln!(
            svg,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{REF}\" stroke-dasharray=\"5,3\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"10\" fill=\"{REF}\">{}</text>",
            left + w,
            left + w - 4.0,
            y - 4.0,
            escape(&r.label)
        );
    }
    for (i, s) in series.iter().enumerate() {
        let c = color(i);
        let pts: Vec<String> = s
            .points
            .iter()
            .map(|&(x, y)| format!("{:.1},{:.1}", px(x), py(y)))
            .collect();
        let dash = if s.dashed {
            " stroke-dasharray=\"6,4\""
        } else {
            ""
        };
        let _ = writeln!(
            svg,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\"{dash} points=\"{}\"/>\
             <line x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{c}\" stroke-width=\"2\"{dash}/>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            pts.join(" "),
            left + w + 12.0,
            top + 16.0 * i as f64 + 6.0,
            left + w + 32.0,
            top + 16.0 * i as f64 + 6.0,
            left + w + 36.0,
            top + 16.0 * i as f64 + 10.0,
            escape(&s.name),
        );
        for (k, &(x, y)) in s.points.iter().enumerate() {
            let hollow = s.hollow.get(k).copied().unwrap_or(false);
            let (r, fill, note) = if hollow {
                (
                    4.5,
                    "white\" stroke-width=\"2\" stroke=\"",
                    " (inconclusive)",
                )
            } else {
                (3.0, "", "")
            };
            let _ = writeln!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\" fill=\"{fill}{c}\"><title>{} → {}{note}</title></circle>",
                px(x),
                py(y),
                escape(&label(x, x_unit)),
                escape(&label(y, y_unit))
            );
        }
    }
    if any_hollow {
        let y = top + 16.0 * series.len() as f64 + 10.0;
        let _ = writeln!(
            svg,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4.5\" fill=\"white\" stroke=\"black\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">hollow point: inconclusive</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">(machine busy; re-run quietly)</text>",
            left + w + 22.0,
            y,
            left + w + 36.0,
            y + 4.0,
            left + w + 36.0,
            y + 18.0,
        );
    }
    svg.push_str("</svg>\n");
    svg
}

fn param(s: &Section, key: &str) -> f64 {
    s.params
        .get(key)
        .and_then(serde_json::Value::as_f64)
        .unwrap_or(f64::NAN)
}

/// The charts of one section: `(file stem, svg)`.
pub fn section_charts(s: &Section) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if s.bar_chart && !s.rows.is_empty() {
        let micro = s.rows.iter().any(|r| r.micro.is_some());
        let unit = if micro { Unit::Micros } else { Unit::Seconds };
        let bars_of: Vec<Bar> = s
            .rows
            .iter()
            .map(|r| Bar {
                label: r.mode.clone(),
                value: r.median,
                whisker: if micro {
                    r.micro.as_ref().map(|m| (m.p50, m.p90))
                } else if r.samples.len() > 1 {
                    Some((percentile(&r.samples, 10.0), percentile(&r.samples, 90.0)))
                } else {
                    None
                },
                python: r.python,
                goal: r.goal,
                inconclusive: r
                    .inconclusive
                    .clone()
                    .or_else(|| r.micro.as_ref()?.busy.map(|b| b.to_string())),
            })
            .collect();
        let mut refs = Vec::new();
        let cores = param(s, "cores").max(2.0);
        match s.id.as_str() {
            "cpu" | "threads_vs_processes" | "sync" => {
                if let Some(base) = s.row("sequential").map(|r| r.median) {
                    refs.push(Reference {
                        value: base,
                        label: "break-even (sequential)".into(),
                    });
                    refs.push(Reference {
                        value: base / cores,
                        label: format!("ideal (1/{cores:.0})"),
                    });
                    if s.id != "sync" {
                        refs.push(Reference {
                            value: base / 1.9,
                            label: "goal 1.9×".into(),
                        });
                    }
                }
            }
            "io_sleep" | "io_http" => {
                let lat = param(s, "latency_s");
                refs.push(Reference {
                    value: lat,
                    label: "ideal (one latency)".into(),
                });
                refs.push(Reference {
                    value: 1.3 * lat,
                    label: "goal 1.3 × latency".into(),
                });
            }
            _ => {}
        }
        let labels = if micro {
            (
                "p50 per operation",
                " (bar: p50; whisker to p90; orange mark: the course's goal)",
            )
        } else {
            (
                "wall time per run",
                " (bar: median; whisker: p10–p90 of the rounds)",
            )
        };
        out.push((s.id.clone(), bars(&s.title, labels, unit, &bars_of, &refs)));
    }
    for sw in &s.sweeps {
        let series: Vec<Line> = sw
            .series
            .iter()
            .map(|se| Line {
                name: se.name.clone(),
                points: se.points.iter().map(|p| (p[0], p[1])).collect(),
                dashed: se.name.starts_with("ideal") || se.name.starts_with("Python"),
                hollow: se.inconclusive.clone(),
            })
            .collect();
        let (x, y, refs) = match sw.id.as_str() {
            "sweep_cpu" => (
                ("workers", Unit::Count, false),
                ("wall time per run", Unit::Seconds, false),
                Vec::new(),
            ),
            "serialization" => (
                ("payload per job", Unit::Bytes, true),
                ("speedup over sequential", Unit::Times, false),
                vec![
                    Reference {
                        value: 1.0,
                        label: "break-even".into(),
                    },
                    Reference {
                        value: param(s, "cores").max(2.0),
                        label: "ideal (cores)".into(),
                    },
                ],
            ),
            _ => {
                let lat = param(s, "latency_s");
                (
                    ("tasks", Unit::Count, true),
                    ("wall time", Unit::Seconds, true),
                    vec![
                        Reference {
                            value: lat,
                            label: "ideal (one latency)".into(),
                        },
                        Reference {
                            value: 2.0 * lat,
                            label: "goal for 100 000 tokio sleeps (2 × latency)".into(),
                        },
                    ],
                )
            }
        };
        out.push((sw.id.clone(), lines(&sw.title, x, y, &series, &refs)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_pick_their_unit() {
        assert_eq!(label(0.009, Unit::Seconds), "9 ms");
        assert_eq!(label(0.000_25, Unit::Seconds), "250 µs");
        assert_eq!(label(1.5, Unit::Seconds), "1.5 s");
        assert_eq!(label(1500.0, Unit::Micros), "1.5 ms");
        assert_eq!(label(65536.0, Unit::Bytes), "64 KiB");
        assert_eq!(label(0.0, Unit::Seconds), "0");
        let b = Axis::fit([1024.0, 12.0 * 1048576.0], Unit::Bytes, true);
        let t: Vec<String> = b.ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(t.first().map(String::as_str), Some("1 KiB"));
        assert!(
            t.contains(&"64 KiB".to_owned()) && t.contains(&"16 MiB".to_owned()),
            "{t:?}"
        );
        assert_eq!(label(100_000.0, Unit::Count), "100 000");
        assert_eq!(label(1.9, Unit::Times), "1.9×");
    }

    #[test]
    fn wide_ranges_get_a_log_axis_with_a_tick_per_decade() {
        let a = Axis::fit([10.0, 100_000.0], Unit::Count, false);
        assert!(a.log);
        let t: Vec<String> = a.ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(t, ["10", "100", "1 000", "10 000", "100 000"]);
        assert!((a.pos(1000.0) - 0.5).abs() < 1e-9);
        let lin = Axis::fit([0.2, 1.9], Unit::Times, false);
        assert!(!lin.log && lin.lo == 0.0 && lin.hi >= 1.9);
        assert!(lin.ticks().len() >= 3);
    }

    #[test]
    fn a_bar_chart_has_ticks_python_bars_and_reference_lines() {
        let svg = bars(
            "t",
            ("time", ""),
            Unit::Seconds,
            &[
                Bar {
                    label: "sequential".into(),
                    value: 1.0,
                    whisker: Some((0.9, 1.1)),
                    python: Some(100.0),
                    goal: None,
                    inconclusive: None,
                },
                Bar {
                    label: "threads".into(),
                    value: 0.5,
                    whisker: None,
                    python: Some(101.0),
                    goal: Some(0.52),
                    inconclusive: None,
                },
            ],
            &[Reference {
                value: 0.5,
                label: "ideal".into(),
            }],
        );
        assert!(svg.contains("(log scale)"), "1 s vs 100 s needs a log axis");
        assert!(svg.contains(">100 s<") && svg.contains(">1 s<"), "ticks");
        assert!(svg.contains(PYTHON) && svg.contains(">ideal<"));
        assert!(
            !svg.contains("hatch"),
            "nothing inconclusive, no hatch legend"
        );
    }

    #[test]
    fn inconclusive_bars_are_hatched_and_points_hollow_with_a_legend() {
        let bar = |label: &str, why: Option<&str>| Bar {
            label: label.into(),
            value: 1.0,
            whisker: None,
            python: None,
            goal: None,
            inconclusive: why.map(str::to_owned),
        };
        let svg = bars(
            "t",
            ("time", ""),
            Unit::Seconds,
            &[
                bar("sequential", None),
                bar("threads", Some("machine busy: got 0.7 of 2 cores")),
            ],
            &[],
        );
        assert_eq!(
            svg.matches("fill=\"url(#hatch)\"").count(),
            2,
            "legend + bar"
        );
        assert!(svg.contains("<pattern id=\"hatch\""));
        assert!(svg.contains("hatched: inconclusive"));
        assert!(svg.contains("inconclusive (machine busy: got 0.7 of 2 cores)"));
        let line = |hollow: Vec<bool>| Line {
            name: "pool".into(),
            points: vec![(1.0, 1.5), (2.0, 0.5)],
            dashed: false,
            hollow,
        };
        let svg = lines(
            "t",
            ("x", Unit::Bytes, true),
            ("y", Unit::Times, false),
            &[line(vec![false, true])],
            &[],
        );
        assert_eq!(svg.matches("fill=\"white\" stroke-width=\"2\"").count(), 1);
        assert!(svg.contains("hollow point: inconclusive"));
        let plain = lines(
            "t",
            ("x", Unit::Bytes, true),
            ("y", Unit::Times, false),
            &[line(Vec::new())],
            &[],
        );
        assert!(!plain.contains("hollow point"));
    }
}
