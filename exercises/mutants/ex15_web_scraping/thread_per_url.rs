//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 15, no cap on in-flight work: one thread per URL instead of `limit` threads.

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
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Scraped>> = vec![None; urls.len()];
    let found = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..urls.len() {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(url) = urls.get(i) else { break };
                    let r = http_get(url, timeout).map(|(_, body)| count_quotes(&body));
                    found
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push((i, (url.clone(), r)));
                }
            });
        }
    });
    for (i, r) in found
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
    {
        results[i] = Some(r);
    }
    results.into_iter().flatten().collect()
}

/// Fetches every URL as async tasks, at most `limit` at once; results in URL order.
///
/// # Panics
/// When a task panics or the client cannot be built.
pub async fn scrape_with_async(urls: &[String], limit: usize, timeout: Duration) -> Vec<Scraped> {
    let client = reqwest::Client::builder()
        .timeout(timeout)
        .user_agent("course-exercise-15")
        .build()
        .expect("a client without TLS settings always builds");
    let permits = Arc::new(tokio::sync::Semaphore::new(limit.max(1)));
    let handles: Vec<_> = urls
        .iter()
        .map(|url| {
            let (client, permits, url) = (client.clone(), Arc::clone(&permits), url.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await.expect("never closed");
                let body = async { client.get(&url).send().await?.text().await };
                let r = body
                    .await
                    .map(|b| count_quotes(&b))
                    .map_err(|e| e.to_string());
                (url, r)
            })
        })
        .collect();
    let mut out = Vec::with_capacity(handles.len());
    for h in handles {
        out.push(h.await.expect("a scraping task panicked"));
    }
    out
}
