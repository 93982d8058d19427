//! Timelines: record spans (label, start, end) from threads, tasks or child processes, then draw
//! them as a terminal Gantt chart that shows which work overlapped (the course's "visualization"
//! module). The same data can be written as SVG.
//!
//! [`Timeline::print`] draws the terminal chart and, when the environment variable
//! `COURSE_TIMELINE_DIR` ([`TIMELINE_DIR_VAR`]) names a directory, also writes the picture there as
//! `<binary>.svg` (then `<binary>-2.svg`, `<binary>-3.svg`, … for later timelines of the same run).
//! The course book's recorder sets it; a learner running an example sees only the terminal chart.
//!
//! ```
//! use utilities::Timeline;
//! let tl = Timeline::new();
//! std::thread::scope(|s| {
//!     for name in ["task 1", "task 2"] {
//!         let tl = &tl;
//!         s.spawn(move || tl.record(name, || std::thread::sleep(std::time::Duration::from_millis(20))));
//!     }
//! });
//! tl.print("Two tasks in two threads"); // two bars side by side = they overlapped
//! assert_eq!(tl.max_overlap(), 2);
//! ```

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Names a directory where [`Timeline::print`] also writes each timeline as SVG.
pub const TIMELINE_DIR_VAR: &str = "COURSE_TIMELINE_DIR";

/// Columns of the terminal chart drawn by [`Timeline::print`].
pub const DEFAULT_WIDTH: usize = 40;

/// How many timelines this process has printed (numbers the SVG files in print order).
static PRINTED: AtomicUsize = AtomicUsize::new(0);

/// One piece of work: what, and when it started and ended (offsets from the timeline's origin).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    /// What ran (a thread name, a task, a process).
    pub label: String,
    /// Start, measured from the timeline's origin.
    pub start: Duration,
    /// End, measured from the timeline's origin.
    pub end: Duration,
}

/// A thread-safe collection of [`Span`]s; share it by reference (scoped threads) or in an `Arc`.
#[derive(Debug)]
pub struct Timeline {
    origin: Instant,
    spans: Mutex<Vec<Span>>,
}

impl Default for Timeline {
    fn default() -> Self {
        Self::new()
    }
}

/// Records a span when dropped; made by [`Timeline::span`].
#[must_use = "the span is recorded when this guard is dropped"]
pub struct SpanGuard<'a> {
    timeline: &'a Timeline,
    label: String,
    start: Instant,
}

impl Drop for SpanGuard<'_> {
    fn drop(&mut self) {
        self.timeline
            .add(std::mem::take(&mut self.label), self.start, Instant::now());
    }
}

impl Timeline {
    /// An empty timeline whose origin is now.
    pub fn new() -> Self {
        Self::with_origin(Instant::now())
    }

    /// An empty timeline with the given origin (e.g. a [`crate::Stopwatch`]'s start).
    pub fn with_origin(origin: Instant) -> Self {
        Self {
            origin,
            spans: Mutex::new(Vec::new()),
        }
    }

    /// The instant that offset zero stands for.
    pub fn origin(&self) -> Instant {
        self.origin
    }

    /// Adds a span given by two instants.
    pub fn add(&self, label: impl Into<String>, start: Instant, end: Instant) {
        let start = start.saturating_duration_since(self.origin);
        let end = end.saturating_duration_since(self.origin).max(start);
        self.push(Span {
            label: label.into(),
            start,
            end,
        });
    }

    /// Adds a span given as offsets from the origin (e.g. reported by a child process).
    pub fn push(&self, span: Span) {
        // A poisoned lock only means another thread panicked while pushing; the data is fine.
        self.spans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(span);
    }

