//! The capstone scraper's command line (issue 14), by running the real binary: exit codes, an
//! output file that is never replaced by a worse one, SIGINT/SIGTERM/SIGKILL and `--resume`,
//! `--max-time`, the time-scale rule for real sites, and `--help`.
//!
//! Signals are sent with `nix` to the real process; every child is reaped.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use async_examples::fixture;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use utilities::testkit::{RunOutput, run_example};

mod common;
use common::{EXE, files_in, quotes_in, scraper};

fn code(out: &RunOutput) -> Option<i32> {
    out.status.code()
}

/// A scraper running in the background, its output collected.
struct Running {
    child: Child,
    stdout: JoinHandle<String>,
    stderr: JoinHandle<String>,
}

impl Running {
    fn start(args: &[&str], scale: f64) -> Self {
        let mut child = Command::new(EXE)
            .args(args)
            .env(utilities::TIME_SCALE_VAR, scale.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let drain = |mut r: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                let mut s = String::new();
                let _ = r.read_to_string(&mut s);
                s
            })
        };
        let stdout = drain(Box::new(child.stdout.take().unwrap()));
        let stderr = drain(Box::new(child.stderr.take().unwrap()));
        Self {
            child,
            stdout,
            stderr,
        }
    }

    fn signal(&self, signal: Signal) {
        let pid = Pid::from_raw(i32::try_from(self.child.id()).unwrap());
        kill(pid, signal).unwrap();
    }

    /// Waits (at most 60 s, then kills) and returns status, stdout, stderr and the wait.
    fn wait(mut self) -> (ExitStatus, String, String, Duration) {
        let start = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the scraper did not stop within 60 s");
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let out = self.stdout.join().unwrap();
        let err = self.stderr.join().unwrap();
        (status, out, err, start.elapsed())
    }
}

/// Pages recorded in a journal so far (lines after the header).
fn journal_pages(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|t| t.lines().skip(1).filter(|l| l.ends_with('}')).count())
        .unwrap_or(0)
}

/// Waits until the journal records at least `n` pages.
fn wait_for_journal(journal: &Path, n: usize) {
    let start = Instant::now();
    while journal_pages(journal) < n {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "the journal never reached {n} pages"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn journal_of(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".journal");
    PathBuf::from(name)
}

/// A complete run's file, the reference a resumed run must reproduce byte for byte.
fn reference_file(dir: &Path) -> Vec<u8> {
    let path = dir.join("reference.json");
    let out = scraper(&["--concurrency", "2", "--out", path.to_str().unwrap()]);
    out.assert_success();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    bytes
}

/// Resumes the run that writes `out_path` (two requests at once) and asserts it succeeded.
fn resume(out_path: &Path) -> RunOutput {
    let out = scraper(&[
        "--concurrency",
        "2",
        "--out",
        out_path.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(code(&out), Some(0), "{}\n{}", out.stdout, out.stderr);
    out
}

// ---------------------------------------------------------------------------------------------
// Problem 1: exit codes, and a good file is never destroyed

#[test]
fn a_failed_run_exits_non_zero_and_never_replaces_a_better_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("q.json");
    let out_arg = out_path.to_str().unwrap();

    let out = scraper(&["--pages", "3", "--out", out_arg]);
    assert_eq!(code(&out), Some(0), "{}", out.stdout);
    let good = std::fs::read(&out_path).unwrap();
    assert_eq!(quotes_in(&out_path).len(), 30);

    // The site is down: robots.txt unreachable, every page skipped. Exit 1, file untouched.
    let down = fixture::unused_local_url().unwrap();
    let out = scraper(&[
        "--base-url",
        &down,
        "--pages",
        "3",
        "--retries",
        "0",
        "--out",
        out_arg,
    ]);
    assert_eq!(code(&out), Some(1), "{}\n{}", out.stdout, out.stderr);
    out.assert_contains("Summary: 0 pages ok, 0 failed, 3 skipped")
        .assert_contains("No page was fetched: nothing written");
    assert_eq!(
        std::fs::read(&out_path).unwrap(),
        good,
        "the good file was replaced"
    );

    // Fewer quotes than the file holds: kept (exit 3) unless --overwrite.
    let out = scraper(&["--pages", "2", "--out", out_arg]);
    assert_eq!(code(&out), Some(3), "{}", out.stdout);
    out.assert_contains("holds 30 quotes, this run found 20");
    assert_eq!(std::fs::read(&out_path).unwrap(), good);
    let out = scraper(&["--pages", "2", "--out", out_arg, "--overwrite"]);
    assert_eq!(code(&out), Some(0), "{}", out.stdout);
    assert_eq!(quotes_in(&out_path).len(), 20);

    // Something that is not ours is never replaced without --overwrite.
    std::fs::write(&out_path, "my notes").unwrap();
    let out = scraper(&["--pages", "2", "--out", out_arg]);
    assert_eq!(code(&out), Some(3), "{}", out.stdout);
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), "my notes");
    assert_eq!(files_in(dir.path()), ["q.json", "q.json.journal"]);
}

