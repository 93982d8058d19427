//! The statistics of every table: median and minimum of k runs (after a warm-up), speedup
//! against the sequential baseline and parallel efficiency (speedup / cores).
//!
//! Why the median and the minimum: on a shared machine a run can only be slowed down by other
//! programs, never sped up, so the minimum is the cleanest figure and the median the typical
//! one. Both are printed; speedups use the median.

use std::time::{Duration, Instant};

use anyhow::{Result, bail};

/// The median of `xs` (mean of the two middle values for an even count); NaN when empty.
pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        f64::midpoint(v[mid - 1], v[mid])
    }
}

/// The smallest of `xs`; NaN when empty.
pub fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().reduce(f64::min).unwrap_or(f64::NAN)
}

/// How many times faster than the baseline: `baseline / time` (∞ for a zero time).
pub fn speedup(baseline: f64, time: f64) -> f64 {
    if time > 0.0 {
        baseline / time
    } else {
        f64::INFINITY
    }
}

/// Parallel efficiency: speedup divided by the number of cores (1.0 = every core fully used).
pub fn efficiency(speedup: f64, cores: usize) -> f64 {
    speedup / cores.max(1) as f64
}

/// Wall times of the measured runs of one mode, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// One entry per measured run (the warm-up is not included).
    pub samples: Vec<f64>,
}

impl Timing {
    /// Median of the samples.
    pub fn median(&self) -> f64 {
        median(&self.samples)
    }

    /// Fastest sample.
    pub fn min(&self) -> f64 {
        min(&self.samples)
    }
}

/// A measured mode: its timing and the checksum every run agreed on.
#[derive(Debug, Clone)]
pub struct Measured {
    /// Wall times.
    pub timing: Timing,
    /// The value the work computed (identical in every run).
    pub checksum: u64,
}

/// Runs `f` `warmup` times unmeasured, then `runs` times measured (at least once).
///
/// # Errors
/// When `f` fails, or when two runs return different checksums (the work is not deterministic,
/// so its timings would compare different work).
pub fn measure(warmup: usize, runs: usize, mut f: impl FnMut() -> Result<u64>) -> Result<Measured> {
    let mut checksum = None;
    let mut check = |value: u64| -> Result<()> {
        match checksum {
            Some(c) if c != value => bail!("checksum changed between runs: {c} then {value}"),
            _ => {
                checksum = Some(value);
                Ok(())
            }
        }
    };
    for _ in 0..warmup {
        check(f()?)?;
    }
    let mut samples = Vec::with_capacity(runs.max(1));
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let value = f()?;
        samples.push(start.elapsed().as_secs_f64());
        check(value)?;
    }
    Ok(Measured {
        timing: Timing { samples },
        checksum: checksum.unwrap_or_default(),
    })
}

/// Seconds as an `f64` (shorthand for tables).
pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < 1e-12);
        assert!((median(&[4.0, 1.0, 3.0, 2.0]) - 2.5).abs() < 1e-12);
        assert!((median(&[7.0]) - 7.0).abs() < 1e-12);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn median_ignores_one_outlier() {
        assert!((median(&[1.0, 1.1, 50.0]) - 1.1).abs() < 1e-12);
    }

    #[test]
    fn min_is_the_fastest_run() {
        assert!((min(&[2.0, 0.5, 1.0]) - 0.5).abs() < 1e-12);
        assert!(min(&[]).is_nan());
    }

    #[test]
    fn speedup_and_efficiency() {
        let s = speedup(4.0, 2.0);
        assert!((s - 2.0).abs() < 1e-12);
        assert!((efficiency(s, 2) - 1.0).abs() < 1e-12);
        assert!((efficiency(speedup(4.0, 4.0), 4) - 0.25).abs() < 1e-12);
        assert!(speedup(1.0, 0.0).is_infinite());
        // zero cores is treated as one rather than dividing by zero
        assert!((efficiency(3.0, 0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn measure_runs_warmup_then_samples_and_keeps_the_checksum() {
        let mut calls = 0;
        let m = measure(1, 3, || {
            calls += 1;
            Ok(42)
        })
        .unwrap();
        assert_eq!(calls, 4, "one warm-up + three measured runs");
        assert_eq!(m.timing.samples.len(), 3);
        assert_eq!(m.checksum, 42);
        assert!(m.timing.min() <= m.timing.median());
    }

    #[test]
    fn measure_fails_loudly_when_the_checksum_changes() {
        let mut n = 0;
        let err = measure(0, 2, || {
            n += 1;
            Ok(n)
        })
        .unwrap_err();
        assert!(err.to_string().contains("checksum changed"), "{err}");
    }
}
