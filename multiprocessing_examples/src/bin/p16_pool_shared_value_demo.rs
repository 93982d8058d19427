//! Pool workers increment one shared counter 10 times: "Final value: 10" (the Python original raises).
//!
//! Python original: the course notebook, `pool_shared_value_demo.py`: `value = Value("i", 0)`, then
//! `Pool(4).starmap(increment, [(value,) for _ in range(10)])` where `increment` does
//! `with shared_value.get_lock(): shared_value.value += 1`, then `print("Final value:", …)`.
//!
//! **Bug in the Python original.** On Python 3.11 that script does not print 10: `starmap` pickles its arguments
//! to send them to the workers, and a `Value` refuses: `RuntimeError: Synchronized objects
//! should only be shared between processes through inheritance`. Shared memory is a place, not
//! a value; it cannot travel through a pipe. In Rust the same mistake does not compile:
//! `SharedValue` is not `Serialize`, so the pool cannot accept it as a task argument (the
//! compile-fail test `tests/ui_shared_memory/shared_value_is_not_serialize.rs` checks that).
//!
//! **The fix.** Send the workers something that *can* travel: the *name* of a POSIX
//! shared-memory object (`SharedValue::create_named`). Each worker maps it the first time it
//! needs it and keeps it (the job of Python's `Pool(initializer=…)`), then does an atomic
//! `fetch_add`, which replaces `get_lock()` + `+=`. Only the name (about 20 bytes) is
//! serialized; the counter stays in the one page all processes map. (Python's equivalent fixes:
//! `Pool(4, initializer=init, initargs=(value,))`, which hands the `Value` over when the
//! worker is created, i.e. by inheritance, or `multiprocessing.shared_memory` by name.)
//!
//! Run: `cargo run --bin p16_pool_shared_value_demo`
//!
//! Expected output (pids and the split between workers vary):
//! ```text
//! [   0.000s] pid 1000    main         | Shared counter "course-p16-1000" starts at 0
//! [   0.020s] pid 1000    main         | Pool of 4 workers: pids [1001, 1002, 1003, 1004]
//! [   0.031s] pid 1000    main         | Values seen by the 10 tasks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
//! [   0.031s] pid 1000    main         | Increments per worker pid: {1001: 4, 1002: 3, 1003: 2, 1004: 1}
//! [   0.031s] pid 1000    main         | Final value: 10
//! [   0.045s] pid 1000    main         | Pool closed: every worker reaped (0 children left)
//! ```

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::AtomicI32;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::pool::{self, ProcessPool, Task};
use multiprocessing_examples::shared::SharedValue;
use multiprocessing_examples::spawn::children_of;
use utilities::say_pid;

/// The counter as mapped in *this* worker: opened on the first task, reused by later ones.
fn counter_in_this_worker(name: &str) -> Result<&'static SharedValue<AtomicI32>, String> {
    static MAPPED: OnceLock<(String, SharedValue<AtomicI32>)> = OnceLock::new();
    if MAPPED.get().is_none() {
        let value = SharedValue::open_named(name).map_err(|e| format!("open {name:?}: {e}"))?;
        let _ = MAPPED.set((name.to_owned(), value));
    }
    match MAPPED.get() {
        Some((mapped, value)) if mapped == name => Ok(value),
        _ => Err(format!(
            "this worker already serves another counter, not {name:?}"
        )),
    }
}

/// Python's `increment(shared_value)`, given the counter's *name*. Returns the worker's pid and
/// the value right after its increment.
fn increment(name: String) -> Result<(u32, i32), String> {
    let counter = counter_in_this_worker(&name)?;
    let now = counter.fetch_add(1, SeqCst) + 1;
    Ok((std::process::id(), now))
}

/// What the workers may run, by name (a worker is this same program, re-executed).
static TASKS: &[Task] = &[pool::task!("increment", increment)];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    pool::serve_if_worker(TASKS); // a worker process serves tasks here and never returns
    utilities::output::start_clock();

    let name = format!("course-p16-{}", std::process::id());
    let value = SharedValue::create_named(&name, AtomicI32::new(0))?; // Value("i", 0)
    say_pid!("Shared counter {name:?} starts at {}", value.get());

    let results = {
        let pool = ProcessPool::new(4, TASKS)?; // with Pool(4) as pool:
        say_pid!(
            "Pool of {} workers: pids {:?}",
            pool.size(),
            pool.worker_pids()
        );
        // starmap(increment, [(value,) …]) → ten tasks, each given the name, not the value.
        let results: Vec<Result<(u32, i32), String>> =
            pool.starmap("increment", vec![name.clone(); 10])?;
        results.into_iter().collect::<Result<Vec<_>, _>>()?
    }; // the pool is dropped here: workers get end-of-file, exit and are reaped

    let mut seen: Vec<i32> = results.iter().map(|&(_, v)| v).collect();
    seen.sort_unstable();
    let mut per_worker = BTreeMap::new();
    for (pid, _) in &results {
        *per_worker.entry(*pid).or_insert(0) += 1;
    }
    say_pid!("Values seen by the 10 tasks: {seen:?}");
    say_pid!("Increments per worker pid: {per_worker:?}");
    say_pid!("Final value: {}", value.get());
    assert_eq!(value.get(), 10);
    assert_eq!(
        seen,
        (1..=10).collect::<Vec<_>>(),
        "no two tasks saw the same value"
    );

    let left = children_of(std::process::id()).len();
    say_pid!("Pool closed: every worker reaped ({left} children left)");
    assert_eq!(left, 0);
    Ok(())
}
