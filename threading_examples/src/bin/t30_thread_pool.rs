//! Thread pools (rayon and a hand-made one): N tasks on k reused threads, results in submit order.
//!
//! Python original: the python-threads project, Intro "Concurrent.futures", "Performance Considerations" ("thread creation has
//! overhead - use pools for many small tasks") and "Best Practices" 4 and 7 ("reuse workers").
//!
//! 1. **rayon**: `ThreadPoolBuilder::new().num_threads(3)` builds a pool; `pool.install(||
//!    items.par_iter().map(f).collect())` runs `f` on the pool's threads and `collect` keeps the
//!    input order (Python's `executor.map`).
//! 2. **A hand-made pool**, to see what is inside: k threads loop on one shared crossbeam
//!    channel of jobs. `submit(f)` sends a job and returns a `TaskHandle` (Python's `Future`)
//!    whose `wait()` gives the result. Dropping the pool closes the channel; the workers finish
//!    their loop and are joined (Python's `shutdown(wait=True)`). `multiprocessing` `p30` has the
//!    same `submit`/`wait` shape with worker processes.
//!
//! 3. **A job that panics** must not take a worker with it. Without care it would: the panic
//!    unwinds the worker's thread, the loop ends, and the pool silently shrinks until nothing
//!    runs. The hand-made pool runs every job inside `std::panic::catch_unwind`, so a panic
//!    unwinds only to the worker's loop, and the job's handle gets `Err` with the panic message
//!    (Python's `ThreadPoolExecutor` does the same: `future.result()` re-raises the exception).
//!    The other way is to notice a dead worker (`is_finished()`) and spawn a replacement; catching
//!    is simpler and loses no thread. (Neither works with `panic = "abort"`, and a job that
//!    panics while holding a lock still poisons it, see t07.) The demo's panic is deliberate,
//!    so it prints one line on stderr (`utilities::output::quiet_panics`).
//!
//! 12 tasks of 1 s on 3 threads take ≈ 4 s, and at most 3 distinct thread names appear.
//!
//! Run: `cargo run --bin t30_thread_pool`
//!
//! Expected output (abridged):
//! ```text
//! [   0.000s] rayon-0      | task 0
//! ...
//! rayon: results [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121] on 3 distinct threads
//! rayon: Time taken: 4.006 s
//! [   4.007s] pool-1       | task 0
//! ...
//! pool: results [0, 1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121] on 3 distinct threads
//! pool: Time taken: 4.005 s
//! [   8.012s] pool-2       | panicked: "job 2 failed" (at threading_examples/src/bin/t30_thread_pool.rs:198:17)
//! panicking job: results [Ok(0), Ok(1), Err("job 2 failed"), Ok(9), Ok(16), Ok(25)]
//! after the panic: 3 of 3 workers alive, and the next 6 jobs ran
//! ```

use crossbeam::channel::{Sender, bounded, unbounded};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::panic;
use std::sync::Mutex;
use std::thread::{self, JoinHandle};
use utilities::output::panic_message;
use utilities::{Stopwatch, print_time_taken, say, sleep_secs};

const WORKERS: usize = 3;
const TASKS: u64 = 12;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// A fixed set of worker threads that take jobs from one shared channel.
struct ThreadPool {
    jobs: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

/// The result of one submitted task, like a `concurrent.futures.Future`.
struct TaskHandle<T> {
    result: crossbeam::channel::Receiver<Result<T, TaskPanicked>>,
}

/// A task panicked; holds its panic message.
#[derive(Debug, Clone, PartialEq)]
struct TaskPanicked(String);

impl std::fmt::Display for TaskPanicked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the task panicked: {}", self.0)
    }
}

impl std::error::Error for TaskPanicked {}

impl<T> TaskHandle<T> {
    /// Blocks until the task has run; its value, or `Err` if it panicked.
    fn wait(self) -> Result<T, TaskPanicked> {
        self.result
            .recv()
            .unwrap_or_else(|_| Err(TaskPanicked("the worker died".to_owned())))
    }
}

impl ThreadPool {
    fn new(size: usize) -> Self {
        let (tx, rx) = unbounded::<Job>();
        let workers = (1..=size)
            .map(|i| {
                let rx = rx.clone();
                thread::Builder::new()
                    .name(format!("pool-{i}"))
                    .spawn(move || {
                        // Ends when the pool drops the Sender and the queue is empty.
                        for job in rx {
                            job();
                        }
                    })
                    .expect("spawn worker")
            })
            .collect();
        Self {
            jobs: Some(tx),
            workers,
        }
    }

