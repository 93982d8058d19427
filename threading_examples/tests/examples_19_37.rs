//! Runs the real binaries t19–t37 and checks the claim each one prints.
//! Times are checked as ratios to the simulated unit, never as absolute values.

use utilities::testkit::{RunOutput, assert_order, numbers_after, run_example, seconds_on_line};

/// Runs a binary at `scale` and insists that it succeeded.
fn run(exe: &str, scale: f64) -> RunOutput {
    let out = run_example(exe, &[], scale);
    out.assert_success();
    out
}

/// Lines of `text` containing `needle`.
fn count(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
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
fn t21_join_returns_after_every_task_done() {
    let out = run(env!("CARGO_BIN_EXE_t21_queue_task_done"), 0.2);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "First get:"), [1], "FIFO\n{s}");
    assert!(s.contains("join would still wait for 2 unfinished"), "{s}");
    assert_order(s, "join would still wait", "end");
    for i in 0..5 {
        assert_eq!(count(s, &format!("Produced {i}")), 1, "{s}");
        assert_eq!(count(s, &format!("Consumed {i}")), 1, "{s}");
        if i > 0 {
            assert_order(s, &format!("Consumed {}", i - 1), &format!("Consumed {i}"));
        }
    }
    assert!(s.contains("join returned: 5 of 5 items processed"), "{s}");
    assert_order(s, "Consumed 4", "join returned");
    assert_order(s, "join returned", "consumer: queue closed, stopping");
}

#[test]
fn t22_items_in_order_and_about_three_seconds() {
    let scale = 0.1;
    let out = run(
        env!("CARGO_BIN_EXE_t22_queue_producer_consumer_script"),
        scale,
    );
    let s = &out.stdout;
    for i in 0..3 {
        assert_eq!(count(s, &format!("Producing {i}")), 1, "{s}");
        assert_eq!(count(s, &format!("Consuming {i}")), 1, "{s}");
        assert_order(s, &format!("Producing {i}"), &format!("Consuming {i}"));
    }
    assert_order(s, "Producing 0", "Producing 1");
    assert_order(s, "Producing 1", "Producing 2");
    assert_order(s, "Consuming 0", "Consuming 1");
    assert_order(s, "Consuming 1", "Consuming 2");
    assert_order(s, "Consuming 2", "channel closed");
    let ratio = seconds_on_line(s, "Producer-consumer: Time taken") / (3.0 * scale);
    assert!((0.95..1.8).contains(&ratio), "took {ratio}× 3 s\n{s}");
}

#[test]
fn t23_wide_lock_serialises_narrow_lock_overlaps() {
    let out = run(env!("CARGO_BIN_EXE_t23_critical_section_scope"), 0.1);
    let s = &out.stdout;
    let wide = seconds_on_line(s, "lock held over the work");
    let narrow = seconds_on_line(s, "lock held only for the update");
    assert!(
        wide / narrow > 2.0,
        "wide {wide} s vs narrow {narrow} s\n{s}"
    );
    let unit = 0.1; // one worker's 1 s of work at scale 0.1
    assert!(wide >= 2.9 * unit, "three turns of 1 s each\n{s}");
    assert!(narrow < 1.8 * unit, "overlapped work ≈ one unit\n{s}");
    assert_eq!(count(s, "(total 6)"), 2, "same total both ways\n{s}");
    assert!(s.contains("auditor saw a wrong sum 0 times"), "{s}");
    assert!(s.contains("sum stays 100"), "{s}");
}

#[test]
fn t24_gives_up_after_the_timeout() {
    let scale = 0.2; // the 1 s timeout becomes 200 ms
    let out = run(env!("CARGO_BIN_EXE_t24_lock_timeout"), scale);
    let s = &out.stdout;
    assert!(s.contains("Lock acquired (it was free)"), "{s}");
    let waited = seconds_on_line(s, "gave up after") / scale;
    assert!(
        (0.95..1.8).contains(&waited),
        "gave up after {waited} units\n{s}"
    );
    assert_order(s, "gave up after", "released the lock");
    assert_order(
        s,
        "released the lock",
        "Lock acquired after the holder released it",
    );
}

#[test]
fn t25_same_order_completes_twice_in_about_one_second() {
    let scale = 0.2;
    let out = run(env!("CARGO_BIN_EXE_t25_deadlock_demo"), scale);
    let s = &out.stdout;
    assert_eq!(count(s, "Safe task completed"), 2, "{s}");
    let ratio = seconds_on_line(s, "Both tasks: Time taken") / (1.0 * scale);
    assert!((0.95..1.8).contains(&ratio), "took {ratio}× 1 s\n{s}");
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
fn t27_each_primitive_keeps_its_invariant() {
    let out = run(env!("CARGO_BIN_EXE_t27_sync_primitives_tour"), 0.2);
    let s = &out.stdout;
    assert!(
        s.contains("RwLock: at most 3 readers inside at once; writer saw 0 readers"),
        "{s}"
    );
    assert!(s.contains("all 3 released after it: true"), "{s}");
    assert!(
        s.contains("OnceLock: initialised 1 time(s), 4 threads"),
        "{s}"
    );
    assert!(
        s.contains("Condvar: consumer woke with 3 items ready"),
        "{s}"
    );
    assert_eq!(numbers_after(s, "atomic counter:"), [40_000], "{s}");
    assert!(s.contains("reader saw the data 42"), "{s}");
    assert!(
        s.contains("parking_lot: counter 2000, readers 2, once ran 1 time(s)"),
        "{s}"
    );
}
