//! The exercise checker: list, check, hint, reset, solution, watch and verify the course's
//! exercises.
//!
//! The loop (also in `exercises/README.md`):
//! 1. `cargo run --bin exercises -- list`: the two tracks, your progress, the next exercise;
//! 2. edit `exercises/starters/<name>.rs`;
//! 3. `cargo run --bin exercises -- check 6`: the first failure, and a nudge;
//! 4. `cargo run --bin exercises -- hint 6` (again for the approach); `reset 6` starts over;
//! 5. `cargo run --bin exercises -- watch`: checks now and on every save; after a pass, shows
//!    the next exercise's task and moves on to it.
//!
//! NAME is a full name (`ex06_synchronization_in_practice`), its prefix (`ex06`), its topic
//! (`synchronization_in_practice`) or its number (`6`), for every command.

use exercises::checker::{self, Outcome, Status};
use exercises::info::{self, EXERCISES, Exercise, Track};
use std::process::ExitCode;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

const USAGE: &str = "\
usage: cargo run --bin exercises -- <command>

  list              both tracks, every exercise's status, your progress and what is next
  check NAME        run NAME's tests against your code in exercises/starters/
  hint NAME         a nudge for NAME; ask again for the approach
  reset NAME        restore NAME's starter as shipped (your changes are lost)
  solution NAME     where NAME's reference solution is
  watch [NAME]      check NAME (or the next unfinished exercise) now and on every save;
                    after a pass, move on to the next exercise (keys: h hint, c check, q quit)
  verify            (CI) every starter fails, every solution passes, every mutant fails
  mutants [NAME]    (maintainers) run the wrong solutions of exercises/mutants/ only
  pristine          (maintainers) record the current starters as the shipped ones

NAME: ex06_synchronization_in_practice, ex06, synchronization_in_practice or 6.
The checker builds in the workspace target/ (set EXERCISES_TARGET_DIR to use another).
EXERCISES_ROOT=DIR works on a copy of the learner's files instead of exercises/starters/:
DIR/exercises/starters/ (with PRISTINE) and DIR/exercises/pristine/; state in DIR/status/.
Exit status: 0 done or passing, 1 a check or verify failed, 2 a bad command or NAME.";

/// Why a command failed: how it was called (exit status 2, like a bad command line anywhere), or
/// what it found (exit status 1: a failing check, a problem found by `verify`). The message is
/// printed as `error: …`; an empty one was already reported.
enum Failure {
    Usage(String),
    Failed(String),
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Failed(message)
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (code, message) = match run(&args) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(Failure::Usage(message)) => (2, message),
        Err(Failure::Failed(message)) => (1, message),
    };
    if !message.is_empty() {
        eprintln!("error: {message}");
    }
    ExitCode::from(code)
}

fn run(args: &[String]) -> Result<(), Failure> {
    let arg = |i: usize| args.get(i).map(String::as_str);
    let optional = |name: Option<&str>| name.map(find).transpose();
    match (arg(0), arg(1), arg(2)) {
        (Some("list"), None, None) => list()?,
        (Some("check"), Some(name), None) => {
            check(find(name)?, false)?;
        }
        (Some("hint"), Some(name), None) => hint(find(name)?, false),
        (Some("reset"), Some(name), None) => reset(find(name)?)?,
        (Some("solution"), Some(name), None) => solution(find(name)?),
        (Some("watch"), name, None) => watch(optional(name)?)?,
        (Some("verify"), None, None) => verify()?,
        (Some("mutants"), name, None) => report_mutants(&check_mutants(optional(name)?))?,
        (Some("pristine"), None, None) => {
            checker::write_pristine()
                .map_err(|e| format!("cannot write the pristine copies: {e}"))?;
            println!(
                "wrote {} and exercises/pristine/",
                checker::pristine_file().display()
            );
        }
        (None | Some("help" | "-h" | "--help"), None, None) => println!("{USAGE}"),
        _ => {
            return Err(Failure::Usage(format!(
                "unknown command {:?}\n\n{USAGE}",
                args.join(" ")
            )));
        }
    }
    Ok(())
}

fn find(name: &str) -> Result<&'static Exercise, Failure> {
    info::find(name).map_err(|e| Failure::Usage(e.to_string()))
}

/// `cargo run --bin exercises -- check 6`, with the exercise's number.
fn command(verb: &str, ex: &Exercise) -> String {
    format!("cargo run --bin exercises -- {verb} {}", ex.number)
}

