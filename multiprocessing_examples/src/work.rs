//! CPU work and sizes shared by the CPU-bound examples (`p02`, `p13`, `p22`, `p30`, …).
//!
//! The loops go through [`std::hint::black_box`]: without it the optimiser replaces
//! `for i in 0..n { total += i }` by the formula `n·(n−1)/2` and a "50 M-element sum" takes no
//! time at all in a release build.

use std::hint::black_box;

/// `sum(range(n))`, the Python original's `cpu_task(n)`, one addition at a time.
pub fn sum_below(n: u64) -> u64 {
    let mut total = 0u64;
    for i in 0..n {
        total = total.wrapping_add(black_box(i));
    }
    total
}

/// The exact value of [`sum_below`]`(n)`: `n·(n−1)/2`.
pub fn sum_below_formula(n: u64) -> u64 {
    let n = u128::from(n);
    u64::try_from(n * n.saturating_sub(1) / 2).unwrap_or(u64::MAX)
}

/// The Python original's `for _ in range(n): count += 1`.
pub fn count_to(n: u64) -> u64 {
    let mut count = 0u64;
    for _ in 0..n {
        count = black_box(count) + 1;
    }
    count
}

/// Spins on the CPU for the scaled duration `seconds` and returns how many rounds it did
/// (a CPU-bound slice of fixed length, for demos whose claim is about wall time).
pub fn spin_for(seconds: f64) -> u64 {
    let until = std::time::Instant::now() + utilities::secs(seconds);
    let mut rounds = 0u64;
    while std::time::Instant::now() < until {
        rounds = black_box(rounds) + 1;
    }
    rounds
}

/// A problem size: the value of environment variable `var` if set (tests use it), else `fast`
/// under `COURSE_FAST=1`, else `full`.
pub fn size_from_env(var: &str, full: u64, fast: u64) -> u64 {
    if let Some(n) = std::env::var(var).ok().and_then(|v| v.trim().parse().ok()) {
        return n;
    }
    if utilities::fast_mode() { fast } else { full }
}

/// The number of cores this process may use (`os.cpu_count()`).
pub fn cpu_count() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_match_the_formula() {
        for n in [0, 1, 2, 10, 12_345] {
            assert_eq!(sum_below(n), sum_below_formula(n));
        }
        assert_eq!(sum_below_formula(50_000_000), 1_249_999_975_000_000);
        assert_eq!(count_to(1000), 1000);
    }
}
