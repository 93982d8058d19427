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

/// CPU time this whole process has used so far (user + system, every thread), from
/// `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`.
///
/// CPU time ÷ wall time over a region says how many cores the process really got: about 2.0 for
/// two busy threads on an idle 2-core machine, nearer 1.0 when other programs took a core. A
/// speedup claim can only be judged when the process got the cores it needed.
pub fn process_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// CPU time the calling thread has used so far, from `clock_gettime(CLOCK_THREAD_CPUTIME_ID)`.
pub fn thread_cpu_time() -> Duration {
    cpu_clock(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn cpu_clock(clock: libc::clockid_t) -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec, and both clock ids exist on every Linux since
    // 2.6.12; clock_gettime writes only into `ts`.
    let rc = unsafe { libc::clock_gettime(clock, &raw mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}

/// How many cores' worth of CPU a region got: `cpu ÷ wall` (0.0 for an empty region).
pub fn cores_used(cpu: Duration, wall: Duration) -> f64 {
    if wall.is_zero() {
        0.0
    } else {
        cpu.as_secs_f64() / wall.as_secs_f64()
    }
}

/// A CPU-bound loop that the optimiser cannot remove: calibration work for "did the machine
/// give us its cores" probes (60 000 000 iterations take about 0.1–0.3 s in a debug build).
pub fn spin(iterations: u64) -> u64 {
    let mut acc: u64 = 1;
    for i in 0..iterations {
        acc = acc.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
    }
    std::hint::black_box(acc)
}

/// How many times faster this machine runs `copies` copies of `work` at once (one thread each)
/// than one copy alone, right now: `copies × t(one) ÷ t(all at once)`.
///
/// About 2.0 on two free cores. A process can *get* two cores (CPU time ÷ wall time ≈ 2) and
/// still not get two cores' worth of work: two hyperthreads of one physical core, or a
/// hypervisor that takes the virtual CPUs away from time to time, let two threads run at once
/// at half speed each. Then `cores_used` reads 2.0 and this reads about 1.1, so a speedup claim
/// can only be judged where this shows the machine can deliver it. Pass the timing of one copy
/// if you already have it (`one`), or `None` to measure it here.
pub fn parallel_capacity(copies: usize, one: Option<Duration>, work: &(impl Fn() + Sync)) -> f64 {
    let one = one.unwrap_or_else(|| timed(work).1);
    let (_, together) = timed(|| {
        std::thread::scope(|s| {
            for _ in 0..copies {
                s.spawn(work);
            }
        });
    });
    #[allow(clippy::cast_precision_loss, reason = "a copy count is small")]
    let copies = copies as f64;
    copies * one.as_secs_f64() / together.as_secs_f64().max(1e-9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_capacity_sees_two_cores_or_one() {
        // Two copies of a sleep overlap fully (capacity ≈ 2) whatever the load; two copies
        // that take turns on one lock cannot overlap (capacity ≈ 1). The second case is what
        // a machine with two busy-but-shared cores looks like to this probe.
        let sleep = || std::thread::sleep(Duration::from_millis(40));
        let free = parallel_capacity(2, None, &sleep);
        assert!(free > 1.6, "two sleeps at once: capacity {free:.2}");
        let turn = std::sync::Mutex::new(());
        let one_at_a_time = || {
            let _t = turn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            std::thread::sleep(Duration::from_millis(40));
        };
        let shared = parallel_capacity(2, None, &one_at_a_time);
        assert!(shared < 1.3, "two turns on one lock: capacity {shared:.2}");
    }

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

#[cfg(test)]
mod cpu_tests {
    use super::*;

    #[test]
    fn a_busy_thread_uses_cpu_and_a_sleeping_one_does_not() {
        let (cpu0, t0) = (thread_cpu_time(), Instant::now());
        std::thread::sleep(Duration::from_millis(30));
        let slept = thread_cpu_time() - cpu0;
        assert!(
            slept < Duration::from_millis(15),
            "sleeping used {slept:?} of CPU"
        );
        let cpu1 = process_cpu_time();
        let mut x = 0u64;
        while t0.elapsed() < Duration::from_millis(80) {
            x = std::hint::black_box(x.wrapping_add(1));
        }
        assert!(process_cpu_time() > cpu1, "spinning used no CPU");
        assert!(cores_used(Duration::from_millis(70), Duration::from_millis(100)) < 0.71);
        assert!(cores_used(Duration::ZERO, Duration::ZERO).abs() < f64::EPSILON);
    }
}
