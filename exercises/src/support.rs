//! Helpers shared by the exercises' starters, solutions and tests: a thread-safe event log, a
//! watchdog that turns a hang into a failure, an overlap probe that counts the threads running
//! at once, and the speedup check that says out loud when it cannot judge.
//!
//! The in-flight gauge is the course's one gauge, `utilities::gauge::Gauge`.

use std::sync::atomic::{AtomicBool, Ordering};
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

/// Asserts that `par` is at least `min_speedup` times faster than `seq` — when the machine can
/// show it.
///
/// Up to 8 rounds time `seq` then `par`; it passes as soon as one round reaches `min_speedup`.
/// A round that falls short judges the claim only if the machine could have shown it then:
/// - the parallel run got its cores (CPU time ÷ wall time ≥ `min_speedup + 0.3`, at least 1.6)
///   and the sequential run its one core (≥ 0.9);
/// - and the machine could run two copies of `seq` at once about that much faster than one
///   ([`utilities::timing::parallel_capacity`]). Getting two cores is not getting two cores'
///   worth of work: on two hyperthreads of one physical core, or under a hypervisor that takes
///   the virtual CPUs away, two threads each run at half speed while CPU ÷ wall still reads 2.
///
/// The claim fails only when at least two rounds could judge it and still fell short. Otherwise
/// it is skipped with `utilities::claims::skip_claim` (a `SKIPPED CLAIM` line that the checker
/// shows as a warning), with the reason. Parallel *structure* is proven separately, whatever the
/// machine, by [`busy_threads`].
///
/// The caller holds [`serial`] for the whole test (tests of one file run in parallel: a speedup
/// is measured while no other `serial()` test of the process competes for the cores).
///
/// # Panics
/// When the speedup is missing although the machine showed it was possible.
pub fn assert_speedup(what: &str, min_speedup: f64, seq: impl Fn() + Sync, mut par: impl FnMut()) {
    const ROUNDS: usize = 8;
    let claim = format!("{what} is ≥ {min_speedup}x faster than sequential");
    if cores() < 2 {
        utilities::claims::skip_claim(&claim, "only one core");
        return;
    }
    let needed = (min_speedup + 0.3).max(1.6);
    let mut rounds = Vec::new();
    for _ in 0..ROUNDS {
        let (s, seq_cores) = timed_with_cores(&mut || seq());
        let (p, par_cores) = timed_with_cores(&mut par);
        let speedup = s.as_secs_f64() / p.as_secs_f64().max(1e-9);
        if speedup >= min_speedup {
            return;
        }
        // Only a round that fell short pays for the capacity probe.
        let capacity = utilities::timing::parallel_capacity(2, Some(s), &seq);
        rounds.push(Round {
            speedup,
            seq_cores,
            par_cores,
            capacity,
        });
    }
    match verdict(&rounds, needed) {
        Verdict::Missed(judged) => panic!(
            "{what}: only {best:.2}x faster than sequential, expected ≥ {min_speedup}x, although \
             the machine could show it in those rounds (speedup, cores used, capacity): \
             {judged:.2?}",
            best = best_speedup(&rounds),
        ),
        Verdict::CannotJudge(reason) => utilities::claims::skip_claim(&claim, &reason),
    }
}

/// One round of [`assert_speedup`] that fell short.
#[derive(Debug, Clone, Copy)]
struct Round {
    /// Sequential wall time ÷ parallel wall time.
    speedup: f64,
    /// Cores the sequential run got (CPU ÷ wall).
    seq_cores: f64,
    /// Cores the parallel run got (CPU ÷ wall).
    par_cores: f64,
    /// How much faster two copies of the sequential work ran at once than one alone.
    capacity: f64,
}

/// What rounds that all fell short say about a speedup claim.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// At least two rounds could have shown the speedup: (speedup, cores used, capacity) of each.
    Missed(Vec<(f64, f64, f64)>),
    /// The machine could not show it now; the reason, for the skip line.
    CannotJudge(String),
}

fn best_speedup(rounds: &[Round]) -> f64 {
    rounds.iter().map(|r| r.speedup).fold(0.0, f64::max)
}