    /// Starts a span that ends when the returned guard is dropped.
    pub fn span(&self, label: impl Into<String>) -> SpanGuard<'_> {
        SpanGuard {
            timeline: self,
            label: label.into(),
            start: Instant::now(),
        }
    }

    /// Runs `f` and records how long it took under `label`.
    pub fn record<T>(&self, label: impl Into<String>, f: impl FnOnce() -> T) -> T {
        let _guard = self.span(label);
        f()
    }

    /// Awaits `fut` and records it under `label`, from its first poll to its end (for tasks and
    /// futures: `tl.record_async("GET user 1", get_user(1)).await`).
    pub async fn record_async<T>(
        &self,
        label: impl Into<String>,
        fut: impl Future<Output = T>,
    ) -> T {
        let _guard = self.span(label);
        fut.await
    }

    /// All spans, sorted by start time (then label), so drawings are deterministic.
    pub fn spans(&self) -> Vec<Span> {
        let mut spans = self
            .spans
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone();
        spans.sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.label.cmp(&b.label)));
        spans
    }

    /// The first recorded span with exactly this label.
    pub fn find(&self, label: &str) -> Option<Span> {
        self.spans().into_iter().find(|s| s.label == label)
    }

    /// When the last span ended (zero when there is none).
    pub fn end(&self) -> Duration {
        self.spans().iter().map(|s| s.end).max().unwrap_or_default()
    }

    /// The largest number of spans that were running at the same moment.
    pub fn max_overlap(&self) -> usize {
        max_overlap(&self.spans())
    }

    /// A terminal Gantt chart, `width` columns wide for the bars.
    pub fn render(&self, width: usize) -> String {
        render_spans(&self.spans(), width)
    }

    /// The same chart as a standalone SVG document.
    /// When `COURSE_TIME_SCALE` is not 1, the picture says so (a "sleep 2 s" bar is shorter).
    pub fn to_svg(&self, title: &str) -> String {
        let scale = crate::time_scale();
        let note = ((scale - 1.0).abs() > 1e-9).then(|| {
            format!("COURSE_TIME_SCALE={scale}: simulated work takes {scale}× its stated time")
        });
        svg_with_note(&self.spans(), title, note.as_deref())
    }

    /// Prints the terminal chart ([`DEFAULT_WIDTH`] columns); with `COURSE_TIMELINE_DIR` set, also
    /// writes the SVG picture, titled `title`, into that directory (see the module docs).
    pub fn print(&self, title: &str) {
        self.print_width(title, DEFAULT_WIDTH);
    }

    /// [`Timeline::print`] with a chart `width` columns wide.
    pub fn print_width(&self, title: &str, width: usize) {
        print!("{}", self.render(width));
        let dir = std::env::var_os(TIMELINE_DIR_VAR).filter(|d| !d.is_empty());
        // A picture that cannot be written must not stop the lesson: say so on stderr.
        if let Err((path, e)) = self.save_svg(
            dir.as_deref().map(Path::new),
            &binary_name(),
            title,
            &PRINTED,
        ) {
            eprintln!("timeline: cannot write {}: {e}", path.display());
        }
    }

    /// Counts one printed timeline and, when `dir` is given, writes its SVG there as
    /// `<binary>.svg` (first) or `<binary>-<n>.svg` (n-th). Returns the path written.
    fn save_svg(
        &self,
        dir: Option<&Path>,
        binary: &str,
        title: &str,
        counter: &AtomicUsize,
    ) -> Result<Option<PathBuf>, (PathBuf, std::io::Error)> {
        let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
        let Some(dir) = dir else { return Ok(None) };
        let path = dir.join(svg_file_name(binary, n));
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, self.to_svg(title)))
            .map_err(|e| (path.clone(), e))?;
        Ok(Some(path))
    }
}

/// The file name of the `n`-th timeline (from 1) printed by `binary`: `t00.svg`, `t00-2.svg`, …
pub fn svg_file_name(binary: &str, n: usize) -> String {
    if n <= 1 {
        format!("{binary}.svg")
    } else {
        format!("{binary}-{n}.svg")
    }
}

/// The running program's name: the file stem of `argv[0]` (or of its executable).
fn binary_name() -> String {
    let stem = |p: PathBuf| {
        let stem = p.file_stem()?.to_string_lossy().into_owned();
        // Linux names a running executable that was rebuilt meanwhile "x (deleted)".
        Some(stem.trim_end_matches(" (deleted)").to_owned()).filter(|s| !s.is_empty())
    };
    std::env::args_os()
        .next()
        .map(PathBuf::from)
        .and_then(stem)
        .or_else(|| std::env::current_exe().ok().and_then(stem))
        .unwrap_or_else(|| "timeline".to_owned())
}

/// The largest number of `spans` running at the same moment (see [`Timeline::max_overlap`]).
pub fn max_overlap(spans: &[Span]) -> usize {
    let mut events: Vec<(Duration, i32)> = Vec::new();
    for s in spans {
        events.push((s.start, 1));
        events.push((s.end, -1));
    }
    // Ends sort before starts at the same instant: touching spans do not overlap.
    events.sort();
    let (mut now, mut max) = (0i32, 0i32);
    for (_, delta) in events {
        now += delta;
        max = max.max(now);
    }
    usize::try_from(max).unwrap_or(0)
}

