//! I/O-bound work: tasks that mostly wait. Two kinds of waiting:
//! (a) a sleep of the configured latency (the Python originals' `time.sleep`), and
//! (b) a real HTTP request to a local axum server that this program starts itself on
//! `127.0.0.1:0`, which answers after the same latency.
//!
//! Each task `id` answers `id`, so the checksum of `n` tasks is n(n-1)/2 in every mode.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};

use crate::procpool::ProcessPool;
use crate::worker::Job;

/// What one I/O task waits for.
#[derive(Debug, Clone)]
pub enum IoKind {
    /// A sleep of this length.
    Sleep(Duration),
    /// A GET to the local server, which waits this long before answering.
    Http {
        /// The server's address.
        addr: SocketAddr,
        /// Server-side latency per request.
        latency: Duration,
    },
}

impl IoKind {
    fn path(latency: Duration, id: u64) -> String {
        format!("/delay/{}/{id}", latency.as_micros())
    }

    /// The job for a worker process.
    pub fn job(&self, id: u64) -> Job<'static> {
        match self {
            Self::Sleep(d) => Job::Sleep {
                micros: u64::try_from(d.as_micros()).unwrap_or(u64::MAX),
                id,
            },
            Self::Http { addr, latency } => Job::HttpGet {
                addr: addr.to_string(),
                path: Self::path(*latency, id),
            },
        }
    }

    /// Does task `id` on this thread, blocking.
    ///
    /// # Errors
    /// A failed request.
    pub fn blocking(&self, id: u64) -> Result<u64> {
        match self {
            Self::Sleep(d) => {
                std::thread::sleep(*d);
                Ok(id)
            }
            Self::Http { addr, latency } => {
                blocking_get(&addr.to_string(), &Self::path(*latency, id))
            }
        }
    }
}

/// The expected checksum of `n` tasks.
pub fn expected(n: u64) -> u64 {
    crate::cpu::expected_sum(n)
}

/// A minimal blocking HTTP/1.1 GET over `std::net::TcpStream` (what a thread-per-request
/// client does); returns the number in the body.
///
/// # Errors
/// Connection errors, a non-200 status or a body that is not a number.
pub fn blocking_get(addr: &str, path: &str) -> Result<u64> {
    let mut stream = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    // A response larger than 64 KiB is not ours: stop reading there.
    stream.take(64 * 1024).read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| anyhow!("no HTTP header end"))?;
    if !head.starts_with("HTTP/1.1 200") {
        bail!("unexpected response: {}", head.lines().next().unwrap_or(""));
    }
    body.trim()
        .parse()
        .with_context(|| format!("body {body:?} is not a number"))
}

/// The local HTTP server: `GET /delay/{micros}/{id}` waits `micros` µs, then answers `id`.
/// It runs on its own tokio runtime thread and stops when dropped.
pub struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts the server on `127.0.0.1:0`.
    ///
    /// # Errors
    /// When the runtime or the socket cannot be set up.
    pub fn start() -> Result<Self> {
        use axum::{Router, extract::Path, routing::get};
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("http-server")
            .enable_all()
            .build()?;
        let listener = rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = Router::new().route(
            "/delay/{micros}/{id}",
            get(|Path((micros, id)): Path<(u64, u64)>| async move {
                tokio::time::sleep(Duration::from_micros(micros)).await;
                id.to_string()
            }),
        );
        let thread = std::thread::Builder::new()
            .name("http-server".into())
            .spawn(move || {
                rt.block_on(async move {
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(async move {
                            let _ = stopped.await;
                        })
                        .await;
                });
            })?;
        Ok(Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Task after task on this thread.
///
/// # Errors
/// A failed task.
pub fn sequential(kind: &IoKind, n: u64) -> Result<u64> {
    (0..n).try_fold(0u64, |acc, id| Ok(acc.wrapping_add(kind.blocking(id)?)))
}

/// One std thread per task.
///
/// # Errors
/// A failed task, or a thread that could not be started (the OS limit on threads).
pub fn threads(kind: &IoKind, n: u64) -> Result<u64> {
    std::thread::scope(|s| {
        let mut handles = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        for id in 0..n {
            let h = std::thread::Builder::new()
                .stack_size(64 * 1024) // waiting needs little stack; 10 000 threads stay cheap
                .spawn_scoped(s, move || kind.blocking(id))
                .with_context(|| format!("could not start thread {id}"))?;
            handles.push(h);
        }
        handles.into_iter().try_fold(0u64, |acc, h| {
            let v = h.join().map_err(|_| anyhow!("task thread panicked"))??;
            Ok(acc.wrapping_add(v))
        })
    })
}

/// A fixed pool of `workers` threads taking tasks from a shared counter.
///
/// # Errors
/// A failed task.
pub fn thread_pool(kind: &IoKind, n: u64, workers: usize) -> Result<u64> {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers.max(1))
            .map(|_| {
                s.spawn(|| -> Result<u64> {
                    let mut acc = 0u64;
                    loop {
                        let id = next.fetch_add(1, Ordering::Relaxed) as u64;
                        if id >= n {
                            return Ok(acc);
                        }
                        acc = acc.wrapping_add(kind.blocking(id)?);
                    }
                })
            })
            .collect();
        handles.into_iter().try_fold(0u64, |acc, h| {
            let v = h.join().map_err(|_| anyhow!("pool thread panicked"))??;
            Ok(acc.wrapping_add(v))
        })
    })
}

