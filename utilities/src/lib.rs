//! Shared helpers of the course, used by every example instead of copying code.
//!
//! | module | what it gives |
//! |---|---|
//! | [`time_scale`](mod@time_scale) | one env var, `COURSE_TIME_SCALE`, that scales every simulated delay (threads and tokio) |
//! | [`timing`] | a [`Stopwatch`], [`timed`], human formatting of durations and rates, the "Time taken" line |
//! | [`output`] | [`say!`] and [`say_pid!`]: elapsed time + thread name (+ pid) + message, so interleaving is visible |
//! | [`timeline`] | record spans from threads, tasks or child processes; draw them as a terminal Gantt chart or SVG |
//! | [`table`] | aligned text tables for results |
//! | [`gauge`] | the one in-flight gauge: how many are inside now, the high-water mark, the total |
//! | [`claims`] | `skip_claim`: a timing claim that could not be judged, reported where people see it |
//! | [`chart`] | SVG bar and line charts for benchmark results |
//! | `testkit` | helpers for the tests that run the real example binaries (feature `testkit`: members enable it in `[dev-dependencies]` only) |
//!
//! ```
//! use utilities::{say, secs, sleep_secs, Stopwatch};
//! let sw = Stopwatch::start();
//! say!("about to wait {:?}", secs(0.01));
//! sleep_secs(0.01); // 0.01 s × COURSE_TIME_SCALE
//! assert!(sw.elapsed() > std::time::Duration::ZERO);
//! ```
#![warn(missing_docs)]

pub mod chart;
pub mod claims;
pub mod gauge;
pub mod output;
pub mod table;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod time_scale;
pub mod timeline;
pub mod timing;

pub use gauge::Gauge;
pub use output::{elapsed_since_start, thread_label};
pub use table::Table;
pub use time_scale::{
    FAST_VAR, TIME_SCALE_VAR, fast_mode, scaled, secs, sleep, sleep_secs, time_scale,
};
pub use timeline::{Span, Timeline};
pub use timing::{
    Stopwatch, cores_used, format_duration, format_rate, print_time_taken, process_cpu_time,
    thread_cpu_time, timed,
};
