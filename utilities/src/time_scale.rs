//! Time scaling: one environment variable scales every simulated delay of the course.
//!
//! The examples simulate work with sleeps of whole seconds, like the Python originals
//! (`time.sleep(2)`). Tests run the *real* binaries with `COURSE_TIME_SCALE=0.05`, so a 2 s task
//! takes 0.1 s and every timing claim (a ratio) still holds.
//!
//! ```text
//! COURSE_TIME_SCALE=0.1 cargo run --bin t00_sequential_vs_threads   # 10x faster
//! ```
//!
//! For tokio, sleep on the scaled duration: `tokio::time::sleep(utilities::secs(2.0)).await`.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

/// The environment variable read by [`time_scale`].
pub const TIME_SCALE_VAR: &str = "COURSE_TIME_SCALE";
/// Smallest accepted scale.
pub const MIN_SCALE: f64 = 0.001;
/// Largest accepted scale.
pub const MAX_SCALE: f64 = 100.0;

/// Why a time-scale value was rejected.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeScaleError {
    /// The text that was found in the variable.
    pub value: String,
}

impl fmt::Display for TimeScaleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid {TIME_SCALE_VAR}={:?}: expected a number from {MIN_SCALE} to {MAX_SCALE} \
             (1.0 = real time, 0.1 = ten times faster)",
            self.value
        )
    }
}

impl std::error::Error for TimeScaleError {}

/// Parses a time-scale value; `None` (variable unset) or an empty string means 1.0.
///
/// # Errors
/// A value that is not a finite number in `MIN_SCALE..=MAX_SCALE`.
pub fn parse_time_scale(value: Option<&str>) -> Result<f64, TimeScaleError> {
    let Some(text) = value.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(1.0);
    };
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && (MIN_SCALE..=MAX_SCALE).contains(&s) => Ok(s),
        _ => Err(TimeScaleError {
            value: text.to_owned(),
        }),
    }
}

/// Reads `COURSE_TIME_SCALE` from the environment (not cached).
///
/// # Errors
/// See [`parse_time_scale`].
pub fn try_time_scale() -> Result<f64, TimeScaleError> {
    let raw = std::env::var_os(TIME_SCALE_VAR).map(|v| v.to_string_lossy().into_owned());
    parse_time_scale(raw.as_deref())
}

/// The time scale of this process, read once.
///
/// An invalid value is a user error, not a bug: the program prints the reason (naming the
/// variable and the accepted range) and exits with status 2, without a panic trace.
pub fn time_scale() -> f64 {
    static SCALE: OnceLock<f64> = OnceLock::new();
    *SCALE.get_or_init(|| match try_time_scale() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    })
}

/// `d` multiplied by the time scale.
pub fn scaled(d: Duration) -> Duration {
    d.mul_f64(time_scale())
}

/// `seconds` of simulated time, scaled: `secs(2.0)` is 2 s at scale 1.0, 0.1 s at 0.05.
pub fn secs(seconds: f64) -> Duration {
    scaled(Duration::from_secs_f64(seconds))
}

/// Blocks the current thread for the scaled duration `d` (the course's `time.sleep`).
pub fn sleep(d: Duration) {
    std::thread::sleep(scaled(d));
}

/// Blocks the current thread for `seconds` of scaled time.
pub fn sleep_secs(seconds: f64) {
    std::thread::sleep(secs(seconds));
}

/// Environment variable set to `1` by `cargo run -- run-all --fast` (and by tests) to ask
/// long-running programs (the benchmarks) for their smallest sizes.
pub const FAST_VAR: &str = "COURSE_FAST";

/// True when [`FAST_VAR`] is set to `1` (or `true`).
pub fn fast_mode() -> bool {
    matches!(
        std::env::var(FAST_VAR).as_deref().map(str::trim),
        Ok("1" | "true")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_means_real_time() {
        assert_eq!(parse_time_scale(None), Ok(1.0));
        assert_eq!(parse_time_scale(Some("  ")), Ok(1.0));
    }

    #[test]
    fn accepts_numbers_in_range() {
        assert_eq!(parse_time_scale(Some("0.05")), Ok(0.05));
        assert_eq!(parse_time_scale(Some(" 2 ")), Ok(2.0));
        assert_eq!(parse_time_scale(Some("100")), Ok(100.0));
    }

    #[test]
    fn rejects_bad_values_with_a_clear_message() {
        for bad in ["fast", "0", "-1", "1e9", "NaN", "inf", "0.0001"] {
            let err = parse_time_scale(Some(bad)).unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains(TIME_SCALE_VAR), "{msg}");
            assert!(msg.contains(bad), "{msg}");
            assert!(msg.contains("0.001") && msg.contains("100"), "{msg}");
        }
    }
}