/// The tasks as jobs for the worker processes.
///
/// # Errors
/// A failed worker.
pub fn processes(pool: &ProcessPool, kind: &IoKind, n: u64) -> Result<u64> {
    let jobs: Vec<Job<'_>> = (0..n).map(|id| kind.job(id)).collect();
    Ok(pool.map(&jobs)?.into_iter().fold(0, u64::wrapping_add))
}

/// One tokio task per I/O task: `tokio::time::sleep` or a `reqwest` GET on one shared client.
///
/// # Errors
/// A failed request or task.
pub fn tokio_tasks(
    rt: &tokio::runtime::Runtime,
    client: &reqwest::Client,
    kind: &IoKind,
    n: u64,
) -> Result<u64> {
    let (kind, client) = (kind.clone(), client.clone());
    // The spawning loop itself runs as a task on a runtime worker: spawns from inside the
    // runtime go to that worker's local queue, which is cheaper than injecting every task from
    // the outside thread that called `block_on`. Plain `JoinHandle`s (no `JoinSet`, whose
    // bookkeeping takes a lock per task) keep the per-task cost to one allocation and a timer.
    rt.block_on(rt.spawn(async move {
        let mut handles = Vec::with_capacity(usize::try_from(n).unwrap_or(0));
        match kind {
            IoKind::Sleep(d) => {
                for id in 0..n {
                    handles.push(tokio::spawn(async move {
                        tokio::time::sleep(d).await;
                        Ok::<u64, anyhow::Error>(id)
                    }));
                }
            }
            IoKind::Http { addr, latency } => {
                for id in 0..n {
                    let client = client.clone();
                    handles.push(tokio::spawn(async move {
                        let url = format!("http://{addr}{}", IoKind::path(latency, id));
                        let body = client
                            .get(url)
                            .header(reqwest::header::CONNECTION, "close")
                            .send()
                            .await?
                            .error_for_status()?
                            .text()
                            .await?;
                        Ok(body.trim().parse::<u64>()?)
                    }));
                }
            }
        }
        let mut acc = 0u64;
        for h in handles {
            acc = acc.wrapping_add(h.await??);
        }
        Ok::<u64, anyhow::Error>(acc)
    }))?
}

/// `n` concurrent tokio sleeps of `d`, spawned by `spawners` tasks at once (one per runtime
/// worker), then awaited. Returns the checksum and (seconds until every sleep was spawned,
/// seconds until every sleep finished), both from the start.
///
/// # Errors
/// A task that panicked.
pub fn tokio_sleeps_phased(
    rt: &tokio::runtime::Runtime,
    n: u64,
    d: Duration,
    spawners: usize,
) -> Result<(u64, (f64, f64))> {
    let spawners = spawners.max(1) as u64;
    rt.block_on(rt.spawn(async move {
        let start = std::time::Instant::now();
        let per = n.div_ceil(spawners);
        let spawning: Vec<_> = (0..spawners)
            .map(|k| {
                tokio::spawn(async move {
                    let (lo, hi) = ((k * per).min(n), ((k + 1) * per).min(n));
                    (lo..hi)
                        .map(|id| {
                            tokio::spawn(async move {
                                tokio::time::sleep(d).await;
                                id
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all = Vec::with_capacity(spawning.len());
        for h in spawning {
            all.push(h.await?);
        }
        let spawned = start.elapsed().as_secs_f64();
        let mut acc = 0u64;
        for handles in all {
            for h in handles {
                acc = acc.wrapping_add(h.await?);
            }
        }
        Ok::<_, anyhow::Error>((acc, (spawned, start.elapsed().as_secs_f64())))
    }))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_in_process_mode_gets_every_answer_from_the_server() {
        let server = Server::start().unwrap();
        let kind = IoKind::Http {
            addr: server.addr(),
            latency: Duration::from_millis(5),
        };
        let want = expected(12);
        assert_eq!(sequential(&kind, 12).unwrap(), want);
        assert_eq!(threads(&kind, 12).unwrap(), want);
        assert_eq!(thread_pool(&kind, 12, 3).unwrap(), want);
        let rt = tokio::runtime::Runtime::new().unwrap();
        let client = reqwest::Client::new();
        assert_eq!(tokio_tasks(&rt, &client, &kind, 12).unwrap(), want);
        let (sum, (spawned, total)) =
            tokio_sleeps_phased(&rt, 1000, Duration::from_millis(5), 2).unwrap();
        assert_eq!(sum, expected(1000));
        assert!(spawned <= total && total >= 0.005, "{spawned} {total}");
        let sleeps = IoKind::Sleep(Duration::from_millis(1));
        assert_eq!(tokio_tasks(&rt, &client, &sleeps, 5).unwrap(), expected(5));
    }

    #[test]
    fn a_bad_path_is_an_error_not_a_number() {
        let server = Server::start().unwrap();
        let err = blocking_get(&server.addr().to_string(), "/nope").unwrap_err();
        assert!(err.to_string().contains("unexpected response"), "{err}");
    }
}
