//! Awaiting the multiprocessing crate's process pool from async code
//! (`loop.run_in_executor(ProcessPoolExecutor(), f, x)`).
//!
//! The pool's handle ([`AsyncResult::get`]) blocks the thread that waits on it, so async code
//! must not call it directly. [`await_pool`] gives the wait to one small helper thread, which
//! passes the result through a `tokio::sync::oneshot` channel; awaiting the channel costs the
//! runtime nothing. The CPU work itself runs in another *process*.
//!
//! Binaries that use the pool call `pool::serve_if_worker(CPU_TASKS)` first thing in `main`,
//! before starting a runtime: a worker is a re-execution of the same binary and must go straight
//! to serving tasks.

use multiprocessing_examples::pool::{self, AsyncResult, PoolError, Task};
use serde::de::DeserializeOwned;

/// The task table of the async examples' process pools: `"cpu_heavy"` runs
/// [`crate::cpu::cpu_heavy_with_pid`] (the Python original's loop) and returns `(sum, worker pid)`.
pub static CPU_TASKS: &[Task] = &[pool::task!("cpu_heavy", crate::cpu::cpu_heavy_with_pid)];

/// Awaits a pool task without blocking the runtime (a helper thread + a oneshot).
///
/// # Errors
/// Whatever the task failed with; `Unavailable` if the helper thread could not start or died.
pub async fn await_pool<R>(handle: AsyncResult<R>) -> Result<R, PoolError>
where
    R: DeserializeOwned + Send + 'static,
{
    let task = handle.task().to_owned();
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("pool-waiter".into())
        .spawn(move || {
            let _ = tx.send(handle.get()); // the awaiting side may be gone: fine
        })?;
    rx.await.unwrap_or_else(|_| {
        Err(PoolError::Unavailable {
            task,
            message: "the waiting thread ended without a result".into(),
        })
    })
}
