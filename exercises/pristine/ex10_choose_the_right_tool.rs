//! # Exercise 10: choose the right tool
//!
//! Python's exercise: for each of five tasks decide between threads and processes, and justify
//! the choice. Here you also *do* each task with the tool you chose, and the tests check the
//! property that proves the choice right:
//!
//! 1. downloading files from multiple URLs — `download_all`: N downloads ≈ one latency;
//! 2. calculating prime numbers — `count_primes`: correct, several threads computing at once, and
//!    faster than sequential when the machine has 2 free cores;
//! 3. reading multiple log files from disk (a slow network disk) — `count_log_lines`: N files ≈
//!    one open latency;
//! 4. image resizing — `resize_all`: same pixels as sequential, several threads at once, faster
//!    when the machine has 2 free cores;
//! 5. sending API requests — `send_requests` (async): N requests ≈ one latency, even on a
//!    single-threaded runtime.
//!
//! Also fill in `classify` (I/O- or CPU-bound), `choose` (your tool) and `justify` (one sentence).
//! Think about what the GIL changes: Python needs processes for CPU work; does Rust?
//!
//! Done when: every property above holds, `classify` is right for all five, `choose` picks
//! threads or async for I/O and threads/rayon (not processes) for CPU, and the CPU justification
//! says why (it mentions the GIL).
//!
//! Builds on: `t00_sequential_vs_threads`, `t16_thread_io_demo`, `p13_cpu_bound_processes`,
//!   `a01_sequential_vs_gather`, `c02_cpu_bound_comparison`.
//!
//! Check: `cargo run --bin exercises -- check 10`
#![allow(unused, unreachable_code, clippy::all)]

use rayon::prelude::*;
use std::path::PathBuf;
use std::time::Duration;

/// The five tasks of the exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// Downloading files from multiple URLs.
    DownloadUrls,
    /// Calculating prime numbers.
    ComputePrimes,
    /// Reading multiple log files from disk.
    ReadLogFiles,
    /// Image resizing.
    ResizeImages,
    /// Sending API requests.
    SendApiRequests,
}

/// What a task spends its time on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Waiting for the network or the disk.
    IoBound,
    /// Computing.
    CpuBound,
}

/// A concurrency model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// OS threads (`std::thread`).
    Threads,
    /// Async tasks on tokio.
    Async,
    /// rayon's work-stealing thread pool (data parallelism).
    Rayon,
    /// Separate processes.
    Processes,
}

/// What `task` spends its time on.
pub fn classify(task: Task) -> Workload {
    todo!()
}

/// The tool this solution uses for `task`.
pub fn choose(task: Task) -> Tool {
    todo!()
}

/// Why: one sentence per task.
pub fn justify(task: Task) -> &'static str {
    todo!("one sentence; say why Rust does not need processes for CPU work")
}

/// Simulated download: waits `latency`, returns the URL's "size".
fn download(url: &str, latency: Duration) -> usize {
    std::thread::sleep(latency);
    url.len() * 100
}

/// Downloads every URL on its own thread; sizes in URL order.
///
/// # Panics
/// When a thread panics.
pub fn download_all(urls: &[&str], latency: Duration) -> Vec<usize> {
    todo!("one thread per URL, each calls download(url, latency)")
}

/// Whether `n` is prime (trial division: deliberately CPU-heavy).
pub fn is_prime(n: u64) -> bool {
    n >= 2
        && (2..)
            .take_while(|d| d * d <= n)
            .all(|d| !n.is_multiple_of(d))
}

/// How many primes are below `limit`, one core.
pub fn count_primes_sequential(limit: u64) -> usize {
    (0..limit).filter(|&n| is_prime(n)).count()
}

/// How many primes are below `limit`, every core.
pub fn count_primes(limit: u64) -> usize {
    todo!("rayon: (0..limit).into_par_iter()")
}

/// Reads every file on its own thread after a simulated slow open of `open_latency` (a network
/// disk); returns the number of lines of each file, in order.
///
/// # Panics
/// When a thread panics.
///
/// # Errors
/// The first file that cannot be read.
pub fn count_log_lines(paths: &[PathBuf], open_latency: Duration) -> std::io::Result<Vec<usize>> {
    todo!("one thread per file: sleep(open_latency), then read and count lines")
}

/// A grey-scale image, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    /// Pixels per row.
    pub width: usize,
    /// Rows.
    pub height: usize,
    /// `width * height` pixel values.
    pub pixels: Vec<u8>,
}

/// Halves both dimensions; each new pixel is the average of a 2×2 block.
pub fn halve(img: &Image) -> Image {
    let (w, h) = (img.width / 2, img.height / 2);
    let mut pixels = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let at =
                |dx: usize, dy: usize| u32::from(img.pixels[(2 * y + dy) * img.width + 2 * x + dx]);
            let sum = at(0, 0) + at(1, 0) + at(0, 1) + at(1, 1);
            pixels.push(u8::try_from(sum / 4).unwrap_or(u8::MAX));
        }
    }
    Image {
        width: w,
        height: h,
        pixels,
    }
}

/// Halves every image, spread over the cores.
pub fn resize_all(images: &[Image]) -> Vec<Image> {
    todo!("rayon: par_iter().map(halve)")
}

/// Simulated API request: waits `latency` without blocking the thread.
async fn request(id: u32, latency: Duration) -> u32 {
    tokio::time::sleep(latency).await;
    id * 10
}

/// Sends requests `0..n` concurrently as async tasks; responses in request order.
pub async fn send_requests(n: u32, latency: Duration) -> Vec<u32> {
    todo!("one future per request, awaited together")
}