/// A round judges the claim when the parallel run got `needed` cores, the sequential run one,
/// and the machine could run two copies of the sequential work `needed` times faster (within
/// 0.2: the probe is one noisy sample).
fn verdict(rounds: &[Round], needed: f64) -> Verdict {
    let judged: Vec<_> = rounds
        .iter()
        .filter(|r| r.par_cores >= needed && r.seq_cores >= 0.9 && r.capacity >= needed - 0.2)
        .map(|r| (r.speedup, r.par_cores, r.capacity))
        .collect();
    if judged.len() >= 2 {
        return Verdict::Missed(judged);
    }
    let best = best_speedup(rounds);
    let most_cores = rounds.iter().map(|r| r.par_cores).fold(0.0, f64::max);
    let capacity = rounds.iter().map(|r| r.capacity).fold(0.0, f64::max);
    Verdict::CannotJudge(if most_cores < 1.3 && capacity >= needed - 0.2 {
        // The machine had the capacity (two copies ran fast) but the parallel run kept to one
        // core: more likely the code than the load. Not failed on (the probe ran after the
        // parallel run, not during it), but said so: `busy_threads` checks the structure.
        format!(
            "the parallel runs used at most {most_cores:.2} cores although two copies of the \
             sequential work ran {capacity:.2}x faster than one: does it really run on several \
             threads? best measured {best:.2}x"
        )
    } else if most_cores < needed {
        format!(
            "the machine is too busy: the parallel runs got at most {most_cores:.2} cores \
             (≥ {needed:.1} needed to judge); best measured {best:.2}x"
        )
    } else {
        format!(
            "the machine's cores do not give two cores' worth of work: two copies of the \
             sequential work at once ran at most {capacity:.2}x faster than one (≥ {:.1} needed \
             to judge; hyperthreads of one core, or a hypervisor taking the CPUs); best \
             measured {best:.2}x",
            needed - 0.2
        )
    })
}

/// Wall time of one call of `f`, and how many cores the process used meanwhile (CPU time ÷
/// wall time).
fn timed_with_cores(f: &mut impl FnMut()) -> (Duration, f64) {
    let cpu = utilities::timing::process_cpu_time();
    let t = Instant::now();
    f();
    let wall = t.elapsed();
    let used = utilities::timing::process_cpu_time().saturating_sub(cpu);
    (wall, utilities::timing::cores_used(used, wall))
}

/// How many threads of this process were busy — running, or runnable and waiting for a core —
/// for at least half of the time `f` ran, not counting the thread that calls this, nor the
/// sampler.
///
/// This proves parallel *structure* whatever the load of the machine: a thread waiting for a
/// core is still runnable (`R` in `/proc/self/task/<tid>/stat`), so two threads that both have
/// work count 2 even on a machine too busy to give them two cores at once. A "parallel" version
/// that runs everything on one thread counts 1 (or 0 when that thread is the caller); threads
/// that only spin for a moment looking for work (idle rayon workers) or that run one after
/// another do not reach half of the time. Sampled about every millisecond, so `f` should compute
/// for a few hundred milliseconds; callers hold [`serial`] so that no other test of the same
/// binary adds its threads.
pub fn busy_threads<T>(f: impl FnOnce() -> T) -> (T, usize) {
    fn own_tid() -> Option<String> {
        let link = std::fs::read_link("/proc/thread-self").ok()?;
        Some(link.file_name()?.to_string_lossy().into_owned())
    }
    /// The threads in state `R` now.
    fn running(skip: &[Option<String>]) -> Vec<String> {
        let Ok(dir) = std::fs::read_dir("/proc/self/task") else {
            return Vec::new();
        };
        dir.filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|tid| !skip.iter().flatten().any(|s| s == tid))
            .filter(|tid| {
                std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).is_ok_and(|stat| {
                    // The state is the first field after the `(name)`, which may hold spaces.
                    stat.rsplit_once(')')
                        .is_some_and(|(_, rest)| rest.trim_start().starts_with('R'))
                })
            })
            .collect()
    }
    let caller = own_tid();
    let done = AtomicBool::new(false);
    std::thread::scope(|s| {
        let sampler = s.spawn(|| {
            let skip = [caller.clone(), own_tid()];
            let mut samples = 0usize;
            let mut busy = std::collections::HashMap::<String, usize>::new();
            while !done.load(Ordering::SeqCst) {
                samples += 1;
                for tid in running(&skip) {
                    *busy.entry(tid).or_default() += 1;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            if samples < MIN_SAMPLES {
                return 0;
            }
            busy.values().filter(|&&n| 2 * n >= samples).count()
        });
        // Stops the sampler also when `f` panics (a `todo!()`), or the scope would wait forever.
        struct Stop<'a>(&'a AtomicBool);
        impl Drop for Stop<'_> {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let stop = Stop(&done);
        // `f` runs on the calling thread, as the caller expects: a sequential version then shows
        // as the caller alone, which is not counted.
        let v = f();
        drop(stop);
        let busy = sampler.join().expect("the sampler thread panicked");
        (v, busy)
    })
}

