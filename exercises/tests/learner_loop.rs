//! The learner's loop, run for real on a temporary copy of the learner's files
//! (`EXERCISES_ROOT=<copy>`): `reset` restores a starter byte for byte and touches nothing else;
//! `watch` checks at once, re-checks on every save (one made during a check too), gives a hint
//! on `h`, passes, shows the next exercise's task and moves on; `list` then shows the progress.
//! The learner's own `exercises/starters/` is never written. Each check is a real nested cargo
//! build of one test binary in the workspace's `target/` (a few seconds each; every wait has a
//! deadline, and the watch process group is killed and reaped whatever happens).
#![cfg(unix)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};
use utilities::testkit::{RunOutput, run_with_env};

const EXE: &str = env!("CARGO_BIN_EXE_exercises");

/// A nested cargo build of one test binary takes ~15 s on a quiet machine; the shared `target/`
/// may be locked by other builds, and the first one may also build the library with the
/// `mutant` feature. A hang still fails.
const VERDICT_DEADLINE: Duration = Duration::from_secs(300);

fn package() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh copy of the learner's files as shipped: `exercises/starters/*.rs` and `PRISTINE`,
/// `exercises/pristine/*.rs`.
fn shipped_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let (starters, pristine) = (
        dir.path().join("exercises/starters"),
        dir.path().join("exercises/pristine"),
    );
    std::fs::create_dir_all(&starters).unwrap();
    std::fs::create_dir_all(&pristine).unwrap();
    for entry in std::fs::read_dir(package().join("pristine")).unwrap() {
        let from = entry.unwrap().path();
        let name = from.file_name().unwrap();
        std::fs::copy(&from, starters.join(name)).unwrap();
        std::fs::copy(&from, pristine.join(name)).unwrap();
    }
    std::fs::copy(
        package().join("starters/PRISTINE"),
        starters.join("PRISTINE"),
    )
    .unwrap();
    dir
}

