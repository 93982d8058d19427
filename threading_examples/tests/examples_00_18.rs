//! Runs the real binaries t00–t18 and checks the claim each one prints.
//! Times are checked as ratios (to each other or to the simulated unit), never as absolute values.

use std::sync::{Mutex, PoisonError};
use utilities::testkit::{
    assert_order, count_lines as count, line_index, numbers_after, run_ok as run, run_with_env,
    seconds_on_line,
};

/// The decimal number right after `key` on the first line containing it.
fn float_after(text: &str, key: &str) -> f64 {
    let rest = text
        .lines()
        .find_map(|l| l.split_once(key).map(|(_, r)| r.trim_start()))
        .unwrap_or_else(|| panic!("no line has {key:?}:\n{text}"));
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse()
        .unwrap_or_else(|_| panic!("no number after {key:?} in {rest:?}"))
}

/// The part of `text` after the first line containing `marker`.
fn after<'a>(text: &'a str, marker: &str) -> &'a str {
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker:?} in:\n{text}"));
    &text[at..]
}

/// Tests that measure CPU time take this lock, so they never compete with each other.
static CPU: Mutex<()> = Mutex::new(());

#[test]
fn t00_threads_overlap_two_waits() {
    let scale = 0.1; // each 2 s task waits 0.2 s
    let out = run(env!("CARGO_BIN_EXE_t00_sequential_vs_threads"), scale);
    let s = &out.stdout;
    let seq = seconds_on_line(s, "Sequential: Time taken");
    let thr = seconds_on_line(s, "Threaded: Time taken");
    assert!(
        seq >= 2.0 * 2.0 * scale * 0.95,
        "sequential is two waits\n{s}"
    );
    assert!(
        thr <= 0.7 * seq,
        "threaded {thr} s vs sequential {seq} s\n{s}"
    );
    // In the threaded run both tasks start before either finishes.
    let threaded = after(s, "--- the same two tasks in two threads");
    let lines: Vec<&str> = threaded.lines().collect();
    let last_start = lines
        .iter()
        .rposition(|l| l.contains("Task started"))
        .expect("threaded starts");
    let first_finish = line_index(threaded, "Task finished").expect("threaded finishes");
    assert_eq!(count(threaded, "Task started"), 2, "{s}");
    assert!(last_start < first_finish, "{threaded}");
    assert!(s.contains("Timeline:"), "{s}");
}

#[test]
fn t01_join_waits_for_the_worker() {
    let out = run(env!("CARGO_BIN_EXE_t01_start_vs_join"), 0.1);
    let s = &out.stdout;
    assert_order(s, "Main: before start", "Worker: starting");
    assert_order(s, "Main: before start", "Main: after start");
    assert_order(
        s,
        "Worker: done",
        "Main: after join (worker must be finished now)",
    );
    assert!(s.contains("Task running"), "{s}");
    assert!(
        s.contains("join() returned Err: the worker panicked with \"boom\""),
        "{s}"
    );
}

#[test]
fn t02_arguments_reach_the_thread() {
    let out = run(env!("CARGO_BIN_EXE_t02_thread_arguments"), 0.1);
    let s = &out.stdout;
    out.assert_contains("| Hello Asha")
        .assert_contains("| Task A running");
    assert_eq!(
        count(s, "Task B running (repeat = 2, loud = true)"),
        2,
        "{s}"
    );
    assert!(s.contains("borrowed 3 names: Asha, Ben, Chen"), "{s}");
}

