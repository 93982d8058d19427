//! The checker binary's commands that need no nested cargo run: usage, hint, solution, and the
//! error for an unknown exercise (`list`, `check` and `verify` run cargo themselves; `verify` is
//! the CI step that exercises them).
use std::process::Command;

fn exercises(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_exercises"))
        .args(args)
        .output()
        .expect("run the checker");
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
        "solution NAME",
        "watch",
        "verify",
    ] {
        assert!(out.contains(cmd), "usage lacks {cmd:?}:\n{out}");
    }
}

#[test]
fn hint_and_solution_accept_a_name_a_topic_or_a_number() {
    for name in [
        "ex07_safe_access_no_deadlock",
        "safe_access_no_deadlock",
        "7",
    ] {
        let (code, out, _) = exercises(&["hint", name]);
        assert_eq!(code, 0, "{name}");
        assert!(out.contains("global order"), "{out}");
    }
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
