//! The Python original's CPU-heavy job: `total += i` for `i in range(n)` (the course notebook, Module 4C "B) Running CPU-heavy work
//! safely inside asyncio"), plus a rayon version of it.

use rayon::prelude::*;

/// The Python original's `n`: `cpu_heavy(50_000_000)`.
pub const SEED_N: u64 = 50_000_000;

/// What `cpu_heavy(n)` returns: 0 + 1 + … + (n − 1).
pub const fn expected_sum(n: u64) -> u64 {
    if n == 0 { 0 } else { n * (n - 1) / 2 }
}

/// The Python original's loop, one thread, honestly done one addition at a time (`black_box` stops the
/// optimiser from replacing the loop with the formula).
pub fn cpu_heavy(n: u64) -> u64 {
    sum_range(0, n)
}

/// `lo + (lo + 1) + … + (hi − 1)`, one addition at a time.
fn sum_range(lo: u64, hi: u64) -> u64 {
    let mut total: u64 = 0;
    for i in lo..hi {
        total += std::hint::black_box(i);
    }
    total
}

/// [`cpu_heavy`] as a process-pool task: the sum and the pid of the process that computed it.
pub fn cpu_heavy_with_pid(n: u64) -> (u64, u32) {
    (cpu_heavy(n), std::process::id())
}

/// The same sum split over rayon's thread pool: one chunk per rayon thread, each chunk the
/// same plain loop (per-item `par_iter` adaptors cost more than the additions in a debug build).
pub fn cpu_heavy_rayon(n: u64) -> u64 {
    let chunks = rayon::current_num_threads().max(1) as u64;
    let per = n.div_ceil(chunks);
    (0..chunks)
        .into_par_iter()
        .map(|c| sum_range((c * per).min(n), ((c + 1) * per).min(n)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_rayon_and_formula_agree() {
        for n in [0, 1, 2, 10, 100_000] {
            assert_eq!(cpu_heavy(n), expected_sum(n));
            assert_eq!(cpu_heavy_rayon(n), expected_sum(n));
        }
        assert_eq!(expected_sum(SEED_N), 1_249_999_975_000_000);
    }
}
