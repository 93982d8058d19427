//! A pool with one worker per core maps `cube` over 0..10; `apply` runs a single call.
//!
//! Ports the the threads-vs-processes notes, "Process pool" cell: `Pool()` (no size: one worker per core),
//! `pool.map(cube, range(10))`, `pool.apply(...)`, `close()`, `join()`.
//! [`ProcessPool::per_cpu`] is `Pool()`; `Drop` does `close()` + `join()`.
//!
//! **Bug in the Python original:** `pool.apply(cube, numbers[0])` passes the int `0` where `apply` expects a
//! tuple of arguments, and raises `TypeError: ... argument after * must be an iterable, not
//! int`. What it meant is `pool.apply(cube, (0,))`, i.e. `cube(0)` in a worker → 0. In Rust the
//! argument's type is part of the call (`apply::<u64, u64>("cube", 0)`), so that mistake is a
//! compile error.
//!
//! Run: `cargo run --bin p34_pool_cube`
//!
//! Expected output (on 2 cores):
//! ```text
//! [   0.002s] pid 1000    main         | Pool() size = available cores = 2
//! [   0.004s] pid 1000    main         | apply(cube, (0,)) = 0
//! [0, 1, 8, 27, 64, 125, 216, 343, 512, 729]
//! ```

use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use multiprocessing_examples::work::cpu_count;
use utilities::say_pid;

/// The Python original's `cube(number)`.
fn cube(number: u64) -> u64 {
    number * number * number
}

static TASKS: &[Task] = &[pool::task!("cube", cube)];

fn main() -> Result<(), PoolError> {
    pool::serve_if_worker(TASKS);
    utilities::output::start_clock();
    let pool = ProcessPool::per_cpu(TASKS)?; // Pool()
    say_pid!("Pool() size = available cores = {}", pool.size());
    assert_eq!(pool.size(), cpu_count());

    let numbers: Vec<u64> = (0..10).collect();
    let result: Vec<u64> = pool.map("cube", numbers.iter().copied())?;
    // What the Python original meant by pool.apply(cube, numbers[0]): one call, in a worker.
    let first: u64 = pool.apply("cube", numbers[0])?;
    say_pid!("apply(cube, (0,)) = {first}");
    drop(pool); // pool.close(); pool.join()
    println!("{result:?}");
    assert_eq!(first, 0);
    assert_eq!(result, [0, 1, 8, 27, 64, 125, 216, 343, 512, 729]);
    Ok(())
}
