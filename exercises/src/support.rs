//! Helpers shared by the exercises' starters, solutions and tests: a thread-safe event log, an
//! in-flight gauge with a high-water mark, and a watchdog that turns a hang into a failure.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// One entry of an [`EventLog`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// When it happened.
    pub at: Instant,
    /// Name of the thread that recorded it (`"<unnamed>"` if it has none).
    pub thread: String,
    /// What happened.
    pub message: String,
}

/// A log that many threads append to; every entry remembers when and on which thread.
#[derive(Debug, Default)]
pub struct EventLog {
    events: Mutex<Vec<Event>>,
}

impl EventLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` with the current time and thread name, and prints it with `say!`.
    pub fn say(&self, message: impl Into<String>) {
        let message = message.into();
        utilities::say!("{message}");
        let thread = std::thread::current()
            .name()
            .unwrap_or("<unnamed>")
            .to_owned();
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(Event {
                at: Instant::now(),
                thread,
                message,
            });
    }

    /// A copy of every entry, in the order they were recorded.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Just the messages, in order.
    pub fn messages(&self) -> Vec<String> {
        self.events().into_iter().map(|e| e.message).collect()
    }

    /// Position of the first message containing `needle`.
    pub fn position(&self, needle: &str) -> Option<usize> {
        self.messages().iter().position(|m| m.contains(needle))
    }
}

/// Counts how many callers are inside a region right now, and the most there ever were.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicUsize,
    max: AtomicUsize,
    total: AtomicUsize,
}

/// Returned by [`Gauge::enter`]; leaving the region is dropping it.
#[derive(Debug)]
pub struct GaugeGuard<'a>(&'a Gauge);

impl Gauge {
    /// A gauge at zero.
    pub fn new() -> Self {
        Self::default()
    }
    /// Enters the region until the guard is dropped.
    pub fn enter(&self) -> GaugeGuard<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        self.total.fetch_add(1, Ordering::SeqCst);
        GaugeGuard(self)
    }
    /// The high-water mark: most callers inside at the same time.
    pub fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
    /// How many times the region was entered.
    pub fn total(&self) -> usize {
        self.total.load(Ordering::SeqCst)
    }
}

impl Drop for GaugeGuard<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs `f` on its own thread and waits at most `limit` for it.
///
/// # Panics
/// With a message naming `what` when `f` does not finish in time (a deadlock or a hang becomes a
/// test failure instead of a test run that never ends; the stuck thread is abandoned and dies with
/// the process), or with `f`'s own panic message when `f` panics.
pub fn with_timeout<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("watched".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .expect("spawn the watched thread");
    match rx.recv_timeout(limit) {
        Ok(v) => {
            let _ = handle.join();
            v
        }
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!(
            "{what} did not finish within {limit:?}: it is stuck (a deadlock, or a thread that \
             waits for something that never comes)"
        ),
        // The sender was dropped without sending: `f` panicked. Re-raise its panic here.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => match handle.join() {
            Err(payload) => std::panic::resume_unwind(payload),
            Ok(()) => unreachable!("the watched thread always sends before it ends"),
        },
    }
}

/// How many cores this process may use (1 when unknown).
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Smallest wall time of `runs` calls of `f` (the least disturbed run on a busy machine), and the
/// last result.
pub fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let v = f();
        best = best.min(t.elapsed());
        last = Some(v);
    }
    (best, last.expect("at least one run"))
}

/// A process-wide turn: tests that burn CPU (or measure speedups) hold it, so that the tests of
/// one file, which libtest runs in parallel, do not disturb each other's timings.
pub fn serial() -> std::sync::MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A CPU-bound loop that the optimiser cannot remove (calibration work).
pub fn spin(iterations: u64) -> u64 {
    let mut acc: u64 = 1;
    for i in 0..iterations {
        acc = acc.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(i);
    }
    std::hint::black_box(acc)
}

/// Asserts that `par` is at least `min_speedup` times faster than `seq` — when the machine can
/// show it.
///
/// Each round times `seq`, `par`, and a calibration pair (the same spin loop run twice on one
/// thread, then once on each of two threads), keeping the fastest time of each (the least
/// disturbed run). It passes as soon as `seq / par ≥ min_speedup`. After 10 rounds it fails only
/// if the calibration *did* reach 1.1 × `min_speedup`: on a machine so busy that even two independent
/// spin loops do not run in parallel, no speedup can be measured, and the claim is skipped with
/// a note on stderr instead of failing at random.
///
/// # Panics
/// When the speedup is missing although the machine showed it was possible.
pub fn assert_speedup(what: &str, min_speedup: f64, mut seq: impl FnMut(), mut par: impl FnMut()) {
    const ROUNDS: usize = 10;
    // Tests of one file run in parallel: a speedup is measured while no other `serial()` test
    // of the process competes for the cores.
    let _turn = serial();
    if cores() < 2 {
        eprintln!("{what}: only one core, skipping the speedup claim");
        return;
    }
    let (mut s, mut p, mut cs, mut cp) =
        (Duration::MAX, Duration::MAX, Duration::MAX, Duration::MAX);
    let work = 15_000_000;
    for _ in 0..ROUNDS {
        s = s.min(best_of(1, &mut seq).0);
        p = p.min(best_of(1, &mut par).0);
        cs = cs.min(best_of(1, || (spin(work), spin(work))).0);
        cp = cp.min(
            best_of(1, || {
                std::thread::scope(|sc| {
                    let h = sc.spawn(|| spin(work));
                    (spin(work), h.join().expect("spin thread"))
                })
            })
            .0,
        );
        if s.as_secs_f64() / p.as_secs_f64() >= min_speedup {
            return;
        }
    }
    let got = s.as_secs_f64() / p.as_secs_f64();
    let possible = cs.as_secs_f64() / cp.as_secs_f64();
    // Fail only when the calibration cleared the bar with a margin: the two measurements are
    // taken at slightly different moments of a busy machine.
    if possible < min_speedup * 1.1 {
        eprintln!(
            "{what}: the machine is too busy to measure a speedup (two spin loops on two threads \
             were only {possible:.2}x faster than on one); skipping the claim (measured {got:.2}x)"
        );
        return;
    }
    panic!(
        "{what}: parallel ({p:?}) is only {got:.2}x faster than sequential ({s:?}); expected \
         ≥ {min_speedup}x (two spin loops on two threads reached {possible:.2}x on this machine)"
    );
}

/// The exercise's child-role guard, kept for [`the_guard_returns_in_the_parent`].
static CHILD_GUARD: std::sync::OnceLock<fn()> = std::sync::OnceLock::new();

/// The extra test every process exercise gets: in the parent, `child_guard()` returns at once.
fn the_guard_returns_in_the_parent() {
    let guard = *CHILD_GUARD.get().expect("set by child_process_test_main");
    with_timeout(Duration::from_secs(5), "child_guard() in the parent", guard);
}

/// `main` of a `harness = false` test of an exercise that starts child processes (pool workers,
/// a manager). They re-execute the test binary, so the exercise's `child_guard` runs first; then
/// `tests` run, plus `the_guard_returns_in_the_parent`.
pub fn child_process_test_main(child_guard: fn(), tests: &[(&str, fn())]) -> ! {
    if multiprocessing_examples::spawn::child_role().is_some() {
        child_guard();
        // Only a child gets here, and only if the guard did not take over: stop instead of
        // running every test again inside the child.
        eprintln!("a child process came back from child_guard(): it should serve and exit");
        std::process::exit(3);
    }
    CHILD_GUARD.get_or_init(|| child_guard);
    let mut all = tests.to_vec();
    all.push((
        "the_guard_returns_in_the_parent",
        the_guard_returns_in_the_parent,
    ));
    multiprocessing_examples::harness::run(&all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauge_tracks_the_high_water_mark() {
        let g = Gauge::new();
        {
            let _a = g.enter();
            let _b = g.enter();
        }
        let _c = g.enter();
        assert_eq!((g.max(), g.total()), (2, 3));
    }

    #[test]
    fn watchdog_returns_values_and_reports_hangs() {
        assert_eq!(with_timeout(Duration::from_secs(5), "quick", || 7), 7);
        let hang = std::panic::catch_unwind(|| {
            with_timeout(Duration::from_millis(50), "the sleeper", || {
                std::thread::sleep(Duration::from_secs(2));
            });
        });
        let msg = *hang.unwrap_err().downcast::<String>().unwrap();
        assert!(msg.contains("the sleeper did not finish"), "{msg}");
    }

    #[test]
    fn event_log_records_thread_names() {
        let log = EventLog::new();
        std::thread::scope(|s| {
            std::thread::Builder::new()
                .name("w1".into())
                .spawn_scoped(s, || log.say("hello"))
                .unwrap();
        });
        assert_eq!(log.events()[0].thread, "w1");
        assert_eq!(log.position("hello"), Some(0));
    }
}
