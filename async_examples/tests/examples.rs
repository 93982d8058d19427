//! Runs every async example binary (except the capstone, tested in its own file) and checks the
//! claim it prints. Times are compared as ratios within one run, never as absolute values.

use utilities::testkit::{assert_order, line_index, numbers_after, run_example, seconds_on_line};

/// Lines of `text` containing `needle`.
fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.contains(needle)).collect()
}

/// The float right after `key` on the first line that has it.
fn float_after(text: &str, key: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.contains(key))
        .unwrap_or_else(|| panic!("no line has {key:?}:\n{text}"));
    let rest = line.split_once(key).map_or("", |(_, r)| r).trim_start();
    let num: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    num.parse()
        .unwrap_or_else(|_| panic!("no number after {key:?} on {line:?}"))
}

#[test]
fn a01_gather_overlaps_the_three_downloads() {
    let out = run_example(env!("CARGO_BIN_EXE_a01_sequential_vs_gather"), &[], 0.1);
    out.assert_success();
    let files: Vec<&str> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_once("| "))
        .map(|(_, msg)| msg)
        .filter(|msg| msg.starts_with("file-"))
        .collect();
    assert_eq!(
        files,
        ["file-1", "file-2", "file-3", "file-1", "file-2", "file-3"]
    );
    out.assert_contains(r#"join_all results: ["file-1", "file-2", "file-3"]"#);
    let sequential = seconds_on_line(&out.stdout, "Sequential:");
    let gathered = seconds_on_line(&out.stdout, "Gathered (join!):");
    let ratio = gathered / sequential;
    assert!(
        (0.25..0.6).contains(&ratio),
        "gathered/sequential = {ratio}\n{}",
        out.stdout
    );
    assert!(out.stdout.contains("Timeline:"), "{}", out.stdout);
}

#[test]
fn a02_a_future_runs_only_when_awaited() {
    let out = run_example(env!("CARGO_BIN_EXE_a02_coroutine_is_lazy"), &[], 0.1);
    out.assert_success();
    out.assert_contains("its type is a02_coroutine_is_lazy::hello::{{closure}}");
    out.assert_contains("the body has started 0 times");
    assert_order(&out.stdout, "main: awaiting it now", "hello: body starts");
    assert_order(&out.stdout, "hello: body ends", "Result: Hello");
    assert_eq!(lines_with(&out.stdout, "hello: body starts").len(), 1);
    out.assert_contains("body starts in total: 1");
}

/// a02's header says rustc warns about `hello();` on its own line. Compile that snippet with the
/// toolchain's `rustc` (std only) and find the warning: it builds, and `unused_must_use` fires.
#[test]
fn a02_rustc_warns_about_an_unused_future() {
    let compile = |source: &str, name: &str| {
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("a02_snippets");
        std::fs::create_dir_all(&dir).expect("create the snippet dir");
        let file = dir.join(format!("{name}.rs"));
        std::fs::write(&file, source).expect("write the snippet");
        let out = utilities::testkit::rustc_metadata(&dir)
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("cannot run rustc: {e}"));
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let snippet = include_str!("snippets/a02_unused_future.rs");
    let (built, warnings) = compile(snippet, "unused_future");
    assert!(
        built,
        "the snippet still builds (a warning, not an error):\n{warnings}"
    );
    assert!(
        warnings.contains("warning: unused implementer of `Future` that must be used"),
        "{warnings}"
    );
    assert!(
        warnings.contains("futures do nothing unless you `.await` or poll them"),
        "{warnings}"
    );
    assert!(warnings.contains("unused_must_use"), "{warnings}");
    // The header of a02 quotes the same first line.
    let header = include_str!("../src/bin/a02_coroutine_is_lazy.rs");
    let quoted = header
        .lines()
        .find_map(|l| l.strip_prefix("//! warning: "))
        .expect("a02's header quotes the warning");
    assert!(
        warnings.contains(quoted),
        "a02 quotes {quoted:?}, rustc says:\n{warnings}"
    );

    // The control: the same future, used, draws no warning at all.
    let used = snippet.replace("    hello();", "    drop(hello()); // explicitly discarded");
    let (built, warnings) = compile(&used, "used_future");
    assert!(built && warnings.trim().is_empty(), "{warnings}");
}