// ---------------------------------------------------------------------------------------------
// Problem 6: signals, partial output, temporary files, resume

#[test]
fn sigint_and_sigterm_write_what_was_fetched_as_partial_and_resume_reproduces_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference_file(dir.path());
    for (signal, expected_code) in [(Signal::SIGINT, 130), (Signal::SIGTERM, 143)] {
        let out_path = dir.path().join("q.json");
        let journal = journal_of(&out_path);
        // Real time, one page at a time: 10 pages take ≥ 5 s, we stop after 3.
        let running = Running::start(
            &["--concurrency", "1", "--out", out_path.to_str().unwrap()],
            1.0,
        );
        wait_for_journal(&journal, 3);
        running.signal(signal);
        let (status, stdout, stderr, took) = running.wait();
        assert_eq!(status.code(), Some(expected_code), "{stdout}\n{stderr}");
        assert!(took < Duration::from_secs(10), "{took:?}");
        assert!(stdout.contains("Stopping:"), "{stdout}");

        // Everything fetched is written, marked partial by its name; nothing else is left.
        let partial = dir.path().join("q.partial.json");
        let done = journal_pages(&journal);
        assert!((3..10).contains(&done), "{done} pages done\n{stdout}");
        assert_eq!(
            quotes_in(&partial),
            fixture::expected_quotes(10, u32::try_from(done).unwrap())
        );
        assert_eq!(
            files_in(dir.path()),
            ["q.json.journal", "q.partial.json"],
            "no temporary file, no target yet"
        );

        // --resume fetches only the rest and writes the same file as an uninterrupted run.
        let out = resume(&out_path);
        out.assert_contains(&format!("Resuming: {done} pages already done"))
            .assert_contains(&format!("Server: {} pages requested", 10 - done));
        assert_eq!(std::fs::read(&out_path).unwrap(), reference);
        assert_eq!(
            files_in(dir.path()),
            ["q.json"],
            "journal and partial file removed"
        );
        std::fs::remove_file(&out_path).unwrap();
    }
}

#[test]
fn a_killed_run_leaves_a_temporary_file_that_the_next_run_removes_and_resume_completes() {
    let dir = tempfile::tempdir().unwrap();
    let reference = reference_file(dir.path());
    let out_path = dir.path().join("q.json");
    let journal = journal_of(&out_path);
    let running = Running::start(
        &["--concurrency", "1", "--out", out_path.to_str().unwrap()],
        1.0,
    );
    wait_for_journal(&journal, 4);
    running.signal(Signal::SIGKILL); // cannot be caught: the temporary file stays
    let (status, ..) = running.wait();
    assert_eq!(status.code(), None, "killed by a signal");
    let left = files_in(dir.path());
    assert!(
        left.iter()
            .any(|f| f.starts_with(".q.json.") && f.ends_with(".tmp")),
        "{left:?}"
    );

    let out = resume(&out_path);
    out.assert_contains("Removed a stale temporary file");
    assert_eq!(std::fs::read(&out_path).unwrap(), reference);
    assert_eq!(files_in(dir.path()), ["q.json"]);
}

