//! A pool of 2 worker processes maps `square` over a list; results come back in input order.
//!
//! Python original: the course notebook, 4B "C) `Pool.map()`", the course notebook, "Using `multiprocessing.Pool`" and the Pools passages
//! "Creating a Process Pool (Basic Example)", "Using a Pool with a Context Manager", "Why `map()`
//! Feels Familiar" and "Blocking Call (map)".
//!
//! The crate's [`ProcessPool`] starts 2 workers (re-executions of this program) once and reuses
//! them. `pool.map("square", numbers)` sends each number to an idle worker as a bincode frame
//! and returns the results **in input order**, whichever worker finished first. Each worker
//! prints its pid, so you see the work spread over two processes.
//!
//! Python's `pool.close(); pool.join()` and `with Pool(…) as pool:` both become `Drop`: when
//! `pool` goes out of scope every worker gets end-of-file, exits and is reaped. (Python's `with`
//! actually calls `terminate()`, which kills the workers; `Drop` lets queued work finish.)
//! Tasks are plain functions registered by name in `TASKS`, and `main` begins with
//! `pool::serve_if_worker(TASKS)`: the worker processes run this same `main` and stay there.
//!
//! Run: `cargo run --bin p03_pool_map`
//!
//! Expected output (pids vary, and so does which worker takes which number):
//! ```text
//! [   0.003s] pid 1001    main         | Squaring 1 in process 1001
//! [   0.003s] pid 1002    main         | Squaring 2 in process 1002
//! [   0.504s] pid 1001    main         | Squaring 3 in process 1001
//! [   0.504s] pid 1002    main         | Squaring 4 in process 1002
//! [   1.005s] pid 1001    main         | Squaring 5 in process 1001
//! Results: [1, 4, 9, 16, 25]
//! --- a pool in a block (Python's `with`) ---
//! …
//! Results: [0, 1, 4, 9, 16, 25]
//! ```

use multiprocessing_examples::pool::{self, ProcessPool, Task};
use utilities::{say_pid, sleep_secs};

/// The Python original's `square(x)`, with half a second of pretend work so both workers get a share.
fn square(x: u64) -> u64 {
    say_pid!("Squaring {x} in process {}", std::process::id());
    sleep_secs(0.5);
    x * x
}

static TASKS: &[Task] = &[pool::task!("square", square)];

fn main() -> Result<(), pool::PoolError> {
    pool::serve_if_worker(TASKS); // a worker process never returns from here
    utilities::output::start_clock();

    let numbers = vec![1u64, 2, 3, 4, 5];
    let pool = ProcessPool::new(2, TASKS)?;
    let results: Vec<u64> = pool.map("square", numbers)?; // blocks until all are done
    drop(pool); // close() + join(): the workers exit and are reaped
    println!("Results: {results:?}");
    assert_eq!(results, [1, 4, 9, 16, 25]);

    println!("--- a pool in a block (Python's `with`) ---");
    let results: Vec<u64> = {
        let pool = ProcessPool::new(4, TASKS)?;
        pool.map("square", 0..6u64)?
    }; // the pool is dropped here: workers stopped and reaped
    println!("Results: {results:?}");
    assert_eq!(results, [0, 1, 4, 9, 16, 25]);
    Ok(())
}