    fn submit<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> TaskHandle<T> {
        let (tx, rx) = bounded(1);
        let job: Job = Box::new(move || {
            // A panic in `f` stops here, in this job, instead of unwinding the worker's thread.
            // (AssertUnwindSafe: nothing of `f` is used after a panic but the message.)
            let result = panic::catch_unwind(panic::AssertUnwindSafe(f))
                .map_err(|payload| TaskPanicked(panic_message(&*payload)));
            let _ = tx.send(result); // the caller may have dropped its handle: that's fine
        });
        self.jobs
            .as_ref()
            .expect("pool is open")
            .send(job)
            .expect("workers are alive");
        TaskHandle { result: rx }
    }
}

impl ThreadPool {
    /// Workers whose thread is still running.
    fn alive(&self) -> usize {
        self.workers.iter().filter(|w| !w.is_finished()).count()
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        drop(self.jobs.take()); // close the queue: workers leave their loops
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

/// The task: 1 s of simulated work; remembers which thread ran it. (rayon is made for CPU
/// work; the sleep stands in for work so the timing is easy to see.)
fn task(x: u64, names: &Mutex<BTreeSet<String>>) -> u64 {
    say!("task {x}");
    names
        .lock()
        .expect("lock")
        .insert(utilities::thread_label());
    sleep_secs(1.0);
    x * x
}

fn main() {
    utilities::output::start_clock();
    let expected: Vec<u64> = (0..TASKS).map(|x| x * x).collect();

    // 1. rayon
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(WORKERS)
        .thread_name(|i| format!("rayon-{i}"))
        .build()
        .expect("build the rayon pool");
    let names = Mutex::new(BTreeSet::new());
    let sw = Stopwatch::start();
    let inputs: Vec<u64> = (0..TASKS).collect();
    let results: Vec<u64> = pool.install(|| inputs.par_iter().map(|&x| task(x, &names)).collect());
    let took = sw.elapsed();
    let distinct = names.lock().expect("lock").len();
    println!("rayon: results {results:?} on {distinct} distinct threads");
    print_time_taken("rayon", took);
    assert_eq!(results, expected, "collect keeps input order");
    assert!(distinct <= WORKERS);

    // 2. the hand-made pool
    let names = std::sync::Arc::new(Mutex::new(BTreeSet::new()));
    let sw = Stopwatch::start();
    let pool = ThreadPool::new(WORKERS);
    let handles: Vec<TaskHandle<u64>> = (0..TASKS)
        .map(|x| {
            let names = std::sync::Arc::clone(&names);
            pool.submit(move || task(x, &names))
        })
        .collect();
    // Waiting on the handles in submit order gives the results in submit order, whatever
    // order the tasks finished in.
    let results: Vec<u64> = handles
        .into_iter()
        .map(|h| h.wait().expect("no task panics here"))
        .collect();
    drop(pool); // shutdown: close the queue, join the workers
    let took = sw.elapsed();
    let distinct = names.lock().expect("lock").len();
    println!("pool: results {results:?} on {distinct} distinct threads");
    print_time_taken("pool", took);
    assert_eq!(results, expected);
    assert!(distinct <= WORKERS);

    // 3. A job that panics: the pool catches it, reports it, and keeps all its workers.
    let pool = ThreadPool::new(WORKERS);
    let results: Vec<Result<u64, TaskPanicked>> = utilities::output::quiet_panics(|| {
        let handles: Vec<_> = (0..6_u64)
            .map(|x| {
                pool.submit(move || {
                    assert!(x != 2, "job {x} failed"); // job 2 panics, on purpose
                    x * x
                })
            })
            .collect();
        handles.into_iter().map(TaskHandle::wait).collect()
    });
    let shown: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(v) => format!("Ok({v})"),
            Err(TaskPanicked(msg)) => format!("Err({msg:?})"),
        })
        .collect();
    println!("panicking job: results [{}]", shown.join(", "));
    assert_eq!(results[2], Err(TaskPanicked("job 2 failed".to_owned())));
    // The pool still works at full size: every worker thread is alive, and new jobs run.
    let after: Vec<_> = (0..6_u64).map(|x| pool.submit(move || x + 100)).collect();
    let ran = after.into_iter().filter_map(|h| h.wait().ok()).count();
    println!(
        "after the panic: {} of {WORKERS} workers alive, and the next {ran} jobs ran",
        pool.alive()
    );
    assert_eq!((pool.alive(), ran), (WORKERS, 6));
}
