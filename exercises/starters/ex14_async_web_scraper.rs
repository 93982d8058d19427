//! # Exercise 14: the async web scraper (capstone)
//!
//! The course project: a polite, concurrent scraper of the quotes site's pages. Here it runs
//! against the course's local fixture server (the same HTML as quotes.toscrape.com, on
//! 127.0.0.1), which counts what it sees: requests per page, the most in flight at once,
//! connections, User-Agents. The Python original's steps 3–8:
//!
//! - `fetch_page`: one GET through the **shared** client; `Ok((status, bytes))`, or the error as
//!   text — a timeout is `Err("timed out")` (hint: `async_examples::scrape::fetch_page` exists);
//! - `scrape_all`: build **one** client (`build_client`, given: User-Agent + timeout), start one
//!   task per page at once, allow at most `concurrency` in flight (`tokio::sync::Semaphore`),
//!   print one line per page as it finishes, and return the results in page order;
//! - `PageResult::line`: `"URL STATUS BYTES"`, or `"URL ERROR <what>"` for a failed page.
//!
//! Constraints (the Python original's): async only (no `reqwest::blocking`), never block the runtime, one
//! client for the whole run, a limit on concurrency, a User-Agent, public pages only.
//!
//! Done when: every page is fetched exactly once; the server never sees more than `concurrency`
//! requests at once; one client is reused (few connections, the configured User-Agent); a page
//! that hangs is reported as a timeout while every other page succeeds; the lines contain URL,
//! status and byte size; the run takes about ceil(pages / concurrency) × latency.
//! The full reference is `cargo run --bin a11_async_web_scraper`.
//!
//! Builds on: `a09_semaphore_limited`, `a10_timeouts_and_errors`, `a11_async_web_scraper`,
//!   `a14_async_http_requests`.
//!
//! Check: `cargo run --bin exercises -- check 14`
#![allow(unused, unreachable_code, clippy::all)]

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// What to scrape and how politely.
#[derive(Debug, Clone)]
pub struct ScraperConfig {
    /// Site root, e.g. `http://127.0.0.1:PORT` (no trailing slash needed).
    pub base_url: String,
    /// Pages `1..=pages`, at `{base_url}/page/{n}/`.
    pub pages: u32,
    /// Most requests in flight at once.
    pub concurrency: usize,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Sent with every request (polite scrapers say who they are).
    pub user_agent: String,
}

/// What happened to one page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageResult {
    /// Page number.
    pub page: u32,
    /// Its URL.
    pub url: String,
    /// `(status, bytes)` or the error text (e.g. `"timed out"`).
    pub result: Result<(u16, usize), String>,
}

impl PageResult {
    /// `URL STATUS BYTES`, or `URL ERROR <what>`.
    pub fn line(&self) -> String {
        todo!()
    }
}

/// `{base}/page/{n}/`.
pub fn page_url(base: &str, page: u32) -> String {
    format!("{}/page/{page}/", base.trim_end_matches('/'))
}

/// Builds the run's one client.
///
/// # Errors
/// When the HTTP client cannot be built.
pub fn build_client(config: &ScraperConfig) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .user_agent(config.user_agent.clone())
        .timeout(config.timeout)
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// GETs one page with the shared client: status and body size.
///
/// # Errors
/// The failure as text (`"timed out"`, a network error…).
pub async fn fetch_page(client: &reqwest::Client, url: &str) -> Result<(u16, usize), String> {
    todo!("one GET with the shared client; Ok((status, body bytes)) or Err(error text)")
}

/// Scrapes every page concurrently (at most `concurrency` at once); one result per page, in page
/// order.
///
/// # Errors
/// Only when the client cannot be built; page failures are inside the results.
///
/// # Panics
/// When a page task panics (a bug).
pub async fn scrape_all(config: &ScraperConfig) -> Result<Vec<PageResult>, String> {
    todo!("one client, a Semaphore of `concurrency` permits, one task per page in a JoinSet")
}
