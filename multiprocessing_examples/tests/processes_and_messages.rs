//! Processes, queues, pipes, pools, the manager and serialization: runs the real example
//! binaries p01–p34 and checks each claim they print. (Speedup claims, which need the cores,
//! are in `tests/speedup.rs`.)

use std::collections::BTreeSet;

use utilities::testkit::{RunOutput, assert_order, numbers_after, run_with_env, seconds_on_line};

/// Runs an example at time scale `scale` with extra environment variables.
fn run(exe: &str, scale: f64, env: &[(&str, &str)]) -> RunOutput {
    let scale = scale.to_string();
    let mut all = vec![("COURSE_TIME_SCALE", scale.as_str())];
    all.extend_from_slice(env);
    let out = run_with_env(exe, &[], &all);
    out.assert_success();
    out
}

/// The pids printed as `pid N` at the start of lines containing `needle`.
fn pids_of(text: &str, needle: &str) -> Vec<u32> {
    text.lines()
        .filter(|l| l.contains(needle))
        .filter_map(|l| l.split_once("pid ").map(|(_, r)| r))
        .filter_map(|r| r.split_whitespace().next()?.parse().ok())
        .collect()
}

/// The pid of the process that printed the first line containing `needle`.
fn pid_of(text: &str, needle: &str) -> u32 {
    *pids_of(text, needle)
        .first()
        .unwrap_or_else(|| panic!("no line with {needle:?}:\n{text}"))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

#[test]
fn p01_process_start_join() {
    let scale = 0.1;
    let out = run(env!("CARGO_BIN_EXE_p01_process_start_join"), scale, &[]);
    let s = &out.stdout;
    assert_order(
        s,
        "Child process: starting work",
        "Child process: finished work",
    );
    assert_order(
        s,
        "Child process: finished work",
        "Parent: child exited with exit status: 0",
    );
    let parent = pid_of(s, "Parent: starting a child");
    assert_ne!(
        pid_of(s, "Child process: starting work"),
        parent,
        "the work ran in a child"
    );
    let t = seconds_on_line(s, "Re-exec child: Time taken");
    assert!(
        t >= 2.0 * scale * 0.95,
        "the parent waited for the 2 s child: {t}"
    );
    assert!(s.contains(&format!(", parent {parent})")), "{s}");
    assert!(s.contains("Running in a separate process"));
    // fork: getppid in the child is the parent; the child's copy changed, ours did not.
    assert!(s.contains(&format!("getppid() = {parent}")), "{s}");
    assert!(s.contains("my copy of `scores` is now [10, 20, 30, 99]"));
    assert!(s.contains("my `scores` is still [10, 20, 30]"));
    assert!(s.contains("forked child: only write(2) and _exit(2) here"));
    assert!(s.contains("Children left unreaped: 0"));
}

#[test]
fn p02_cpu_sums_via_queue_exact_sums() {
    let out = run(
        env!("CARGO_BIN_EXE_p02_cpu_sums_via_queue"),
        1.0,
        &[("P02_N", "3000000")],
    );
    // sum(range(3_000_000)) = 3e6·(3e6−1)/2
    assert!(
        out.stdout
            .contains("Two results received: 4499998500000 4499998500000"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("Sequential results: 4499998500000 4499998500000")
    );
    let pids = BTreeSet::from_iter(pids_of(&out.stdout, "Child: sum done"));
    assert_eq!(pids.len(), 2, "two child processes");
}

#[test]
fn p03_pool_map() {
    let out = run(env!("CARGO_BIN_EXE_p03_pool_map"), 0.4, &[]);
    let s = &out.stdout;
    assert!(s.contains("Results: [1, 4, 9, 16, 25]"), "{s}");
    assert!(s.contains("Results: [0, 1, 4, 9, 16, 25]"), "{s}");
    let first_part = s.split("--- a pool in a block").next().unwrap_or_default();
    let pids = BTreeSet::from_iter(pids_of(first_part, "Squaring"));
    assert_eq!(pids.len(), 2, "two workers share the 5 tasks: {first_part}");
    // Each worker says its own pid in the message too.
    for line in first_part.lines().filter(|l| l.contains("Squaring")) {
        let printed: u32 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(pids.contains(&printed), "{line}");
    }
}

#[test]
fn p06_queue_message() {
    let out = run(env!("CARGO_BIN_EXE_p06_queue_message"), 1.0, &[]);
    assert_order(
        &out.stdout,
        "Child: putting a message",
        "Received: Hello from child process",
    );
    assert!(
        out.stdout.contains("| Result from process"),
        "{}",
        out.stdout
    );
    assert_ne!(
        pid_of(&out.stdout, "Child: putting"),
        pid_of(&out.stdout, "Received:"),
        "the message crossed a process boundary"
    );
}

#[test]
fn p07_main_guard() {
    let out = run(env!("CARGO_BIN_EXE_p07_main_guard"), 1.0, &[]);
    let s = &out.stdout;
    for i in 0..2 {
        let n = s
            .matches(&format!("Child (role worker-{i}): doing my job once"))
            .count();
        assert_eq!(n, 1, "each guarded child runs its job exactly once:\n{s}");
    }
    assert!(s.contains("Guarded: processes started = 2"));
    // Unguarded: setup ran at depths 0..=3, each in a different process.
    let depth_pids = BTreeSet::from_iter(pids_of(s, "Setup running at depth"));
    assert_eq!(depth_pids.len(), 4, "{s}");
    assert!(s.contains("Unguarded: processes started = 3"));
}

#[test]
fn p08_multiple_processes() {
    let out = run(env!("CARGO_BIN_EXE_p08_multiple_processes"), 1.0, &[]);
    let s = &out.stdout;
    for i in 0..3 {
        assert_eq!(s.matches(&format!("Worker {i} running")).count(), 1, "{s}");
    }
    assert_eq!(BTreeSet::from_iter(pids_of(s, "| Worker ")).len(), 3);
    assert_eq!(s.matches("Reaped worker pid").count(), 3);
    assert!(s.contains("Children left (zombies or running): 0"));
}

#[test]
fn p09_process_args() {
    let out = run(env!("CARGO_BIN_EXE_p09_process_args"), 1.0, &[]);
    let s = &out.stdout;
    for how in ["argv", "stdin frame", "fork"] {
        assert!(s.contains(&format!("Child ({how}): square(5) = 25")), "{s}");
    }
    assert_eq!(BTreeSet::from_iter(pids_of(s, "square(5) = 25")).len(), 3);
}

#[test]
fn p10_queue_many_producers() {
    let out = run(env!("CARGO_BIN_EXE_p10_queue_many_producers"), 1.0, &[]);
    assert!(
        out.stdout.contains("Sorted: [0, 1, 4, 9, 16]"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("Received 5 results"));
    assert!(
        out.stdout
            .contains("As a multiset: [-5, -4, -3, -2, -1, 1, 4, 9, 16, 25]")
    );
}

#[test]
fn p12_pool_apply_async() {
    let out = run(env!("CARGO_BIN_EXE_p12_pool_apply_async"), 0.2, &[]);
    let s = &out.stdout;
    assert!(s.contains("apply(square, 5) = 25"), "{s}");
    assert_order(s, "apply(square, 5) = 25", "apply_async submitted");
    assert_order(s, "apply_async submitted", "Parent keeps working (tick 1)");
    assert_order(
        s,
        "Parent keeps working (tick 1)",
        "apply_async(square, 5).get() = 25",
    );
    let parent = pid_of(s, "apply_async submitted");
    assert!(
        pids_of(s, "Worker: squaring 5")
            .iter()
            .all(|&p| p != parent)
    );
}

#[test]
fn p13_cpu_bound_processes() {
    let exe = env!("CARGO_BIN_EXE_p13_cpu_bound_processes");
    let out = run(exe, 1.0, &[("P13_N", "1000000")]);
    assert_eq!(
        out.stdout.matches("Child: counted to 1000000").count(),
        2,
        "{}",
        out.stdout
    );
    assert!(seconds_on_line(&out.stdout, "Two threads") > 0.0);
}

#[test]
fn p15_manager_dict_list() {
    let out = run(env!("CARGO_BIN_EXE_p15_manager_dict_list"), 1.0, &[]);
    let s = &out.stdout;
    assert!(s.contains("| ['data']"), "{s}");
    assert!(
        s.contains("| {'counter': 1, 'new_key': 'added by child'}"),
        "{s}"
    );
    assert!(
        s.contains("increments through the manager: counter = 1001"),
        "{s}"
    );
    let server = numbers_after(s, "Manager server running as pid");
    assert_eq!(server.len(), 1);
    // A round trip to another process costs far more than an atomic add.
    let manager = seconds_on_line(s, "Manager: 2000 increments");
    let shm = seconds_on_line(s, "Shared memory: 2000 increments");
    assert!(
        manager > shm,
        "manager {manager} s vs shared memory {shm} s"
    );
    let ratio = numbers_after(s, "Manager / shared memory per update:");
    assert!(ratio.first().is_some_and(|&r| r >= 10), "{s}");
}

#[test]
fn p17_ipc_queue() {
    let out = run(env!("CARGO_BIN_EXE_p17_ipc_queue"), 1.0, &[]);
    assert_eq!(numbers_after(&out.stdout, "Received from child:"), [100]);
    assert_order(
        &out.stdout,
        "Child: computed 10 * 10 = 100",
        "Received from child: 100",
    );
}

#[test]
fn p18_ipc_pipe() {
    let out = run(env!("CARGO_BIN_EXE_p18_ipc_pipe"), 1.0, &[]);
    let s = &out.stdout;
    assert!(s.contains("Message: Hello from child"), "{s}");
    assert_order(
        s,
        "Message: Hello from child",
        "Child: parent replied \"Hello from parent\"",
    );
    assert_order(s, "Child: parent replied", "Child closed its end");
    assert_ne!(pid_of(s, "Message:"), pid_of(s, "Child: parent replied"));
}

#[test]
fn p19_serialization_roundtrip() {
    let out = run(env!("CARGO_BIN_EXE_p19_serialization_roundtrip"), 1.0, &[]);
    let s = &out.stdout;
    assert!(s.contains("Serialized type: alloc::vec::Vec<u8>"), "{s}");
    let len = numbers_after(s, "Serialized length:");
    let bytes = s
        .lines()
        .find_map(|l| l.strip_prefix("Bytes: "))
        .expect("a Bytes line");
    assert_eq!(usize::try_from(len[0]).unwrap(), bytes.split(' ').count());
    assert!(
        s.contains("Deserialized: Student { name: \"Asha\", scores: [10, 20, 30]"),
        "{s}"
    );
    assert!(s.contains("Round trip equal: true"));
    assert!(s.contains("rejected: LimitExceeded"));
}

#[test]
fn p20_serialization_failure() {
    let out = run(env!("CARGO_BIN_EXE_p20_serialization_failure"), 1.0, &[]);
    let s = &out.stdout;
    assert!(
        s.contains("Serialization failed: cannot serialize an open file handle"),
        "{s}"
    );
    let writer = pid_of(s, "Child: writing through inherited descriptor");
    assert!(
        s.contains(&format!(
            "File now contains: \"written by child {writer} through an inherited descriptor\\n\""
        )),
        "{s}"
    );
}

#[test]
fn p22_threads_vs_processes_demo() {
    let exe = env!("CARGO_BIN_EXE_p22_threads_vs_processes_demo");
    let out = run(exe, 1.0, &[("P22_N", "1000000")]);
    for label in ["Sequential", "Threads time", "Processes time"] {
        assert!(seconds_on_line(&out.stdout, label) > 0.0);
    }
    assert!(
        out.stdout.contains("Process start-up cost:"),
        "{}",
        out.stdout
    );
}

#[test]
fn p23_hybrid_processes_threads() {
    let out = run(env!("CARGO_BIN_EXE_p23_hybrid_processes_threads"), 0.3, &[]);
    let s = &out.stdout;
    let reports: Vec<&str> = s.lines().filter(|l| l.contains("cpu slice")).collect();
    assert_eq!(reports.len(), 2, "{s}");
    for r in &reports {
        let num = |key: &str| -> f64 {
            let rest = r.split_once(key).unwrap().1.trim_start();
            rest.split(' ').next().unwrap().parse().unwrap()
        };
        let (cpu, io, total) = (num("cpu slice"), num("io wait"), num("child total"));
        // Overlapped: the child needs about max(cpu, io), not cpu + io.
        assert!(total < 0.8 * (cpu + io), "no overlap in {r}");
    }
    for i in 0..2 {
        for j in 0..3 {
            assert!(s.contains(&format!("io-{i}-{j}")), "{s}");
        }
    }
    assert_eq!(BTreeSet::from_iter(pids_of(s, "I/O wait started")).len(), 2);
}

#[test]
fn p24_fault_isolation() {
    let out = run(env!("CARGO_BIN_EXE_p24_fault_isolation"), 0.2, &[]);
    let s = &out.stdout;
    assert!(s.contains("Worker 1 (pid"), "{s}");
    assert!(s.contains("killed by signal 6 (SIGABRT)"), "{s}");
    assert_eq!(s.matches("exited with code 0").count(), 2);
    assert!(s.contains("Worker 0: done") && s.contains("Worker 2: done"));
    assert_order(
        s,
        "Worker 2 (pid",
        "Parent: still running after a child crashed",
    );
    assert!(s.contains("A panicking thread is an Err at join: \"thread failed on purpose\""));
    assert!(s.contains("A thread's abort killed its whole process: signal 6 (SIGABRT)"));
    assert!(!s.contains("Child: still alive"));
}

#[test]
fn p25_child_processes() {
    let out = run(env!("CARGO_BIN_EXE_p25_child_processes"), 1.0, &[]);
    let s = &out.stdout;
    let parent = numbers_after(s, "Parent: I am the parent process with PID:");
    let ppids = numbers_after(s, "Child: My parent's PID is:");
    assert_eq!(ppids.len(), 3, "{s}");
    assert!(ppids.iter().all(|&p| p == parent[0]), "{s}");
    assert_eq!(
        BTreeSet::from_iter(numbers_after(s, "Child: I am a child process with PID:")).len(),
        3
    );
    assert!(s.contains("Parent: all 3 children reaped"));
}

#[test]
fn p26_child_processes_with_params() {
    let out = run(
        env!("CARGO_BIN_EXE_p26_child_processes_with_params"),
        1.0,
        &[],
    );
    let s = &out.stdout;
    for i in 0..3 {
        let line = format!("I received name='Child-{i}' and number={}", 10 * i);
        assert!(s.contains(&format!("Child: {line}")), "{s}");
        assert!(s.contains(&format!("Child (kwargs): {line}")), "{s}");
    }
    let parent = numbers_after(s, "Parent: I am the parent process with PID:");
    assert!(
        numbers_after(s, "Child: My parent's PID is:")
            .iter()
            .all(|&p| p == parent[0])
    );
}

#[test]
fn p27_complex_data_to_child() {
    let out = run(env!("CARGO_BIN_EXE_p27_complex_data_to_child"), 1.0, &[]);
    let s = &out.stdout;
    assert!(s.contains("User: Alice, Age: 30"), "{s}");
    assert!(s.contains("Settings: debug=True, log_level=info, max_connections=100"));
    let json = s
        .lines()
        .find_map(|l| l.split_once("Processing result: ").map(|(_, j)| j))
        .expect("a result line");
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v["user_age_in_months"], 360);
    assert_eq!(v["settings_count"], 3);
    assert_eq!(
        u64::from(pid_of(s, "Processing result")),
        v["processed_by"].as_u64().unwrap()
    );
}

#[test]
fn p30_process_pool_executor() {
    let out = run(
        env!("CARGO_BIN_EXE_p30_process_pool_executor"),
        1.0,
        &[("P30_K", "20000")],
    );
    let s = &out.stdout;
    assert!(s.contains("Results: [7, 14, 3, 1, 21, 5]"), "{s}");
    assert!(s.contains("Same as sequential: true"));
    let pids = s
        .lines()
        .find_map(|l| {
            l.split_once("Worker pids used: {")
                .map(|(_, r)| r.trim_end_matches('}').to_owned())
        })
        .expect("pids line");
    let pids: BTreeSet<u32> = pids.split(", ").map(|p| p.parse().unwrap()).collect();
    assert!(!pids.contains(&pid_of(s, "Results:")));
    assert!(!pids.is_empty() && pids.len() <= 2, "{pids:?}");
}

#[test]
fn p30_uses_both_workers_on_heavy_tasks() {
    // With tasks that take a while, both workers get some (6 tasks, 2 workers).
    let out = run(
        env!("CARGO_BIN_EXE_p30_process_pool_executor"),
        1.0,
        &[("P30_K", "150000")],
    );
    assert!(
        out.stdout.contains("Worker pids used: {") && out.stdout.contains(", "),
        "{}",
        out.stdout
    );
}

#[test]
fn p31_process_per_cpu() {
    let out = run(env!("CARGO_BIN_EXE_p31_process_per_cpu"), 1.0, &[]);
    let s = &out.stdout;
    let n = cores();
    assert!(s.contains(&format!("available_parallelism() = {n}")), "{s}");
    assert_eq!(s.matches("square_it done in child").count(), n);
    assert_eq!(s.matches("Joined child").count(), n);
    assert_eq!(s.lines().last(), Some("end main"));
}

#[test]
fn p34_pool_cube() {
    let out = run(env!("CARGO_BIN_EXE_p34_pool_cube"), 1.0, &[]);
    let s = &out.stdout;
    assert!(
        s.contains(&format!("Pool() size = available cores = {}", cores())),
        "{s}"
    );
    assert!(s.contains("apply(cube, (0,)) = 0"));
    assert!(
        s.lines()
            .any(|l| l == "[0, 1, 8, 27, 64, 125, 216, 343, 512, 729]"),
        "{s}"
    );
}
