//! # Exercise 17: a thread-safe bounded queue (reference solution)
//!
//! The solution lives in its own package, `exercises/thread_safe_structures`, so that loom can
//! check every interleaving of it (loom needs a build with `--cfg loom`, which tokio — used
//! elsewhere in this crate — does not survive). Read it there:
//! `exercises/thread_safe_structures/src/lib.rs`; the loom model tests are in its `tests/loom.rs`.

pub use thread_safe_structures::BoundedQueue;
