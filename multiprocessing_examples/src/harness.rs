//! A tiny test runner for test binaries that must own `main` (`harness = false` in
//! `Cargo.toml`): a test that uses [`crate::pool`], [`crate::manager`] or
//! [`crate::spawn::SelfCommand`] re-executes its own binary, so `main` has to start with the
//! role check, which libtest's generated `main` cannot do.
//!
//! ```no_run
//! use multiprocessing_examples::{harness, pool::{self, Task}};
//! fn square(x: u64) -> u64 { x * x }
//! static TASKS: &[Task] = &[pool::task!("square", square)];
//!
//! fn squares_in_order() { /* … asserts … */ }
//!
//! fn main() {
//!     pool::serve_if_worker(TASKS); // the workers re-execute this binary
//!     harness::run(harness::tests![squares_in_order]);
//! }
//! ```
//!
//! Tests run one after the other (no cross-talk between their child processes). Arguments that
//! do not start with `-` filter by substring, like libtest. At the end the runner fails if any
//! child process of the test binary is left, zombie or alive.

/// `tests![a, b]` → `&[("a", a as fn()), ("b", b as fn())]` for [`run`].
#[macro_export]
macro_rules! tests {
    ($($f:ident),* $(,)?) => {
        &[$((stringify!($f), $f as fn())),*]
    };
}
pub use crate::tests;

/// Runs the tests, prints `test name ... ok|FAILED`, checks that no child process is left, and
/// exits with status 1 on any failure.
pub fn run(tests: &[(&str, fn())]) -> ! {
    run_then(tests, || Ok(()))
}

/// Like [`run`], with one more check after the tests (e.g. "no socket file left"): an `Err`
/// counts as a failure.
pub fn run_then(
    tests: &[(&str, fn())],
    last_check: impl FnOnce() -> Result<(), Box<dyn std::error::Error>>,
) -> ! {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let mut failed = Vec::new();
    let mut ran = 0;
    for (name, test) in tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        ran += 1;
        let ok = std::panic::catch_unwind(test).is_ok();
        println!("test {name} ... {}", if ok { "ok" } else { "FAILED" });
        if !ok {
            failed.push(*name);
        }
    }
    let left = crate::spawn::children_of(std::process::id());
    if !left.is_empty() {
        println!("child processes left behind (zombies or orphans): {left:?}");
        failed.push("no child process left behind");
    }
    if let Err(e) = last_check() {
        println!("final check failed: {e}");
        failed.push("final check");
    }
    println!(
        "\ntest result: {}. {} passed; {} failed",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len().min(ran),
        failed.len()
    );
    if failed.is_empty() {
        std::process::exit(0)
    }
    println!("failures: {failed:?}");
    std::process::exit(1)
}