/// Every file under `dir` (except under `skip`) with its bytes.
fn files(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.starts_with(skip) {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                all.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    all
}

fn exercises_in(root: &Path, args: &[&str]) -> RunOutput {
    run_with_env(EXE, args, &[("EXERCISES_ROOT", root.to_str().unwrap())])
}

#[test]
fn reset_restores_the_shipped_starter_and_touches_nothing_else() {
    let copy = shipped_copy();
    let root = copy.path();
    let name = "ex06_synchronization_in_practice";
    let starter = root.join(format!("exercises/starters/{name}.rs"));
    let shipped = std::fs::read(root.join(format!("exercises/pristine/{name}.rs"))).unwrap();
    let mine = b"// my half-done work\npub fn run() {}\n".to_vec();
    std::fs::write(&starter, &mine).unwrap();
    let state = root.join("status");
    let before = files(root, &state);
    let learners_own = files(&package().join("starters"), Path::new("/nonexistent"));

    let out = exercises_in(root, &["reset", "ex06"]);
    out.assert_success().assert_contains(&format!(
        "reset {name}: exercises/starters/{name}.rs is back as shipped (copied from \
         exercises/pristine/{name}.rs)"
    ));
    out.assert_contains(&format!("Your version is saved in status/backup/{name}.rs"));
    assert!(
        std::fs::read(&starter).unwrap() == shipped,
        "the starter is not byte for byte the shipped one after reset:\n{}",
        out.stdout
    );
    assert_eq!(
        std::fs::read(state.join(format!("backup/{name}.rs"))).unwrap(),
        mine,
        "the learner's version is kept"
    );
    let mut expected = before;
    expected.insert(starter.clone(), shipped.clone());
    assert!(
        files(root, &state) == expected,
        "reset changed files other than the starter it restores"
    );

    // Again: nothing to do, and the backup of the learner's work is not overwritten.
    exercises_in(root, &["reset", "synchronization_in_practice"])
        .assert_success()
        .assert_contains("is already as shipped");
    assert_eq!(
        std::fs::read(state.join(format!("backup/{name}.rs"))).unwrap(),
        mine
    );

    // An unknown name: a usage error, and nothing written.
    let out = exercises_in(root, &["reset", "42"]);
    out.assert_usage_error();
    assert!(
        out.stderr.contains("no exercise named \"42\""),
        "{}",
        out.stderr
    );
    assert!(
        files(root, &state) == expected,
        "a refused reset wrote files"
    );
    assert!(
        files(&package().join("starters"), Path::new("/nonexistent")) == learners_own,
        "the learner's own exercises/starters/ changed"
    );
}

/// `exercises watch …` running in its own process group (with the nested cargo and test
/// processes it starts), its output read line by line. Dropping it kills the whole group and
/// reaps the child, whether the test passed or not.
struct Watch {
    child: Child,
    keys: ChildStdin,
    lines: Receiver<String>,
    output: String,
}

impl Watch {
    fn start(root: &Path, name: &str) -> Watch {
        let mut child = Command::new(EXE)
            .args(["watch", name])
            .env("EXERCISES_ROOT", root)
            .process_group(0)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the checker");
        let (tx, lines) = mpsc::channel();
        let pipes: [Box<dyn Read + Send>; 2] = [
            Box::new(child.stdout.take().expect("piped stdout")),
            Box::new(child.stderr.take().expect("piped stderr")),
        ];
        for (pipe, prefix) in pipes.into_iter().zip(["", "stderr: "]) {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    if tx.send(format!("{prefix}{line}")).is_err() {
                        return;
                    }
                }
            });
        }
        let keys = child.stdin.take().expect("piped stdin");
        Watch {
            child,
            keys,
            lines,
            output: String::new(),
        }
    }

    /// Types `key` and Enter.
    fn press(&mut self, key: &str) {
        writeln!(self.keys, "{key}").expect("write to watch's stdin");
    }

    /// Reads lines until one contains `needle`; returns everything read since the last call.
    fn wait_for(&mut self, needle: &str, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let mut chunk = String::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    chunk.push_str(&line);
                    chunk.push('\n');
                    self.output.push_str(&line);
                    self.output.push('\n');
                    if line.contains(needle) {
                        return chunk;
                    }
                }
                Err(RecvTimeoutError::Timeout) => panic!(
                    "watch printed no {needle:?} within {within:?}; its output:\n{}",
                    self.output
                ),
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "watch ended before printing {needle:?} ({:?}); its output:\n{}",
                    self.child.try_wait(),
                    self.output
                ),
            }
        }
    }

    /// Ctrl-C: SIGINT to the whole group, as a terminal sends it; waits (with a deadline) for
    /// the checker to end.
    fn interrupt(&mut self) -> ExitStatus {
        assert!(
            signal_group(&self.child, "INT"),
            "cannot send SIGINT to watch"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "watch still runs 10 s after Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Sends `signal` (`INT`, `KILL`) to the process group led by `child` (its pid is the group's
/// id), with the shell's own `kill` (POSIX: a negative pid is a group), so no `kill` program
/// and no libc binding is needed. Whether it was delivered.
fn signal_group(child: &Child, signal: &str) -> bool {
    Command::new("sh")
        .args(["-c", r#"kill -s "$1" -- -"$2""#, "sh", signal])
        .arg(child.id().to_string())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = signal_group(&self.child, "KILL");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_checks_at_once_rechecks_on_save_and_moves_on_after_a_pass() {
    let copy = shipped_copy();
    let root = copy.path();
    let learners_own = files(&package().join("starters"), Path::new("/nonexistent"));
    let starter = root.join("exercises/starters/ex02_payment_gateway.rs");
    let mut watch = Watch::start(root, "2");

    // A save while the first check runs: once that check has read the file (a copy's check
    // writes the file it compiles to status/build/), the learner saves a first, still wrong,
    // try. That save must not be lost: a second check follows by itself.
    watch.wait_for("checking ex02_payment_gateway", VERDICT_DEADLINE);
    let read = root.join("status/build/ex02_payment_gateway.rs");
    let deadline = Instant::now() + VERDICT_DEADLINE;
    while !read.exists() {
        assert!(
            Instant::now() < deadline,
            "the first check never read the starter"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut first_try = std::fs::read_to_string(&starter).unwrap();
    first_try.push_str("// a first try\n");
    std::fs::write(&starter, first_try).unwrap();

    let first = watch.wait_for("watching ex02_payment_gateway", VERDICT_DEADLINE);
    assert!(
        first.contains("✗ ex02_payment_gateway: 5 of 5 tests fail"),
        "the first verdict, on the starter as shipped, is a failure:\n{first}"
    );
    assert!(first.contains("not yet implemented"), "{first}");
    assert!(first.contains("nudge: "), "{first}");
    let again = watch.wait_for("watching ex02_payment_gateway", VERDICT_DEADLINE);
    assert!(
        again.contains("checking ex02_payment_gateway")
            && again.contains("✗ ex02_payment_gateway: 5 of 5 tests fail"),
        "the save made during the first check was checked:\n{again}"
    );

    // `h` and Enter: the first hint, without leaving watch.
    watch.press("h");
    let hint = watch.wait_for("again for the approach", VERDICT_DEADLINE);
    assert!(
        hint.contains("ex02_payment_gateway — ") && hint.contains("nudge: "),
        "{hint}"
    );

    // The learner saves a working solution while watch waits.
    std::fs::copy(
        package().join("solutions/ex02_payment_gateway.rs"),
        &starter,
    )
    .unwrap();
    let second = watch.wait_for("watching ex03_mini_orm_storage", VERDICT_DEADLINE);
    for line in [
        "checking ex02_payment_gateway",
        "✓ ex02_payment_gateway: all 5 tests pass",
        "1/17 done. Next: ex03_mini_orm_storage",
        // The next exercise's task, from the top of its file.
        "── exercises/starters/ex03_mini_orm_storage.rs: the task ──",
        "# Exercise 3",
    ] {
        assert!(
            second.contains(line),
            "no {line:?} after the save:\n{second}"
        );
    }

    let status = watch.interrupt();
    assert_eq!(
        status.signal(),
        Some(2),
        "Ctrl-C ends watch: {status:?}\n{}",
        watch.output
    );

    // `list` now knows ex02 passes (without checking again: the file is the one that passed):
    // both tracks, concurrency first, and the first unfinished exercise of the course as next.
    let list = exercises_in(root, &["list"]);
    list.assert_success();
    let at = |needle: &str| {
        list.stdout
            .find(needle)
            .unwrap_or_else(|| panic!("list lacks {needle:?}:\n{}", list.stdout))
    };
    assert!(at("Concurrency: threads") < at("  4    ex04_thread_behavior_analysis"));
    assert!(at("ex17_thread_safe_structures") < at("Module 3, traits"));
    assert!(at("Module 3, traits") < at("  1    ex01_rule_enforcing_trait"));
    for line in [
        "  2    ex02_payment_gateway                 passing",
        "  6    ex06_synchronization_in_practice     not started",
        "1/17 done. Next: ex04_thread_behavior_analysis",
    ] {
        at(line);
    }
    assert!(
        !list.stderr.contains("checking"),
        "list re-checked an exercise whose status it knew:\n{}",
        list.stderr
    );
    assert!(
        files(&package().join("starters"), Path::new("/nonexistent")) == learners_own,
        "the learner's own exercises/starters/ changed"
    );
}
