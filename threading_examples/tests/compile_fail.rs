//! Programs that must NOT compile, each with the compiler's message checked in next to it
//! (`tests/ui/<name>.stderr`). They show where Rust rejects at compile time what Python only
//! gets wrong at run time: the unsynchronised counter of t06 (E0499, E0594), `Rc` sent to a
//! thread in t13 (E0277), and the cases of t19 onwards.
//!
//! What is checked, so that a newer stable Rust still passes: each case must fail to compile,
//! with the same error codes and the same key phrases as the `error[E…]: …` lines of its
//! `.stderr` file (a key phrase is the headline without its backticked names:
//! "`Rc<i32>` cannot be sent between threads safely" → "cannot be sent between threads safely").
//! The rest of a `.stderr` file (spans, notes, the std source paths they point into, which move
//! between Rust versions) is there for the reader, not compared.
//!
//! Each case is compiled with the toolchain's `rustc` alone (edition 2024, std only), no Cargo
//! project: a case file must not use other crates. To write the `.stderr` of a new case, or
//! refresh one after an intended change: `UPDATE_UI=1 cargo test -p threading_examples --test
//! compile_fail`, then read the files and commit them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `(code, key phrase)` of every `error[E…]: headline` line in `text`.
fn expected_errors(text: &str) -> BTreeSet<(String, String)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("error["))
        .filter_map(|rest| rest.split_once("]: "))
        .map(|(code, headline)| (code.to_owned(), key_phrase(headline)))
        .collect()
}

/// The headline without its backticked parts (type and variable names, whose spelling varies).
fn key_phrase(headline: &str) -> String {
    let unquoted: String = headline
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, part)| part)
        .collect();
    unquoted.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Compiles one case with `rustc`; returns whether it compiled, and its stderr with this
/// machine's paths replaced (`$DIR` for the crate, `$RUST` for std's sources).
fn compile(case: &Path, out_dir: &Path) -> (bool, String) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_owned());
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(&rustc)
        .current_dir(manifest_dir)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "bin",
            "--emit=metadata",
        ])
        .args(["--color", "never", "--crate-name", "ui_case", "--out-dir"])
        .arg(out_dir)
        .arg(case.strip_prefix(manifest_dir).unwrap_or(case))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {rustc}: {e}"));
    // The closing summary ("error: aborting due to…", "For more information…") is left out.
    let stderr = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| {
            !l.starts_with("error: aborting due to") && !l.starts_with("For more information")
        })
        .map(|l| normalise_std_path(&l.replace(manifest_dir, "$DIR")))
        .collect::<Vec<_>>()
        .join("\n");
    (out.status.success(), stderr.trim_end().to_owned() + "\n")
}

/// ` --> /rustc/<hash>/library/std/src/thread/mod.rs:12:5` → ` --> $RUST/std/src/thread/mod.rs`.
fn normalise_std_path(line: &str) -> String {
    match line.split_once("/library/") {
        Some((head, path)) if line.trim_start().starts_with("-->") => {
            let arrow = &head[..head.find("-->").map_or(0, |i| i + 3)];
            let file = path.split(':').next().unwrap_or(path);
            format!("{arrow} $RUST/{file}")
        }
        _ => line.to_owned(),
    }
}

#[test]
fn programs_rust_refuses_to_compile() {
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("compile_fail");
    std::fs::create_dir_all(&out_dir).expect("create the output dir");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&ui)
        .expect("tests/ui exists")
        .map(|e| e.expect("read tests/ui").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "no cases in {}", ui.display());
    let update = std::env::var_os("UPDATE_UI").is_some();

    let mut problems = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let (compiled, stderr) = compile(case, &out_dir);
        if compiled {
            problems.push(format!("{name}: compiled, but must be rejected"));
            continue;
        }
        let snapshot = case.with_extension("stderr");
        if update {
            std::fs::write(&snapshot, &stderr).expect("write the .stderr file");
        }
        let want = std::fs::read_to_string(&snapshot)
            .map(|t| expected_errors(&t))
            .unwrap_or_default();
        let got = expected_errors(&stderr);
        if want.is_empty() {
            problems.push(format!(
                "{name}: {} has no `error[E…]:` line (write it with UPDATE_UI=1)\n{stderr}",
                snapshot.display()
            ));
        } else if want != got {
            problems.push(format!(
                "{name}: expected errors {want:?}\n  got {got:?}\n--- rustc said ---\n{stderr}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn key_phrases_ignore_the_names_that_vary() {
    assert_eq!(
        key_phrase("`std::sync::MutexGuard<'_, u32>` cannot be sent between threads safely"),
        "cannot be sent between threads safely"
    );
    assert_eq!(
        key_phrase("cannot borrow `counter` as mutable more than once at a time"),
        "cannot borrow as mutable more than once at a time"
    );
    let text = "error[E0382]: use of moved value: `handle`\n  --> x.rs:1:1\nerror: aborting\n";
    assert_eq!(
        expected_errors(text),
        BTreeSet::from([("E0382".to_owned(), "use of moved value:".to_owned())])
    );
    assert_eq!(
        normalise_std_path("  --> /rustc/5980761/library/std/src/thread/scoped.rs:150:5"),
        "  --> $RUST/std/src/thread/scoped.rs"
    );
}
