//! The checker binary's commands that need no nested cargo run: usage, hint, solution, and the
//! error for an unknown exercise. `reset`, `watch` (with its checks) and `list` run on a copy of
//! the learner's files in `tests/learner_loop.rs`; `verify` is the CI step.
use std::process::Command;

fn exercises(args: &[&str]) -> (i32, String, String) {
    exercises_in(None, args)
}

/// Runs the checker; with `target`, its state (statuses, hints seen) lives there instead of in
/// the workspace's `target/`, so the test does not touch the learner's.
fn exercises_in(target: Option<&std::path::Path>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_exercises"));
    if let Some(dir) = target {
        cmd.env("EXERCISES_TARGET_DIR", dir);
    }
    let out = cmd.args(args).output().expect("run the checker");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn no_arguments_prints_the_usage() {
    let (code, out, _) = exercises(&[]);
    assert_eq!(code, 0);
    for cmd in [
        "list",
        "check NAME",
        "hint NAME",
        "reset NAME",
        "solution NAME",
        "watch",
        "verify",
    ] {
        assert!(out.contains(cmd), "usage lacks {cmd:?}:\n{out}");
    }
}

#[test]
fn hints_come_in_two_levels_for_every_name_form() {
    for name in [
        "ex07_safe_access_no_deadlock",
        "ex07",
        "safe_access_no_deadlock",
        "7",
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (code, first, _) = exercises_in(Some(dir.path()), &["hint", name]);
        assert_eq!(code, 0, "{name}");
        assert!(first.contains("nudge: Two locks"), "{first}");
        assert!(
            !first.contains("global order"),
            "the first hint is only a nudge: {first}"
        );
        assert!(first.contains("again for the approach"), "{first}");
        assert!(
            first.contains("t08"),
            "names the examples it builds on: {first}"
        );
        let (_, second, _) = exercises_in(Some(dir.path()), &["hint", name]);
        assert!(second.contains("approach: Always lock"), "{second}");
        assert!(second.contains("global order"), "{second}");
    }
}

#[test]
fn printed_advice_never_uses_dash_p() {
    let (_, out, _) = exercises(&["solution", "6"]);
    assert!(
        out.contains("cargo test --test ex06_synchronization_in_practice"),
        "{out}"
    );
    assert!(!out.contains(" -p "), "{out}");
}

#[test]
fn solution_accepts_a_number() {
    let (code, out, _) = exercises(&["solution", "17"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("exercises/solutions/ex17_thread_safe_structures.rs"),
        "{out}"
    );
}

#[test]
fn an_unknown_exercise_is_an_error_with_close_matches() {
    let (code, _, err) = exercises(&["check", "safe_acces_no_deadlok"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("did you mean: ex07_safe_access_no_deadlock"),
        "{err}"
    );
    let (code, _, err) = exercises(&["hint", "42"]);
    assert_ne!(code, 0);
    assert!(err.contains("no exercise named \"42\""), "{err}");
    let (code, _, err) = exercises(&["frobnicate"]);
    assert_ne!(code, 0);
    assert!(err.contains("unknown command"), "{err}");
}
