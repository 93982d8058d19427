//! Skipped claims: the one way to say "this timing claim could not be judged in this run".
//!
//! Tests report through it (re-exported as `utilities::testkit::skip_claim`), and so does the
//! exercises' checker support code, which is a normal library: that is why it lives outside the
//! test-only `testkit` module.

/// Reports that a claim could not be judged in this run, with the reason, where people see it.
///
/// A timing claim ("2 threads are ≥ 1.5× faster") can only be judged when the machine gave the
/// program its cores. When it did not, the test must not pass silently, and must not fail on a
/// claim that is true. This prints `SKIPPED CLAIM: <claim> (<reason>)` straight to the process's
/// stderr (libtest captures only the `print!` macros, so the line shows in `cargo test` output),
/// and appends the same line to `target/skipped-claims.log`, which `scripts/test.sh` and CI count
/// and print after the test run.
pub fn skip_claim(claim: &str, reason: &str) {
    use std::io::Write;
    let line = format!("SKIPPED CLAIM: {claim} ({reason})");
    let _ = writeln!(std::io::stderr(), "{line}");
    if let Some(path) = skipped_claims_log()
        && let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
    {
        let _ = writeln!(f, "{line}");
    }
}

/// `target/skipped-claims.log` of the build this test binary belongs to: `$CARGO_TARGET_DIR` if
/// set, else the `target` folder above the running executable (`target/debug/deps/test-…`).
pub fn skipped_claims_log() -> Option<std::path::PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return Some(std::path::PathBuf::from(dir).join(SKIPPED_CLAIMS_FILE));
    }
    let exe = std::env::current_exe().ok()?;
    exe.ancestors()
        .find(|p| p.file_name().is_some_and(|n| n == "target"))
        .map(|t| t.join(SKIPPED_CLAIMS_FILE))
}

/// File name of the skipped-claims log inside the target directory.
pub const SKIPPED_CLAIMS_FILE: &str = "skipped-claims.log";