#[test]
fn t03_results_come_back_as_9_and_16() {
    let out = run(env!("CARGO_BIN_EXE_t03_results_from_threads"), 0.1);
    let s = &out.stdout;
    let line = s
        .lines()
        .find(|l| l.contains("| Results: "))
        .unwrap_or_else(|| panic!("no Results line\n{s}"));
    let mut got: Vec<u64> = line
        .rsplit_once("Results: ")
        .map(|(_, r)| {
            r.split_whitespace()
                .filter_map(|w| w.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    got.sort_unstable();
    assert_eq!(got, [9, 16], "{s}");
    assert!(s.contains("Results via join(): 9 16"), "{s}");
}

#[test]
fn t04_threads_carry_their_names() {
    let out = run(env!("CARGO_BIN_EXE_t04_thread_names"), 0.1);
    let s = &out.stdout;
    assert!(s.contains("Worker-1     | Running in: Worker-1"), "{s}");
    assert!(s.contains("WorkerThread | WorkerThread"), "{s}");
    assert!(
        s.contains("Unnamed thread: name() = None, id = ThreadId("),
        "{s}"
    );
    assert!(s.contains("main         | Main thread's name: main"), "{s}");
}

#[test]
fn t05_main_returning_ends_the_background_thread() {
    let out = run(env!("CARGO_BIN_EXE_t05_daemon_threads"), 0.2);
    let s = &out.stdout;
    assert_order(s, "Worker: step 3 of 3", "Main: joined the worker");
    assert!(count(s, "Background working...") >= 2, "{s}");
    assert!(s.contains("still running: is_finished() = false"), "{s}");
    assert!(s.contains("Main ends now."), "{s}");
    // The infinite loop was stopped, not unwound: its destructor never ran.
    assert!(
        !s.contains("cleanup"),
        "Drop ran in the background thread?\n{s}"
    );
}

#[test]
fn t06_racy_total_never_exceeds_and_fetch_add_is_exact() {
    let out = run(env!("CARGO_BIN_EXE_t06_race_condition"), 0.1);
    let s = &out.stdout;
    let racy = numbers_after(s, "run 1:")
        .into_iter()
        .chain(numbers_after(s, "run 2:"))
        .chain(numbers_after(s, "run 3:"))
        .collect::<Vec<_>>();
    assert_eq!(racy.len(), 3, "{s}");
    assert!(
        racy.iter().all(|&n| (100_000..=200_000).contains(&n)),
        "a lost update can only lose: {racy:?}\n{s}"
    );
    assert_eq!(numbers_after(s, "| Counter:"), [200_000], "{s}");
}

#[test]
fn t07_every_locked_or_atomic_total_is_exact() {
    let out = run(env!("CARGO_BIN_EXE_t07_lock_fixes_race"), 0.1);
    let s = &out.stdout;
    assert_eq!(
        numbers_after(s, "| Counter:"),
        [200_000, 200_000, 200_000],
        "{s}"
    );
    assert!(seconds_on_line(s, "Mutex: Time taken") > 0.0);
    assert!(seconds_on_line(s, "Atomic: Time taken") > 0.0);
    assert!(s.contains("poisoned = true, value still 1"), "{s}");
}

#[test]
fn t08_deadlock_is_detected_and_the_fix_completes() {
    let exe = env!("CARGO_BIN_EXE_t08_deadlock_opposite_order");
    // The deadlocked run alone: a report naming both waits, then exit status 3, soon.
    let dead = run_with_env(exe, &["deadlock"], &[("COURSE_TIME_SCALE", "0.1")]);
    let s = &dead.stdout;
    assert_eq!(dead.status.code(), Some(3), "{s}\n{}", dead.stderr);
    assert!(
        s.contains("DEADLOCK detected: 2 threads wait for each other"),
        "{s}"
    );
    assert!(
        s.contains("task_one holds lock_a and waits for lock_b"),
        "{s}"
    );
    assert!(
        s.contains("task_two holds lock_b and waits for lock_a"),
        "{s}"
    );
    // Detected within a bounded time: each task holds its first lock for 0.1 s (scaled).
    let detected_at = seconds_on_line(s, "DEADLOCK detected");
    assert!(detected_at < 10.0, "detection took {detected_at} s\n{s}");

    // The whole program: the child's report, its status, then the same-order fix.
    let out = run(exe, 0.1);
    let s = &out.stdout;
    assert_order(
        s,
        "DEADLOCK detected",
        "The deadlocked child exited with status 3",
    );
    assert_order(s, "exited with status 3", "Part 2: both tasks take lock_a");
    let fixed = after(s, "Part 2:");
    assert!(fixed.contains("Task one complete"), "{s}");
    assert!(fixed.contains("Task two complete"), "{s}");
}

#[test]
fn t09_waiter_runs_only_after_set() {
    let scale = 0.1;
    let out = run(env!("CARGO_BIN_EXE_t09_event_signal"), scale);
    let s = &out.stdout;
    assert_order(s, "Worker: waiting for signal", "Main: sending signal");
    assert_order(
        s,
        "Main: sending signal",
        "Worker: got signal, starting work",
    );
    assert_order(s, "Waiting for event", "Event received");
    let waited = seconds_on_line(s, "Event wait: Time taken") / (2.0 * scale);
    assert!(
        (0.9..3.0).contains(&waited),
        "the waiter waited {waited}× the 2 s trigger delay\n{s}"
    );
}

#[test]
fn t10_semaphore_never_lets_more_than_two_inside() {
    let scale = 0.1;
    let out = run(env!("CARGO_BIN_EXE_t10_semaphore_limit"), scale);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "High-water mark:"), [2], "{s}");
    let inside = numbers_after(s, "inside now:");
    assert_eq!(inside.len(), 4, "{s}");
    assert!(inside.iter().all(|&n| (1..=2).contains(&n)), "{inside:?}");
    // 4 threads × 1 s through 2 slots ≈ 2 s, not 4 s (and not 1 s).
    let ratio = seconds_on_line(s, "Time taken") / (4.0 * scale);
    assert!(
        (0.45..0.8).contains(&ratio),
        "ratio to 4 units: {ratio}\n{s}"
    );
}

#[test]
fn t11_consumer_sees_fifo_then_stops() {
    let out = run(env!("CARGO_BIN_EXE_t11_queue_producer_consumer"), 0.1);
    let s = &out.stdout;
    let (first, second) = s
        .split_once("--- 2.")
        .unwrap_or_else(|| panic!("no second part\n{s}"));
    for part in [first, second] {
        assert_order(part, "Consumed: A", "Consumed: B");
        assert_order(part, "Consumed: B", "Consumed: C");
        assert_order(part, "Consumed: C", "Consumer: stopping");
        assert_eq!(count(part, "Produced:"), 3, "{part}");
    }
}

#[test]
fn t12_each_thread_runs_exactly_once() {
    let out = run(env!("CARGO_BIN_EXE_t12_multiple_threads_order"), 0.1);
    let s = &out.stdout;
    for i in 0..3 {
        assert_eq!(count(s, &format!("Task {i} running")), 1, "{s}");
        assert_eq!(count(s, &format!("Worker {i} started")), 1, "{s}");
    }
    assert_eq!(count(s, "Order this run: ["), 2, "{s}");
}

#[test]
fn t13_all_threads_see_one_counter() {
    let out = run(env!("CARGO_BIN_EXE_t13_shared_memory_threads"), 0.1);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "borrowing a local: counter ="), [8], "{s}");
    assert_eq!(numbers_after(s, "sharing an Arc: counter ="), [8], "{s}");
    assert!(s.contains("strong count back to 1"), "{s}");
}

