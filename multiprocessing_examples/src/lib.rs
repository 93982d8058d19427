//! Child processes, pipes, queues, pools and a manager: the plumbing behind the
//! `multiprocessing_examples` binaries (`p01_…` to `p37_…`), written once here.
//!
//! | module | what it gives | Python counterpart |
//! |---|---|---|
//! | [`spawn`] | re-execute the current binary with a role ([`spawn::SelfCommand`], [`spawn::child_role`]), pass descriptors by inheritance, wait with a timeout and kill + reap ([`spawn::wait_or_kill`], [`spawn::Reaped`]), `fork` a child ([`spawn::fork_child`]), list children from `/proc` ([`spawn::children_of`]) | `Process(target=…)` with the `spawn`/`fork` start methods, `join(timeout)`, `terminate()` |
//! | [`pool`] | a pool of re-executed worker processes running named tasks: `map` (order kept, in chunks), `apply`, `apply_async`/`submit` → handle with `get`/`get_timeout`/`cancel`, `starmap`, per-task timeouts; crashes, hangs and protocol errors become precise errors and the worker is replaced, `Drop` reaps | `Pool`, `ProcessPoolExecutor` |
//! | [`manager`] | a server process owning a dict and a list, reached over a Unix socket with size-limited bincode requests, a read deadline, an idle deadline, a connection cap that silent peers cannot fill, and an owner-only shutdown ([`manager::Manager`], [`manager::ManagerClient`]) | `Manager().dict()`, `Manager().list()` |
//! | [`harness`] | a small runner for `harness = false` test binaries that re-execute themselves (pool workers, managers, roles) | - |
//! | [`work`] | CPU work that the optimiser cannot skip (`sum_below`, `count_to`, `spin_for`) and problem sizes from env vars | `cpu_task(n)` |
//! | [`frame`] | length-prefixed, type-tagged bincode frames over any `Read`/`Write`, always decoded with a size limit; [`frame::ProcessQueue`] (pipe), [`frame::Duplex`] (socket pair) | pickle, `Queue`, `Pipe()` |
//!
//! # The role check: Rust's `if __name__ == "__main__"`
//!
//! A re-executed child runs the same `main`. The first thing `main` does is ask whether it is a
//! child, and if so do the child's job and return:
//!
//! ```no_run
//! use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
//! use multiprocessing_examples::spawn::{child_role, SelfCommand};
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     if let Some(role) = child_role() {
//!         // Child: role.name == "square", role.args == ["5"]; fd #0 is the queue's write end.
//!         let n: u64 = role.parse_arg(0)?;
//!         QueueSender::<u64>::inherited(0)?.put(&(n * n))?;
//!         return Ok(());
//!     }
//!     let (tx, mut rx) = ProcessQueue::<u64>::new()?.split();
//!     let mut child = SelfCommand::new("square").arg("5").pass_fd(&tx)?.spawn()?;
//!     drop(tx); // only the child writes now: EOF arrives when it exits
//!     let result = rx.get()?; // read first…
//!     child.wait()?; // …then reap (no zombie)
//!     assert_eq!(result, 25);
//!     Ok(())
//! }
//! ```
//!
//! # Rules every example follows
//! - Every child is waited for (`wait`, [`spawn::wait_or_kill`], or a [`spawn::Reaped`] guard
//!   that kills and reaps on drop). Tests check that no zombie or orphan is left.
//! - Bytes from another process are untrusted: frames are capped at [`frame::MAX_FRAME`] and
//!   decoded with `bincode::config::standard().with_limit::<MAX_FRAME>()`. A hostile length
//!   prefix or garbage becomes a [`frame::FrameError`], never an allocation failure or a panic.
//! - `fork` without `exec` only in a single-threaded process ([`spawn::fork_child`] checks).
//! - Children die with their parent: pool workers by `PR_SET_PDEATHSIG` (set towards the
//!   driver thread that started them, which lives as long as the pool), the manager by waiting
//!   on a pidfd of its owner process (whatever thread started it; it removes its socket file).
#![warn(missing_docs)]

pub mod frame;
pub mod harness;
pub mod manager;
pub mod pool;
pub mod shared;
pub mod spawn;
pub mod work;

pub use frame::{Duplex, FrameError, ProcessQueue, QueueReceiver, QueueSender};
pub use spawn::{Reaped, SelfCommand, Waited, child_role, spawn_self, wait_or_kill};