/// Draws spans as a Gantt chart (see [`Timeline::render`]).
pub fn render_spans(spans: &[Span], width: usize) -> String {
    let width = width.max(10);
    let total = spans
        .iter()
        .map(|s| s.end)
        .max()
        .unwrap_or_default()
        .max(Duration::from_nanos(1));
    let label_w = spans
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    let per_col = total.as_secs_f64() / width as f64;
    let mut out = format!(
        "Timeline: 0 → {:.3} s, one column = {:.3} s\n",
        total.as_secs_f64(),
        per_col
    );
    for s in spans {
        let col = |d: Duration| d.as_secs_f64() / total.as_secs_f64() * width as f64;
        // Truncation is intended: a column is lit when the span covers part of it.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let (a, b) = {
            let a = (col(s.start).floor() as usize).min(width - 1);
            let b = (col(s.end).ceil() as usize).clamp(a + 1, width);
            (a, b)
        };
        let bar: String = (0..width)
            .map(|i| if (a..b).contains(&i) { '█' } else { ' ' })
            .collect();
        let _ = writeln!(
            out,
            "{:<label_w$} |{bar}| {:.3} → {:.3} s",
            s.label,
            s.start.as_secs_f64(),
            s.end.as_secs_f64()
        );
    }
    out
}

/// A "nice" tick step (1, 2 or 5 × 10^k seconds) giving at most about eight ticks over `total`.
fn tick_step(total: f64) -> f64 {
    let raw = (total / 8.0).max(1e-9);
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&step| step >= raw * 0.999)
        .unwrap_or(10.0 * mag)
}

/// A time in seconds as a tick label: milliseconds when the whole axis is under 2 s.
fn tick_label(t: f64, step: f64, millis: bool) -> String {
    let (value, step, unit) = if millis {
        (t * 1000.0, step * 1000.0, "ms")
    } else {
        (t, step, "s")
    };
    // Enough decimals to tell ticks apart (step 0.5 s → 1 decimal, 20 ms → 0).
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    format!("{value:.decimals$} {unit}")
}

/// A duration in seconds, short, for the text beside a bar.
fn short_secs(d: f64) -> String {
    if d < 1.0 {
        format!("{:.0} ms", d * 1000.0)
    } else {
        format!("{d:.2} s")
    }
}

/// Draws spans as an SVG Gantt chart: a title, one labelled bar per span (its duration beside it,
/// its exact times on hover), and a time axis with ticks and units.
pub fn spans_to_svg(spans: &[Span], title: &str) -> String {
    svg_with_note(spans, title, None)
}