fn list() -> Result<(), String> {
    let unknown: Vec<&Exercise> = EXERCISES
        .iter()
        .filter(|ex| checker::known_status(ex).is_none())
        .collect();
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
    for track in Track::ORDER {
        println!("\n{}\n", track.title());
        println!("  {:<4} {:<36} {:<12} task", "#", "name", "status");
        for ex in EXERCISES.iter().filter(|e| e.track == track) {
            let status = checker::known_status(ex).unwrap_or(Status::Failing);
            println!(
                "  {:<4} {:<36} {:<12} {}",
                ex.number,
                ex.name,
                status.to_string(),
                ex.title
            );
        }
    }
    println!();
    progress(None, false);
    Ok(())
}

/// "6/17 done", and the next unfinished exercise (after `current`); outside `watch`, with the
/// command to check it (`watch` moves on to it by itself).
fn progress(current: Option<&Exercise>, watching: bool) {
    let done = checker::passing_count();
    let total = EXERCISES.len();
    match checker::next_unfinished(current) {
        Some(next) if watching => {
            println!("{done}/{total} done. Next: {} — {}", next.name, next.title);
        }
        Some(next) => println!(
            "{done}/{total} done. Next: {} — {}\n  edit {}, then `{}`",
            next.name,
            next.title,
            next.starter_path(),
            command("check", next)
        ),
        None => println!("{done}/{total} done: every exercise passes. Well done!"),
    }
}

/// The task: the `//!` header at the top of the learner's file, without its `Check:` line.
fn task_statement(ex: &Exercise) -> String {
    let text = std::fs::read_to_string(checker::learner_root().join(ex.starter_path()))
        .unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .map_while(|l| l.strip_prefix("//!"))
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .filter(|l| !l.starts_with("Check:"))
        .collect();
    // Without the `Check:` line, two paragraph breaks may meet: keep one.
    lines
        .join("\n")
        .replace("\n\n\n", "\n\n")
        .trim_end()
        .to_owned()
}

/// Checks one exercise; `Ok(true)` when it passes, `Err("")` (already reported) when it fails.
fn check(ex: &Exercise, watching: bool) -> Result<bool, String> {
    println!("checking {} ({}) …", ex.name, ex.starter_path());
    let (mut outcome, took) = checker::timed(|| checker::check(ex));
    if outcome.is_pass() && ex.number == 17 {
        println!("the tests pass; now loom checks every interleaving of your queue …");
        let loom = checker::run_loom_on_learner();
        if let Outcome::Passed { passed, .. } = &loom {
            println!(
                "✓ loom: all {passed} model checks pass (every interleaving of each scenario)"
            );
        } else {
            checker::remember(ex, &checker::starter_hash(ex), false);
            outcome = loom;
        }
    }
    match &outcome {
        Outcome::Passed { passed, skipped } => {
            println!(
                "✓ {}: all {passed} tests pass ({:.1} s).",
                ex.name,
                took.as_secs_f64()
            );
            for claim in skipped {
                println!(
                    "⚠ warning: a claim could not be judged on this machine now, so it was \
                     skipped (run the check again when the machine is idle):\n    {claim}"
                );
            }
            progress(Some(ex), watching);
            return Ok(true);
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
                     file too (or start it over with `cargo run --bin exercises -- reset NAME`).",
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
    println!(
        "nudge: {}\n(more: `{}`; the examples it builds on: {})",
        ex.nudge,
        command("hint", ex),
        ex.builds_on.join(", ")
    );
    Err(String::new())
}

/// The nudge; from the second time on, the approach too. In `watch`, asked for with `h`.
fn hint(ex: &Exercise, watching: bool) {
    let seen = checker::hints_seen(ex);
    checker::saw_hint(ex);
    println!("{} — {}\n", ex.name, ex.title);
    println!("nudge: {}\n", ex.nudge);
    if seen > 0 {
        println!("approach: {}\n", ex.approach);
    } else if watching {
        println!("(h and Enter again for the approach.)");
    } else {
        println!("(Run `{}` again for the approach.)", command("hint", ex));
    }
    println!(
        "It builds on the examples {}: `cargo run --bin <name>` runs one (`cargo run` lists them).",
        ex.builds_on.join(", ")
    );
}

fn reset(ex: &Exercise) -> Result<(), String> {
    let starter = ex.starter_path();
    let shipped = checker::pristine_copy(ex);
    match checker::reset(ex).map_err(|e| format!("cannot reset {}: {e}", ex.name))? {
        checker::Reset::AlreadyPristine => {
            println!("{starter} is already as shipped ({shipped}): nothing to reset.");
        }
        checker::Reset::Restored { backup } => {
            let root = checker::learner_root();
            let backup = backup.strip_prefix(&root).unwrap_or(&backup);
            println!(
                "reset {}: {starter} is back as shipped (copied from {shipped}).\n\
                 Your version is saved in {} until the next reset of this exercise.\n\
                 When you are ready: `{}`",
                ex.name,
                backup.display(),
                command("check", ex)
            );
        }
    }
    Ok(())
}

fn solution(ex: &Exercise) {
    println!(
        "The reference solution of {} is {}\n(the tests in {} check it: `cargo test --test {}`).\n\
         Compare with yours: diff {} {}",
        ex.name,
        ex.solution_path(),
        ex.test_path(),
        ex.name,
        ex.starter_path(),
        ex.solution_path()
    );
}

/// Checks the exercise now, then again on every save of a starter. After a pass, moves on to
/// the next unfinished exercise (in course order) and waits for its file.
fn watch(start: Option<&'static Exercise>) -> Result<(), String> {
    let Some(mut current) = start.or_else(|| checker::next_unfinished(None)) else {
        progress(None, true);
        return Ok(());
    };
    // Taken before each check, so that a save made while a check runs starts another one.
    let mut seen = checker::starter_hashes();
    let keys = keys();
    let mut changed = current;
    loop {
        clear_screen();
        let passed = check(changed, true).unwrap_or(false);
        if changed.number == current.number && passed {
            // The pass printed the progress and what is next; move on to it.
            let Some(next) = checker::next_unfinished(Some(current)) else {
                return Ok(());
            };
            current = next;
            println!(
                "\n── {}: the task ──\n{}",
                current.starter_path(),
                task_statement(current)
            );
        } else if changed.number != current.number && !passed {
            // The learner went back to another exercise: follow them.
            current = changed;
        }
        println!(
            "\nwatching {} — {}\n  save {} to check it\n  {KEYS}",
            current.name,
            current.title,
            current.starter_path()
        );
        changed = loop {
            if let Some(ex) = checker::changed_starter(&mut seen) {
                break ex;
            }
            match keys.recv_timeout(Duration::from_millis(500)) {
                Ok(Key::Hint) => {
                    println!();
                    hint(current, true);
                }
                Ok(Key::Check) => break current,
                Ok(Key::Quit) => return Ok(()),
                Ok(Key::Unknown) => println!("{KEYS}"),
                Err(RecvTimeoutError::Timeout) => {}
                // No more input (stdin closed, or not a terminal): saves still work.
                Err(RecvTimeoutError::Disconnected) => {
                    std::thread::sleep(Duration::from_millis(500));
                }
            }
        };
    }
}

/// The keys `watch` answers, each followed by Enter.
const KEYS: &str = "keys (then Enter): h a hint (again: the approach) · c check again · q quit";

/// A line the learner typed while `watch` waits.
enum Key {
    Hint,
    Check,
    Quit,
    Unknown,
}

/// Reads the learner's keys on a thread of its own, so `watch` can wait for a save and a key
/// at once.
fn keys() -> Receiver<Key> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            let key = match line.trim() {
                "" => continue,
                "h" => Key::Hint,
                "c" => Key::Check,
                "q" => Key::Quit,
                _ => Key::Unknown,
            };
            if tx.send(key).is_err() {
                return;
            }
        }
    });
    rx
}

