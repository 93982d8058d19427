//! Helpers for the tests that run the real example binaries: run with a time scale and a
//! watchdog, then check lines, their order and the printed times.
//!
//! ```ignore
//! use utilities::testkit::{run_example, seconds_on_line};
//! // in a test of the crate that owns the binary:
//! let out = run_example(env!("CARGO_BIN_EXE_t00_sequential_vs_threads"), &[], 0.05);
//! out.assert_success();
//! let seq = seconds_on_line(&out.stdout, "Sequential");
//! ```

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long a test lets an example run before killing it and failing (a hang is a failure).
pub const WATCHDOG: Duration = Duration::from_secs(120);

/// What a finished example printed.
#[derive(Debug)]
pub struct RunOutput {
    /// Exit status.
    pub status: ExitStatus,
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// Wall time of the run.
    pub wall: Duration,
}

impl RunOutput {
    /// Panics with both streams unless the example exited with status 0.
    pub fn assert_success(&self) -> &Self {
        assert!(
            self.status.success(),
            "example failed with {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the program refused its arguments the way the course's commands do: exit
    /// status 2, stderr starting with `error: `, and no panic.
    pub fn assert_usage_error(&self) -> &Self {
        assert_eq!(self.status.code(), Some(2), "{self:?}");
        assert!(self.stderr.starts_with("error: "), "{}", self.stderr);
        assert!(!self.stderr.contains("panicked"), "{}", self.stderr);
        self
    }

    /// Panics unless stdout contains `needle`.
    pub fn assert_contains(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n--- stdout ---\n{}",
            self.stdout
        );
        self
    }
}

/// Runs `exe args…` with `COURSE_TIME_SCALE=scale`, killing it after [`WATCHDOG`].
pub fn run_example(exe: &str, args: &[&str], scale: f64) -> RunOutput {
    run_with_env(exe, args, &[(crate::TIME_SCALE_VAR, &scale.to_string())])
}

/// Runs `exe` without arguments at `scale` and panics (showing both streams) unless it exited 0.
pub fn run_ok(exe: &str, scale: f64) -> RunOutput {
    let out = run_example(exe, &[], scale);
    out.assert_success();
    out
}

/// Runs `exe args…` with extra environment variables, killing it after [`WATCHDOG`].
///
/// # Panics
/// When the program cannot be started or outlives the watchdog (it is killed and reaped first).
pub fn run_with_env(exe: &str, args: &[&str], env: &[(&str, &str)]) -> RunOutput {
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {exe}: {e}"));
    // Read both pipes on their own threads: a child that fills one pipe while we wait on the
    // other would otherwise deadlock.
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("piped stdout")));
    let err = drain(Box::new(child.stderr.take().expect("piped stderr")));
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > WATCHDOG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{exe} {args:?} still running after {WATCHDOG:?}: killed (a hang is a failure)");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    RunOutput {
        status,
        stdout: out.join().unwrap_or_default(),
        stderr: err.join().unwrap_or_default(),
        wall: start.elapsed(),
    }
}

/// Index of the first line containing `needle`.
pub fn line_index(text: &str, needle: &str) -> Option<usize> {
    text.lines().position(|l| l.contains(needle))
}

/// Panics unless the first line containing `first` comes before the first containing `then`.
pub fn assert_order(text: &str, first: &str, then: &str) {
    let a = line_index(text, first).unwrap_or_else(|| panic!("no line has {first:?}:\n{text}"));
    let b = line_index(text, then).unwrap_or_else(|| panic!("no line has {then:?}:\n{text}"));
    assert!(
        a < b,
        "{first:?} (line {a}) should come before {then:?} (line {b}):\n{text}"
    );
}

/// The number of seconds on the first line containing `label`: the number right before ` s`
/// after `Time taken:` when present, else the last number on the line followed by `s`.
///
/// # Panics
/// When no such line or number exists (the example's output format changed).
pub fn seconds_on_line(text: &str, label: &str) -> f64 {
    let line = text
        .lines()
        .find(|l| l.contains(label))
        .unwrap_or_else(|| panic!("no line has {label:?}:\n{text}"));
    let tail = line.rsplit_once("Time taken:").map_or(line, |(_, t)| t);
    last_number_before_s(tail).unwrap_or_else(|| panic!("no seconds on line {line:?}"))
}

