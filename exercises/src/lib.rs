//! The course's exercises and the Module 3 (traits) examples.
//!
//! - [`info`]: the ordered list of exercises with their hints (the checker's `info.toml`).
//! - `starters/` (module `starters`, compiled only with the `starters` feature): the learner's
//!   code, with `todo!()` where the work goes.
//! - [`solutions`]: the reference solutions.
//! - [`subject`](mod@subject): what the tests in `tests/exNN_*.rs` check — the solutions by default (so a plain
//!   `cargo test` passes on a fresh clone), the starters when the checker builds with
//!   `--features starters`.
//! - [`checker`]: the machinery behind `cargo run --bin exercises -- list | check | verify`.
//! - [`mutation`]: a wrong solution of `exercises/mutants/` as the lines it changes in the solution.
//! - [`support`]: small helpers the exercises and tests share (event log, gauge, watchdog).
//!
//! See `exercises/README.md` for the learner's loop.
#![warn(missing_docs)]

pub mod checker;
pub mod info;
pub mod mutation;
pub mod support;

#[path = "../solutions/mod.rs"]
pub mod solutions;

#[cfg(feature = "starters")]
#[path = "../starters/mod.rs"]
pub mod starters;

/// The code under test: [`solutions`] by default, `starters` with the `starters` feature.
#[cfg(not(feature = "starters"))]
pub use solutions as subject;
/// The code under test: [`solutions`] by default, `starters` with the `starters` feature.
#[cfg(feature = "starters")]
pub use starters as subject;

/// `exercises::subject!(ex06_synchronization_in_practice);` at the top of a test file: brings the
/// code under test into scope as `ex`.
///
/// Normally `ex` is `exercises::subject::<name>` (the solution, or the learner's starter with the
/// `starters` feature). With the `mutant` feature (only `verify` turns it on), `ex` is instead the
/// file named by the environment variable `EXERCISES_MUTANT` at compile time: one wrong solution
/// from `exercises/mutants/`, compiled into this one test binary. Changing the variable rebuilds
/// only that test binary, not the library, so the whole corpus is checked in seconds per mutant.
#[macro_export]
macro_rules! subject {
    ($name:ident) => {
        #[cfg(not(feature = "mutant"))]
        use exercises::subject::$name as ex;
        #[cfg(feature = "mutant")]
        #[allow(unused, unreachable_code, clippy::all, clippy::pedantic, missing_docs)]
        mod ex {
            include!(env!("EXERCISES_MUTANT"));
        }
    };
}