/// Starts each `watch` verdict on a clean screen, as rustlings does (only on a terminal: a pipe
/// or a log keeps every verdict).
fn clear_screen() {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if out.is_terminal() {
        let _ = write!(out, "\x1b[2J\x1b[H");
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
    problems.extend(check_mutants(None));
    report(&problems)
}

/// Runs the tests of every mutant (of `only`, when given) and prints which test caught each.
fn check_mutants(only: Option<&Exercise>) -> Vec<String> {
    let mutants: Vec<checker::Mutant> = checker::mutants()
        .into_iter()
        .filter(|m| only.is_none_or(|ex| ex.number == m.exercise.number))
        .collect();
    println!(
        "\n{} wrong solutions (exercises/mutants/), each must fail its exercise's tests:",
        mutants.len()
    );
    println!("{:<58} caught by", "mutant");
    let mut problems = Vec::new();
    checker::run_mutants(&mutants, |m, outcome, build, run| {
        let cell = match outcome {
            Outcome::Failed { failed, .. } => format!("✓ {}", failed.join(", ")),
            other => format!("✗ {}", checker::outcome_cell(other)),
        };
        println!(
            "{:<58} {cell} (build {:.1} s, tests {:.1} s)",
            format!("{}/{}", m.exercise.name, m.bug),
            build.as_secs_f64(),
            run.as_secs_f64()
        );
        problems.extend(checker::mutant_problem(m, outcome));
    });
    problems
}

fn report_mutants(problems: &[String]) -> Result<(), String> {
    if problems.is_empty() {
        println!("every mutant fails its tests");
        Ok(())
    } else {
        report(problems)
    }
}

fn report(problems: &[String]) -> Result<(), String> {
    if problems.is_empty() {
        println!(
            "verify: OK — {} exercises: every starter compiles and fails its tests, every solution \
             passes, every mutant fails",
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