fn last_number_before_s(text: &str) -> Option<f64> {
    let bytes: Vec<char> = text.chars().collect();
    let mut best = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let j = (i..bytes.len())
                .find(|&k| !(bytes[k].is_ascii_digit() || bytes[k] == '.'))
                .unwrap_or(bytes.len());
            let rest: String = bytes[j..].iter().collect();
            if rest.trim_start().starts_with('s') {
                let num: String = bytes[i..j].iter().collect();
                if let Ok(v) = num.parse() {
                    best = Some(v);
                }
            }
            i = j;
        } else {
            i += 1;
        }
    }
    best
}

/// The number of lines of `text` that contain `needle`.
pub fn count_lines(text: &str, needle: &str) -> usize {
    text.lines().filter(|l| l.contains(needle)).count()
}

/// Every integer that follows `key` on lines containing it, e.g. `numbers_after(out, "Counter:")`.
pub fn numbers_after(text: &str, key: &str) -> Vec<i64> {
    text.lines()
        .filter_map(|l| l.split_once(key))
        .filter_map(|(_, rest)| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            digits.parse().ok()
        })
        .collect()
}

/// The bars of every timeline printed in `text` ([`crate::Timeline::print`]'s lines
/// `label |███  | 0.100 → 0.350 s`), as `(label, start, end)` in seconds, in printed order.
pub fn timeline_bars(text: &str) -> Vec<(String, f64, f64)> {
    text.lines()
        .filter_map(|l| {
            let (label, rest) = l.split_once(" |")?;
            let (_, times) = rest.rsplit_once("| ")?;
            let (a, b) = times.strip_suffix(" s")?.split_once(" → ")?;
            Some((
                label.trim_end().to_owned(),
                a.parse().ok()?,
                b.parse().ok()?,
            ))
        })
        .collect()
}

/// Panics unless, for every line containing `used` followed by a word `w`, an earlier line
/// contains `made` followed by the same `w`: "Consumed 3" never printed before "Produced 3".
/// Returns how many `used` lines were checked.
pub fn assert_each_before(text: &str, made: &str, used: &str) -> usize {
    let word_after = |line: &str, key: &str| -> Option<String> {
        let (_, rest) = line.split_once(key)?;
        let w: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        (!w.is_empty()).then_some(w)
    };
    let mut seen = std::collections::HashSet::new();
    let mut checked = 0;
    for (i, line) in text.lines().enumerate() {
        if let Some(w) = word_after(line, used) {
            assert!(
                seen.contains(&w),
                "line {i} {line:?} comes before any {made:?}{w} line:\n{text}"
            );
            checked += 1;
        }
        if let Some(w) = word_after(line, made) {
            seen.insert(w);
        }
    }
    checked
}

pub use crate::claims::{SKIPPED_CLAIMS_FILE, skip_claim, skipped_claims_log};

pub use crate::timing::cores_used;

/// How many times faster this machine runs two copies of a CPU loop (about 0.1–0.3 s each) at
/// once than one, right now ([`crate::timing::parallel_capacity`]): about 2.0 on two free
/// cores; about 1.0–1.2 on a busy machine, or one whose two cores are hyperthreads of one, or are
/// taken away by a hypervisor. Ask it before failing a speedup claim: a machine that reads low
/// cannot show the speedup, and the claim is skipped with that figure.
pub fn two_core_capacity() -> f64 {
    crate::timing::parallel_capacity(2, None, &|| {
        crate::timing::spin(60_000_000);
    })
}

/// The toolchain's `rustc` (`$RUSTC`, else `rustc`) set up to type-check one file the way the
/// compile-fail checks do: edition 2024, a binary crate, metadata only (no codegen), no colours,
/// output into `out_dir`. Add the file (and any `--extern`) and run it.
pub fn rustc_metadata(out_dir: &std::path::Path) -> Command {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let mut cmd = Command::new(rustc);
    cmd.args([
        "--edition",
        "2024",
        "--crate-type",
        "bin",
        "--emit=metadata",
    ])
    .args(["--color", "never", "--out-dir"])
    .arg(out_dir);
    cmd
}

