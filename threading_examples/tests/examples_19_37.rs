//! Runs the real binaries t19–t37 and checks the claim each one prints.
//! Times are checked as ratios to the simulated unit, never as absolute values.

use utilities::testkit::{
    assert_order, count_lines as count, numbers_after, run_ok as run, seconds_on_line,
};

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

#[test]
fn t28_bounded_blocks_rendezvous_waits_select_takes_the_ready_one() {
    let scale = 0.2; // 1 s of simulated time = 200 ms
    let out = run(env!("CARGO_BIN_EXE_t28_thread_communication"), scale);
    let s = &out.stdout;
    let blocked = seconds_on_line(s, "the 3rd send blocked") / scale;
    assert!(
        (0.8..2.0).contains(&blocked),
        "3rd send blocked {blocked} units\n{s}"
    );
    let rendezvous = seconds_on_line(s, "rendezvous: send returned after") / scale;
    assert!(
        (0.95..2.0).contains(&rendezvous),
        "send waited {rendezvous} units\n{s}"
    );
    assert!(s.contains("select! picked: fast"), "{s}");
    assert!(s.contains("then: slow"), "{s}");
    for i in 0..4 {
        assert_eq!(count(s, &format!("received {i}")), 1, "{s}");
    }
}

#[test]
fn t29_every_item_consumed_exactly_once() {
    let out = run(env!("CARGO_BIN_EXE_t29_multi_producer_consumer"), 0.2);
    let s = &out.stdout;
    assert!(s.contains("every item exactly once: true"), "{s}");
    assert_eq!(numbers_after(s, "produced"), [30], "{s}");
    assert_eq!(numbers_after(s, "consumed"), [30], "{s}");
    let counts_line = s
        .lines()
        .find(|l| l.contains("handled"))
        .expect("per-consumer counts");
    let handled: i64 = counts_line
        .split(", ")
        .flat_map(|part| numbers_after(part, "handled"))
        .sum();
    assert_eq!(handled, 30, "{s}");
    assert_eq!(count(s, "| got "), 30, "{s}");
}

#[test]
fn t30_pools_keep_submit_order_on_at_most_three_threads() {
    let scale = 0.1; // 12 tasks of 100 ms on 3 threads
    let out = run(env!("CARGO_BIN_EXE_t30_thread_pool"), scale);
    let s = &out.stdout;
    let expected = "results [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121] on";
    for pool in ["rayon", "pool"] {
        let line = s
            .lines()
            .find(|l| l.starts_with(&format!("{pool}: results")))
            .unwrap_or_else(|| panic!("no {pool} results\n{s}"));
        assert!(line.contains(expected), "{line}");
        let threads = numbers_after(line, "] on");
        assert!(
            threads.len() == 1 && (1..=3).contains(&threads[0]),
            "{line}"
        );
        let units = seconds_on_line(s, &format!("{pool}: Time taken")) / scale;
        // Sequential would be 12 units; 3 workers need at least 4.
        assert!(
            (3.9..7.0).contains(&units),
            "{pool} took {units} units\n{s}"
        );
    }
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
fn t32_lost_update_then_locked_fix() {
    let out = run(env!("CARGO_BIN_EXE_t32_check_then_act"), 1.0); // the seed's 0.1 s sleep
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "start value"), [0, 0], "{s}");
    assert_eq!(numbers_after(s, "end value"), [1, 2], "{s}");
    let ratio =
        seconds_on_line(s, "locked: Time taken") / seconds_on_line(s, "unprotected: Time taken");
    assert!(
        (1.6..2.6).contains(&ratio),
        "locked/unprotected = {ratio}\n{s}"
    );
    assert!(s.contains("2 threads saw it, 1 found it gone"), "{s}");
    assert!(s.contains("exactly 1 thread got it"), "{s}");
}

#[test]
fn t33_items_once_each_then_endmain() {
    let out = run(env!("CARGO_BIN_EXE_t33_queue_worker_pool"), 0.5);
    let s = &out.stdout;
    for i in 1..20 {
        let hits: Vec<&str> = s
            .lines()
            .filter(|l| l.ends_with(&format!(" got {i}")))
            .collect();
        assert_eq!(hits.len(), 1, "item {i}\n{s}");
        assert_order(s, &format!(" got {i}"), "endmain");
    }
    assert!(s.contains("all 19 items handled"), "{s}");
    assert!(s.contains("workers joined: 10"), "{s}");
}

#[test]
fn t34_worker_stops_within_one_poll_interval() {
    let scale = 0.4; // poll interval 0.5 s → 200 ms
    let out = run(env!("CARGO_BIN_EXE_t34_cooperative_cancellation"), scale);
    let s = &out.stdout;
    let latency = seconds_on_line(s, "flag: stopped");
    let poll = 0.5 * scale;
    assert!(
        latency <= poll * 1.5,
        "stopped {latency} s after the request, poll {poll} s\n{s}"
    );
    assert_order(s, "asking the worker to stop", "saw the stop flag");
    let channel = seconds_on_line(s, "channel: stopped");
    assert!(
        channel < poll,
        "the message ended the 10 s wait at once: {channel} s\n{s}"
    );
}

#[test]
fn t35_blocking_calls_overlap_while_main_computes() {
    let scale = 0.2; // each call: 200 ms
    let out = run(env!("CARGO_BIN_EXE_t35_blocking_io_with_threads"), scale);
    let s = &out.stdout;
    let units = seconds_on_line(s, "all 4 calls: Time taken") / scale;
    assert!(
        (0.95..1.8).contains(&units),
        "4 calls took {units} units (sequential: 4)\n{s}"
    );
    for i in 1..=4 {
        assert!(s.contains(&format!("got \"reply to client-{i}\"")), "{s}");
    }
    let chunks = numbers_after(s, "computed");
    assert!(
        chunks.len() == 1 && chunks[0] > 0,
        "main computed meanwhile\n{s}"
    );
}

#[test]
fn t36_items_pass_in_order_and_bounded_queue_holds_back() {
    let out = run(env!("CARGO_BIN_EXE_t36_pipeline_stages"), 0.1);
    let s = &out.stdout;
    assert_eq!(count(s, "stage 3 got [0, 1, 2, 3, 4]"), 2, "{s}");
    let ahead = numbers_after(s, "stage 1 ran at most");
    assert_eq!(ahead.len(), 2, "{s}");
    assert!(ahead[0] <= 3, "bounded: {} ahead\n{s}", ahead[0]);
    assert!(ahead[1] > ahead[0], "unbounded runs further ahead\n{s}");
    for i in 0..5 {
        assert_order(s, &format!("fetch  item {i}"), &format!("store  item {i}"));
    }
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
