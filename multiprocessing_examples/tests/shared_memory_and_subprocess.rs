//! Runs the shared-memory and subprocess examples (part B of `multiprocessing_examples`) and
//! checks the claim each one prints.
//!
//! This test process makes itself the "subreaper" of its descendants: a child that an example
//! forgot to wait for is re-parented to us when the example exits, so [`run`] can see it and
//! fail. Racy totals are asserted never above the expected total; fixed totals exactly.

use std::sync::Once;

use multiprocessing_examples::spawn::{become_subreaper, children_of};
use utilities::testkit::{RunOutput, assert_order, numbers_after, run_example, seconds_on_line};

/// Command names an orphan of our examples could have (`comm` is cut to 15 bytes).
fn orphan_names(exe: &str) -> Vec<String> {
    let base = std::path::Path::new(exe)
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(15).collect())
        .unwrap_or_default();
    vec![
        base,
        "sleep".into(),
        "sh".into(),
        "cat".into(),
        "sort".into(),
    ]
}

/// Runs the example at `scale`, checks it succeeded and left no child behind.
fn run(exe: &str, scale: f64) -> RunOutput {
    static SUBREAPER: Once = Once::new();
    SUBREAPER.call_once(|| become_subreaper().expect("prctl(PR_SET_CHILD_SUBREAPER)"));
    let out = run_example(exe, &[], scale);
    out.assert_success();
    let names = orphan_names(exe);
    let orphans: Vec<_> = children_of(std::process::id())
        .into_iter()
        .filter(|c| names.contains(&c.comm))
        .collect();
    assert!(
        orphans.is_empty(),
        "{exe} left children behind: {orphans:?}\n{}",
        out.stdout
    );
    out
}

#[test]
fn p04_a_childs_change_to_a_global_stays_in_the_child() {
    let out = run(env!("CARGO_BIN_EXE_p04_globals_not_shared"), 1.0);
    let s = &out.stdout;
    assert_order(s, "Child (fork): counter = 1", "Counter in main process: 0");
    // Fork copies the parent's memory as it is at fork time; re-exec starts from scratch.
    assert_order(
        s,
        "Counter in main process: 0",
        "Child (fork): counter = 101",
    );
    assert_order(
        s,
        "Child (fork): counter = 101",
        "Child (re-exec): counter = 1",
    );
    assert_order(
        s,
        "Child (re-exec): counter = 1",
        "Counter in main process: 100",
    );
    out.assert_contains("Children left unreaped: 0");
}

#[test]
fn p05_shared_counter_reaches_2_then_5() {
    let out = run(env!("CARGO_BIN_EXE_p05_shared_value_lock"), 1.0);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "Shared counter:"), [2]);
    assert_eq!(numbers_after(s, "Final value:"), [5]);
    assert_eq!(s.matches("Child (fork): counter").count(), 2, "{s}");
    assert_eq!(s.matches("Child (re-exec): counter").count(), 5, "{s}");
    assert_order(s, "Shared counter: 2", "Child (re-exec)");
}

#[test]
fn p11_child_increments_element_0() {
    let out = run(env!("CARGO_BIN_EXE_p11_shared_array"), 1.0);
    let s = &out.stdout;
    assert_order(s, "Before: [0, 1, 2]", "| [1, 1, 2]");
    assert_order(s, "| [1, 1, 2]", "Before: [1, 2, 3]");
    assert_order(s, "Before: [1, 2, 3]", "| [2, 2, 3]");
    assert_eq!(s.matches("Child: arr[0] += 1").count(), 2, "{s}");
}

#[test]
fn p14_racy_total_never_above_expected_and_fetch_add_exact() {
    let out = run(env!("CARGO_BIN_EXE_p14_shared_value_without_lock"), 1.0);
    let s = &out.stdout;
    let expected = numbers_after(s, "increments, expected")[0];
    assert_eq!(expected, 400_000);
    let racy = numbers_after(s, "Without a lock (load, then store):")[0];
    assert!((1..=expected).contains(&racy), "racy total {racy}\n{s}");
    assert_eq!(numbers_after(s, "With fetch_add:"), [expected]);
}

#[test]
fn p16_pool_workers_reach_10_through_a_named_counter() {
    let out = run(env!("CARGO_BIN_EXE_p16_pool_shared_value_demo"), 1.0);
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "Final value:"), [10]);
    out.assert_contains("Values seen by the 10 tasks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]");
    out.assert_contains("Pool of 4 workers");
    out.assert_contains("(0 children left)");
    assert_order(s, "starts at 0", "Final value: 10");
}

#[test]
fn p21_child_adds_5_in_place() {
    let out = run(env!("CARGO_BIN_EXE_p21_shared_value_no_copy"), 1.0);
    assert_order(
        &out.stdout,
        "Value before the child: 10",
        "Child: 10 + 5, written in place",
    );
    assert_eq!(numbers_after(&out.stdout, "Shared value:"), [15]);
}