/// Compiles every `*.rs` file of `<crate_dir>/<ui>` with the toolchain's `rustc` (edition 2024)
/// and panics, listing every problem, unless each one is **rejected** with the same error codes
/// and key phrases as the `error[E…]: …` lines of its `.stderr` file next to it.
///
/// A key phrase is the headline without its backticked names ("`Rc<i32>` cannot be sent between
/// threads safely" → "cannot be sent between threads safely"). Spans, notes and the std source
/// paths they point into change between Rust versions and are not compared, so a newer stable
/// Rust still passes. `externs` names the workspace crates the cases may use (their rlib is found
/// next to the running test binary). With `UPDATE_UI=1` the `.stderr` files are (re)written from
/// what rustc says, with this machine's paths replaced by `$DIR` and `$RUST`.
///
/// ```ignore
/// // tests/compile_fail.rs of a crate whose cases use it:
/// utilities::testkit::assert_compile_errors(env!("CARGO_MANIFEST_DIR"), "tests/ui", &["multiprocessing_examples"]);
/// ```
///
/// # Panics
/// When a case compiles, its errors differ from its `.stderr` file, the file lacks an
/// `error[E…]:` line, or `rustc` cannot be run.
pub fn assert_compile_errors(crate_dir: &str, ui: &str, externs: &[&str]) {
    use std::path::{Path, PathBuf};
    let ui_dir = Path::new(crate_dir).join(ui);
    let deps = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .unwrap_or_default();
    let out_dir = deps.parent().unwrap_or(&deps).join("compile-fail");
    std::fs::create_dir_all(&out_dir).expect("create the compile-fail output dir");
    let mut extern_args = Vec::new();
    for name in externs {
        let prefix = format!("lib{}-", name.replace('-', "_"));
        let newest = std::fs::read_dir(&deps)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                let f = e.file_name().to_string_lossy().into_owned();
                f.starts_with(&prefix) && f.ends_with(".rlib")
            })
            .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
            .unwrap_or_else(|| panic!("no {prefix}*.rlib in {}", deps.display()));
        extern_args.push("--extern".to_owned());
        extern_args.push(format!("{name}={}", newest.path().display()));
    }
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&ui_dir)
        .unwrap_or_else(|e| panic!("{}: {e}", ui_dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", ui_dir.display());
    let update = std::env::var_os("UPDATE_UI").is_some();
    let mut problems = Vec::new();
    for case in &cases {
        let name = case.strip_prefix(crate_dir).unwrap_or(case);
        let out = rustc_metadata(&out_dir)
            .current_dir(crate_dir)
            .args(["--crate-name", "ui_case", "-L"])
            .arg(format!("dependency={}", deps.display()))
            .args(&extern_args)
            .arg(name)
            .output()
            .unwrap_or_else(|e| panic!("cannot run rustc: {e}"));
        let said = normalise_rustc_output(&String::from_utf8_lossy(&out.stderr), crate_dir);
        let name = name.display();
        if out.status.success() {
            problems.push(format!("{name}: compiled, but must be rejected"));
            continue;
        }
        let snapshot = case.with_extension("stderr");
        if update {
            std::fs::write(&snapshot, &said).expect("write the .stderr file");
        }
        let want = std::fs::read_to_string(&snapshot)
            .map(|t| error_headlines(&t))
            .unwrap_or_default();
        let got = error_headlines(&said);
        if want.is_empty() {
            problems.push(format!(
                "{name}: {} has no `error[E…]:` line (write it with UPDATE_UI=1)\n{said}",
                snapshot.display()
            ));
        } else if want != got {
            problems.push(format!(
                "{name}: expected errors {want:?}\n  got {got:?}\n--- rustc said ---\n{said}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The `(code, key phrase)` of every `error[E…]: headline` line of a compiler message.
pub fn error_headlines(text: &str) -> std::collections::BTreeSet<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|rest| rest.split_once("]: "))
        .map(|(code, headline)| (code.to_owned(), key_phrase(headline)))
        .collect()
}

/// A headline without its backticked parts (type and variable names, whose spelling varies).
pub fn key_phrase(headline: &str) -> String {
    let unquoted: String = headline
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect();
    unquoted.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// rustc's stderr without the closing summary, with `crate_dir` as `$DIR` and std's sources as
/// `$RUST/…` (no line numbers), as the `.stderr` files keep it.
fn normalise_rustc_output(stderr: &str, crate_dir: &str) -> String {
    let lines: Vec<String> = stderr
        .lines()
        .filter(|l| {
            !l.starts_with("error: aborting due to") && !l.starts_with("For more information")
        })
        .map(|l| {
            let l = l.replace(crate_dir, "$DIR");
            match l.split_once("/library/") {
                Some((head, path)) if l.trim_start().starts_with("-->") => {
                    let arrow = &head[..head.find("-->").map_or(0, |i| i + 3)];
                    let file = path.split(':').next().unwrap_or(path);
                    format!("{arrow} $RUST/{file}")
                }
                _ => l,
            }
        })
        .collect();
    lines.join("\n").trim_end().to_owned() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUT: &str = "\
[   0.000s] main         | Sequential: Time taken: 4.004 s
threaded took 2.5s
Counter: 200000
Counter: 199875 (racy)
";

    #[test]
    fn parses_times_and_numbers() {
        assert!((seconds_on_line(OUT, "Sequential") - 4.004).abs() < 1e-9);
        assert!((seconds_on_line(OUT, "threaded") - 2.5).abs() < 1e-9);
        assert_eq!(numbers_after(OUT, "Counter:"), vec![200_000, 199_875]);
        assert_eq!(line_index(OUT, "Counter"), Some(2));
        assert_eq!(count_lines(OUT, "Counter:"), 2);
        assert_order(OUT, "Sequential", "threaded");
    }

    #[test]
    fn reads_timeline_bars_and_checks_made_before_used() {
        let text = "Timeline: 0 → 0.350 s, one column = 0.035 s\n\
                    make 0   |███       | 0.000 → 0.100 s\n\
                    handle 0 |   ███████| 0.100 → 0.350 s\n\
                    [ 0.1s] x | not a bar\n";
        assert_eq!(
            timeline_bars(text),
            [
                ("make 0".to_owned(), 0.0, 0.1),
                ("handle 0".to_owned(), 0.1, 0.35)
            ]
        );
        let good = "Produced 0\nConsumed 0\nProduced 1\nConsumed 1\n";
        assert_eq!(assert_each_before(good, "Produced ", "Consumed "), 2);
        let bad = std::panic::catch_unwind(|| {
            assert_each_before(
                "Produced 0\nConsumed 1\nProduced 1\n",
                "Produced ",
                "Consumed ",
            )
        });
        assert!(bad.is_err(), "Consumed 1 before Produced 1 must fail");
    }

    #[test]
    fn compile_error_headlines_ignore_the_names_that_vary() {
        assert_eq!(
            key_phrase("`std::sync::MutexGuard<'_, u32>` cannot be sent between threads safely"),
            "cannot be sent between threads safely"
        );
        assert_eq!(
            key_phrase("cannot borrow `counter` as mutable more than once at a time"),
            "cannot borrow as mutable more than once at a time"
        );
        let said = "error[E0382]: use of moved value: `handle`\n  --> /rustc/5980761/library/std/src/thread/scoped.rs:150:5\nerror: aborting due to 1 previous error\n";
        assert_eq!(
            error_headlines(said),
            std::collections::BTreeSet::from([(
                "E0382".to_owned(),
                "use of moved value:".to_owned()
            )])
        );
        assert_eq!(
            normalise_rustc_output(said, "/nowhere"),
            "error[E0382]: use of moved value: `handle`\n  --> $RUST/std/src/thread/scoped.rs\n"
        );
    }

    #[test]
    #[should_panic(expected = "should come before")]
    fn order_violation_panics() {
        assert_order(OUT, "threaded", "Sequential");
    }

    #[test]
    fn runs_a_real_program_and_captures_output() {
        let out = run_example(
            "sh",
            &["-c", "echo $COURSE_TIME_SCALE; echo oops >&2"],
            0.25,
        );
        out.assert_success().assert_contains("0.25");
        assert_eq!(out.stderr.trim(), "oops");
        let failed = run_example("sh", &["-c", "exit 3"], 1.0);
        assert_eq!(failed.status.code(), Some(3));
        assert!(run_ok("true", 1.0).stdout.is_empty());
    }
}
