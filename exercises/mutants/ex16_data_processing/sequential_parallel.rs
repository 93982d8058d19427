//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 16, a sequential "parallel" version: `count_parallel` just calls
//! `count_sequential`. Right counts, and on a busy machine not even slower.

use rayon::prelude::*;
use std::collections::HashMap;

/// Word → how many times it occurs.
pub type Counts = HashMap<String, u64>;

/// A deterministic data set: `lines` lines of `words_per_line` words drawn from a small
/// vocabulary by a linear congruential generator (same input, same data, every time).
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

/// Counts the words of one line into `counts`.
pub fn count_line(counts: &mut Counts, line: &str) {
    for word in line.split_whitespace() {
        *counts.entry(word.to_owned()).or_insert(0) += 1;
    }
}

/// The sequential reference.
pub fn count_sequential(lines: &[String]) -> Counts {
    let mut counts = Counts::new();
    for line in lines {
        count_line(&mut counts, line);
    }
    counts
}

/// Adds `b`'s counts into `a`.
pub fn merge(mut a: Counts, b: Counts) -> Counts {
    for (word, n) in b {
        *a.entry(word).or_insert(0) += n;
    }
    a
}

/// The same counts, computed on every core with rayon.
pub fn count_parallel(lines: &[String]) -> Counts {
    count_sequential(lines)
}