/// The 1-minute load average, if the OS reports one.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
fn t14_cpu_threads_run_at_the_same_time_without_a_gil() {
    let _cpu = CPU.lock().unwrap_or_else(PoisonError::into_inner);
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    // Up to three attempts: the machine is shared, and one clear result is enough.
    let mut speedups = Vec::new();
    let mut sightings = Vec::new();
    let mut busiest = 0.0_f64;
    for _ in 0..3 {
        busiest = busiest.max(load_average().unwrap_or(0.0));
        let out = run(env!("CARGO_BIN_EXE_t14_thread_cpu_demo"), 1.0);
        let s = &out.stdout;
        assert!(s.contains(&format!("on {cores} cores")), "{s}");
        let speedup = float_after(s, "Speedup:");
        let ratio = seconds_on_line(s, "Sequential") / seconds_on_line(s, "Threaded");
        assert!(
            (speedup - ratio).abs() < 0.05,
            "the printed speedup is sequential / threaded\n{s}"
        );
        if cores < 2 {
            return; // one core: nothing can run at the same time
        }
        speedups.push(speedup);
        sightings.extend(numbers_after(s, "computing at once:"));
        busiest = busiest.max(load_average().unwrap_or(0.0));
        if speedup >= 1.3 && sightings.iter().any(|&n| n > 0) {
            return;
        }
    }
    // No GIL means the threads were on two cores at the same instant, at least sometimes.
    assert!(
        sightings.iter().any(|&n| n > 0),
        "the two threads never computed at the same instant: {sightings:?}"
    );
    // A wall-clock speedup also needs idle cores. When other programs keep the cores busy, the
    // OS shares time out per program (per session), not per thread, so two threads get no more
    // than one did. The speedup is therefore checked only when the load average (other work)
    // left at least 1.3 cores free for the whole test.
    #[allow(clippy::cast_precision_loss)]
    let busy = busiest > cores as f64 - 1.3;
    assert!(
        busy,
        "no speedup ≥ 1.3 on {cores} cores in 3 runs ({speedups:?}) though the load was only {busiest}"
    );
    eprintln!(
        "note: speedups {speedups:?} not checked: load average {busiest} on {cores} cores; \
         simultaneous progress seen {sightings:?}"
    );
}

