//! Exercise 10 tests (solution by default; your starter via `cargo run --bin exercises -- check 10`).
use ex::{Image, Task, Tool, Workload};
exercises::subject!(ex10_choose_the_right_tool);
use exercises::support::{assert_speedup, busy_threads, repeat_for, serial};
use std::time::{Duration, Instant};

const ALL: [Task; 5] = [
    Task::DownloadUrls,
    Task::ComputePrimes,
    Task::ReadLogFiles,
    Task::ResizeImages,
    Task::SendApiRequests,
];

#[test]
fn classification_and_choices() {
    let _turn = serial();
    for task in ALL {
        let expected = match task {
            Task::ComputePrimes | Task::ResizeImages => Workload::CpuBound,
            _ => Workload::IoBound,
        };
        assert_eq!(ex::classify(task), expected, "{task:?}");
        let tool = ex::choose(task);
        match expected {
            Workload::IoBound => assert!(
                matches!(tool, Tool::Threads | Tool::Async),
                "{task:?} waits: threads or async, not {tool:?}"
            ),
            Workload::CpuBound => assert!(
                matches!(tool, Tool::Threads | Tool::Rayon),
                "{task:?} computes: in Rust that is threads/rayon (no GIL), not {tool:?}"
            ),
        }
        assert!(!ex::justify(task).is_empty());
    }
    assert!(
        ex::justify(Task::ComputePrimes).contains("GIL"),
        "say why Rust needs no processes for CPU work: {}",
        ex::justify(Task::ComputePrimes)
    );
}

#[test]
fn downloads_overlap() {
    let _turn = serial();
    let urls = [
        "https://a.example/1",
        "https://b.example/22",
        "https://c.example/333",
        "https://d.example/4",
    ];
    let latency = Duration::from_millis(300);
    let t = Instant::now();
    let sizes = ex::download_all(&urls, latency);
    let took = t.elapsed();
    assert_eq!(
        sizes,
        urls.iter().map(|u| u.len() * 100).collect::<Vec<_>>()
    );
    assert!(
        took < latency * 2,
        "4 downloads of {latency:?} took {took:?}: they should overlap"
    );
}

#[test]
fn slow_log_files_are_read_concurrently() {
    let _turn = serial();
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (1..=5)
        .map(|i| {
            let p = dir.path().join(format!("app{i}.log"));
            std::fs::write(&p, "INFO start\n".repeat(i * 10)).unwrap();
            p
        })
        .collect();
    let latency = Duration::from_millis(300);
    let t = Instant::now();
    let lines = ex::count_log_lines(&paths, latency).unwrap();
    let took = t.elapsed();
    assert_eq!(lines, vec![10, 20, 30, 40, 50]);
    assert!(
        took >= latency,
        "took {took:?}: each open takes {latency:?}"
    );
    assert!(
        took < latency * 2,
        "5 files took {took:?}: the slow opens should overlap"
    );
    let missing = [dir.path().join("missing.log")];
    assert!(ex::count_log_lines(&missing, Duration::ZERO).is_err());
}

#[tokio::test(flavor = "current_thread")]
async fn api_requests_overlap_on_one_thread() {
    // No `serial()` turn here (a lock held across `.await`): this test only sleeps, so it adds no
    // running thread to the other tests' counts.
    let latency = Duration::from_millis(300);
    let t = Instant::now();
    let replies = ex::send_requests(50, latency).await;
    let took = t.elapsed();
    assert_eq!(replies, (0..50).map(|i| i * 10).collect::<Vec<u32>>());
    assert!(
        took < latency * 2,
        "50 requests took {took:?} on one thread: they should overlap"
    );
}

/// Runs `f` inside a rayon pool of 4 threads: rayon's parallel iterators use the pool they are
/// called in, so a parallel version keeps several of the 4 busy at once (even on a busy or
/// 1-core machine, a thread waiting for a core counts as running), a sequential one only one.
fn running_in_a_pool_of_4<T: Send>(f: impl Fn() -> T + Send + Sync) -> (T, usize) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .expect("a rayon pool");
    // Repeated for 400 ms inside one `install`: enough samples to judge, on a fast machine too.
    busy_threads(|| pool.install(|| repeat_for(Duration::from_millis(400), &f)))
}

#[test]
fn primes_use_several_threads_at_once() {
    let _turn = serial();
    let limit = 400_000;
    let expected = ex::count_primes_sequential(limit);
    let (got, running) = running_in_a_pool_of_4(|| ex::count_primes(limit));
    assert_eq!(got, expected);
    assert!(
        running >= 2,
        "only {running} thread(s) were busy counting primes at the same time: count_primes runs \
         sequentially (use rayon's into_par_iter)"
    );
}

#[test]
fn images_use_several_threads_at_once() {
    let _turn = serial();
    let images = test_images(48);
    let expected: Vec<Image> = images.iter().map(ex::halve).collect();
    let (got, running) = running_in_a_pool_of_4(|| ex::resize_all(&images));
    assert_eq!(got, expected);
    assert!(
        running >= 2,
        "only {running} thread(s) were busy resizing at the same time: resize_all runs \
         sequentially (use rayon's par_iter)"
    );
}

fn test_images(n: u8) -> Vec<Image> {
    (0..n)
        .map(|k| Image {
            width: 384,
            height: 384,
            pixels: (0..384 * 384).map(|i| (i % 251) as u8 ^ k).collect(),
        })
        .collect()
}

#[test]
fn primes_are_counted_on_every_core() {
    let _turn = serial();
    assert_eq!(ex::count_primes(100), 25);
    let limit = 150_000;
    let expected = ex::count_primes_sequential(limit);
    assert_eq!(ex::count_primes(limit), expected);
    assert_speedup(
        "count_primes",
        1.2,
        || assert_eq!(ex::count_primes_sequential(limit), expected),
        || assert_eq!(ex::count_primes(limit), expected),
    );
}

#[test]
fn images_are_resized_on_every_core() {
    let _turn = serial();
    let images = test_images(16);
    let expected: Vec<Image> = images.iter().map(ex::halve).collect();
    let resized = ex::resize_all(&images);
    assert_eq!(
        resized, expected,
        "same pixels as the sequential version, in order"
    );
    assert_eq!((resized[0].width, resized[0].height), (192, 192));
    assert_speedup(
        "resize_all",
        1.2,
        || assert_eq!(images.iter().map(ex::halve).collect::<Vec<_>>().len(), 16),
        || assert_eq!(ex::resize_all(&images).len(), 16),
    );
}