#[test]
fn p28_child_changes_number_and_array() {
    let out = run(env!("CARGO_BIN_EXE_p28_shared_value_and_array"), 1.0);
    let s = &out.stdout;
    assert_order(
        s,
        "Before: number 0, array [1, 2, 3, 4]",
        "Child: number += 100",
    );
    assert_order(s, "Child: number += 100", "Shared number: 100");
    out.assert_contains("Shared array: [2, 4, 6, 8]");
}

#[test]
fn p29_child_reads_and_writes_the_named_block() {
    let out = run(env!("CARGO_BIN_EXE_p29_named_shared_memory"), 1.0);
    let s = &out.stdout;
    // Σ 0..999 999 = 999 999 × 1 000 000 / 2
    assert_eq!(numbers_after(s, "Child: sum ="), [499_999_500_000]);
    assert_order(s, "Child opened", "Child: doubled every value in place");
    assert_order(
        s,
        "Child: doubled every value in place",
        "Parent sees the child's writes: a[1] = 2, a[999999] = 1999998",
    );
    out.assert_contains("exists = false");
    // The parent and the child are different processes.
    let pids: std::collections::BTreeSet<i64> = numbers_after(s, "pid").into_iter().collect();
    assert_eq!(pids.len(), 2, "{s}");
}

#[test]
fn p32_two_processes_add_100_each_in_about_one_process_time() {
    let scale = 1.0;
    let out = run(env!("CARGO_BIN_EXE_p32_shared_value_add100"), scale);
    let s = &out.stdout;
    assert_order(
        s,
        "Number at the beginning is 0",
        "Number at the end is 200",
    );
    assert_eq!(numbers_after(s, "Number at the end is"), [200]);
    // Each process sleeps 100 × 0.01 s; the two sleep at the same time.
    let one = 100.0 * 0.01 * scale;
    let took = seconds_on_line(s, "Two processes");
    assert!(
        took >= one * 0.95,
        "cannot beat one process's sleeps: {took}"
    );
    assert!(
        took / (2.0 * one) < 0.8,
        "the processes should overlap: {took:.3} s vs {:.3} s in a row",
        2.0 * one
    );
}

#[test]
fn p33_f64_array_gets_plus_two() {
    let out = run(env!("CARGO_BIN_EXE_p33_shared_array_f64"), 1.0);
    let s = &out.stdout;
    assert_order(
        s,
        "array at the beginning is [0.0, 100.0, 200.0]",
        "array at the end is [2.0, 102.0, 202.0]",
    );
    assert_eq!(
        s.matches("Child: added 1.0 to each of 3 elements").count(),
        2
    );
}

#[test]
fn p35_parent_works_while_polling_then_exit_status_0() {
    let out = run(env!("CARGO_BIN_EXE_p35_subprocess_poll"), 1.0);
    let s = &out.stdout;
    // A 0.3 s child polled every 0.05 s: about 6 "Working..." lines; 2 is the honest floor on
    // a loaded machine.
    let working = s.matches("Working...").count();
    assert!(working >= 2, "{s}");
    assert_eq!(
        numbers_after(s, "Polled")[0],
        i64::try_from(working).unwrap()
    );
    assert_order(s, "Working...", "Exit status 0");
    let lines: Vec<&str> = s.lines().collect();
    let last_working = lines
        .iter()
        .rposition(|l| l.contains("Working..."))
        .unwrap();
    let exit = lines
        .iter()
        .position(|l| l.contains("Exit status 0"))
        .unwrap();
    assert!(last_working < exit, "{s}");
}

#[test]
fn p36_stuck_child_is_killed_after_the_timeout_and_reaped() {
    let out = run(env!("CARGO_BIN_EXE_p36_subprocess_timeout_kill"), 1.0);
    let s = &out.stdout;
    let waited = seconds_on_line(s, "Timeout after");
    let ratio = waited / 0.1;
    assert!(
        (0.9..10.0).contains(&ratio),
        "timeout reported after {waited} s, expected ≈ 0.1 s\n{s}"
    );
    out.assert_contains("(signal 9)");
    out.assert_contains("is gone, children left: 0");
    out.assert_contains("Finished in time: exit status 0");
    // The stuck child would have slept 10 s, and the second child's 2 s timeout must not be
    // waited out once it has exited (after 0.02 s).
    assert!(out.wall.as_secs_f64() < 1.5, "took {:?}", out.wall);
}

#[test]
fn p37_sort_through_pipes_and_parallel_exit_codes() {
    let scale = 0.5;
    let out = run(env!("CARGO_BIN_EXE_p37_subprocess_pipes"), scale);
    let s = &out.stdout;
    out.assert_contains(r#"sort output: ["apple", "banana", "cherry", "fig", "pear"]"#);
    out.assert_contains("cat returned 1048576 bytes, identical");
    out.assert_contains("Exit codes: [0, 1, 2]");
    let took = seconds_on_line(s, "Parallel children");
    let in_a_row = 3.0 * 0.5 * scale;
    assert!(took >= 0.5 * scale * 0.95, "{s}");
    assert!(
        took / in_a_row < 0.7,
        "the three children should run at the same time: {took:.3} s vs {in_a_row:.3} s\n{s}"
    );
}
