//! Memory per idle worker, measured as resident set size (RSS, from `/proc`): start `n` workers
//! that do nothing, read how much the resident memory grew, divide by `n`.
//!
//! RSS counts pages actually in RAM. A Rust thread reserves a 2 MiB stack (virtual address
//! space), but only the pages it touches become resident; an idle tokio task is one heap
//! allocation. A child process has its own page tables and its own copy of every page it
//! writes; its RSS also counts shared library pages, so PSS (proportional set size: shared pages
//! divided among the processes that map them) is reported too.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier, mpsc};
use std::time::Duration;

use anyhow::{Context, Result, anyhow};

use crate::worker::IDLE_ARG;

/// A `kB` field (`VmRSS:`, `Pss:` …) from a `/proc` status-like file.
pub fn kib_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
}

/// This process's resident set size in KiB.
///
/// # Errors
/// When `/proc/self/status` cannot be read (not Linux).
pub fn rss_kib() -> Result<u64> {
    status_kib("VmRSS:")
}

/// A KiB field of `/proc/self/status` (`VmRSS:`, `VmSize:` for virtual memory).
///
/// # Errors
/// When `/proc/self/status` cannot be read (not Linux) or lacks the field.
pub fn status_kib(field: &str) -> Result<u64> {
    let text = std::fs::read_to_string("/proc/self/status").context("read /proc/self/status")?;
    kib_field(&text, field).ok_or_else(|| anyhow!("no {field} line"))
}

/// KiB of resident and of virtual memory per idle std thread (default 2 MiB stack), over `n`
/// threads.
///
/// # Errors
/// When a thread cannot be started or `/proc` cannot be read.
pub fn per_thread(n: usize) -> Result<(f64, f64)> {
    let before = rss_kib()?;
    let virt_before = status_kib("VmSize:")?;
    let ready = Arc::new(Barrier::new(n + 1));
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let release_rx = Arc::new(std::sync::Mutex::new(release_rx));
    let mut handles = Vec::with_capacity(n);
    for _ in 0..n {
        let (ready, release_rx) = (Arc::clone(&ready), Arc::clone(&release_rx));
        handles.push(std::thread::Builder::new().spawn(move || {
            ready.wait();
            // Idle: block until the sender is dropped.
            let _ = release_rx.lock().map(|rx| rx.recv());
        })?);
    }
    ready.wait();
    let after = rss_kib()?;
    let virt_after = status_kib("VmSize:")?;
    drop(release_tx);
    for h in handles {
        let _ = h.join();
    }
    Ok((
        after.saturating_sub(before) as f64 / n as f64,
        virt_after.saturating_sub(virt_before) as f64 / n as f64,
    ))
}

/// KiB of resident memory per idle tokio task (each awaits a notification), over `n` tasks.
///
/// # Errors
/// When `/proc` cannot be read or a task panicked.
pub fn per_task(rt: &tokio::runtime::Runtime, n: usize) -> Result<f64> {
    rt.block_on(async {
        let before = rss_kib()?;
        let go = Arc::new(tokio::sync::Notify::new());
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..n {
            let go = Arc::clone(&go);
            set.spawn(async move { go.notified().await });
        }
        // let every task run once and park on the notification
        tokio::time::sleep(Duration::from_millis(20)).await;
        let after = rss_kib()?;
        go.notify_waiters();
        while let Some(r) = set.join_next().await {
            r?;
        }
        Ok(after.saturating_sub(before) as f64 / n as f64)
    })
}

/// Average (RSS, PSS) in KiB of `n` idle child processes (this executable, waiting on stdin).
///
/// # Errors
/// When a child cannot be started or its `/proc` files cannot be read.
pub fn per_process(n: usize) -> Result<(f64, f64)> {
    let exe = std::env::current_exe()?;
    let mut children = Vec::with_capacity(n);
    let result = (|| -> Result<(f64, f64)> {
        for _ in 0..n {
            let mut child = Command::new(&exe)
                .arg(IDLE_ARG)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()?;
            let mut line = String::new();
            let out = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
            children.push(child);
            BufReader::new(out).read_line(&mut line)?;
            if line.trim() != "ready" {
                return Err(anyhow!("idle child said {line:?}"));
            }
        }
        let (mut rss, mut pss) = (0u64, 0u64);
        for c in &children {
            let status = std::fs::read_to_string(format!("/proc/{}/status", c.id()))?;
            rss += kib_field(&status, "VmRSS:").unwrap_or(0);
            let rollup = std::fs::read_to_string(format!("/proc/{}/smaps_rollup", c.id()))
                .unwrap_or_default();
            pss += kib_field(&rollup, "Pss:").unwrap_or(0);
        }
        Ok((rss as f64 / n as f64, pss as f64 / n as f64))
    })();
    for mut c in children {
        drop(c.stdin.take()); // EOF: the idle child exits
        let _ = crate::procpool::wait_with_timeout(&mut c, Duration::from_secs(5));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kib_fields() {
        let text = "Name:\tx\nVmRSS:\t  1234 kB\nPss:   56 kB\n";
        assert_eq!(kib_field(text, "VmRSS:"), Some(1234));
        assert_eq!(kib_field(text, "Pss:"), Some(56));
        assert_eq!(kib_field(text, "VmHWM:"), None);
    }

    #[test]
    fn own_rss_is_positive_and_idle_workers_cost_something_finite() {
        assert!(rss_kib().unwrap() > 0);
        let (t, virt) = per_thread(20).unwrap();
        assert!(t.is_finite() && t >= 0.0);
        assert!(
            virt > t,
            "a thread reserves more address space than it touches"
        );
        let rt = tokio::runtime::Runtime::new().unwrap();
        let k = per_task(&rt, 1000).unwrap();
        assert!(k.is_finite() && k >= 0.0);
    }
}
