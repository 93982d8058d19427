//! Timing: a stopwatch, a `timed` helper and human formatting of durations and rates.
//!
//! The Python course prints `Time taken: 2.0...` everywhere; [`print_time_taken`] is that line,
//! always in seconds with three decimals so tests can parse it.

use std::time::{Duration, Instant};

/// A started stopwatch.
#[derive(Debug, Clone, Copy)]
pub struct Stopwatch {
    start: Instant,
}

impl Stopwatch {
    /// Starts measuring now.
    pub fn start() -> Self {
        Self {
            start: Instant::now(),
        }
    }

    /// Time since [`Stopwatch::start`].
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// The instant it was started.
    pub fn started_at(&self) -> Instant {
        self.start
    }
}

/// Runs `f` and returns its result with the wall time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let sw = Stopwatch::start();
    let value = f();
    (value, sw.elapsed())
}

/// Prints `"{label}: Time taken: 2.004 s"` (or just `"Time taken: …"` for an empty label).
pub fn print_time_taken(label: &str, d: Duration) {
    println!("{}", time_taken_line(label, d));
}

/// The line printed by [`print_time_taken`].
pub fn time_taken_line(label: &str, d: Duration) -> String {
    if label.is_empty() {
        format!("Time taken: {:.3} s", d.as_secs_f64())
    } else {
        format!("{label}: Time taken: {:.3} s", d.as_secs_f64())
    }
}

/// A duration for humans: `2.00 s`, `45.3 ms`, `812 µs`, `95 ns`.
pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 100.0 {
        format!("{s:.0} s")
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.1} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.0} µs", s * 1e6)
    } else {
        format!("{} ns", d.as_nanos())
    }
}

/// A rate for humans: `count` events in `d`, e.g. `1.25 k/s`, `3.40 M/s`, `12.0 /s`.
pub fn format_rate(count: f64, d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs <= 0.0 {
        return "∞ /s".to_owned();
    }
    let rate = count / secs;
    if rate >= 1e9 {
        format!("{:.2} G/s", rate / 1e9)
    } else if rate >= 1e6 {
        format!("{:.2} M/s", rate / 1e6)
    } else if rate >= 1e3 {
        format!("{:.2} k/s", rate / 1e3)
    } else {
        format!("{rate:.1} /s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_durations_in_the_right_unit() {
        assert_eq!(format_duration(Duration::from_millis(2004)), "2.00 s");
        assert_eq!(format_duration(Duration::from_micros(45_300)), "45.3 ms");
        assert_eq!(format_duration(Duration::from_nanos(812_000)), "812 µs");
        assert_eq!(format_duration(Duration::from_nanos(95)), "95 ns");
        assert_eq!(format_duration(Duration::from_secs(250)), "250 s");
    }

    #[test]
    fn formats_rates() {
        assert_eq!(format_rate(2500.0, Duration::from_secs(2)), "1.25 k/s");
        assert_eq!(format_rate(3.4e6, Duration::from_secs(1)), "3.40 M/s");
        assert_eq!(format_rate(12.0, Duration::from_secs(1)), "12.0 /s");
        assert_eq!(format_rate(5e9, Duration::from_secs(1)), "5.00 G/s");
        assert_eq!(format_rate(1.0, Duration::ZERO), "∞ /s");
    }

    #[test]
    fn time_taken_line_is_parseable() {
        let line = time_taken_line("Threaded", Duration::from_millis(2006));
        assert_eq!(line, "Threaded: Time taken: 2.006 s");
        assert_eq!(
            time_taken_line("", Duration::from_millis(4)),
            "Time taken: 0.004 s"
        );
    }

    #[test]
    fn timed_returns_value_and_duration() {
        let (v, d) = timed(|| {
            std::thread::sleep(Duration::from_millis(5));
            7
        });
        assert_eq!(v, 7);
        assert!(d >= Duration::from_millis(5));
    }
}
