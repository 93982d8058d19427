//! Threads that talk: events, semaphores, queues, channels, pools and cancellation. Runs the
//! real binaries (t09–t11, t21, t22, t28–t30, t33–t36) and checks the claim each one prints.
//! Times are checked as ratios to the simulated unit, never as absolute values.

use utilities::testkit::{
    assert_each_before, assert_order, count_lines as count, numbers_after, run_ok as run,
    seconds_on_line, timeline_bars,
};

/// How many times the producer/consumer binaries run to check "made before used": a producer
/// that prints after its send races the consumer, and a single run can be lucky.
const ORDER_RUNS: usize = 12;

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

/// The cause, checked in the source: each producer prints, then sends (a reversed pair makes the
/// run-time checks below fail only when the consumer wins the race, which a test can miss).
#[test]
fn producers_print_before_they_send() {
    let cases: [(&str, &str, &str, &str); 4] = [
        (
            "t11 (None marker)",
            include_str!("../src/bin/t11_queue_producer_consumer.rs"),
            "say!(\"Produced: {item}\")",
            "tx.send(Some(item))",
        ),
        (
            "t11 (dropped Sender)",
            include_str!("../src/bin/t11_queue_producer_consumer.rs"),
            "say!(\"Produced: {item}\");\n",
            "tx.send(item)",
        ),
        (
            "t21",
            include_str!("../src/bin/t21_queue_task_done.rs"),
            "say!(\"Produced {i}\")",
            "q.put(i)",
        ),
        (
            "t29",
            include_str!("../src/bin/t29_multi_producer_consumer.rs"),
            "say!(\"put {item}\")",
            "tx.send(item)",
        ),
    ];
    for (name, src, print, send) in cases {
        let at = |needle: &str| {
            src.find(needle)
                .unwrap_or_else(|| panic!("{name}: no {needle:?} in the source"))
        };
        let (p, q) = (at(print), at(send));
        assert!(
            p < q && src[p..q].lines().count() <= 4,
            "{name}: the producer must print right BEFORE it sends ({print} … {send})"
        );
    }
}

#[test]
fn t11_produced_is_printed_before_consumed_in_every_run() {
    for _ in 0..ORDER_RUNS {
        let out = run(env!("CARGO_BIN_EXE_t11_queue_producer_consumer"), 0.1);
        let (first, second) = out.stdout.split_once("--- 2.").expect("two parts");
        for part in [first, second] {
            assert_eq!(assert_each_before(part, "Produced: ", "Consumed: "), 3);
        }
    }
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

    // The timeline: every item is handled only after it was made, one at a time, and the slower
    // consumer (0.8 s an item against 0.5 s) finishes after the producer.
    let bars = timeline_bars(s);
    let bar = |label: &str| {
        bars.iter()
            .find(|(l, ..)| l == label)
            .map(|&(_, a, b)| (a, b))
            .unwrap_or_else(|| panic!("no timeline bar {label:?}\n{s}"))
    };
    assert_eq!(bars.len(), 10, "5 made + 5 handled\n{s}");
    for i in 0..5 {
        let (_, made) = bar(&format!("producer: make {i}"));
        let (start, end) = bar(&format!("consumer: handle {i}"));
        assert!(start >= made, "item {i} handled before it was made\n{s}");
        if i > 0 {
            let (_, previous) = bar(&format!("consumer: handle {}", i - 1));
            assert!(start >= previous, "one consumer: handle {i} overlaps\n{s}");
        }
        assert!(end > start, "{s}");
    }
    assert!(
        bar("consumer: handle 4").1 > bar("producer: make 4").1,
        "{s}"
    );
}

#[test]
fn t21_produced_is_printed_before_consumed_in_every_run() {
    for _ in 0..ORDER_RUNS {
        let out = run(env!("CARGO_BIN_EXE_t21_queue_task_done"), 0.02);
        assert_eq!(assert_each_before(&out.stdout, "Produced ", "Consumed "), 5);
    }
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
    // One timeline bar per thread, and producers and consumers ran at the same time.
    let bars = timeline_bars(s);
    assert_eq!(bars.len(), 6, "{s}");
    for name in [
        "producer-1",
        "producer-2",
        "producer-3",
        "consumer-1",
        "consumer-2",
    ] {
        assert!(bars.iter().any(|(l, ..)| l == name), "no bar {name}\n{s}");
    }
    let first_producer_end = bars
        .iter()
        .filter(|(l, ..)| l.starts_with("producer"))
        .map(|&(_, _, end)| end)
        .fold(f64::INFINITY, f64::min);
    let last_consumer_start = bars
        .iter()
        .filter(|(l, ..)| l.starts_with("consumer"))
        .map(|&(_, start, _)| start)
        .fold(0.0, f64::max);
    assert!(
        last_consumer_start < first_producer_end,
        "every consumer starts while the producers still run\n{s}"
    );
}

#[test]
fn t29_put_is_printed_before_got_in_every_run() {
    for _ in 0..ORDER_RUNS {
        let out = run(env!("CARGO_BIN_EXE_t29_multi_producer_consumer"), 0.05);
        assert_eq!(assert_each_before(&out.stdout, "| put ", "| got "), 30);
    }
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
fn t30_pool_survives_a_panicking_job() {
    // RUST_BACKTRACE=1: the deliberate panic must still be one clean line on stderr.
    let out = utilities::testkit::run_with_env(
        env!("CARGO_BIN_EXE_t30_thread_pool"),
        &[],
        &[(utilities::TIME_SCALE_VAR, "0.05"), ("RUST_BACKTRACE", "1")],
    );
    out.assert_success();
    let s = &out.stdout;
    assert!(
        s.contains(
            "panicking job: results [Ok(0), Ok(1), Err(\"job 2 failed\"), Ok(9), Ok(16), Ok(25)]"
        ),
        "the panic comes back as that job's Err, the others are unharmed\n{s}"
    );
    assert!(
        s.contains("after the panic: 3 of 3 workers alive, and the next 6 jobs ran"),
        "{s}"
    );
    let err = &out.stderr;
    assert_eq!(err.lines().count(), 1, "stderr must be one line:\n{err}");
    assert!(err.contains("| panicked: \"job 2 failed\" (at "), "{err}");
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
