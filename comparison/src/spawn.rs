//! Spawn cost: how long it takes to start one worker and wait for it, per kind of worker.
//! Each function starts `n` workers one after another (start + join each time) and returns the
//! number started, so the caller divides the time by `n`.

use std::process::{Command, Stdio};

use anyhow::{Context, Result, anyhow, bail};

use crate::worker::NOOP_ARG;

/// `std::thread::spawn` + `join`, `n` times.
///
/// # Errors
/// A thread that panicked.
pub fn threads(n: u64) -> Result<u64> {
    for i in 0..n {
        std::thread::spawn(move || std::hint::black_box(i))
            .join()
            .map_err(|_| anyhow!("thread panicked"))?;
    }
    Ok(n)
}

/// `fork` + `waitpid`, `n` times: the child exits at once with `_exit`.
///
/// # Errors
/// When `fork` or `waitpid` fails, or a child exits with a failure.
pub fn fork(n: u64) -> Result<u64> {
    use nix::sys::wait::{WaitStatus, waitpid};
    use nix::unistd::{ForkResult, fork};
    for _ in 0..n {
        // SAFETY: the child calls only `_exit`, which is async-signal-safe, so it touches no
        // lock or allocator state that another thread of the parent might have held at fork.
        match unsafe { fork() }.context("fork")? {
            ForkResult::Child => unsafe { libc::_exit(0) },
            ForkResult::Parent { child } => match waitpid(child, None)? {
                WaitStatus::Exited(_, 0) => {}
                other => bail!("forked child ended with {other:?}"),
            },
        }
    }
    Ok(n)
}

/// Start this executable again (`fork` + `exec` + the Rust runtime's start-up) and wait, `n`
/// times: what a pool pays per worker when it starts.
///
/// # Errors
/// When the program cannot be started or fails.
pub fn reexec(n: u64) -> Result<u64> {
    let exe = std::env::current_exe()?;
    for _ in 0..n {
        let status = Command::new(&exe)
            .arg(NOOP_ARG)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .status()
            .context("start child")?;
        if !status.success() {
            bail!("child failed: {status}");
        }
    }
    Ok(n)
}

/// `tokio::spawn` + `.await`, `n` times, on a multi-thread runtime.
///
/// # Errors
/// A task that panicked.
pub fn tokio_tasks(rt: &tokio::runtime::Runtime, n: u64) -> Result<u64> {
    rt.block_on(async {
        for i in 0..n {
            tokio::spawn(async move { std::hint::black_box(i) }).await?;
        }
        Ok(n)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_starts_and_reaps_its_workers() {
        assert_eq!(threads(3).unwrap(), 3);
        assert_eq!(fork(2).unwrap(), 2);
        let rt = tokio::runtime::Runtime::new().unwrap();
        assert_eq!(tokio_tasks(&rt, 5).unwrap(), 5);
    }
}
