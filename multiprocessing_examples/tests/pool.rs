//! The process pool with real worker processes: order, `apply`/`apply_async`/`starmap`, timeouts,
//! a panicking task, a crashing worker, a killed worker, and no zombie after `Drop`.
//!
//! `harness = false`: this binary is also the pool's worker, so `main` starts with
//! `pool::serve_if_worker(TASKS)` exactly like an example does.

use std::time::{Duration, Instant};

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use multiprocessing_examples::spawn::{children_of, is_alive};

mod common;

fn square(x: u64) -> u64 {
    x * x
}
fn pid_of_worker(ms: u64) -> u32 {
    std::thread::sleep(Duration::from_millis(ms));
    std::process::id()
}
fn add(a: i64, b: i64) -> i64 {
    a + b
}
fn volume(a: u32, b: u32, c: u32) -> u32 {
    a * b * c
}
fn sleep_ms(ms: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(ms));
    ms
}
fn explode(msg: String) -> u8 {
    panic!("{msg}")
}
fn crash(_: ()) -> u8 {
    std::process::abort()
}

fn fail_on_7(x: u64) -> u64 {
    assert!(x != 7, "seven");
    x
}
/// Sleeps, then says how many bytes wait unread in the worker's socket: more than 0 when the
/// pool already sent the next request while this one runs.
fn bytes_waiting(ms: u64) -> i32 {
    std::thread::sleep(Duration::from_millis(ms));
    let sockets = std::fs::read_dir("/proc/self/fd")
        .unwrap()
        .flatten()
        .filter(|e| {
            std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:"))
        });
    let mut waiting = 0;
    for entry in sockets {
        let fd: i32 = entry.file_name().to_string_lossy().parse().unwrap();
        let mut n: libc::c_int = 0;
        // SAFETY: FIONREAD writes one c_int to the valid pointer we pass.
        if unsafe { libc::ioctl(fd, libc::FIONREAD, &mut n) } == 0 {
            waiting += n;
        }
    }
    waiting
}

static TASKS: &[Task] = &[
    pool::task!("fail_on_7", fail_on_7),
    pool::task!("bytes_waiting", bytes_waiting),
    pool::task!("square", square),
    pool::task!("pid_of_worker", pid_of_worker),
    pool::task!("add", add, 2),
    pool::task!("volume", volume, 3),
    pool::task!("sleep_ms", sleep_ms),
    pool::task!("explode", explode),
    pool::task!("crash", crash),
];

fn map_keeps_order_and_uses_every_worker() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    let squares: Vec<u64> = pool.map("square", 0..20u64).unwrap();
    assert_eq!(squares, (0..20u64).map(|x| x * x).collect::<Vec<_>>());
    let mut pids: Vec<u32> = pool.map("pid_of_worker", vec![150u64; 4]).unwrap();
    pids.sort_unstable();
    pids.dedup();
    assert_eq!(pids.len(), 2, "two workers, two pids: {pids:?}");
    let mut live = pool.worker_pids();
    live.sort_unstable();
    assert_eq!(pids, live);
    assert!(!pids.contains(&std::process::id()));
}

fn apply_async_starmap_and_timeouts() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    assert_eq!(pool.apply::<u64, u64>("square", 5).unwrap(), 25);
    let slow = pool.apply_async::<u64, u64>("sleep_ms", 600).unwrap();
    let err = slow.get_timeout(Duration::from_millis(20)).unwrap_err();
    assert!(
        matches!(err, PoolError::Timeout { ref task, .. } if task == "sleep_ms"),
        "{err}"
    );
    assert_eq!(slow.get_timeout(Duration::from_secs(30)).unwrap(), 600);
    let sums: Vec<i64> = pool.starmap("add", vec![(1i64, 2i64), (10, -3)]).unwrap();
    assert_eq!(sums, [3, 7]);
    let v: Vec<u32> = pool.starmap("volume", vec![(2u32, 3u32, 4u32)]).unwrap();
    assert_eq!(v, [24]);
    let f = pool.submit::<u64, u64>("square", 9).unwrap();
    assert_eq!(f.get().unwrap(), 81);
    let err = pool.apply::<u64, u64>("sqare", 1).unwrap_err();
    assert!(matches!(err, PoolError::UnknownTask(_)), "{err}");
}

fn panicking_task_is_an_error_and_the_worker_survives() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    common::assert_task_panic_is_reported_and_worker_survives(&pool);
    assert_eq!(pool.apply::<u64, u64>("square", 3).unwrap(), 9);
}

fn crashed_worker_is_an_error_naming_the_task_and_is_replaced() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    let err = pool.apply::<(), u8>("crash", ()).unwrap_err();
    match &err {
        PoolError::WorkerDied { task, pid, status } => {
            assert_eq!(task, "crash");
            assert_eq!(vec![*pid], before);
            assert!(
                status.contains("SIGABRT") || status.contains('6'),
                "{status}"
            );
        }
        other => panic!("expected WorkerDied, got {other}"),
    }
    assert!(err.to_string().contains("\"crash\""), "{err}");
    // The pool replaced the worker and goes on.
    assert_eq!(pool.apply::<u64, u64>("square", 4).unwrap(), 16);
    assert_ne!(pool.worker_pids(), before);
}

