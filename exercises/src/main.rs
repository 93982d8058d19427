//! The exercise checker: list, check, hint, solution, watch and verify the course's exercises.
//!
//! `cargo run --bin exercises -- list | check NAME | hint NAME | solution NAME | watch [NAME] |
//! verify`.
//!
//! The loop: `list` shows where you are; edit `exercises/starters/<name>.rs`; `check <name>` runs
//! that exercise's tests against your code and prints the first failure plus a hint; repeat until
//! it passes (`watch` re-checks on every save). NAME is a full name (`ex05_basic_thread_management`),
//! its topic (`basic_thread_management`) or its number (`5`).

use exercises::checker::{self, Outcome, Status};
use exercises::info::{self, EXERCISES, Exercise};
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "\
usage: cargo run --bin exercises -- <command>

  list              every exercise with its status (not started / failing / passing)
  check NAME        run NAME's tests against your code in exercises/starters/
  hint NAME         a hint for NAME
  solution NAME     where NAME's reference solution is
  watch [NAME]      re-check an exercise each time you save its file (Ctrl-C to stop)
  verify            (CI) every starter compiles and fails its tests; every solution passes
  pristine          (maintainers) record the current starters as the shipped ones

NAME: ex05_basic_thread_management, basic_thread_management or 5.
The checker builds in the workspace target/ (set EXERCISES_TARGET_DIR to use another).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let result = match (arg(0), arg(1)) {
        (Some("list"), None) => list(),
        (Some("check"), Some(name)) => find(name).and_then(|ex| check(ex, true)),
        (Some("hint"), Some(name)) => find(name).map(|ex| {
            println!("{} — {}\n\nhint: {}", ex.name, ex.title, ex.hint);
        }),
        (Some("solution"), Some(name)) => find(name).map(solution),
        (Some("watch"), name) => watch(name),
        (Some("verify"), None) => verify(),
        (Some("pristine"), None) => checker::write_pristine()
            .map(|()| println!("wrote {}", checker::pristine_file().display()))
            .map_err(|e| format!("cannot write the PRISTINE file: {e}")),
        (None | Some("help" | "-h" | "--help"), None) => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command {:?}\n\n{USAGE}", args.join(" "))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("error: {message}");
            }
            ExitCode::FAILURE
        }
    }
}

fn find(name: &str) -> Result<&'static Exercise, String> {
    info::find(name)
}

fn list() -> Result<(), String> {
    let mut unknown = Vec::new();
    for ex in EXERCISES {
        if checker::known_status(ex).is_none() {
            unknown.push(ex);
        }
    }
    if !unknown.is_empty() {
        eprintln!(
            "checking {} changed exercise(s) in {} …",
            unknown.len(),
            checker::check_target_dir().display()
        );
        for ex in unknown {
            let _ = checker::check(ex);
        }
    }
    println!("{:<4} {:<36} {:<12} task", "#", "name", "status");
    let mut passing = 0;
    for ex in EXERCISES {
        let status = checker::known_status(ex).unwrap_or(Status::Failing);
        passing += usize::from(status == Status::Passing);
        println!(
            "{:<4} {:<36} {:<12} {}",
            ex.number,
            ex.name,
            status.to_string(),
            ex.title
        );
    }
    println!(
        "\n{passing}/{} passing. Edit exercises/starters/<name>.rs, then \
         `cargo run --bin exercises -- check <name>`.",
        EXERCISES.len()
    );
    Ok(())
}

/// Checks one exercise; `Err("")` (already reported) when it fails.
fn check(ex: &Exercise, show_hint: bool) -> Result<(), String> {
    println!("checking {} ({}) …", ex.name, ex.starter_path());
    let (outcome, took) = checker::timed(|| checker::check(ex));
    match &outcome {
        Outcome::Passed { passed } => {
            println!(
                "✓ {}: all {passed} tests pass ({:.1} s). Next: `cargo run --bin exercises -- list`.",
                ex.name,
                took.as_secs_f64()
            );
            return Ok(());
        }
        Outcome::CompileError { errors } => {
            println!("✗ {} does not compile:\n\n{errors}\n", ex.name);
            let others: Vec<&str> = checker::files_in_errors(errors)
                .into_iter()
                .filter(|o| o.number != ex.number)
                .map(|o| o.name)
                .collect();
            if !others.is_empty() {
                println!(
                    "note: the errors are in {} — all starters are built together, so fix that \
                     file too (or restore it with `git checkout -- exercises/starters/<name>.rs`).",
                    others.join(", ")
                );
            }
        }
        Outcome::Failed {
            passed,
            failed,
            first_failure,
        } => {
            println!(
                "✗ {}: {} of {} tests fail ({}). The first failure:\n\n{first_failure}\n",
                ex.name,
                failed.len(),
                failed.len() + passed,
                failed.join(", ")
            );
            if first_failure.contains("not yet implemented") {
                println!("(`not yet implemented` is a `todo!()` still waiting for your code.)");
            }
        }
        Outcome::Broken { reason } => println!("✗ could not run the tests: {reason}"),
    }
    if show_hint {
        println!("hint: {}", ex.hint);
    }
    Err(String::new())
}

fn solution(ex: &Exercise) {
    println!(
        "The reference solution of {} is {}\n(the tests in {} check it: `cargo test -p exercises --test {}`).\n\
         Compare with yours: diff {} {}",
        ex.name,
        ex.solution_path(),
        ex.test_path(),
        ex.name,
        ex.starter_path(),
        ex.solution_path()
    );
}

fn watch(name: Option<&str>) -> Result<(), String> {
    if let Some(name) = name {
        let _ = check(find(name)?, true);
    }
    println!("watching exercises/starters/ — save a file to check it (Ctrl-C to stop)");
    loop {
        let ex = checker::wait_for_change(Duration::from_millis(500));
        println!();
        let _ = check(ex, true);
    }
}

fn verify() -> Result<(), String> {
    let mut problems = checker::verify_layout();
    println!(
        "building every starter and every solution in {} …",
        checker::check_target_dir().display()
    );
    for subject in [checker::Subject::Starter, checker::Subject::Solution] {
        if let Err(errors) = checker::build_all(subject, true) {
            problems.push(format!("{subject:?}s do not compile:\n{errors}"));
        }
    }
    if problems.iter().any(|p| p.contains("do not compile")) {
        return report(&problems);
    }
    println!(
        "{:<36} {:<26} solution",
        "exercise", "starter (all must fail)"
    );
    let lines = checker::verify_runs(|line| {
        println!(
            "{:<36} {:<26} {}",
            line.exercise.name,
            checker::outcome_cell(&line.starter),
            checker::outcome_cell(&line.solution)
        );
    });
    problems.extend(lines.iter().flat_map(checker::verify_problems));
    report(&problems)
}

fn report(problems: &[String]) -> Result<(), String> {
    if problems.is_empty() {
        println!(
            "verify: OK — {} exercises: every starter compiles and fails its tests, every solution passes",
            EXERCISES.len()
        );
        Ok(())
    } else {
        for p in problems {
            eprintln!("✗ {p}");
        }
        Err(format!("verify found {} problem(s)", problems.len()))
    }
}
