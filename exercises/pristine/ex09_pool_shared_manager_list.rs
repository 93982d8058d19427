//! # Exercise 9: pool + shared data through a manager
//!
//! Python: a process pool squares 1..=10, each worker appends its result to a shared list created
//! by a `Manager`, and the parent prints the final list.
//!
//! The list lives in a separate server process (`multiprocessing_examples::manager::Manager`);
//! any process can connect to it by its address (`ManagerClient::connect`) and append. Write:
//! - `append_square(address, x)`: runs in a worker; connect, append `Value::Int(x * x)`, return
//!   the worker's pid;
//! - `child_guard()`: the guard for *both* kinds of child process this program starts: the
//!   manager server (`manager::serve_if_manager()`) and the pool workers
//!   (`pool::serve_if_worker(TASKS)`);
//! - `squares_into_manager_list(workers)`: start the manager, run the 10 tasks on a pool
//!   (`starmap` with `(address, x)` pairs), read the list, sort it, drop the manager (that stops
//!   and reaps the server), and report.
//!
//! Done when: the sorted list is exactly the 10 squares (none lost, none doubled); the appends
//! came from worker processes; the manager process has exited and no child is left.
//!
//! Builds on: `p03_pool_map`, `p07_main_guard`, `p15_manager_dict_list`.
//!
//! Check: `cargo run --bin exercises -- check 9`
#![allow(unused, unreachable_code, clippy::all)]

use multiprocessing_examples::manager::{self, Manager, ManagerClient, Value};
use multiprocessing_examples::pool::{self, ProcessPool, Task};
use std::collections::BTreeSet;

/// Runs in a worker: appends `x * x` to the manager's list; returns the worker's pid.
pub fn append_square(address: String, x: i64) -> Result<u32, String> {
    todo!()
}

/// The functions a worker may run, by name (given).
pub static TASKS: &[Task] = &[pool::task!("append_square", append_square, 2)];

/// The child-role guard for the manager server and the pool workers.
pub fn child_guard() {
    todo!()
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
pub fn squares_into_manager_list(workers: usize) -> Result<ManagerRun, String> {
    todo!()
}
