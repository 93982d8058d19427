//! # Exercise 16: parallel data processing
//!
//! Aggregate a generated data set in parallel: count the words of many lines. The data
//! generator, the per-line counting and the sequential version are given; write
//! `count_parallel` with rayon (and the `merge` it needs).
//!
//! Done when: the parallel counts equal the sequential counts exactly (every word, every count),
//! including on an empty input; several threads count at the same moment (the test runs your
//! function in a rayon pool of 4 and counts the busy threads, so a busy machine cannot hide a
//! sequential version); and, when the machine has 2 free cores, it is clearly faster.
//!
//! Builds on: `t14_thread_cpu_demo`, `t30_thread_pool`, `c02_cpu_bound_comparison`.
//!
//! Check: `cargo run --bin exercises -- check 16`
#![allow(unused, unreachable_code, clippy::all)]

use rayon::prelude::*;
use std::collections::HashMap;

/// Word → how many times it occurs.
pub type Counts = HashMap<String, u64>;

/// A deterministic data set of `lines` lines of `words_per_line` words (given).
pub fn generate(lines: usize, words_per_line: usize, seed: u64) -> Vec<String> {
    const VOCABULARY: [&str; 16] = [
        "thread", "process", "task", "lock", "queue", "future", "event", "pool", "mutex",
        "channel", "async", "await", "spawn", "join", "core", "cache",
    ];
    let mut state = seed;
    (0..lines)
        .map(|_| {
            (0..words_per_line)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    VOCABULARY[usize::try_from(state >> 60).unwrap_or(0)]
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Counts the words of one line into `counts` (given).
pub fn count_line(counts: &mut Counts, line: &str) {
    for word in line.split_whitespace() {
        *counts.entry(word.to_owned()).or_insert(0) += 1;
    }
}

/// The sequential reference (given).
pub fn count_sequential(lines: &[String]) -> Counts {
    let mut counts = Counts::new();
    for line in lines {
        count_line(&mut counts, line);
    }
    counts
}

/// Adds `b`'s counts into `a`.
pub fn merge(a: Counts, b: Counts) -> Counts {
    todo!()
}

/// The same counts, computed on every core with rayon.
pub fn count_parallel(lines: &[String]) -> Counts {
    todo!("par_iter().fold(..).reduce(..)")
}
