//! The machinery of `cargo run --bin exercises -- …`: running one exercise's tests against the
//! learner's code, parsing the result, remembering statuses, and the CI `verify` pass.
//!
//! Every nested cargo command builds in the workspace's own `target/` (cargo releases its build
//! lock before `cargo run` starts the program, so the nested build does not wait for it): the
//! dependencies are already built there, and the first check takes seconds, not minutes.

use crate::info::{EXERCISES, Exercise};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace root (the directory holding the root `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// Environment variable that overrides [`check_target_dir`].
pub const TARGET_DIR_VAR: &str = "EXERCISES_TARGET_DIR";

/// The target directory of the checker's cargo commands: `$EXERCISES_TARGET_DIR`, else
/// `$CARGO_TARGET_DIR`, else the workspace's `target/` (shared with `cargo run`, so nothing is
/// built twice).
pub fn check_target_dir() -> PathBuf {
    let from_env = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty());
    match from_env(TARGET_DIR_VAR).or_else(|| from_env("CARGO_TARGET_DIR")) {
        Some(dir) => workspace_root().join(dir),
        None => workspace_root().join("target"),
    }
}

/// Environment variable: check a copy of the learner's files instead of `exercises/starters/`.
pub const ROOT_VAR: &str = "EXERCISES_ROOT";

/// `$EXERCISES_ROOT` when set: a directory laid out like the workspace's learner files
/// (`exercises/starters/*.rs`, `exercises/starters/PRISTINE`, `exercises/pristine/*.rs`), for
/// example a temporary copy that a test may edit, reset and watch without touching the learner's
/// own files. Its statuses and hints are kept in `<root>/status/`.
pub fn root_override() -> Option<PathBuf> {
    std::env::var_os(ROOT_VAR)
        .filter(|v| !v.is_empty())
        .map(|dir| workspace_root().join(dir))
}

/// Where the learner's files are: [`root_override`], else the workspace root. Every path of
/// [`Exercise`] (`exercises/starters/<name>.rs`) is relative to it.
pub fn learner_root() -> PathBuf {
    root_override().unwrap_or_else(workspace_root)
}

/// Where statuses, hint counts and `reset`'s backups live: `<target>/status/`, or
/// `$EXERCISES_ROOT/status/` for a copy.
pub fn state_dir() -> PathBuf {
    root_override().map_or_else(|| check_target_dir().join("status"), |r| r.join("status"))
}

/// Which code the tests are compiled against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// `exercises/starters/` (the learner's code): feature `starters`.
    Starter,
    /// `exercises/solutions/` (the reference solutions): default features.
    Solution,
    /// One file of `exercises/mutants/`: feature `mutant`, the file named by `EXERCISES_MUTANT`.
    Mutant,
}

/// Where an exercise stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// The starter is unchanged.
    NotStarted,
    /// Changed, and the tests fail (or it does not compile).
    Failing,
    /// Changed, and every test passes.
    Passing,
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Status::NotStarted => "not started",
            Status::Failing => "failing",
            Status::Passing => "passing",
        })
    }
}

/// What one `cargo test --test NAME` run gave.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Every test passed.
    Passed {
        /// How many tests ran.
        passed: usize,
        /// Claims the tests could not judge on this machine (`SKIPPED CLAIM: …` lines, written
        /// by `utilities::claims::skip_claim`): shown as warnings, never silently.
        skipped: Vec<String>,
    },
    /// The code did not compile; the compiler's errors.
    CompileError {
        /// The error part of cargo's output.
        errors: String,
    },
    /// Some tests failed.
    Failed {
        /// Tests that passed.
        passed: usize,
        /// Names of the tests that failed.
        failed: Vec<String>,
        /// The output of the first failing test (its panic message).
        first_failure: String,
    },
    /// cargo itself could not be run, or printed nothing we understand.
    Broken {
        /// What went wrong.
        reason: String,
    },
}

impl Outcome {
    /// Whether every test passed.
    pub fn is_pass(&self) -> bool {
        matches!(self, Outcome::Passed { .. })
    }

    /// The same outcome with every `from` in its texts replaced by `to`.
    fn renamed(self, from: &str, to: &str) -> Outcome {
        let r = |t: String| t.replace(from, to);
        match self {
            Outcome::CompileError { errors } => Outcome::CompileError { errors: r(errors) },
            Outcome::Failed {
                passed,
                failed,
                first_failure,
            } => Outcome::Failed {
                passed,
                failed,
                first_failure: r(first_failure),
            },
            Outcome::Broken { reason } => Outcome::Broken { reason: r(reason) },
            passed @ Outcome::Passed { .. } => passed,
        }
    }
}

/// The command line of a nested cargo run for the exercises package.
fn cargo(subject: Subject) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", check_target_dir())
        // Plain output that we can parse, and panic messages without a page of backtrace.
        .env("CARGO_TERM_COLOR", "never")
        .env("RUST_BACKTRACE", "0")
        .args(["test", "-p", "exercises"]);
    match subject {
        Subject::Starter => {
            cmd.args(["--features", "starters"]);
        }
        Subject::Mutant => {
            cmd.args(["--features", "mutant"]);
        }
        Subject::Solution => {}
    }
    cmd
}

/// Builds every test of the package against `subject` without running them. On failure, the
/// compiler's errors.
///
/// # Errors
/// [`BuildError`]: the compile errors (or why cargo could not run).
pub fn build_all(subject: Subject, quiet: bool) -> Result<(), BuildError> {
    let mut cmd = cargo(subject);
    cmd.args(["--tests", "--no-run"]);
    if quiet {
        cmd.arg("--quiet");
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| BuildError(format!("cannot run cargo: {e}")))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(BuildError(compiler_errors(&String::from_utf8_lossy(
            &out.stderr,
        ))))
    }
}

/// Why a build of the exercises' tests failed: the compiler's errors, or why cargo could not run.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{0}")]
pub struct BuildError(pub String);

/// Runs the tests of `ex` against `subject`.
///
/// With [`ROOT_VAR`] set, the starter is the copy's file: `exercises/starters/` is compiled into
/// the library, so the copy is compiled into the test binary alone instead, the way `verify`
/// compiles a mutant (only that test binary is rebuilt; the other starters play no part).
pub fn run_tests(ex: &Exercise, subject: Subject) -> Outcome {
    match (subject, root_override()) {
        (Subject::Starter, Some(root)) => run_tests_on_copy(ex, &root),
        _ => run_tests_with(ex, cargo(subject)),
    }
}

fn run_tests_on_copy(ex: &Exercise, root: &Path) -> Outcome {
    let starter = root.join(ex.starter_path());
    let prepared = state_dir().join("build").join(format!("{}.rs", ex.name));
    let written = std::fs::read_to_string(&starter)
        .map_err(|e| format!("cannot read {}: {e}", starter.display()))
        .and_then(|text| {
            prepared
                .parent()
                .map_or(Ok(()), std::fs::create_dir_all)
                .and_then(|()| std::fs::write(&prepared, includable(&text)))
                .map_err(|e| format!("cannot write {}: {e}", prepared.display()))
        });
    if let Err(reason) = written {
        return Outcome::Broken { reason };
    }
    let mut cmd = cargo(Subject::Mutant);
    cmd.env("EXERCISES_MUTANT", &prepared);
    // Messages name the learner's file, not the prepared copy (same lines: see `includable`).
    run_tests_with(ex, cmd).renamed(&prepared.to_string_lossy(), &ex.starter_path())
}

fn run_tests_with(ex: &Exercise, mut cmd: Command) -> Outcome {
    let out = match cmd
        // No arguments after `--`: the `harness = false` test binaries would read them as
        // test-name filters (and libtest prints no colours into a pipe anyway).
        .args(["--test", ex.name])
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            return Outcome::Broken {
                reason: format!("cannot run cargo: {e}"),
            };
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    parse_outcome(out.status.success(), &stdout, &stderr)
}

/// Turns cargo test's output into an [`Outcome`].
pub fn parse_outcome(success: bool, stdout: &str, stderr: &str) -> Outcome {
    let summary = stdout
        .lines()
        .find(|l| l.starts_with("test result:"))
        .map(count_results);
    match summary {
        Some((passed, 0)) if success => Outcome::Passed {
            passed,
            skipped: skipped_claims(stdout, stderr),
        },
        Some((passed, _)) => {
            let stdout = &strip_ansi(stdout);
            let mut failed = failed_tests(stdout);
            let mut first = first_failure(stdout, failed.first());
            if failed.is_empty() {
                // A `harness = false` test binary (the process-pool exercises): it prints
                // `test name ... FAILED` lines, and the panic messages go to stderr.
                failed = stdout
                    .lines()
                    .filter_map(|l| l.strip_prefix("test ")?.strip_suffix(" ... FAILED"))
                    .map(str::to_owned)
                    .collect();
                first = first_panic(stderr);
            }
            let extra = useful_stderr(stderr, &first);
            if !extra.is_empty() {
                first = format!("{first}\n\n{extra}");
            }
            Outcome::Failed {
                passed,
                first_failure: tidy_paths(&first),
                failed,
            }
        }
        None if !success && stderr.contains("panicked at") => Outcome::Failed {
            passed: 0,
            failed: vec!["(the test binary itself)".to_owned()],
            first_failure: tidy_paths(&first_panic(stderr)),
        },
        None if stderr.contains("error[E") || stderr.contains("error: could not compile") => {
            Outcome::CompileError {
                errors: compiler_errors(stderr),
            }
        }
        None => Outcome::Broken {
            reason: format!("unexpected cargo output:\n{stdout}\n{stderr}"),
        },
    }
}

/// The `SKIPPED CLAIM: …` lines of a run (without the prefix), once each.
pub fn skipped_claims(stdout: &str, stderr: &str) -> Vec<String> {
    let mut claims: Vec<String> = Vec::new();
    for line in stdout.lines().chain(stderr.lines()) {
        if let Some((_, claim)) = line.split_once("SKIPPED CLAIM: ")
            && !claims.iter().any(|c| c == claim)
        {
            claims.push(claim.to_owned());
        }
    }
    claims
}

/// The lines of a failing run's stderr that explain it and are not already in `shown`: trybuild's
/// verdict ("Expected test case to fail to compile, but it succeeded" and the mismatch it
/// prints), and what a child process said before it died (the process exercises' workers write
/// to the inherited stderr). cargo's own progress lines and panic notes are left out.
fn useful_stderr(stderr: &str, shown: &str) -> String {
    let noise = [
        "Compiling ",
        "Finished ",
        "Running ",
        "Blocking ",
        "Building ",
        "Checking ",
        "Locking ",
        "Fresh ",
        "note: run with",
        "error: test failed, to rerun",
        "Caused by:",
        "process didn't exit successfully",
        "warning: ",
    ];
    let stderr = strip_ansi(stderr);
    let mut keep: Vec<&str> = Vec::new();
    // A compiler warning is a block, up to the next blank line: `warning: …`, `--> file`, the
    // code, `= note`. Warnings come from the build (often another crate's), never explain a
    // failing test, and a block without its first line is a riddle.
    // cargo's one-line summary (`warning: `x` (lib) generated 3 warnings`) and its progress
    // lines are not part of a block.
    let mut in_warning = false;
    // Another thread's panic at a place already shown (workers hitting the same `todo!()`):
    // skipped whole, up to the next blank line, not as a header without its message.
    let mut in_repeat = false;
    for line in stderr.lines() {
        let t = line.trim();
        let progress = noise.iter().any(|n| t.starts_with(n));
        in_warning = if t.starts_with("warning") {
            !t.contains(") generated ")
        } else {
            in_warning && !t.is_empty() && !progress
        };
        in_repeat = match t.split_once(" panicked at ") {
            Some((_, place)) => shown.contains(place) || keep.iter().any(|k| k.ends_with(place)),
            None => in_repeat && !t.is_empty(),
        };
        if t.is_empty()
            || t.starts_with("warning")
            || in_warning
            || in_repeat
            || progress
            || shown.contains(t)
            || keep.contains(&line)
            || keep.len() >= 40
        {
            continue;
        }
        keep.push(line);
    }
    keep.join("\n")
}

/// `text` without terminal colour codes (`ESC [ … m`), which trybuild writes even into a pipe.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // Skip to the end of the escape sequence (a letter).
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// `(passed, failed)` from `test result: FAILED. 1 passed; 2 failed; 0 ignored; …`.
fn count_results(line: &str) -> (usize, usize) {
    let number_before = |word: &str| {
        line.split(';')
            .find_map(|part| part.trim().strip_suffix(word))
            .and_then(|n| n.trim().rsplit(' ').next())
            .and_then(|n| n.trim().parse().ok())
            .unwrap_or(0)
    };
    (number_before("passed"), number_before("failed"))
}

/// Names listed under the final `failures:` heading.
fn failed_tests(stdout: &str) -> Vec<String> {
    let Some((_, tail)) = stdout.rsplit_once("\nfailures:\n") else {
        return Vec::new();
    };
    tail.lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `exercises/src/../starters/x.rs` → `exercises/starters/x.rs` (how the lib includes them), and
/// a dependency's file without the cargo registry's directories
/// (`/root/.cargo/registry/src/index.crates.io-…/trybuild-1.0.122/src/run.rs` →
/// `trybuild-1.0.122/src/run.rs`: where trybuild reports its verdict).
fn tidy_paths(text: &str) -> String {
    let text = text
        .replace("src/../starters/", "starters/")
        .replace("src/../solutions/", "solutions/");
    text.lines()
        .map(|line| match line.find("/.cargo/registry/src/") {
            Some(at) => {
                let start = line[..at].rfind(' ').map_or(0, |i| i + 1);
                let rest = &line[at + "/.cargo/registry/src/".len()..];
                let krate = rest.split_once('/').map_or(rest, |(_, k)| k);
                format!("{}{krate}", &line[..start])
            }
            None => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The captured output of the failing test `name` (its `---- name stdout ----` block), or of the
/// first block when `name` is unknown. libtest lists failures in name order, so the first name is
/// the first test of the file in alphabetical order, whatever order they finished in.
fn first_failure(stdout: &str, name: Option<&String>) -> String {
    let marker = name.map(|n| format!("---- {n} stdout ----"));
    let start = marker
        .as_deref()
        .and_then(|m| stdout.find(m))
        .or_else(|| stdout.find("---- "));
    let Some(start) = start else {
        return String::new();
    };
    let block = &stdout[start..];
    let end = block[5..]
        .find("\n---- ")
        .map(|i| i + 5)
        .or_else(|| block.find("\nfailures:\n"))
        .unwrap_or(block.len());
    block[..end]
        .lines()
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE=1`"))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

/// The first panic message in `stderr`: from its `thread '…' panicked at` line to the next blank
/// line (or `note:` line).
fn first_panic(stderr: &str) -> String {
    let Some(start) = stderr.find("thread '") else {
        return String::new();
    };
    stderr[start..]
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("note:"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The error part of cargo's stderr: from the first `error` line on, without progress lines.
pub fn compiler_errors(stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("Compiling ")
                || t.starts_with("Blocking ")
                || t.starts_with("Building "))
        })
        .collect();
    let first = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(0);
    lines[first..].join("\n")
}

/// FNV-1a hash of a file's text (line endings normalised), as 16 hex digits.
pub fn text_hash(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.replace("\r\n", "\n").bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The file listing each starter's hash as shipped (`name hash` per line).
pub fn pristine_file() -> PathBuf {
    learner_root().join("exercises/starters/PRISTINE")
}

/// Shipped hashes, by name.
pub fn pristine_hashes() -> Vec<(String, String)> {
    std::fs::read_to_string(pristine_file())
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, h)| (n.to_owned(), h.trim().to_owned()))
        .collect()
}

/// The current hash of `ex`'s starter file (empty when it cannot be read).
pub fn starter_hash(ex: &Exercise) -> String {
    std::fs::read_to_string(learner_root().join(ex.starter_path()))
        .map(|t| text_hash(&t))
        .unwrap_or_default()
}

fn status_file(ex: &Exercise) -> PathBuf {
    state_dir().join(ex.name)
}

/// Remembers the outcome of checking the starter whose hash is `hash`.
pub fn remember(ex: &Exercise, hash: &str, pass: bool) {
    let path = status_file(ex);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(
        path,
        format!("{hash} {}\n", if pass { "passing" } else { "failing" }),
    );
}

/// The status of `ex` without running anything: `None` when the starter changed since it was
/// last checked.
pub fn known_status(ex: &Exercise) -> Option<Status> {
    let hash = starter_hash(ex);
    if pristine_hashes()
        .iter()
        .any(|(n, h)| n == ex.name && *h == hash)
    {
        return Some(Status::NotStarted);
    }
    if hash.is_empty() {
        return Some(Status::Failing);
    }
    let saved = std::fs::read_to_string(status_file(ex)).ok()?;
    let (h, s) = saved.trim().split_once(' ')?;
    (h == hash).then_some(if s == "passing" {
        Status::Passing
    } else {
        Status::Failing
    })
}

/// Checks the learner's code of `ex` and remembers the result.
pub fn check(ex: &Exercise) -> Outcome {
    let hash = starter_hash(ex);
    let outcome = run_tests(ex, Subject::Starter);
    remember(ex, &hash, outcome.is_pass());
    outcome
}

/// Which exercises' files a block of compiler errors points into.
pub fn files_in_errors(errors: &str) -> Vec<&'static Exercise> {
    EXERCISES
        .iter()
        .filter(|e| errors.contains(&format!("{}.rs", e.name)))
        .collect()
}

/// A problem found by `verify`.
pub type Problem = String;

/// One line of the `verify` report.
#[derive(Debug)]
pub struct VerifyLine {
    /// The exercise.
    pub exercise: &'static Exercise,
    /// Starter: how many tests passed / failed (all should fail).
    pub starter: Outcome,
    /// Solution: should pass.
    pub solution: Outcome,
}

/// Static checks: every file exists, is declared, and the starters are the shipped ones.
pub fn verify_layout() -> Vec<Problem> {
    let root = learner_root();
    let mut problems = Vec::new();
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_default();
    let starters_mod = read("exercises/starters/mod.rs");
    let solutions_mod = read("exercises/solutions/mod.rs");
    let readme = read("exercises/README.md");
    let pristine = pristine_hashes();
    for ex in EXERCISES {
        for path in [ex.starter_path(), ex.solution_path(), ex.test_path()] {
            if !root.join(&path).is_file() {
                problems.push(format!("{}: missing file {path}", ex.name));
            }
        }
        let copy = std::fs::read_to_string(root.join(pristine_copy(ex))).unwrap_or_default();
        if text_hash(&copy) != starter_hash(ex) {
            problems.push(format!(
                "{}: {} differs from the starter (after editing a starter on purpose, run \
                 `cargo run --bin exercises -- pristine`)",
                ex.name,
                pristine_copy(ex)
            ));
        }
        let decl = format!("pub mod {};", ex.name);
        if !starters_mod.contains(&decl) {
            problems.push(format!(
                "{}: not declared in exercises/starters/mod.rs",
                ex.name
            ));
        }
        if !solutions_mod.contains(&decl) {
            problems.push(format!(
                "{}: not declared in exercises/solutions/mod.rs",
                ex.name
            ));
        }
        if !readme.contains(ex.name) {
            problems.push(format!("{}: not in exercises/README.md", ex.name));
        }
        let hash = starter_hash(ex);
        match pristine.iter().find(|(n, _)| n == ex.name) {
            Some((_, h)) if *h == hash => {}
            _ => problems.push(format!(
                "{}: starter differs from exercises/starters/PRISTINE (after editing a starter on \
                 purpose, run `cargo run --bin exercises -- pristine`)",
                ex.name
            )),
        }
    }
    problems
}

/// Rewrites `exercises/starters/PRISTINE` (the hashes) and the copies in `exercises/pristine/`
/// from the current starters.
///
/// # Errors
/// When a file cannot be written.
pub fn write_pristine() -> std::io::Result<()> {
    let root = learner_root();
    std::fs::create_dir_all(root.join("exercises/pristine"))?;
    for ex in EXERCISES {
        std::fs::copy(root.join(ex.starter_path()), root.join(pristine_copy(ex)))?;
    }
    let text: String = EXERCISES
        .iter()
        .map(|ex| format!("{} {}\n", ex.name, starter_hash(ex)))
        .collect();
    std::fs::write(pristine_file(), text)
}

/// The shipped copy of `ex`'s starter, relative to the workspace root: what `reset` restores.
pub fn pristine_copy(ex: &Exercise) -> String {
    format!("exercises/pristine/{}.rs", ex.name)
}

/// What [`reset`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reset {
    /// The starter was already byte for byte the shipped one: nothing was written.
    AlreadyPristine,
    /// The starter was restored; the learner's version was saved at this path first.
    Restored {
        /// Where the replaced version was saved (`<state>/backup/<name>.rs`).
        backup: PathBuf,
    },
}

/// Restores `ex`'s starter from its pristine copy, byte for byte (no git needed), after saving
/// the learner's version in [`state_dir`]`/backup/` (one copy per exercise, the latest).
///
/// # Errors
/// When the pristine copy cannot be read, or a file cannot be written.
pub fn reset(ex: &Exercise) -> std::io::Result<Reset> {
    let root = learner_root();
    let pristine = std::fs::read(root.join(pristine_copy(ex)))?;
    let starter = root.join(ex.starter_path());
    let current = std::fs::read(&starter).ok();
    if current.as_deref() == Some(pristine.as_slice()) {
        return Ok(Reset::AlreadyPristine);
    }
    let backup = state_dir().join("backup").join(format!("{}.rs", ex.name));
    if let Some(current) = current {
        if let Some(dir) = backup.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&backup, current)?;
    }
    std::fs::write(starter, pristine)?;
    Ok(Reset::Restored { backup })
}

/// How many times `hint` was asked for `ex` (0, 1, …): the first shows the nudge, later ones the
/// approach too.
pub fn hints_seen(ex: &Exercise) -> u32 {
    std::fs::read_to_string(hint_file(ex))
        .ok()
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or(0)
}

/// Records one more `hint` for `ex`.
pub fn saw_hint(ex: &Exercise) {
    let path = hint_file(ex);
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let _ = std::fs::write(path, (hints_seen(ex) + 1).to_string());
}

fn hint_file(ex: &Exercise) -> PathBuf {
    state_dir().join(format!("{}.hints", ex.name))
}

/// The next exercise that is not passing, in course order ([`crate::info::in_order`]): the first
/// one after `after` (wrapping round to the start), or the first of all without `after`.
pub fn next_unfinished(after: Option<&Exercise>) -> Option<&'static Exercise> {
    let order: Vec<&'static Exercise> = crate::info::in_order().collect();
    let start = after
        .and_then(|a| order.iter().position(|e| e.number == a.number))
        .map_or(0, |i| i + 1);
    (0..order.len())
        .map(|k| order[(start + k) % order.len()])
        .find(|ex| known_status(ex) != Some(Status::Passing))
}

/// How many exercises pass (as last checked).
pub fn passing_count() -> usize {
    EXERCISES
        .iter()
        .filter(|ex| known_status(ex) == Some(Status::Passing))
        .count()
}

/// Runs loom on the learner's exercise-17 queue (`thread_safe_structures`, feature `learner`,
/// `--cfg loom`, release, in `<target>/loom`): the same model checks as the reference queue's.
pub fn run_loom_on_learner() -> Outcome {
    if let Some(root) = root_override() {
        return Outcome::Broken {
            reason: format!(
                "loom can only check exercises/starters/ex17_thread_safe_structures.rs (the \
                 thread_safe_structures package compiles that file), not a copy in {}",
                root.display()
            ),
        };
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(workspace_root())
        .env("CARGO_TARGET_DIR", check_target_dir().join("loom"))
        .env("RUSTFLAGS", "--cfg loom")
        .env("CARGO_TERM_COLOR", "never")
        .env("RUST_BACKTRACE", "0")
        // `-p`: only this tokio-free package can be built with `--cfg loom`.
        .args([
            "test",
            "-p",
            "thread_safe_structures",
            "--features",
            "learner",
            "--release",
            "--test",
            "loom",
            "--",
            "learner::",
        ])
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(out) => parse_outcome(
            out.status.success(),
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        ),
        Err(e) => Outcome::Broken {
            reason: format!("cannot run cargo: {e}"),
        },
    }
}

/// Runs every exercise's tests against its starter (each must fail: every test of the file) and
/// against its solution (each must pass). Prints progress as it goes.
pub fn verify_runs(mut progress: impl FnMut(&VerifyLine)) -> Vec<VerifyLine> {
    let mut lines = Vec::new();
    for ex in EXERCISES {
        let line = VerifyLine {
            exercise: ex,
            starter: run_tests(ex, Subject::Starter),
            solution: run_tests(ex, Subject::Solution),
        };
        progress(&line);
        lines.push(line);
    }
    lines
}

/// The problems in one verify line (empty when the exercise is fine).
pub fn verify_problems(line: &VerifyLine) -> Vec<Problem> {
    let name = line.exercise.name;
    let mut problems = Vec::new();
    match &line.starter {
        Outcome::Failed { passed: 0, .. } => {}
        Outcome::Failed { passed, .. } => problems.push(format!(
            "{name}: {passed} test(s) pass against the unchanged starter (each test must fail \
             until the learner does the work)"
        )),
        Outcome::Passed { .. } => problems.push(format!("{name}: the starter passes its tests")),
        Outcome::CompileError { errors } => {
            problems.push(format!("{name}: the starter does not compile:\n{errors}"));
        }
        Outcome::Broken { reason } => problems.push(format!("{name}: starter run: {reason}")),
    }
    match &line.solution {
        Outcome::Passed { .. } => {}
        Outcome::Failed {
            failed,
            first_failure,
            ..
        } => problems.push(format!(
            "{name}: the solution fails {}:\n{first_failure}",
            failed.join(", ")
        )),
        Outcome::CompileError { errors } => {
            problems.push(format!("{name}: the solution does not compile:\n{errors}"));
        }
        Outcome::Broken { reason } => problems.push(format!("{name}: solution run: {reason}")),
    }
    problems
}

/// Short text for a table cell.
pub fn outcome_cell(o: &Outcome) -> String {
    match o {
        Outcome::Passed { passed, skipped } if skipped.is_empty() => format!("{passed} passed"),
        Outcome::Passed { passed, skipped } => {
            format!("{passed} passed, {} claim(s) skipped", skipped.len())
        }
        Outcome::Failed { passed, failed, .. } => {
            format!("{} failed, {passed} passed", failed.len())
        }
        Outcome::CompileError { .. } => "compile error".into(),
        Outcome::Broken { .. } => "cargo error".into(),
    }
}

/// One wrong solution of the corpus: `exercises/mutants/<exercise>/<bug>.mutation` (see
/// [`crate::mutation`]).
#[derive(Debug, Clone)]
pub struct Mutant {
    /// The exercise it gets wrong.
    pub exercise: &'static Exercise,
    /// The file's stem: a name for the mistake (`racy_counter`).
    pub bug: String,
    /// Path relative to the workspace root.
    pub path: String,
    /// The mistake in words: the file's `//!` lines after the first.
    pub mistake: String,
}

impl Mutant {
    /// The wrong solution itself: the mutant's changes applied to its solution (or to the file
    /// its `//! Base:` line names).
    ///
    /// # Errors
    /// A file that cannot be read, or changes that do not apply (with the mutant's path).
    pub fn wrong_solution(&self) -> Result<String, String> {
        let root = workspace_root();
        let read = |path: &str| {
            std::fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read {path}: {e}"))
        };
        let mutation = read(&self.path)?;
        let base = crate::mutation::base(&mutation)
            .map_or_else(|| self.exercise.solution_path(), str::to_owned);
        crate::mutation::apply(&read(&base)?, &mutation)
            .map_err(|e| format!("{}: {e} ({base})", self.path))
    }
}

/// Every mutant of the corpus, in exercise order, then by name.
pub fn mutants() -> Vec<Mutant> {
    let root = workspace_root();
    let mut all = Vec::new();
    for ex in EXERCISES {
        let dir = format!("exercises/mutants/{}", ex.name);
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        let mut files: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".mutation"))
            .collect();
        files.sort();
        for file in files {
            let path = format!("{dir}/{file}");
            let text = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            let mistake = crate::mutation::mistake(&text);
            all.push(Mutant {
                exercise: ex,
                bug: file.trim_end_matches(".mutation").to_owned(),
                path,
                mistake,
            });
        }
    }
    all
}

/// The mutant's text as the test binary includes it (`include!` inside `mod ex { … }`): inner
/// doc comments and inner attributes are not allowed there, and `crate::` (the exercises library,
/// where a learner's file lives) is `exercises::` from a test.
///
/// Every line stays on its line (an inner attribute becomes a comment), so the compiler's line
/// numbers are those of the original file.
pub fn includable(text: &str) -> String {
    text.lines()
        .map(|l| {
            let l = if l.trim_start().starts_with("#![") {
                format!("// {l}")
            } else {
                l.strip_prefix("//!")
                    .map_or_else(|| l.to_owned(), |rest| format!("//{rest}"))
            };
            l.replace("crate::", "exercises::")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Applies the mutant's changes to its solution and writes the includable result under the
/// target dir; returns its path.
fn prepare_mutant(m: &Mutant) -> Result<PathBuf, String> {
    let text = m.wrong_solution()?;
    let prepared = check_target_dir()
        .join("exercises-mutants")
        .join(m.exercise.name)
        .join(format!("{}.rs", m.bug));
    prepared
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&prepared, includable(&text)))
        .map_err(|e| format!("cannot write {}: {e}", prepared.display()))?;
    Ok(prepared)
}

/// Runs `m`'s exercise tests against the mutant (they must fail): build, then run.
pub fn run_mutant(m: &Mutant) -> Outcome {
    match build_mutant(m) {
        Ok(exe) => {
            let outcome = run_mutant_binary(m, &exe);
            let _ = std::fs::remove_file(&exe);
            outcome
        }
        Err(outcome) => outcome,
    }
}

/// Builds the test binary of `m`'s exercise against the mutant, and keeps a copy of it (the
/// next mutant's build overwrites cargo's own file), so that it can run while the next mutant
/// builds.
///
/// # Errors
/// The outcome to report when it does not build.
pub fn build_mutant(m: &Mutant) -> Result<PathBuf, Outcome> {
    let prepared = prepare_mutant(m).map_err(|reason| Outcome::Broken { reason })?;
    let out = cargo(Subject::Mutant)
        .env("EXERCISES_MUTANT", &prepared)
        .args(["--test", m.exercise.name, "--no-run"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| Outcome::Broken {
            reason: format!("cannot run cargo: {e}"),
        })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(Outcome::CompileError {
            errors: compiler_errors(&stderr),
        });
    }
    // `  Executable tests/ex06_….rs (target/debug/deps/ex06_…-hash)`
    let exe = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("Executable"))
        .find_map(|l| l.rsplit_once('(')?.1.strip_suffix(')'))
        .map(|p| workspace_root().join(p))
        .ok_or_else(|| Outcome::Broken {
            reason: format!("no test executable in cargo's output:\n{stderr}"),
        })?;
    let copy = prepared.with_extension("test-bin");
    std::fs::copy(&exe, &copy).map_err(|e| Outcome::Broken {
        reason: format!("cannot copy {}: {e}", exe.display()),
    })?;
    Ok(copy)
}

/// Runs a test binary built by [`build_mutant`] as `cargo test` would (from the package's
/// directory), and parses its result.
pub fn run_mutant_binary(m: &Mutant, exe: &Path) -> Outcome {
    let out = Command::new(exe)
        .current_dir(workspace_root().join("exercises"))
        .env("RUST_BACKTRACE", "0")
        .env("CARGO_TARGET_DIR", check_target_dir())
        .stdin(Stdio::null())
        .output();
    match out {
        Ok(out) => parse_outcome(
            out.status.success(),
            &String::from_utf8_lossy(&out.stdout),
            &String::from_utf8_lossy(&out.stderr),
        ),
        Err(e) => Outcome::Broken {
            reason: format!("cannot run the tests of {}: {e}", m.path),
        },
    }
}

/// Builds and runs every mutant of `list`: one build at a time (cargo's lock), while the
/// previous mutant's tests run on another thread. Calls `done` for each, in order, with how long
/// its build and its test run took.
pub fn run_mutants(list: &[Mutant], mut done: impl FnMut(&Mutant, &Outcome, Duration, Duration)) {
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<PathBuf, Outcome>, Duration)>();
    std::thread::scope(|s| {
        s.spawn(move || {
            for (i, m) in list.iter().enumerate() {
                let (built, took) = timed(|| build_mutant(m));
                if tx.send((i, built, took)).is_err() {
                    return;
                }
            }
        });
        for (i, built, build_time) in rx {
            let m = &list[i];
            let (outcome, run_time) = timed(|| match built {
                Ok(exe) => {
                    let outcome = run_mutant_binary(m, &exe);
                    // A debug test binary is 50–150 MB: keep none of the 38 copies.
                    let _ = std::fs::remove_file(&exe);
                    outcome
                }
                Err(outcome) => outcome,
            });
            done(m, &outcome, build_time, run_time);
        }
    });
}

/// The problem with one mutant's outcome, if any: it must compile and fail at least one test.
pub fn mutant_problem(m: &Mutant, outcome: &Outcome) -> Option<Problem> {
    match outcome {
        Outcome::Failed { .. } => None,
        Outcome::Passed { .. } => Some(format!(
            "{}: the wrong solution {} passes every test ({})",
            m.exercise.name, m.path, m.mistake
        )),
        Outcome::CompileError { errors } => Some(format!(
            "{}: the mutant {} does not compile (a mutant must be a wrong solution that \
             builds):\n{errors}",
            m.exercise.name, m.path
        )),
        Outcome::Broken { reason } => Some(format!("{}: mutant run: {reason}", m.path)),
    }
}

/// The hash of every starter, in [`EXERCISES`] order: what [`changed_starter`] compares with.
pub fn starter_hashes() -> Vec<String> {
    EXERCISES.iter().map(starter_hash).collect()
}

/// One look for a starter that differs from `seen` (from [`starter_hashes`]): which one, after
/// letting the save settle, with `seen` updated to the files as they are now; `None` when
/// nothing changed. `watch` polls it. Take `seen` *before* checking, so that a save made while
/// a check runs is seen by the next look instead of being missed.
pub fn changed_starter(seen: &mut Vec<String>) -> Option<&'static Exercise> {
    let now = starter_hashes();
    let (ex, _) = EXERCISES
        .iter()
        .zip(now.iter().zip(seen.iter()))
        .find(|(_, (new, old))| new != old)?;
    // Editors often write a file in several steps: let it settle.
    std::thread::sleep(Duration::from_millis(200));
    *seen = starter_hashes();
    Some(ex)
}

/// Wall time of `f`.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILING: &str = "\
running 3 tests
test a ... ok
test b ... FAILED
test c ... FAILED

failures:

---- b stdout ----

thread 'b' panicked at exercises/tests/x.rs:5:5:
not yet implemented

---- c stdout ----
boom

failures:
    b
    c

test result: FAILED. 1 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s
";

    #[test]
    fn parses_a_failing_run() {
        match parse_outcome(false, FAILING, "") {
            Outcome::Failed {
                passed,
                failed,
                first_failure,
            } => {
                assert_eq!(passed, 1);
                assert_eq!(failed, vec!["b", "c"]);
                assert!(first_failure.starts_with("---- b stdout ----"));
                assert!(first_failure.contains("exercises/tests/x.rs"));
                assert!(first_failure.contains("not yet implemented"));
                assert!(!first_failure.contains("boom"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_passing_and_compile_errors() {
        let ok = "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        assert!(matches!(
            parse_outcome(true, ok, ""),
            Outcome::Passed { passed: 4, .. }
        ));
        let err = "   Compiling exercises v0.1.0\nerror[E0308]: mismatched types\n --> exercises/starters/ex02_payment_gateway.rs:3:1\n";
        match parse_outcome(false, "", err) {
            Outcome::CompileError { errors } => {
                assert!(errors.starts_with("error[E0308]"));
                assert_eq!(files_in_errors(&errors)[0].number, 2);
            }
            other => panic!("{other:?}"),
        }
    }

    /// The `first_failure` of a failed run (any other outcome fails the test).
    fn first_failure_of(out: &str, err: &str) -> String {
        match parse_outcome(false, out, err) {
            Outcome::Failed { first_failure, .. } => first_failure,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_a_harness_false_binary() {
        let out = "test a ... ok\ntest b ... FAILED\n\ntest result: FAILED. 1 passed; 1 failed\nfailures: [\"b\"]\n";
        let err = "thread 'main' panicked at exercises/src/../starters/ex08.rs:3:5:\nnot yet implemented\nnote: run with RUST_BACKTRACE\n";
        match parse_outcome(false, out, err) {
            Outcome::Failed {
                passed,
                failed,
                first_failure,
            } => {
                assert_eq!((passed, failed), (1, vec!["b".to_owned()]));
                assert_eq!(
                    first_failure,
                    "thread 'main' panicked at exercises/starters/ex08.rs:3:5:\nnot yet implemented"
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shows_trybuild_verdicts_without_colours() {
        let out = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\n\nthread 't' panicked at /root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/trybuild-1.0.122/src/run.rs:103:13:\n1 of 1 tests failed\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed\n";
        let err = "test \u{1b}[1mtests/ui/x.rs\u{1b}[0m ... \u{1b}[31merror\n\u{1b}[31mExpected test case to fail to compile, but it succeeded.\u{1b}[0m\n";
        let first_failure = first_failure_of(out, err);
        assert!(
            first_failure.contains("Expected test case to fail to compile, but it succeeded."),
            "{first_failure}"
        );
        assert!(!first_failure.contains('\u{1b}'), "{first_failure}");
        assert!(
            first_failure.contains("panicked at trybuild-1.0.122/src/run.rs:103:13:"),
            "{first_failure}"
        );
    }

    #[test]
    fn shows_what_a_child_process_said_once() {
        let out = "test a ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed\n";
        let err = "a child process came back from child_guard(): it should serve and exit\n\
                   a child process came back from child_guard(): it should serve and exit\n\
                   thread 'main' panicked at exercises/tests/ex08.rs:15:6:\n\
                   the pool run failed: WorkerDied\n\
                   note: run with `RUST_BACKTRACE=1`\n";
        let first_failure = first_failure_of(out, err);
        assert!(
            first_failure.starts_with("thread 'main' panicked"),
            "{first_failure}"
        );
        assert_eq!(
            first_failure.matches("a child process came back").count(),
            1,
            "{first_failure}"
        );
        assert!(!first_failure.contains("RUST_BACKTRACE"), "{first_failure}");
    }

    #[test]
    fn leaves_out_build_warnings_and_the_backtrace_note() {
        let out = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\n\nthread 't' panicked at exercises/starters/x.rs:9:5:\nnot yet implemented\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\nfailures:\n    t\n\ntest result: FAILED. 0 passed; 1 failed\n";
        let err = "warning: function `watch_owner` is never used\n   --> multiprocessing_examples/src/manager.rs:260:4\n    |\n260 | fn watch_owner(owner: Pid) {\n    |    ^^^^^^^^^^^\n    = note: `#[warn(dead_code)]` on by default\n\nwarning: `multiprocessing_examples` (lib) generated 1 warning\n   Compiling exercises v0.1.0\na worker said: bad input\n";
        let first_failure = first_failure_of(out, err);
        assert!(
            first_failure.contains("not yet implemented"),
            "{first_failure}"
        );
        assert!(
            first_failure.contains("a worker said: bad input"),
            "{first_failure}"
        );
        for noise in ["manager.rs", "watch_owner", "dead_code", "RUST_BACKTRACE"] {
            assert!(!first_failure.contains(noise), "{noise}: {first_failure}");
        }
    }

    #[test]
    fn a_panic_repeated_by_other_threads_shows_once() {
        let out = "test a ... FAILED\n\ntest result: FAILED. 0 passed; 1 failed\n";
        let err = "thread 'watched' (1) panicked at exercises/starters/ex08.rs:80:5:\n\
                   not yet implemented\n\
                   note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace\n\n\
                   thread 'watched' (2) panicked at exercises/starters/ex08.rs:80:5:\n\
                   not yet implemented\n\n\
                   thread 'watched' (3) panicked at exercises/starters/ex08.rs:66:5:\n\
                   not yet implemented: pool::serve_if_worker(TASKS)\n";
        let first_failure = first_failure_of(out, err);
        assert_eq!(
            first_failure.matches("ex08.rs:80:5").count(),
            1,
            "{first_failure}"
        );
        assert!(
            first_failure
                .ends_with("ex08.rs:66:5:\nnot yet implemented: pool::serve_if_worker(TASKS)"),
            "{first_failure}"
        );
    }

    #[test]
    fn a_pass_carries_its_skipped_claims() {
        let ok = "test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out";
        let err = "SKIPPED CLAIM: count_primes is ≥ 1.2x faster (too busy)\n\
                   SKIPPED CLAIM: count_primes is ≥ 1.2x faster (too busy)\n";
        match parse_outcome(true, ok, err) {
            Outcome::Passed { passed, skipped } => {
                assert_eq!(passed, 4);
                assert_eq!(skipped, ["count_primes is ≥ 1.2x faster (too busy)"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn hash_ignores_line_endings() {
        assert_eq!(text_hash("a\r\nb"), text_hash("a\nb"));
        assert_ne!(text_hash("a"), text_hash("b"));
    }
}
