//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 9, a missing child-role guard: only the pool workers' guard, so the manager
//! process runs the program's normal code instead of serving the list.

use multiprocessing_examples::manager::{self, Manager, ManagerClient, Value};
use multiprocessing_examples::pool::{self, ProcessPool, Task};
use std::collections::BTreeSet;

/// Runs in a worker: connects to the manager at `address` and appends `x * x` to its list.
/// Returns the worker's pid.
///
/// # Errors
/// When the manager cannot be reached.
pub fn append_square(address: String, x: i64) -> Result<u32, String> {
    let mut list = ManagerClient::connect(&address).map_err(|e| format!("connect: {e}"))?;
    list.list_append(Value::Int(x * x))
        .map_err(|e| format!("append: {e}"))?;
    Ok(std::process::id())
}

/// The functions a worker may run, by name.
pub static TASKS: &[Task] = &[pool::task!("append_square", append_square, 2)];

/// The child-role guard for both kinds of child: the manager server and the pool workers.
pub fn child_guard() {
    pool::serve_if_worker(TASKS);
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagerRun {
    /// The manager's list as read by the parent, sorted.
    pub squares: Vec<i64>,
    /// The pid of the manager server (it has exited when this is returned).
    pub manager_pid: u32,
    /// The pool workers that appended.
    pub worker_pids: BTreeSet<u32>,
}

/// Starts a manager and a pool of `workers`; each of the 10 tasks appends one square.
///
/// # Errors
/// A message saying which step failed.
pub fn squares_into_manager_list(workers: usize) -> Result<ManagerRun, String> {
    let mgr = Manager::start().map_err(|e| format!("start the manager: {e}"))?;
    let address = mgr.address().to_string_lossy().into_owned();
    let pids: Vec<Result<u32, String>> = {
        let pool = ProcessPool::new(workers, TASKS).map_err(|e| format!("start the pool: {e}"))?;
        pool.starmap("append_square", (1..=10i64).map(|x| (address.clone(), x)))
            .map_err(|e| format!("run the tasks: {e}"))?
    }; // the pool is dropped here: workers reaped
    let worker_pids = pids
        .into_iter()
        .collect::<Result<BTreeSet<u32>, String>>()?;
    let list = mgr
        .client()
        .and_then(|mut c| c.list().map_err(std::io::Error::other))
        .map_err(|e| format!("read the list: {e}"))?;
    let manager_pid = mgr.pid();
    drop(mgr); // tells the server to stop, waits for it, removes its socket
    let mut squares: Vec<i64> = list
        .into_iter()
        .map(|v| match v {
            Value::Int(i) => Ok(i),
            other => Err(format!("unexpected value in the list: {other:?}")),
        })
        .collect::<Result<_, _>>()?;
    squares.sort_unstable();
    Ok(ManagerRun {
        squares,
        manager_pid,
        worker_pids,
    })
}