/// Calls `f` again and again until `at_least` has passed (so that [`busy_threads`] has enough
/// samples to judge, however fast the machine); returns the last result.
///
/// In a rayon pool, repeat *inside* one `install`: separate `install` calls, back to back, keep
/// the pool's idle workers spinning (busy) between jobs, which would make a sequential version
/// look parallel.
pub fn repeat_for<T>(at_least: Duration, mut f: impl FnMut() -> T) -> T {
    let t = Instant::now();
    loop {
        let v = f();
        if t.elapsed() >= at_least {
            return v;
        }
    }
}

/// The fewest samples (about 1 ms apart) [`busy_threads`] judges from: below it, it reports 0.
pub const MIN_SAMPLES: usize = 20;

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

    fn round(speedup: f64, par_cores: f64, capacity: f64) -> Round {
        Round {
            speedup,
            seq_cores: 1.0,
            par_cores,
            capacity,
        }
    }

    #[test]
    fn a_machine_whose_two_cores_work_at_half_speed_cannot_judge_a_speedup() {
        // The CI run that failed: resize_all 1.12x with 1.99 cores used, three times. Two
        // copies of the sequential work ran only ~1.1x faster than one: the claim is skipped.
        let ci = vec![
            round(1.12, 1.99, 1.12),
            round(1.11, 1.99, 1.10),
            round(1.12, 1.99, 1.11),
        ];
        let Verdict::CannotJudge(reason) = verdict(&ci, 1.6) else {
            panic!("a machine without the capacity judged the claim");
        };
        assert!(reason.contains("two cores' worth of work"), "{reason}");
    }

    #[test]
    fn a_machine_with_the_capacity_fails_a_missing_speedup() {
        // A sequential "parallel" version on a machine that can run two copies 1.95x faster.
        let rounds = vec![round(1.0, 1.7, 1.95); 3];
        assert!(matches!(verdict(&rounds, 1.6), Verdict::Missed(j) if j.len() == 3));
    }

    #[test]
    fn a_busy_machine_cannot_judge_and_says_so() {
        let rounds = vec![round(1.05, 1.1, 1.0); 8];
        let Verdict::CannotJudge(reason) = verdict(&rounds, 1.6) else {
            panic!("a busy machine judged the claim");
        };
        assert!(reason.contains("too busy"), "{reason}");
        // One core used while the machine could run two copies fast: the skip says why.
        let one_thread = vec![round(1.0, 1.0, 1.95); 8];
        let Verdict::CannotJudge(reason) = verdict(&one_thread, 1.6) else {
            panic!("judged on a parallel run that used one core");
        };
        assert!(reason.contains("really run on several threads"), "{reason}");
        // One round with everything is not enough to fail on: the probe is one sample.
        let one = vec![round(1.0, 1.9, 1.9), round(1.0, 1.1, 1.0)];
        assert!(matches!(verdict(&one, 1.6), Verdict::CannotJudge(_)));
    }

    #[test]
    fn busy_threads_passes_on_a_panic() {
        let _turn = serial();
        let panicked = with_timeout(Duration::from_secs(5), "busy_threads(a panic)", || {
            std::panic::catch_unwind(|| busy_threads(|| panic!("todo"))).is_err()
        });
        assert!(panicked, "the panic comes through, and nothing hangs");
    }

    #[test]
    fn running_threads_tell_one_thread_from_two() {
        let _turn = serial();
        let ((), one) = busy_threads(|| {
            utilities::timing::spin(60_000_000);
        });
        let ((), two) = busy_threads(|| {
            std::thread::scope(|s| {
                s.spawn(|| utilities::timing::spin(60_000_000));
                s.spawn(|| utilities::timing::spin(60_000_000));
            });
        });
        // Other unit tests of this binary may run meanwhile (one of them unwinds a panic, which
        // computes for a while): at most one extra thread.
        assert!(one <= 1, "the caller is not counted: {one}");
        assert!(two >= 2, "{two}");
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
