//! Starting, joining, naming and ending threads: runs the real binaries (t00–t05, t12, t16–t20,
//! t26, t31, t37) and checks the claim each one prints.
//! Times are checked as ratios (to each other or to the simulated unit), never as absolute values.

mod common;

use common::{after, float_after};
use utilities::testkit::{
    assert_order, count_lines as count, line_index, numbers_after, run_ok as run, seconds_on_line,
};

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
fn t01_deliberate_panic_is_one_clean_line_even_with_backtraces_on() {
    let out = utilities::testkit::run_with_env(
        env!("CARGO_BIN_EXE_t01_start_vs_join"),
        &[],
        &[(utilities::TIME_SCALE_VAR, "0.05"), ("RUST_BACKTRACE", "1")],
    );
    out.assert_success();
    let err = &out.stderr;
    // Exactly one line on stderr: the quiet hook's, labelled with time and thread.
    assert_eq!(err.lines().count(), 1, "stderr must be one line:\n{err}");
    assert!(err.contains("| panicked: \"boom\" (at "), "{err}");
    assert!(
        !err.contains("stack backtrace") && !err.contains("note:"),
        "{err}"
    );
    // ...and the lesson itself is still there.
    out.assert_contains("join() returned Err: the worker panicked with \"boom\"");
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
fn t16_five_waits_take_about_one_wait() {
    let out = run(env!("CARGO_BIN_EXE_t16_thread_io_demo"), 0.1);
    let s = &out.stdout;
    let one = float_after(s, "One wait:");
    let all = seconds_on_line(s, "5 threads x one wait: Time taken");
    // The waits overlap: far from the 5 waits of a sequential run. (Starting and joining 5
    // threads adds tens of ms on a loaded machine, 0.264 s for 0.2 s waits was seen, so the bar
    // is 2.5 waits; the overlap count below is the exact proof.)
    assert!(
        all <= 2.5 * one,
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

#[test]
fn t19_lifecycle_order_and_duration() {
    let scale = 0.05; // the 2 s sleep becomes 100 ms
    let out = run(env!("CARGO_BIN_EXE_t19_thread_lifecycle_demo"), scale);
    let s = &out.stdout;
    assert_order(s, "Thread created", "Worker started");
    assert_order(s, "Thread created", "Thread started");
    assert_order(s, "Worker started", "Worker finished");
    assert_order(s, "Worker finished", "Thread joined, program exiting");
    let ratio = seconds_on_line(s, "Lifecycle: Time taken") / (2.0 * scale);
    assert!(
        (0.95..2.5).contains(&ratio),
        "took {ratio}× the 2 s sleep\n{s}"
    );
}

#[test]
fn t20_fixed_output_has_the_task_line_before_main_finishes() {
    let out = run(env!("CARGO_BIN_EXE_t20_forgetting_join"), 0.1);
    let s = &out.stdout;
    // The mistake: the child printed only main's line (its worker was still sleeping 100 ms).
    assert!(
        s.contains("child printed:") && s.contains("Main thread finished"),
        "{s}"
    );
    assert!(s.contains("\"Task running\" was lost: true"), "{s}");
    // Fix 1 (join): the worker's line comes before main's.
    let fix1 = &s[s.find("--- fix 1").expect("fix 1 section")..];
    assert_order(fix1, "Task running", "Main thread finished");
    // Fix 2 (scope): both borrowed names ran, main's line is last.
    let fix2 = &s[s.find("--- fix 2").expect("fix 2 section")..];
    assert_order(fix2, "Task running for Asha", "Main thread finished");
    assert_order(fix2, "Task running for Ravi", "Main thread finished");
    assert!(
        fix2.contains(r#"results = ["Asha done", "Ravi done"]"#),
        "{s}"
    );
}

#[test]
fn t26_one_thread_before_six_during_one_after() {
    let out = run(env!("CARGO_BIN_EXE_t26_display_threads"), 0.05);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "Active threads count:"), [1, 6, 1], "{s}");
    for i in 0..5 {
        let line = format!("Thread Thread-{} with ID {i} starting.", i + 1);
        assert_eq!(count(s, &line), 1, "{s}");
    }
    let pids = numbers_after(s, "Current process ID:");
    assert!(
        pids.len() == 2 && pids[0] == pids[1],
        "one process, printed twice\n{s}"
    );
}

#[test]
fn t31_all_ten_workers_ran() {
    let out = run(env!("CARGO_BIN_EXE_t31_ten_threads"), 0.05);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "workers that ran:"), [10], "{s}");
    assert_eq!(count(s, "square_it done"), 10, "{s}");
    assert_order(s, "started 10 threads", "joined 10 threads");
    assert!(s.trim_end().ends_with("end main"), "{s}");
}

#[test]
fn t37_stack_is_reserved_not_resident() {
    let out = utilities::testkit::run_with_env(
        env!("CARGO_BIN_EXE_t37_thread_memory_cost"),
        &[],
        &[("COURSE_FAST", "1")],
    );
    out.assert_success();
    let s = &out.stdout;
    assert!(
        s.contains("Rust's default for spawned threads: 2048 KiB"),
        "{s}"
    );
    let default_line = s
        .lines()
        .find(|l| l.contains("default stack"))
        .expect("default line");
    let size = numbers_after(default_line, "VmSize +");
    let rss = numbers_after(default_line, "VmRSS +");
    assert!(
        size[0] >= 2000,
        "≈ 2 MiB reserved per thread: {default_line}"
    );
    assert!(
        rss[0] < 256,
        "an idle thread is resident in a few KiB: {default_line}"
    );
    let small_line = s
        .lines()
        .find(|l| l.contains("stack_size(64 KiB)"))
        .expect("small line");
    assert!(
        numbers_after(small_line, "VmSize +")[0] < 512,
        "{small_line}"
    );
    assert!(
        numbers_after(default_line, "spawn").len() == 1,
        "{default_line}"
    );
}
