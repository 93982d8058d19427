//! # Exercise 15: concurrent web scraping, threads vs async
//!
//! The python-threads repository's `exercises/web_scraping.py`: scrape many pages concurrently.
//! Do it twice, then compare:
//! - `scrape_with_threads`: at most `limit` threads (the number of threads is the bound), each
//!   fetching with the given blocking `http_get` and counting quotes with `count_quotes`;
//! - `scrape_with_async`: one tokio task per URL, a `tokio::sync::Semaphore` with `limit`
//!   permits as the bound, one shared `reqwest::Client` (with `timeout`).
//!
//! Both return `(url, Ok(number of quotes))` per URL (or `Err(text)`), in URL order.
//!
//! Done when: both give the same results (10 quotes on each page of the fixture); both finish
//! well under the sequential time; the fixture server never sees more than `limit` requests at
//! once, and sees more than one (they do overlap).
//!
//! Builds on: `t35_blocking_io_with_threads`, `a09_semaphore_limited`, `a14_async_http_requests`,
//!   `a16_many_tasks_vs_threads`.
//!
//! Check: `cargo run --bin exercises -- check 15`
#![allow(unused, unreachable_code, clippy::all)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Largest response accepted by [`http_get`].
pub const MAX_RESPONSE: u64 = 4 * 1024 * 1024;

/// A minimal blocking HTTP/1.0 GET of an `http://host:port/path` URL: status and body.
///
/// # Errors
/// A malformed URL, a network error, a timeout, or an unreadable response.
pub fn http_get(url: &str, timeout: Duration) -> Result<(u16, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("only http:// URLs: {url}"))?;
    let (host, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_owned()), |(h, p)| (h, format!("/{p}")));
    let addr = std::net::ToSocketAddrs::to_socket_addrs(host)
        .map_err(|e| format!("{host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}: no address"))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: {host}\r\nUser-Agent: course-exercise-15\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    stream
        .take(MAX_RESPONSE)
        .read_to_end(&mut raw)
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or("no end of headers")?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line: {:?}", head.lines().next()))?;
    Ok((status, body.to_owned()))
}

/// How many quotes a page of the quotes site holds.
pub fn count_quotes(html: &str) -> usize {
    html.matches("<div class=\"quote\"").count()
}

/// One scraped page: its URL and its number of quotes (or the error).
pub type Scraped = (String, Result<usize, String>);

/// Fetches every URL with `limit` threads; results in URL order.
///
/// # Panics
/// When a worker thread panics.
pub fn scrape_with_threads(urls: &[String], limit: usize, timeout: Duration) -> Vec<Scraped> {
    todo!("`limit` scoped threads taking URLs from a shared index; http_get + count_quotes")
}

/// Fetches every URL as async tasks, at most `limit` at once; results in URL order.
///
/// # Panics
/// When a task panics or the client cannot be built.
pub async fn scrape_with_async(urls: &[String], limit: usize, timeout: Duration) -> Vec<Scraped> {
    todo!("one reqwest::Client, a Semaphore of `limit` permits, one tokio task per URL")
}
