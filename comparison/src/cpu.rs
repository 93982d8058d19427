//! CPU-bound work: the Python originals' big sums (`total += i` for `i` in a range), split into chunks and
//! computed six ways. Every mode must return the same checksum, the closed form n(n-1)/2.
//!
//! `black_box` hides each number from the optimiser: without it LLVM replaces the loop by the
//! closed form and there is nothing left to parallelise. With it, the loop does what the Python
//! loop does (one addition per number), only without the interpreter.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use rayon::prelude::*;

use crate::procpool::ProcessPool;
use crate::worker::Job;

/// Sum of `lo..hi`, one addition per number (wrapping, like a fixed-width counter).
///
/// `inline(never)`: every mode (sequential, threads, pools, workers) then runs the very same
/// machine code; inlined copies could be unrolled differently and compare different loops.
#[inline(never)]
pub fn sum_range(lo: u64, hi: u64) -> u64 {
    let mut total = 0u64;
    for i in lo..hi {
        total = total.wrapping_add(black_box(i));
    }
    total
}

/// The course demo's loop, `for _ in range(n): total += 1`, one addition per step like
/// [`sum_range`] but adding 1 (the Python demo's body, so both sides do the same work).
#[inline(never)]
pub fn count_up(n: u64) -> u64 {
    let mut total = 0u64;
    for _ in 0..n {
        total = total.wrapping_add(black_box(1));
    }
    total
}

/// Runs [`count_up`] in a new process (this executable, re-executed in the counting role) and
/// returns the child; its stdout carries the count. The Rust form of
/// `multiprocessing.Process(target=cpu_task).start()`.
///
/// # Errors
/// When the child cannot be started.
pub fn spawn_counter(n: u64) -> Result<std::process::Child> {
    let exe = std::env::current_exe()?;
    Ok(std::process::Command::new(exe)
        .args([crate::worker::COUNT_ARG, &n.to_string()])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .spawn()?)
}

/// Waits for a child started by [`spawn_counter`] (blocking, no polling) and reads its count.
///
/// # Errors
/// A child that failed or printed something other than a number.
pub fn join_counter(child: std::process::Child) -> Result<u64> {
    let out = child.wait_with_output()?;
    if !out.status.success() {
        return Err(anyhow!("counting child failed: {}", out.status));
    }
    let text = String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(64)]).into_owned();
    text.trim()
        .parse()
        .map_err(|e| anyhow!("counting child printed {text:?}: {e}"))
}

/// The expected checksum of `0..n`: n(n-1)/2, truncated to 64 bits like [`sum_range`].
pub fn expected_sum(n: u64) -> u64 {
    let n = u128::from(n);
    // Truncation is the point: sum_range wraps the same way.
    #[allow(clippy::cast_possible_truncation)]
    let v = (n * n.saturating_sub(1) / 2) as u64;
    v
}

/// Splits `0..n` into `parts` contiguous ranges of (nearly) equal length.
pub fn chunks(n: u64, parts: usize) -> Vec<(u64, u64)> {
    let parts = parts.max(1) as u64;
    (0..parts)
        .map(|p| (n * p / parts, n * (p + 1) / parts))
        .collect()
}

fn combine(sums: impl IntoIterator<Item = u64>) -> u64 {
    sums.into_iter().fold(0, u64::wrapping_add)
}

/// All chunks, one after another, on this thread.
pub fn sequential(chunks: &[(u64, u64)]) -> u64 {
    combine(chunks.iter().map(|&(lo, hi)| sum_range(lo, hi)))
}

/// One std thread per chunk, joined at the end (Python's `threading.Thread` per task).
///
/// # Errors
/// A worker thread that panicked.
pub fn threads(chunks: &[(u64, u64)]) -> Result<u64> {
    let handles: Vec<_> = chunks
        .iter()
        .map(|&(lo, hi)| std::thread::spawn(move || sum_range(lo, hi)))
        .collect();
    let sums: Result<Vec<u64>> = handles
        .into_iter()
        .map(|h| h.join().map_err(|_| anyhow!("worker thread panicked")))
        .collect();
    Ok(combine(sums?))
}

/// A fixed rayon pool (work-stealing) over the chunks.
pub fn rayon_pool(pool: &rayon::ThreadPool, chunks: &[(u64, u64)]) -> u64 {
    pool.install(|| {
        combine(
            chunks
                .par_iter()
                .map(|&(lo, hi)| sum_range(lo, hi))
                .collect::<Vec<_>>(),
        )
    })
}

