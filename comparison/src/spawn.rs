//! Spawn cost: how long it takes to start one worker and wait for it, per kind of worker.
//! Each function starts `n` workers one after another (start + join each time) and returns the
//! number started, so the caller divides the time by `n`.

use std::process::{Command, Stdio};
use std::time::Instant;

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

/// Starts `exe` in the no-op role and waits for it: one process spawn + wait.
///
/// # Errors
/// When the program cannot be started or fails.
pub fn reexec_exe(exe: &std::path::Path) -> Result<()> {
    let status = Command::new(exe)
        .arg(NOOP_ARG)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .context("start child")?;
    if !status.success() {
        bail!("child failed: {status}");
    }
    Ok(())
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

/// One timed sample per operation, in microseconds: `n` times `op`, each timed alone.
///
/// # Errors
/// A failing operation.
pub fn samples_us(n: u64, mut op: impl FnMut() -> Result<()>) -> Result<Vec<f64>> {
    let mut us = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
    for _ in 0..n {
        let t = Instant::now();
        op()?;
        us.push(t.elapsed().as_secs_f64() * 1e6);
    }
    Ok(us)
}

/// `tokio::spawn` + `.await` of an empty task, `n` samples in µs, timed inside the runtime (a
/// task spawning from a worker thread, as async code does).
///
/// # Errors
/// A task that panicked.
pub fn tokio_task_samples(rt: &tokio::runtime::Runtime, n: u64) -> Result<Vec<f64>> {
    rt.block_on(rt.spawn(async move {
        let mut us = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for i in 0..n {
            let t = Instant::now();
            tokio::spawn(async move { std::hint::black_box(i) }).await?;
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        Ok::<_, anyhow::Error>(us)
    }))?
}

/// Context-switch ping-pong between two threads: one round trip (a number sent over a channel
/// and sent back) per sample, µs. Each round trip is two hand-offs between threads.
///
/// # Errors
/// When the echo thread goes away.
pub fn thread_ping_pong(n: u64) -> Result<Vec<f64>> {
    use std::sync::mpsc::sync_channel;
    let (to_echo, echo_in) = sync_channel::<u64>(0);
    let (echo_out, from_echo) = sync_channel::<u64>(0);
    let echo = std::thread::spawn(move || {
        while let Ok(x) = echo_in.recv() {
            if echo_out.send(x).is_err() {
                break;
            }
        }
    });
    let result = samples_us(n, || {
        to_echo.send(1).map_err(|_| anyhow!("echo thread gone"))?;
        from_echo.recv().map_err(|_| anyhow!("echo thread gone"))?;
        Ok(())
    });
    drop(to_echo);
    echo.join().map_err(|_| anyhow!("echo thread panicked"))?;
    result
}

/// Context-switch ping-pong between this process and a child (this program re-executed as an
/// echo): one byte through a pipe and back per sample, µs.
///
/// # Errors
/// When the child cannot be started or stops echoing.
pub fn process_ping_pong(n: u64) -> Result<Vec<f64>> {
    use std::io::{Read, Write};
    let exe = std::env::current_exe()?;
    let mut child = Command::new(exe)
        .arg(crate::worker::ECHO_ARG)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .context("start echo child")?;
    let (Some(mut to), Some(mut from)) = (child.stdin.take(), child.stdout.take()) else {
        let _ = child.kill();
        let _ = child.wait();
        bail!("echo child has no pipes");
    };
    let mut byte = [0u8; 1];
    let result = samples_us(n, || {
        to.write_all(b"x")?;
        to.flush()?;
        from.read_exact(&mut byte)?;
        Ok(())
    });
    drop(to); // end-of-file: the child exits
    child.wait()?;
    result
}

/// Context-switch ping-pong between two tokio tasks over channels, µs per round trip (timed
/// inside the runtime).
///
/// # Errors
/// When the echo task goes away.
pub fn task_ping_pong(rt: &tokio::runtime::Runtime, n: u64) -> Result<Vec<f64>> {
    rt.block_on(rt.spawn(async move {
        let (to_echo, mut echo_in) = tokio::sync::mpsc::channel::<u64>(1);
        let (echo_out, mut from_echo) = tokio::sync::mpsc::channel::<u64>(1);
        let echo = tokio::spawn(async move {
            while let Some(x) = echo_in.recv().await {
                if echo_out.send(x).await.is_err() {
                    break;
                }
            }
        });
        let mut us = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for i in 0..n {
            let t = Instant::now();
            to_echo
                .send(i)
                .await
                .map_err(|_| anyhow!("echo task gone"))?;
            from_echo
                .recv()
                .await
                .ok_or_else(|| anyhow!("echo task gone"))?;
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        drop(to_echo);
        echo.await?;
        Ok::<_, anyhow::Error>(us)
    }))?
}

/// Round trip of one tiny task through a thread pool (rayon's `install`: hand a closure to a
/// pool thread and wait for its answer), µs per sample.
pub fn thread_pool_round_trips(pool: &rayon::ThreadPool, n: u64) -> Vec<f64> {
    samples_us(n, || {
        std::hint::black_box(pool.install(|| std::hint::black_box(1u64) + 1));
        Ok(())
    })
    .unwrap_or_default()
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
        assert_eq!(tokio_task_samples(&rt, 5).unwrap().len(), 5);
    }

    #[test]
    fn ping_pongs_and_round_trips_give_one_sample_each() {
        assert_eq!(thread_ping_pong(20).unwrap().len(), 20);
        let rt = tokio::runtime::Runtime::new().unwrap();
        assert_eq!(task_ping_pong(&rt, 20).unwrap().len(), 20);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let rt_us = thread_pool_round_trips(&pool, 20);
        assert_eq!(rt_us.len(), 20);
        assert!(rt_us.iter().all(|&x| x > 0.0));
    }
}