/// [`spans_to_svg`] with an optional note appended to the subtitle line.
fn svg_with_note(spans: &[Span], title: &str, note: Option<&str>) -> String {
    use crate::chart::{color, escape};
    let total = spans
        .iter()
        .map(|s| s.end.as_secs_f64())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let step = tick_step(total);
    // The axis ends on a tick, so the last label sits at the right edge.
    let axis_end = (total / step).ceil().max(1.0) * step;
    let millis = axis_end < 2.0;
    let longest = spans
        .iter()
        .map(|s| s.label.chars().count())
        .max()
        .unwrap_or(0);
    // About 7 px per character at font-size 12: wide enough for the longest label.
    let left = (longest as f64 * 7.0 + 20.0).max(90.0);
    let (bar_w, row_h, top, right) = (640.0, 24.0, 58.0, 80.0);
    let rows_h = row_h * spans.len() as f64;
    let axis_y = top + rows_h + 6.0;
    let height = axis_y + 50.0;
    let x_of = |t: f64| left + t / axis_end * bar_w;
    let mut svg = crate::chart::svg_header(left + bar_w + right, height, title);

    // Distinct labels keep one colour (a thread seen twice is drawn in the same colour).
    let mut seen: Vec<&str> = Vec::new();
    let _ = writeln!(
        svg,
        "<text x=\"{:.0}\" y=\"40\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\
         {} spans · at most {} at the same time · 0 → {:.3} s{}</text>",
        (left + bar_w + right) / 2.0,
        spans.len(),
        max_overlap(spans),
        total,
        note.map(|n| format!(" · {}", escape(n)))
            .unwrap_or_default(),
    );
    // Grid and ticks first, so the bars are drawn over the grid lines.
    let mut k = 0.0_f64;
    while k * step <= axis_end + step * 1e-6 {
        let t = k * step;
        let x = x_of(t);
        let _ = writeln!(
            svg,
            "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{axis_y:.1}\" stroke=\"#e4e4e4\"/>\
             <line x1=\"{x:.1}\" y1=\"{axis_y:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"black\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
            axis_y + 5.0,
            axis_y + 18.0,
            tick_label(t, step, millis),
        );
        k += 1.0;
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{left:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\" stroke=\"black\"/>\
         <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#555\">\
         time since the start of the timeline ({})</text>",
        left + bar_w,
        left + bar_w / 2.0,
        axis_y + 38.0,
        if millis { "ms" } else { "s" },
    );
    for (i, s) in spans.iter().enumerate() {
        let colour = match seen.iter().position(|l| *l == s.label) {
            Some(j) => color(j),
            None => {
                seen.push(&s.label);
                color(seen.len() - 1)
            }
        };
        let (a, b) = (s.start.as_secs_f64(), s.end.as_secs_f64());
        let y = top + row_h * i as f64;
        let (x, w) = (x_of(a), (x_of(b) - x_of(a)).max(1.5));
        let label = escape(&s.label);
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>\
             <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{colour}\">\
             <title>{label}: {a:.3} → {b:.3} s</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" fill=\"#333\">{}</text>",
            left - 8.0,
            y + row_h * 0.66,
            y + 4.0,
            row_h - 8.0,
            x + w + 4.0,
            y + row_h * 0.66,
            short_secs(b - a),
        );
    }
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn span(label: &str, a: u64, b: u64) -> Span {
        Span {
            label: label.into(),
            start: ms(a),
            end: ms(b),
        }
    }

    #[test]
    fn golden_gantt_of_sequential_then_parallel_work() {
        let spans = [
            span("task 1", 0, 1000),
            span("task 2", 1000, 2000),
            span("both a", 2000, 4000),
            span("both b", 2000, 4000),
        ];
        let expected = "\
Timeline: 0 → 4.000 s, one column = 0.200 s
task 1 |█████               | 0.000 → 1.000 s
task 2 |     █████          | 1.000 → 2.000 s
both a |          ██████████| 2.000 → 4.000 s
both b |          ██████████| 2.000 → 4.000 s
";
        assert_eq!(render_spans(&spans, 20), expected);
    }

    #[test]
    fn tiny_spans_still_get_one_column() {
        let out = render_spans(&[span("a", 0, 1000), span("blip", 500, 501)], 10);
        assert!(out.contains("blip |     █    |"), "{out}");
    }

    #[test]
    fn records_from_threads_and_counts_overlap() {
        let tl = Timeline::new();
        std::thread::scope(|s| {
            for name in ["a", "b", "c"] {
                let tl = &tl;
                s.spawn(move || tl.record(name, || std::thread::sleep(ms(50))));
            }
        });
        assert_eq!(tl.spans().len(), 3);
        assert_eq!(tl.max_overlap(), 3);
        let tl2 = Timeline::new();
        tl2.push(span("x", 0, 10));
        tl2.push(span("y", 10, 20));
        assert_eq!(tl2.max_overlap(), 1, "touching spans do not overlap");
        assert_eq!(tl2.end(), ms(20));
        assert_eq!(tl2.find("y").map(|s| s.start), Some(ms(10)));
        assert_eq!(tl2.find("z"), None);
        assert_eq!(Timeline::new().end(), Duration::ZERO);
    }

    #[test]
    fn svg_is_well_formed_enough() {
        let svg = spans_to_svg(&[span("a<b", 0, 10)], "t & t");
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("t &amp; t"));
        assert_eq!(svg.matches("<rect").count(), 2, "background + one bar");
        assert_eq!(
            svg.matches('<').count(),
            svg.matches('>').count(),
            "every tag closed: {svg}"
        );
    }

    #[test]
    fn svg_has_labels_durations_ticks_units_and_overlap() {
        let spans = [
            span("task 1 (sleep 2 s)", 0, 2000),
            span("task 2 (sleep 2 s)", 0, 2000),
            span("task 3 (sleep 1 s)", 2000, 3000),
        ];
        let svg = spans_to_svg(&spans, "Three tasks, two at a time");
        for text in [
            ">Three tasks, two at a time</text>",
            ">task 1 (sleep 2 s)</text>",
            ">task 3 (sleep 1 s)</text>",
            ">2.00 s</text>",
            ">1.00 s</text>",
            "at most 2 at the same time",
            "time since the start of the timeline (s)",
        ] {
            assert!(svg.contains(text), "missing {text:?} in {svg}");
        }
        // 3 s with ticks every 0.5 s: 0.0 s … 3.0 s, 7 ticks.
        for tick in ["0.0 s", "0.5 s", "1.5 s", "3.0 s"] {
            assert!(
                svg.contains(&format!(">{tick}</text>")),
                "tick {tick}: {svg}"
            );
        }
        assert_eq!(svg.matches("stroke=\"#e4e4e4\"").count(), 7, "{svg}");
        // Each bar is as wide as its span: 2 s is twice 1 s.
        let widths: Vec<f64> = svg
            .split("<rect ")
            .skip(2)
            .map(|r| {
                let w = r
                    .split("width=\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                w.parse().unwrap()
            })
            .collect();
        assert_eq!(widths.len(), 3);
        assert!((widths[0] / widths[2] - 2.0).abs() < 0.01, "{widths:?}");
        // Short runs are labelled in milliseconds.
        let quick = svg_with_note(&[span("a", 0, 150)], "quick", Some("scale <0.1>"));
        assert!(quick.contains(" · scale &lt;0.1&gt;</text>"), "{quick}");
        assert!(
            quick.contains(">150 ms</text>") && quick.contains(">100 ms</text>"),
            "{quick}"
        );
    }

    #[test]
    fn tick_steps_are_round_and_few() {
        for (total, step) in [
            (3.0, 0.5),
            (0.15, 0.02),
            (10.0, 2.0),
            (0.8, 0.1),
            (40.0, 5.0),
        ] {
            assert!(
                (tick_step(total) - step).abs() < 1e-9,
                "{total} → {}",
                tick_step(total)
            );
        }
        assert_eq!(tick_label(1.5, 0.5, false), "1.5 s");
        assert_eq!(tick_label(0.04, 0.02, true), "40 ms");
    }

    #[test]
    fn saves_one_svg_per_printed_timeline_in_print_order() {
        let dir = std::env::temp_dir().join(format!(
            "timeline-test-{}-{:?}",
            std::process::id(),
            Instant::now()
        ));
        let counter = AtomicUsize::new(0);
        let tl = Timeline::new();
        tl.push(span("task 1 (sleep 2 s)", 0, 2000));
        let written: Vec<_> = ["first", "second", "third"]
            .iter()
            .map(|title| tl.save_svg(Some(&dir), "t99_demo", title, &counter))
            .map(|r| r.expect("written").expect("a path"))
            .collect();
        let names: Vec<_> = written
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["t99_demo.svg", "t99_demo-2.svg", "t99_demo-3.svg"]);
        let second = std::fs::read_to_string(&written[1]).unwrap();
        assert!(second.contains(">second</text>") && second.contains("task 1 (sleep 2 s)"));
        // Without a directory nothing is written, but the timeline still counts.
        assert_eq!(tl.save_svg(None, "t99_demo", "x", &counter).unwrap(), None);
        assert_eq!(counter.load(Ordering::Relaxed), 4);
        // An unwritable directory is reported with its path, not a panic.
        let file = dir.join("t99_demo.svg");
        let err = tl.save_svg(Some(&file), "x", "x", &counter).unwrap_err();
        assert!(err.0.starts_with(&file));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn record_async_times_a_future_from_first_poll_to_end() {
        let tl = Timeline::new();
        let fut = tl.record_async("slow future", async {
            std::thread::sleep(ms(30));
            7
        });
        std::thread::sleep(ms(30)); // not yet polled: not yet timed
        // A future that is ready on its first poll needs no executor: poll it by hand once.
        let mut fut = std::pin::pin!(fut);
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert_eq!(fut.as_mut().poll(&mut cx), std::task::Poll::Ready(7));
        let span = tl.find("slow future").expect("recorded");
        assert!(span.start >= ms(30), "timed from the first poll: {span:?}");
        assert!(span.end - span.start >= ms(30), "{span:?}");
    }

    #[test]
    fn svg_file_names() {
        assert_eq!(svg_file_name("t00", 1), "t00.svg");
        assert_eq!(svg_file_name("t00", 2), "t00-2.svg");
        assert!(!binary_name().is_empty());
    }

    #[test]
    fn empty_timeline_renders_header_only() {
        assert_eq!(Timeline::new().render(20).lines().count(), 1);
    }
}