fn worker_killed_mid_task_is_an_error_not_a_hang() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let pid = pool.worker_pids()[0];
    let started = Instant::now();
    let h = pool.apply_async::<u64, u64>("sleep_ms", 60_000).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        nix::sys::signal::SIGKILL,
    )
    .unwrap();
    let err = h.get_timeout(Duration::from_secs(30)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(30));
    match err {
        PoolError::WorkerDied {
            task,
            pid: p,
            status,
        } => {
            assert_eq!((task.as_str(), p), ("sleep_ms", pid));
            assert!(
                status.contains("SIGKILL") || status.contains('9'),
                "{status}"
            );
        }
        other => panic!("expected WorkerDied, got {other}"),
    }
}

fn drop_reaps_every_worker_even_a_busy_one() {
    let pids;
    let started = Instant::now();
    {
        let pool = ProcessPool::new(3, TASKS)
            .unwrap()
            .drop_timeout(Duration::from_millis(300));
        pids = pool.worker_pids();
        assert_eq!(pids.len(), 3);
        let _stuck = pool.apply_async::<u64, u64>("sleep_ms", 60_000).unwrap();
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "Drop must not wait for a 60 s task"
    );
    let left = children_of(std::process::id());
    assert!(
        left.iter().all(|c| !pids.contains(&c.pid)),
        "left behind: {left:?}"
    );
}

fn terminate_kills_now() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    let h = pool.apply_async::<u64, u64>("sleep_ms", 60_000).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    pool.terminate();
    assert!(h.get_timeout(Duration::from_secs(30)).is_err());
    assert!(pool.apply::<u64, u64>("square", 2).is_err());
}

fn workers_exit_when_the_pool_owner_dies() {
    let (mut owner, line) = common::start_owner("pool-owner");
    let workers: Vec<u32> = line
        .split_whitespace()
        .map(|p| p.parse().unwrap())
        .collect();
    assert_eq!(workers.len(), 2, "{line:?}");
    assert!(!owner.wait().unwrap().success(), "the owner aborts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while workers.iter().any(|&w| is_alive(w)) {
        if Instant::now() > deadline {
            for &w in &workers {
                let pid = nix::unistd::Pid::from_raw(i32::try_from(w).unwrap());
                let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
            }
            panic!("workers {workers:?} outlived their pool's owner");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn map_sends_chunks_and_keeps_order() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    let out: Vec<u64> = pool.map_chunked("square", 0..20u64, 3).unwrap();
    assert_eq!(out, (0..20u64).map(|x| x * x).collect::<Vec<_>>());
    // One failing item fails the map with its own error; the worker survives.
    let err = pool
        .map_chunked::<u64, u64>("fail_on_7", 0..20u64, 5)
        .unwrap_err();
    assert!(
        matches!(err, PoolError::TaskPanicked { ref message, .. } if message == "seven"),
        "{err}"
    );
    let p50 = pool.round_trip_p50(50).unwrap();
    assert!(
        p50 > Duration::ZERO && p50 < Duration::from_secs(1),
        "{p50:?}"
    );
}

fn chunks_run_on_both_workers_at_once() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    pool.apply::<u64, u64>("square", 1).unwrap(); // both drivers warm
    // 16 items of 100 ms: chunks of 2 (16 / (4 × 2)), 8 chunks, 4 per worker: 0.8 s when the
    // two workers run side by side, 1.6 s one after the other. Sleeping needs no core.
    let started = Instant::now();
    let out: Vec<u64> = pool.map("sleep_ms", vec![100u64; 16]).unwrap();
    let took = started.elapsed();
    assert_eq!(out, vec![100; 16]);
    assert!(
        took < Duration::from_millis(1300),
        "{took:?}: the chunks did not overlap"
    );
}

fn a_worker_has_the_next_request_before_it_finishes_the_current_one() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    pool.apply::<u64, u64>("square", 1).unwrap(); // a short request: the driver pipelines
    let first = pool.submit::<u64, i32>("bytes_waiting", 300).unwrap();
    let second = pool.submit::<u64, u64>("square", 2).unwrap();
    let waiting = first.get().unwrap();
    assert_eq!(second.get().unwrap(), 4);
    assert!(
        waiting > 0,
        "the second request was not in the worker's socket yet"
    );
}

fn main() {
    pool::serve_if_worker(TASKS);
    if multiprocessing_examples::spawn::child_role().is_some_and(|r| r.name == "pool-owner") {
        // A process that owns a pool and dies without dropping it: the workers read
        // end-of-file on their sockets and exit on their own.
        let pool = ProcessPool::new(2, TASKS).unwrap();
        let pids: Vec<String> = pool.worker_pids().iter().map(ToString::to_string).collect();
        println!("{}", pids.join(" "));
        std::process::abort();
    }
    multiprocessing_examples::harness::run(multiprocessing_examples::harness::tests![
        map_keeps_order_and_uses_every_worker,
        apply_async_starmap_and_timeouts,
        panicking_task_is_an_error_and_the_worker_survives,
        crashed_worker_is_an_error_naming_the_task_and_is_replaced,
        worker_killed_mid_task_is_an_error_not_a_hang,
        drop_reaps_every_worker_even_a_busy_one,
        terminate_kills_now,
        workers_exit_when_the_pool_owner_dies,
        map_sends_chunks_and_keeps_order,
        chunks_run_on_both_workers_at_once,
        a_worker_has_the_next_request_before_it_finishes_the_current_one,
    ]);
}