/// The chunks as jobs for the process pool (the numbers cross the pipe, not the data).
///
/// # Errors
/// A failed worker.
pub fn process_pool(pool: &ProcessPool, chunks: &[(u64, u64)]) -> Result<u64> {
    let jobs: Vec<Job<'_>> = chunks.iter().map(|&(lo, hi)| Job::Sum { lo, hi }).collect();
    Ok(combine(pool.map(&jobs)?))
}

/// How long a 5 ms ticker task on the runtime was held up at worst while the work ran: the
/// cost of blocking an async runtime, seen by every other task on it.
#[derive(Debug, Clone, Copy, Default)]
pub struct TickerDelay(pub Duration);

async fn with_ticker<F: Future<Output = Result<u64>>>(work: F) -> Result<(u64, TickerDelay)> {
    let worst = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(tokio::sync::Notify::new());
    let ticker = {
        let (worst, stop) = (Arc::clone(&worst), Arc::clone(&stop));
        tokio::spawn(async move {
            let period = Duration::from_millis(5);
            loop {
                let asked = Instant::now();
                tokio::select! {
                    () = tokio::time::sleep(period) => {}
                    () = stop.notified() => break,
                }
                let late = asked.elapsed().saturating_sub(period);
                let late = u64::try_from(late.as_micros()).unwrap_or(u64::MAX);
                worst.fetch_max(late, Ordering::Relaxed);
            }
        })
    };
    tokio::task::yield_now().await; // let the ticker start before the work
    let sum = work.await;
    stop.notify_one();
    ticker.await?;
    let delay = TickerDelay(Duration::from_micros(worst.load(Ordering::Relaxed)));
    Ok((sum?, delay))
}

/// Both tokio sides: on `rt`, with the ticker watching, starts one task per chunk with `spawn`,
/// then awaits each partial sum in order and combines them.
///
/// # Errors
/// A panicked task.
fn on_tokio(
    rt: &tokio::runtime::Runtime,
    chunks: &[(u64, u64)],
    spawn: fn(u64, u64) -> tokio::task::JoinHandle<u64>,
) -> Result<(u64, TickerDelay)> {
    let chunks = chunks.to_vec();
    rt.block_on(with_ticker(async move {
        let handles: Vec<_> = chunks.into_iter().map(|(lo, hi)| spawn(lo, hi)).collect();
        let mut sums = Vec::new();
        for h in handles {
            sums.push(h.await?);
        }
        Ok(combine(sums))
    }))
}

/// `tokio::task::spawn_blocking` per chunk: the right way to run CPU work from async code.
///
/// # Errors
/// A panicked task.
pub fn tokio_spawn_blocking(
    rt: &tokio::runtime::Runtime,
    chunks: &[(u64, u64)],
) -> Result<(u64, TickerDelay)> {
    on_tokio(rt, chunks, |lo, hi| {
        tokio::task::spawn_blocking(move || sum_range(lo, hi))
    })
}

/// The anti-pattern: CPU work directly inside async tasks. It still uses the runtime's worker
/// threads in parallel, but while it runs those workers can poll nothing else, so every other
/// task on the runtime (the ticker here; requests in a server) waits.
///
/// # Errors
/// A panicked task.
pub fn tokio_on_runtime(
    rt: &tokio::runtime::Runtime,
    chunks: &[(u64, u64)],
) -> Result<(u64, TickerDelay)> {
    on_tokio(rt, chunks, |lo, hi| {
        tokio::spawn(async move { sum_range(lo, hi) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_up_adds_one_per_step() {
        assert_eq!(count_up(0), 0);
        assert_eq!(count_up(1000), 1000);
    }

    #[test]
    fn sum_matches_the_closed_form() {
        assert_eq!(sum_range(0, 10), 45);
        assert_eq!(expected_sum(10), 45);
        assert_eq!(expected_sum(0), 0);
        // the Python original's figure: sum(range(50_000_000)) = 1249999975000000
        assert_eq!(expected_sum(50_000_000), 1_249_999_975_000_000);
    }

    #[test]
    fn chunks_cover_the_range_exactly_once() {
        let c = chunks(103, 4);
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].0, 0);
        assert_eq!(c[3].1, 103);
        assert!(c.windows(2).all(|w| w[0].1 == w[1].0));
        assert_eq!(sequential(&c), expected_sum(103));
    }

    #[test]
    fn every_in_process_mode_agrees() {
        let c = chunks(100_000, 8);
        let want = expected_sum(100_000);
        assert_eq!(sequential(&c), want);
        assert_eq!(threads(&c).unwrap(), want);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        assert_eq!(rayon_pool(&pool, &c), want);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        assert_eq!(tokio_spawn_blocking(&rt, &c).unwrap().0, want);
        assert_eq!(tokio_on_runtime(&rt, &c).unwrap().0, want);
    }
}