#[test]
fn a03_spawned_tasks_run_by_themselves() {
    let out = run_example(env!("CARGO_BIN_EXE_a03_create_task"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    assert_order(s, "hello: task started", "main: now awaiting the handle");
    out.assert_contains("Result: Hello");
    out.assert_contains("JoinError: panicked = true");
    out.assert_contains("JoinError: cancelled = true");
    assert_order(
        s,
        "abort: the long task's future was dropped",
        "JoinError: cancelled",
    );
    out.assert_contains("detached task: still ran after its handle was dropped");
    out.assert_contains("JoinSet completion order: short, medium, long");
    assert_order(s, "main: returning", "shutdown: unfinished task dropped");
    assert!(!s.contains("never prints"), "{s}");
    assert!(out.stderr.contains("boom"), "{}", out.stderr);
}

#[test]
fn a04_api_and_db_calls_overlap() {
    let out = run_example(env!("CARGO_BIN_EXE_a04_api_and_db"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    for id in 1..=3 {
        assert_order(s, &format!("API: fetching user {id}"), "DB: saving");
    }
    let lines: Vec<&str> = s.lines().collect();
    let last_api = lines.iter().rposition(|l| l.contains("API: fetching user"));
    let first_db = line_index(s, "DB: saving");
    assert!(last_api < first_db, "{s}");
    out.assert_contains("handled at most 3 requests at once");
    out.assert_contains("Saved: [true, true, true]");
    out.assert_contains(r#"rows in the file: [(1, "User1"), (2, "User2"), (3, "User3")]"#);
    for phase in ["API calls:", "DB saves:"] {
        let slowest = float_after(s, &format!("{phase} slowest"));
        let sum = float_after(s, &format!("{phase} slowest {slowest:.3} s, sum"));
        let took = float_after(s, &format!("{sum:.3} s, phase"));
        assert!(took < 0.6 * sum, "{phase} phase {took} vs sum {sum}\n{s}");
        assert!(
            took < 1.5 * slowest,
            "{phase} phase {took} vs slowest {slowest}\n{s}"
        );
    }
    let total = seconds_on_line(s, "Total:");
    let api = seconds_on_line(s, "API phase:");
    // Total ≈ two phases of one call each (≈ 2 units), far from the 6 of the sequential Python original.
    assert!(
        total < 3.0 * api,
        "total {total} vs one API phase {api}\n{s}"
    );
}

#[test]
fn a05_a_blocking_call_stalls_the_ticker() {
    let out = run_example(env!("CARGO_BIN_EXE_a05_blocking_the_runtime"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    assert_eq!(lines_with(s, "longest gap between ticks:").len(), 3, "{s}");
    let blocked = float_after(s, "Blocking in async: longest gap between ticks:");
    let slept = float_after(s, "tokio::time::sleep: longest gap between ticks:");
    let offloaded = float_after(s, "spawn_blocking: longest gap between ticks:");
    assert!(s.contains("(0 ticks during the wait)"), "{s}");
    // The blocked gap spans the 2 s call (ten ticker periods); the others stay near one period.
    assert!(
        blocked > 4.0 * slept,
        "blocked {blocked} vs async {slept}\n{s}"
    );
    assert!(
        blocked > 4.0 * offloaded,
        "blocked {blocked} vs offloaded {offloaded}\n{s}"
    );
    assert_order(s, "Blocking in async: starting", "blocking call returned");
}

#[test]
fn a06_to_thread_keeps_the_runtime_ticking() {
    let out = run_example(env!("CARGO_BIN_EXE_a06_to_thread"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    out.assert_contains("| blocking done");
    let ticks = numbers_after(s, "ticks during the blocking call:");
    assert!(ticks.first().is_some_and(|&n| n >= 4), "{s}"); // 2 s / 0.25 s = 8 expected
    let one_call = seconds_on_line(s, "to_thread:");
    let gap = float_after(s, "longest gap between ticks:");
    assert!(
        gap < 0.4 * one_call,
        "gap {gap} vs blocking call {one_call}\n{s}"
    );
    // 4 calls of 1 s on 2 threads = 2 rounds ≈ the 2 s call; without the limit it would be 1 s.
    let four = seconds_on_line(s, "4 calls on 2 blocking threads:");
    let ratio = four / one_call;
    assert!(
        (0.8..1.5).contains(&ratio),
        "4 calls / one 2 s call = {ratio}\n{s}"
    );
    assert_eq!(lines_with(s, "blocking-pool | call").len(), 4, "{s}");
}

#[test]
fn a09_semaphore_caps_in_flight_requests() {
    let out = run_example(env!("CARGO_BIN_EXE_a09_semaphore_limited"), &[], 0.15);
    out.assert_success();
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "Limit 3: high-water mark:"), [3]);
    assert_eq!(numbers_after(s, "No limit: high-water mark:"), [10]);
    // While limited, no start line reports more than 3 in flight (the first 10 start lines).
    let in_flight: Vec<i64> = numbers_after(s, ": start (");
    assert_eq!(in_flight.len(), 20, "{s}");
    assert!(in_flight[..10].iter().all(|&n| n <= 3), "{in_flight:?}");
    let limited = seconds_on_line(s, "Limit 3: Time taken");
    let free = seconds_on_line(s, "No limit: Time taken");
    let ratio = limited / free; // ceil(10 / 3) = 4 rounds vs 1
    assert!(
        (3.0..5.5).contains(&ratio),
        "limited/unlimited = {ratio}\n{s}"
    );
}

#[test]
fn a10_timeouts_and_errors_are_reported_not_fatal() {
    let out = run_example(env!("CARGO_BIN_EXE_a10_timeouts_and_errors"), &[], 0.15);
    out.assert_success();
    let s = &out.stdout;
    out.assert_contains("fast: ok");
    out.assert_contains("medium: ok");
    out.assert_contains("broken: failed: connection reset by peer (simulated)");
    out.assert_contains("Summary: 2 ok, 1 failed, 1 timed out");
    let limit = float_after(s, "timeout limit:");
    let cut = float_after(s, "slow: timed out after");
    let all = seconds_on_line(s, "All calls:");
    assert!(
        cut >= 0.95 * limit && cut < 1.5 * limit,
        "cut at {cut}, limit {limit}\n{s}"
    );
    assert!(
        all < 1.6 * limit,
        "all calls {all} should end near the limit {limit}\n{s}"
    );
    assert_order(s, "dropped job: still running", "cleanup: dropped job");
    assert_order(s, "user: pressing cancel", "cleanup: select job");
    out.assert_contains("select!: the cancel signal won");
    assert!(!s.contains("select job finished first"), "{s}");
}

#[test]
fn a07_cpu_work_off_the_runtime_keeps_it_ticking() {
    let out = run_example(env!("CARGO_BIN_EXE_a07_cpu_in_process_pool"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    assert_eq!(
        numbers_after(s, "CPU result:"),
        [1_249_999_975_000_000; 4],
        "{s}"
    );
    assert_eq!(numbers_after(s, "on the runtime: "), [0], "{s}");
    for how in [
        "rayon in spawn_blocking",
        "rayon::spawn + oneshot",
        "process pool",
    ] {
        let ticks = numbers_after(s, &format!("{how}: "));
        // ≥ 0.03 s of work (release) at one tick per 10 ms; a debug build sees dozens.
        assert!(
            ticks.first().is_some_and(|&t| t >= 2),
            "{how}: {ticks:?}\n{s}"
        );
    }
    let worker = numbers_after(s, "computed in worker process");
    let main = numbers_after(s, "(this process is");
    assert_eq!((worker.len(), main.len()), (1, 1), "{s}");
    assert_ne!(worker, main, "the pool computes in another process");
}

#[test]
fn a08_hybrid_parts_overlap() {
    let out = run_example(
        env!("CARGO_BIN_EXE_a08_hybrid_async_threads_processes"),
        &[],
        0.2,
    );
    out.assert_success();
    let s = &out.stdout;
    // All three parts start before any of them finishes.
    for start in ["async: starting", "blocking: handing", "cpu: sending"] {
        for end in [
            "async: call 1 done",
            "blocking: legacy report done",
            "cpu: result",
        ] {
            assert_order(s, start, end);
        }
    }
    assert_eq!(
        numbers_after(s, "cpu: result"),
        [1_249_999_975_000_000],
        "{s}"
    );
    assert!(numbers_after(s, "ticks during the run:")[0] >= 5, "{s}");
    let longest = float_after(s, "longest part");
    let sum = float_after(s, "sum of the parts");
    let total = seconds_on_line(s, "Total:");
    let bound = longest + 0.5 * (sum - longest); // the shorter parts hide behind the longest
    assert!(
        total < bound,
        "total {total} vs longest {longest}, sum of parts {sum}\n{s}"
    );
    assert!(
        total < 1.3 * longest,
        "total {total} vs longest part {longest}\n{s}"
    );
}

#[test]
fn a12_the_same_program_on_three_runtimes() {
    let out = run_example(env!("CARGO_BIN_EXE_a12_event_loop_basics"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    let sleep = float_after(s, "each task sleeps");
    for runtime in ["#[tokio::main]", "Runtime::block_on", "current_thread"] {
        let took = seconds_on_line(s, &format!("{runtime}: Time taken"));
        // Three 1 s sleeps overlap: ≈ one sleep, far from three.
        assert!(
            took < 2.0 * sleep,
            "{runtime}: {took} vs one sleep {sleep}\n{s}"
        );
        assert_eq!(lines_with(s, &format!("{runtime}: task")).len(), 6, "{s}");
    }
    out.assert_contains(r#"current_thread tasks ran on: ["main", "main", "main"]"#);
    for line in lines_with(s, "current_thread: task") {
        assert!(line.contains("] main "), "{line}");
    }
    for line in lines_with(s, "Runtime::block_on: task") {
        assert!(line.contains("] worker-"), "{line}");
    }
    out.assert_contains("runtime flavour CurrentThread");
    out.assert_contains("runtime flavour MultiThread");
}

#[test]
fn a13_files_and_echo_round_trip() {
    let out = run_example(env!("CARGO_BIN_EXE_a13_async_file_io"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    for n in 1..=5 {
        assert_order(
            s,
            &format!("wrote file-{n}.txt"),
            &format!("read file-{n}.txt"),
        );
    }
    out.assert_contains("files round-trip: 5/5 identical");
    for n in 1..=3 {
        out.assert_contains(&format!(
            "client {n}: sent \"hello from client {n}\", got back \"hello from client {n}\""
        ));
    }
    out.assert_contains("echo round-trip: 3/3 identical");
}

#[test]
fn a14_many_requests_take_about_one_latency() {
    let out = run_example(env!("CARGO_BIN_EXE_a14_async_http_requests"), &[], 0.3);
    out.assert_success();
    let s = &out.stdout;
    let latency = float_after(s, "latency:");
    let sequential = seconds_on_line(s, "Sequential (3 requests):");
    let concurrent = seconds_on_line(s, "Concurrent (20 requests):");
    assert!(
        concurrent < 2.0 * latency,
        "20 requests {concurrent} vs latency {latency}\n{s}"
    );
    assert!(
        sequential > 2.5 * latency,
        "3 sequential {sequential} vs latency {latency}\n{s}"
    );
    out.assert_contains("statuses: 20 × 200 OK");
    out.assert_contains("the server handled 23 requests, at most");
    // All 20 are sent at once; each answer takes 0.3 s, far longer than opening 20 connections.
    let at_once = numbers_after(s, "requests, at most");
    assert!(
        at_once.first().is_some_and(|&n| n >= 15),
        "{at_once:?}\n{s}"
    );
}

#[test]
fn a15_each_send_is_handled_right_away() {
    let out = run_example(env!("CARGO_BIN_EXE_a15_generator_send_coroutine"), &[], 0.2);
    out.assert_success();
    let s = &out.stdout;
    // Every send is followed by its `hello` and then by the returned average, before the next send.
    let msgs: Vec<&str> = s
        .lines()
        .filter_map(|l| l.split_once("| ").map(|(_, m)| m))
        .filter(|m| m.starts_with("caller:") || m.contains("hello, got"))
        .collect();
    let expected_one = |who: &str| {
        let mut v = Vec::new();
        for (value, avg) in [("10", "10"), ("30", "20"), ("5", "15")] {
            v.push(format!("caller: send({value})"));
            v.push(format!("{who}: hello, got {value}"));
            v.push(format!("caller: send returned average {avg}"));
        }
        v
    };
    let mut expected = expected_one("coroutine");
    expected.extend(expected_one("state machine"));
    assert_eq!(msgs.len(), expected.len(), "{s}");
    for (got, want) in msgs.iter().zip(&expected) {
        assert!(
            got.starts_with(want.as_str()),
            "{got:?} should start with {want:?}\n{s}"
        );
    }
    out.assert_contains("send before priming: Err(NotStarted)");
    out.assert_contains("send after close: Err(Closed)");
    let consumed = numbers_after(s, "consumer: got");
    assert_eq!(consumed, [1, 2, 3, 4, 5, 6], "FIFO order");
    assert_order(s, "consumer: got 4", "producer: sent 6"); // backpressure
    assert_order(s, "producer: done", "consumer: channel closed");
}

#[test]
fn a16_tasks_are_cheaper_than_threads() {
    let out = run_example(env!("CARGO_BIN_EXE_a16_many_tasks_vs_threads"), &[], 0.5);
    out.assert_success();
    let s = &out.stdout;
    let sleep = float_after(s, "each task or thread sleeps");
    let tasks = seconds_on_line(s, "10000 tasks:");
    assert!(
        tasks < 2.0 * sleep,
        "10 000 sleeps took {tasks} vs one sleep {sleep}\n{s}"
    );
    // Resident against resident (measured here: 9.0 KB a thread, 0.47 KB a task).
    let per_task_kb = float_after(s, "memory per task:");
    let per_thread_kb = float_after(s, "memory per thread:");
    assert!(
        per_task_kb < 8.0,
        "a task should cost well under 8 KB, got {per_task_kb}\n{s}"
    );
    assert!(
        per_thread_kb >= 4.0,
        "a sleeping thread keeps at least a page of stack resident, got {per_thread_kb} KB\n{s}"
    );
    assert!(
        per_thread_kb >= 5.0 * per_task_kb.max(0.1),
        "resident: thread {per_thread_kb} KB vs task {per_task_kb} KB\n{s}"
    );
    assert!(
        float_after(s, "a thread costs") >= 5.0,
        "the printed ratio agrees\n{s}"
    );
}
