//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 14, awaiting one page after another: each page is fetched (awaited) before the next
//! task starts.

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
        match &self.result {
            Ok((status, bytes)) => format!("{} {status} {bytes}", self.url),
            Err(e) => format!("{} ERROR {e}", self.url),
        }
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
    let url = reqwest::Url::parse(url).map_err(|e| format!("bad URL {url}: {e}"))?;
    let fetched = async_examples::scrape::fetch_page(client, &url)
        .await
        .map_err(|e| e.to_string())?;
    Ok((fetched.status.as_u16(), fetched.bytes))
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
    let client = build_client(config)?;
    let limit = Arc::new(Semaphore::new(config.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for page in 1..=config.pages {
        let (client, limit) = (client.clone(), Arc::clone(&limit)); // handles, not copies
        let url = page_url(&config.base_url, page);
        let report = (async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            let result = fetch_page(&client, &url).await;
            PageResult { page, url, result }
        })
        .await;
        tasks.spawn(async move { report });
    }
    let mut results = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let report = done.expect("a page task panicked");
        utilities::say!("{}", report.line());
        results.push(report);
    }
    results.sort_by_key(|r| r.page);
    Ok(results)
}