#[test]
fn resume_refuses_a_journal_of_another_site() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("q.json");
    let out = scraper(&["--out", out_path.to_str().unwrap(), "--resume"]);
    assert_eq!(code(&out), Some(2), "{}", out.stderr);
    assert!(out.stderr.contains("no journal"), "{}", out.stderr);
    std::fs::write(
        journal_of(&out_path),
        "{\"journal\":1,\"site\":\"https://elsewhere/\"}\n",
    )
    .unwrap();
    let out = scraper(&["--out", out_path.to_str().unwrap(), "--resume"]);
    assert_eq!(code(&out), Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is for https://elsewhere/"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_signal_while_robots_txt_hangs_is_honoured_within_the_grace_period() {
    // robots.txt never answers; the timeout is 30 s (with 2 retries). Before the fix the first
    // robots.txt was not raced against the stop: a Ctrl-C waited for the whole timeout.
    let site = fixture::ThreadedFixture::start(fixture::FixtureConfig {
        hang_robots: true,
        ..fixture::FixtureConfig::default()
    })
    .unwrap();
    let grace = Duration::from_millis(500);
    for (signal, expected_code, name) in [
        (Signal::SIGINT, 130, "interrupted (SIGINT)"),
        (Signal::SIGTERM, 143, "terminated (SIGTERM)"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out_path = dir.path().join("q.json");
        let asked = site.stats().count("/robots.txt");
        let running = Running::start(
            &[
                "--base-url",
                site.base_url(),
                "--pages",
                "3",
                "--timeout",
                "30",
                "--grace",
                "0.5",
                "--out",
                out_path.to_str().unwrap(),
            ],
            1.0,
        );
        // The request is on the wire (the signal handlers were installed before it was sent).
        let start = Instant::now();
        while site.stats().count("/robots.txt") == asked {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "robots.txt never asked"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let sent = Instant::now();
        running.signal(signal);
        let (status, stdout, stderr, _) = running.wait(); // reaped
        let took = sent.elapsed();
        assert_eq!(status.code(), Some(expected_code), "{stdout}\n{stderr}");
        assert!(
            took < grace + Duration::from_secs(1),
            "{signal}: exited {took:?} after the signal (grace {grace:?})\n{stdout}"
        );
        for line in [
            format!(
                "robots.txt: {}/robots.txt -> no answer: not read: {name}",
                site.base_url()
            ),
            format!("Stopping: {name}"),
            "Summary: 0 pages ok, 0 failed, 0 skipped, 3 not finished".to_owned(),
            "page 1: ".to_owned(),
        ] {
            assert!(stdout.contains(&line), "{line:?} missing:\n{stdout}");
        }
        assert!(stdout.contains("NOT FINISHED: not requested"), "{stdout}");
        assert!(!out_path.exists());
    }
    assert_eq!(site.stats().total(), 2, "{:?}", site.stats().counts());
    site.shutdown();
}

// ---------------------------------------------------------------------------------------------
// Problem 8: --max-time

#[test]
fn max_time_stops_a_run_that_would_hang_and_writes_a_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("q.json");
    // Chaos page 5 never answers and the timeout is 60 s (12 s at this scale); --max-time 3
    // (0.6 s) and --grace 0.5 (0.1 s) end the run well before.
    let out = scraper(&[
        "--chaos",
        "--timeout",
        "60",
        "--max-time",
        "3",
        "--grace",
        "0.5",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), Some(124), "{}\n{}", out.stdout, out.stderr);
    assert!(out.wall < Duration::from_secs(8), "{:?}", out.wall);
    out.assert_contains("Stopping: out of time (--max-time)")
        .assert_contains("NOT FINISHED");
    assert!(
        files_in(dir.path()).contains(&"q.partial.json".to_owned()),
        "{:?}\n{}",
        files_in(dir.path()),
        out.stdout
    );
    assert!(!out_path.exists());
}

// ---------------------------------------------------------------------------------------------
// Problem 7: the time scale never makes us faster against someone else's server

#[test]
fn the_time_scale_shrinks_politeness_only_for_loopback_sites() {
    let run = |args: &[&str]| {
        let out = run_example(EXE, args, 0.01);
        out.assert_success();
        out
    };
    // A real site: nothing below real time (and --dry-run sends no request).
    let real = run(&["--base-url", "https://quotes.toscrape.com", "--dry-run"]);
    real.assert_contains("timeout 5.00 s")
        .assert_contains("100.0 ms between requests")
        .assert_contains("COURSE_TIME_SCALE=0.01 ignored")
        .assert_contains("Dry run: no request sent");
    // Our own server on 127.0.0.1: the course scale applies.
    let local = run(&["--dry-run"]);
    local
        .assert_contains("timeout 50.0 ms")
        .assert_contains("1.0 ms between requests");
    assert!(!local.stdout.contains("ignored"), "{}", local.stdout);
}

// ---------------------------------------------------------------------------------------------
// --help

#[test]
fn help_documents_every_flag_and_exit_code() {
    let out = scraper(&["--help"]);
    out.assert_success();
    for flag in [
        "--pages",
        "--concurrency",
        "--timeout",
        "--retries",
        "--delay-ms",
        "--autothrottle",
        "--target-concurrency",
        "--retry-after-cap",
        "--max-redirects",
        "--allow-host",
        "--max-time",
        "--grace",
        "--base-url",
        "--out",
        "--format",
        "--overwrite",
        "--resume",
        "--dry-run",
        "--chaos",
        "--user-agent",
        "--help",
        "--version",
    ] {
        out.assert_contains(flag);
    }
    // What the crawler guarantees a server, stated where the flags are.
    out.assert_contains("a server never has more than this many of our requests in flight")
        .assert_contains("at least this long after the last one to that host really started")
        .assert_contains("min(this, ⌈L ÷ D⌉)");
    out.assert_contains("Exit status:");
    for code in ["0 ", "1 ", "2 ", "3 ", "124", "130", "143"] {
        assert!(
            out.stdout.lines().any(|l| l.trim_start().starts_with(code)),
            "exit code {code} undocumented:\n{}",
            out.stdout
        );
    }
}
