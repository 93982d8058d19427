//! Timelines: record spans (label, start, end) from threads, tasks or child processes, then draw
//! them as a terminal Gantt chart that shows which work overlapped (the course's "visualization"
//! module). The same data can be written as SVG.
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
//! print!("{}", tl.render(40)); // two bars side by side = they overlapped
//! ```

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

    /// The largest number of spans that were running at the same moment.
    pub fn max_overlap(&self) -> usize {
        let mut events: Vec<(Duration, i32)> = Vec::new();
        for s in self.spans() {
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

    /// A terminal Gantt chart, `width` columns wide for the bars.
    pub fn render(&self, width: usize) -> String {
        render_spans(&self.spans(), width)
    }

    /// The same chart as a standalone SVG document.
    pub fn to_svg(&self, title: &str) -> String {
        spans_to_svg(&self.spans(), title)
    }
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

/// Draws spans as an SVG Gantt chart.
pub fn spans_to_svg(spans: &[Span], title: &str) -> String {
    let total = spans
        .iter()
        .map(|s| s.end.as_secs_f64())
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let (left, bar_w, row_h, top) = (160.0, 600.0, 28.0, 40.0);
    let height = top + row_h * spans.len() as f64 + 40.0;
    let mut svg = crate::chart::svg_header(left + bar_w + 40.0, height, title);
    for (i, s) in spans.iter().enumerate() {
        let y = top + row_h * i as f64;
        let x = left + s.start.as_secs_f64() / total * bar_w;
        let w = ((s.end - s.start).as_secs_f64() / total * bar_w).max(1.0);
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" fill=\"{}\"/>",
            left - 8.0,
            y + row_h * 0.65,
            crate::chart::escape(&s.label),
            y + 4.0,
            row_h - 8.0,
            crate::chart::color(i),
        );
    }
    let axis_y = top + row_h * spans.len() as f64 + 20.0;
    let _ = writeln!(
        svg,
        "<text x=\"{left}\" y=\"{axis_y:.1}\">0 s</text>\
         <text x=\"{:.1}\" y=\"{axis_y:.1}\" text-anchor=\"end\">{total:.3} s</text></svg>",
        left + bar_w
    );
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
    }

    #[test]
    fn svg_is_well_formed_enough() {
        let svg = spans_to_svg(&[span("a<b", 0, 10)], "t & t");
        assert!(svg.starts_with("<svg"));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert!(svg.contains("a&lt;b") && svg.contains("t &amp; t"));
        assert_eq!(svg.matches("<rect").count(), 2, "background + one bar");
    }

    #[test]
    fn empty_timeline_renders_header_only() {
        assert_eq!(Timeline::new().render(20).lines().count(), 1);
    }
}
