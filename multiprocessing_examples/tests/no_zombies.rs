//! Every example waits for every child it starts: after each run, no zombie and no orphan is
//! left. This test process makes itself the *subreaper* of its descendants, so a child that an
//! example forgot (still running, or exited but never waited for) is re-parented to us instead
//! of to init, and shows up in our own child list.
//!
//! One `#[test]` on purpose: the examples run one after the other, so nothing else of ours is
//! a child of this process while we look.

use multiprocessing_examples::spawn::{become_subreaper, children_of};
use utilities::testkit::run_with_env;

/// (binary, extra environment) for every part-A example, at small sizes.
const EXAMPLES: &[(&str, &[(&str, &str)])] = &[
    (env!("CARGO_BIN_EXE_p01_process_start_join"), &[]),
    (
        env!("CARGO_BIN_EXE_p02_cpu_sums_via_queue"),
        &[("P02_N", "100000")],
    ),
    (env!("CARGO_BIN_EXE_p03_pool_map"), &[]),
    (env!("CARGO_BIN_EXE_p06_queue_message"), &[]),
    (env!("CARGO_BIN_EXE_p07_main_guard"), &[]),
    (env!("CARGO_BIN_EXE_p08_multiple_processes"), &[]),
    (env!("CARGO_BIN_EXE_p09_process_args"), &[]),
    (env!("CARGO_BIN_EXE_p10_queue_many_producers"), &[]),
    (env!("CARGO_BIN_EXE_p12_pool_apply_async"), &[]),
    (
        env!("CARGO_BIN_EXE_p13_cpu_bound_processes"),
        &[("P13_N", "100000")],
    ),
    (env!("CARGO_BIN_EXE_p15_manager_dict_list"), &[]),
    (env!("CARGO_BIN_EXE_p17_ipc_queue"), &[]),
    (env!("CARGO_BIN_EXE_p18_ipc_pipe"), &[]),
    (env!("CARGO_BIN_EXE_p19_serialization_roundtrip"), &[]),
    (env!("CARGO_BIN_EXE_p20_serialization_failure"), &[]),
    (
        env!("CARGO_BIN_EXE_p22_threads_vs_processes_demo"),
        &[("P22_N", "100000")],
    ),
    (env!("CARGO_BIN_EXE_p23_hybrid_processes_threads"), &[]),
    (env!("CARGO_BIN_EXE_p24_fault_isolation"), &[]),
    (env!("CARGO_BIN_EXE_p25_child_processes"), &[]),
    (env!("CARGO_BIN_EXE_p26_child_processes_with_params"), &[]),
    (env!("CARGO_BIN_EXE_p27_complex_data_to_child"), &[]),
    (
        env!("CARGO_BIN_EXE_p30_process_pool_executor"),
        &[("P30_K", "1000")],
    ),
    (env!("CARGO_BIN_EXE_p31_process_per_cpu"), &[]),
    (env!("CARGO_BIN_EXE_p34_pool_cube"), &[]),
];

#[test]
fn no_example_leaves_a_zombie_or_an_orphan() {
    become_subreaper().expect("prctl(PR_SET_CHILD_SUBREAPER)");
    the_check_sees_an_orphan();
    let me = std::process::id();
    let mut problems = Vec::new();
    for (exe, env) in EXAMPLES {
        let mut all = vec![("COURSE_TIME_SCALE", "0.05"), ("COURSE_FAST", "1")];
        all.extend_from_slice(env);
        let out = run_with_env(exe, &[], &all);
        out.assert_success();
        // Orphans are re-parented to us asynchronously; give the kernel a moment.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let left = children_of(me);
        if !left.is_empty() {
            problems.push(format!("{exe}: {left:?}"));
            // Clean up, so one offender does not blame the next example.
            for c in &left {
                if let Ok(pid) = i32::try_from(c.pid) {
                    let pid = nix::unistd::Pid::from_raw(pid);
                    let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
                    let _ = nix::sys::wait::waitpid(pid, None);
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "children left behind:\n{}",
        problems.join("\n")
    );
}

/// The check itself must be able to fail: a program that forks and exits without waiting
/// leaves an orphan that the subreaper sees.
fn the_check_sees_an_orphan() {
    // `sh` starts `sleep` in the background and exits without waiting for it.
    let out = run_with_env("sh", &["-c", "sleep 5 >/dev/null 2>&1 & echo $!"], &[]);
    out.assert_success();
    let orphan: u32 = out.stdout.trim().parse().expect("a pid");
    std::thread::sleep(std::time::Duration::from_millis(50));
    let left = children_of(std::process::id());
    let pid = nix::unistd::Pid::from_raw(i32::try_from(orphan).unwrap());
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
    let _ = nix::sys::wait::waitpid(pid, None);
    assert!(left.iter().any(|c| c.pid == orphan), "{left:?}");
}
