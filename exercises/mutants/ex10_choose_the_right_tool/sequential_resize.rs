//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 10, `iter` where `par_iter` was meant: the images are resized on one thread.

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
    match task {
        Task::DownloadUrls | Task::ReadLogFiles | Task::SendApiRequests => Workload::IoBound,
        Task::ComputePrimes | Task::ResizeImages => Workload::CpuBound,
    }
}

/// The tool this solution uses for `task`.
pub fn choose(task: Task) -> Tool {
    match task {
        Task::DownloadUrls | Task::ReadLogFiles => Tool::Threads,
        Task::SendApiRequests => Tool::Async,
        Task::ComputePrimes | Task::ResizeImages => Tool::Rayon,
    }
}

/// Why: one sentence per task.
pub fn justify(task: Task) -> &'static str {
    match classify(task) {
        Workload::IoBound => {
            "I/O-bound: the time goes into waiting, so threads or async tasks overlap the waits"
        }
        Workload::CpuBound => {
            "CPU-bound: the time goes into computing, so spread it over cores with rayon; in Rust \
             threads run in parallel (no GIL), so processes are not needed"
        }
    }
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
    std::thread::scope(|s| {
        let handles: Vec<_> = urls
            .iter()
            .map(|url| s.spawn(move || download(url, latency)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("download thread panicked"))
            .collect()
    })
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
    (0..limit).into_par_iter().filter(|&n| is_prime(n)).count()
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
    std::thread::scope(|s| {
        let handles: Vec<_> = paths
            .iter()
            .map(|p| {
                s.spawn(move || {
                    std::thread::sleep(open_latency);
                    std::fs::read_to_string(p).map(|t| t.lines().count())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("reader thread panicked"))
            .collect()
    })
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
    images.iter().map(halve).collect()
}

/// Simulated API request: waits `latency` without blocking the thread.
async fn request(id: u32, latency: Duration) -> u32 {
    tokio::time::sleep(latency).await;
    id * 10
}

/// Sends requests `0..n` concurrently as async tasks; responses in request order.
pub async fn send_requests(n: u32, latency: Duration) -> Vec<u32> {
    futures::future::join_all((0..n).map(|id| request(id, latency))).await
}