#[test]
fn t15_simulated_gil_gives_pythons_result() {
    let _cpu = CPU.lock().unwrap_or_else(PoisonError::into_inner);
    let out = run(env!("CARGO_BIN_EXE_t15_simulated_gil"), 0.5);
    let s = &out.stdout;
    // With the GIL, never two threads computing at the same instant...
    let with_gil = numbers_after(s, "with GIL");
    assert_eq!(with_gil, [0], "{s}");
    // ... so two threads take about as long as one (on idle cores no GIL would give ≈ 0.5).
    // Wall-clock ratios need idle cores: on a saturated machine they are noise (see t14).
    let gil = float_after(s, "GIL: 2 threads / 1 thread =");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    #[allow(clippy::cast_precision_loss)]
    if load_average().is_some_and(|l| l < cores as f64 - 0.5) {
        assert!(
            gil >= 0.7,
            "the GIL should serialise the threads: {gil}\n{s}"
        );
    }
    // Releasing it around the sleeps lets the two 1 s waits overlap; holding it does not.
    let released = seconds_on_line(s, "GIL released while sleeping");
    let held = seconds_on_line(s, "GIL held while sleeping");
    assert!(
        released <= 0.8 * held,
        "released {released} s, held {held} s\n{s}"
    );
    assert_eq!(
        numbers_after(s, "sleeps at the same moment:"),
        [2, 1],
        "{s}"
    );
}

#[test]
fn t16_five_waits_take_about_one_wait() {
    let out = run(env!("CARGO_BIN_EXE_t16_thread_io_demo"), 0.1);
    let s = &out.stdout;
    let one = float_after(s, "One wait:");
    let all = seconds_on_line(s, "5 threads x one wait: Time taken");
    assert!(
        all <= 1.3 * one,
        "5 waits took {all} s, one wait is {one} s\n{s}"
    );
    assert_eq!(
        numbers_after(s, "Most waits at the same moment:"),
        [5],
        "{s}"
    );
}

#[test]
fn t17_every_thread_has_its_own_id() {
    let out = run(env!("CARGO_BIN_EXE_t17_current_thread_ident"), 0.1);
    let s = &out.stdout;
    assert!(
        s.contains("Distinct ThreadIds: 4 of 4, distinct OS tids: 4 of 4"),
        "{s}"
    );
    assert!(
        s.contains("main         | name = Some(\"main\"), id = ThreadId("),
        "{s}"
    );
    assert!(
        s.contains("Main thread's OS tid equals the process id: true"),
        "{s}"
    );
}

#[test]
fn t18_alive_while_running_then_not() {
    let out = run(env!("CARGO_BIN_EXE_t18_is_alive"), 0.1);
    let s = &out.stdout;
    assert_order(
        s,
        "alive = true (is_finished() = false)",
        "Worker: done sleeping",
    );
    assert_order(
        s,
        "Worker: done sleeping",
        "alive = false (is_finished() = true)",
    );
    assert_order(s, "alive = false", "Joined;");
}
