//! The polite async scraper behind `a11_async_web_scraper`: fetch, retry, parse, limit, write.
//!
//! One shared `reqwest::Client` (its connection pool is the Python original's "one session"), a
//! `tokio::sync::Semaphore` for the in-flight limit, a per-host gate that spaces requests by a
//! minimum delay, retries with exponential backoff on timeouts, connection errors, 429 and 5xx,
//! `robots.txt` (RFC 9309) checked before any page, and HTML parsed with `scraper` in a plain
//! function on the blocking pool (its `Html` is not `Send`, and parsing is CPU work that must not
//! stall the runtime). Results are written atomically: a temporary file in the target's
//! directory, then a rename.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode, Url};
use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;

mod output;
mod robots;

pub use output::{Format, OutputFile, to_csv, write_atomically};
pub use robots::Robots;

/// The `User-Agent` sent when none is given: says who we are (product token first, which is
/// what `robots.txt` groups match against).
pub const DEFAULT_USER_AGENT: &str = concat!(
    "concurrency-in-rust-scraper/",
    env!("CARGO_PKG_VERSION"),
    " (course example; polite: robots.txt, rate-limited)"
);

/// Bodies larger than this are refused (we decode other programs' bytes only with a limit).
pub const MAX_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// One quote as found on a page.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quote {
    /// The page it was found on (1-based).
    pub page: u32,
    /// The quote, without the surrounding “ ”.
    pub text: String,
    /// `small.author`.
    pub author: String,
    /// Every `a.tag`, in page order.
    pub tags: Vec<String>,
}

/// Everything the scraper needs to know.
#[derive(Debug, Clone)]
pub struct ScrapeConfig {
    /// Site root, e.g. `http://127.0.0.1:PORT/` or `https://quotes.toscrape.com/`.
    pub base_url: Url,
    /// Fetch pages `1..=pages`.
    pub pages: u32,
    /// Most requests in flight at once (the semaphore's permits).
    pub concurrency: usize,
    /// Per-request timeout (connect + headers + body), for each attempt.
    pub timeout: Duration,
    /// Extra attempts after a timeout, connection error, 429 or 5xx.
    pub retries: u32,
    /// Minimum time between the starts of two requests to the same host.
    pub delay: Duration,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Sent with every request.
    pub user_agent: String,
}

impl ScrapeConfig {
    /// Defaults for `base_url` (10 pages, 4 in flight, 5 s timeout, 2 retries, 100 ms delay,
    /// 250 ms backoff), all in real time — the binary scales them by `COURSE_TIME_SCALE`.
    pub fn new(base_url: Url) -> Self {
        Self {
            base_url,
            pages: 10,
            concurrency: 4,
            timeout: Duration::from_secs(5),
            retries: 2,
            delay: Duration::from_millis(100),
            backoff: Duration::from_millis(250),
            user_agent: DEFAULT_USER_AGENT.to_owned(),
        }
    }
}

/// Parses a site root for [`ScrapeConfig::base_url`]: http or https, path ending in `/`.
///
/// # Errors
/// Not a URL, or another scheme.
pub fn parse_base_url(text: &str) -> Result<Url, String> {
    let mut url = Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("expected an http:// or https:// URL with a host".to_owned());
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

/// `{base}page/{page}/`, the site's pagination scheme.
pub fn page_url(base: &Url, page: u32) -> Url {
    base.join(&format!("page/{page}/"))
        .unwrap_or_else(|_| base.clone())
}

/// The one client of a run: User-Agent and timeout set once, connections pooled and reused by
/// every task (cloning a `Client` shares its pool).
///
/// # Errors
/// When the TLS backend cannot be initialised.
pub fn build_client(config: &ScrapeConfig) -> reqwest::Result<Client> {
    Client::builder()
        .user_agent(config.user_agent.clone())
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .pool_max_idle_per_host(config.concurrency)
        .build()
}

// ---------------------------------------------------------------------------------------------
// Step 3: fetch one page

/// A response, read in full.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// HTTP status.
    pub status: StatusCode,
    /// The body (invalid UTF-8 replaced).
    pub body: String,
    /// Body size in bytes, as received.
    pub bytes: usize,
    /// Time from sending to the last byte.
    pub elapsed: Duration,
}

/// Why a single request failed before giving a full response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    /// The per-request timeout elapsed.
    Timeout,
    /// The connection could not be made or broke.
    Network(String),
    /// The body is larger than [`MAX_PAGE_BYTES`].
    TooLarge,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Timeout => f.write_str("timed out"),
            Self::Network(e) => write!(f, "network error: {e}"),
            Self::TooLarge => write!(f, "body larger than {MAX_PAGE_BYTES} bytes"),
        }
    }
}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else {
            // reqwest's own message is "error sending request for url (…)"; the useful part is
            // the innermost cause ("Connection refused", "failed to lookup address…").
            let mut root: &dyn std::error::Error = &e;
            while let Some(s) = root.source() {
                root = s;
            }
            let what = if e.is_connect() {
                "cannot connect"
            } else if e.is_body() || e.is_decode() {
                "broken body"
            } else {
                "request failed"
            };
            Self::Network(format!("{what}: {root}"))
        }
    }
}

/// One GET through the shared client, body read in chunks up to [`MAX_PAGE_BYTES`]. Only
/// `.await`s: the runtime thread is free while we wait for the network.
///
/// # Errors
/// Timeout, network error, or an oversized body. An HTTP error status is *not* an error here.
pub async fn fetch_page(client: &Client, url: &Url) -> Result<Fetched, FetchError> {
    let start = Instant::now();
    let mut response = client.get(url.clone()).send().await?;
    let status = response.status();
    if response
        .content_length()
        .is_some_and(|n| n > MAX_PAGE_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Fetched {
        status,
        bytes: body.len(),
        body: String::from_utf8_lossy(&body).into_owned(),
        elapsed: start.elapsed(),
    })
}

// ---------------------------------------------------------------------------------------------
// Parsing (a plain function: `Html` is not `Send`, so it never lives across an `.await`)

/// What a quotes page contains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPage {
    /// Every `div.quote`.
    pub quotes: Vec<Quote>,
    /// The `href` of `li.next > a`, when there is a next page.
    pub next: Option<String>,
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad built-in selector {css:?}: {e}"))
}

static QUOTE: LazyLock<Selector> = LazyLock::new(|| selector("div.quote"));
static TEXT: LazyLock<Selector> = LazyLock::new(|| selector("span.text"));
static AUTHOR: LazyLock<Selector> = LazyLock::new(|| selector("small.author"));
static TAG: LazyLock<Selector> = LazyLock::new(|| selector("a.tag"));
static NEXT: LazyLock<Selector> = LazyLock::new(|| selector("li.next > a"));

fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Parses a quotes page. Browsers accept any HTML, so "malformed" means: a `div.quote` without
/// its `span.text` or `small.author` (e.g. a cut-off download). A page with no quotes at all is
/// fine — that is how the site says "past the last page".
///
/// # Errors
/// A description of the first incomplete quote.
pub fn parse_page(html: &str, page: u32) -> Result<ParsedPage, String> {
    let doc = Html::parse_document(html);
    let mut quotes = Vec::new();
    for (i, div) in doc.select(&QUOTE).enumerate() {
        let text = div
            .select(&TEXT)
            .next()
            .map(|e| clean(&e.text().collect::<String>()))
            .filter(|t| !t.is_empty())
            .ok_or_else(|| format!("quote #{} has no span.text", i + 1))?;
        let author = div
            .select(&AUTHOR)
            .next()
            .map(|e| clean(&e.text().collect::<String>()))
            .filter(|a| !a.is_empty())
            .ok_or_else(|| format!("quote #{} has no small.author (page cut off?)", i + 1))?;
        let text = text
            .trim_start_matches(['“', '"'])
            .trim_end_matches(['”', '"'])
            .to_owned();
        let tags = div
            .select(&TAG)
            .map(|t| clean(&t.text().collect::<String>()))
            .collect();
        quotes.push(Quote {
            page,
            text,
            author,
            tags,
        });
    }
    let next = doc
        .select(&NEXT)
        .next()
        .and_then(|a| a.value().attr("href"))
        .map(str::to_owned);
    Ok(ParsedPage { quotes, next })
}

/// How `robots.txt` was obtained.
#[derive(Debug, Clone)]
pub struct RobotsReport {
    /// False when it could not be read (network error or 5xx): then nothing is allowed.
    pub reachable: bool,
    /// `{host}/robots.txt`.
    pub url: String,
    /// Its status, when a response came.
    pub status: Option<u16>,
    /// The rules in force.
    pub robots: Robots,
    /// One line for humans.
    pub note: String,
}

impl RobotsReport {
    /// Why a page it forbids is skipped.
    pub fn skip_reason(&self) -> &'static str {
        if self.reachable {
            "disallowed by robots.txt"
        } else {
            "robots.txt unreachable, so nothing is allowed (RFC 9309)"
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Politeness: the in-flight limit and the per-host delay

/// Spaces the starts of requests to one host by at least `delay`: each request reserves the
/// next free slot under a short (never awaited) lock, then sleeps until it.
#[derive(Debug)]
struct HostGate {
    inner: Mutex<(Duration, HashMap<String, Instant>)>,
}

impl HostGate {
    fn new(delay: Duration) -> Self {
        Self {
            inner: Mutex::new((delay, HashMap::new())),
        }
    }

    fn raise_delay(&self, at_least: Duration) {
        let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.0 = inner.0.max(at_least);
    }

    fn delay(&self) -> Duration {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner).0
    }

    async fn wait(&self, url: &Url) {
        let host = format!(
            "{}:{}",
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0)
        );
        let slot = {
            let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            let delay = inner.0;
            let now = Instant::now();
            let slot = inner.1.get(&host).map_or(now, |&next| next.max(now));
            inner.1.insert(host, slot + delay);
            slot
        };
        tokio::time::sleep_until(slot.into()).await;
    }
}

/// Shared by every task of a run (cheap to clone: `Arc`s and the client's own `Arc`).
#[derive(Clone)]
struct Ctx {
    client: Client,
    limit: Arc<Semaphore>,
    gate: Arc<HostGate>,
    requests: Arc<AtomicU32>,
    retries: u32,
    backoff: Duration,
    timeout: Duration,
    events: mpsc::UnboundedSender<Event>,
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// The last attempt's result and how many attempts were made.
struct Attempts {
    result: Result<Fetched, FetchError>,
    attempts: u32,
}

impl Ctx {
    /// Fetches `url` with the limit, the delay and retries. The permit is held only while a
    /// request is on the wire, not during backoff, so a failing page does not slow the others.
    async fn fetch_politely(&self, page: u32, url: &Url) -> Attempts {
        let mut attempt = 1;
        loop {
            let result = {
                let _permit = self
                    .limit
                    .acquire()
                    .await
                    .expect("the semaphore is never closed");
                self.gate.wait(url).await;
                self.requests.fetch_add(1, Ordering::SeqCst);
                fetch_page(&self.client, url).await
            };
            let reason = match &result {
                Ok(f) if retryable(f.status) => f.status.to_string(),
                Err(FetchError::Timeout) => {
                    format!("timed out after {:.3} s", self.timeout.as_secs_f64())
                }
                Err(e @ FetchError::Network(_)) => e.to_string(),
                _ => {
                    return Attempts {
                        result,
                        attempts: attempt,
                    };
                }
            };
            if attempt > self.retries {
                return Attempts {
                    result,
                    attempts: attempt,
                };
            }
            let wait = self.backoff.saturating_mul(1 << (attempt - 1).min(16));
            let _ = self.events.send(Event::Retry {
                page,
                url: url.to_string(),
                attempt,
                of: self.retries + 1,
                reason,
                wait,
            });
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Results

/// What became of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Fetched and parsed.
    Ok {
        /// HTTP status (2xx).
        status: u16,
        /// Body size in bytes.
        bytes: usize,
        /// Its quotes (none past the last page).
        quotes: Vec<Quote>,
        /// `li.next > a`, if any.
        next: Option<String>,
    },
    /// Given up on.
    Failed {
        /// Status of the last response, if one came.
        status: Option<u16>,
        /// Its size in bytes, if one came.
        bytes: Option<usize>,
        /// What went wrong.
        kind: FailureKind,
        /// Details.
        error: String,
    },
    /// Not requested.
    Skipped {
        /// Why (robots.txt).
        reason: String,
    },
}

/// The families of failure, for summaries and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer within the timeout (after every retry).
    Timeout,
    /// An error status (5xx after every retry, or a 4xx).
    Http,
    /// Connection refused, reset…
    Network,
    /// The body is not a complete quotes page.
    Malformed,
    /// The body is over [`MAX_PAGE_BYTES`].
    TooLarge,
}

/// One finished page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageReport {
    /// Page number.
    pub page: u32,
    /// Its URL.
    pub url: String,
    /// Requests made for it (0 when skipped).
    pub attempts: u32,
    /// Duration of the last attempt.
    pub elapsed: Duration,
    /// What happened.
    pub outcome: Outcome,
}

impl PageReport {
    /// Fetched and parsed?
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok { .. })
    }

    /// Its quotes (empty unless ok).
    pub fn quotes(&self) -> &[Quote] {
        match &self.outcome {
            Outcome::Ok { quotes, .. } => quotes,
            _ => &[],
        }
    }

    /// The failure kind, if it failed.
    pub fn failure(&self) -> Option<FailureKind> {
        match &self.outcome {
            Outcome::Failed { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// The one line printed for this page: `page N: URL -> STATUS, BYTES bytes, TIME s, …`.
    pub fn line(&self) -> String {
        let status_text =
            |s: u16| StatusCode::from_u16(s).map_or_else(|_| s.to_string(), |c| c.to_string());
        let t = self.elapsed.as_secs_f64();
        let retried = if self.attempts > 1 {
            format!(" (after {} attempts)", self.attempts)
        } else {
            String::new()
        };
        let head = format!("page {}: {} ->", self.page, self.url);
        match &self.outcome {
            Outcome::Ok {
                status,
                bytes,
                quotes,
                next,
            } => {
                let end = if quotes.is_empty() {
                    " (no quotes: past the last page)"
                } else if next.is_none() {
                    " (no next link: last page)"
                } else {
                    ""
                };
                format!(
                    "{head} {}, {bytes} bytes, {t:.3} s, {} quotes{retried}{end}",
                    status_text(*status),
                    quotes.len()
                )
            }
            Outcome::Failed {
                status: Some(status),
                bytes,
                error,
                ..
            } => format!(
                "{head} {}, {} bytes, {t:.3} s, FAILED{retried}: {error}",
                status_text(*status),
                bytes.unwrap_or(0)
            ),
            Outcome::Failed { error, .. } => format!("{head} FAILED{retried}: {error}"),
            Outcome::Skipped { reason } => format!("{head} SKIPPED: {reason}"),
        }
    }
}

/// Things worth printing while a run is under way, in the order they happen.
#[derive(Debug, Clone)]
pub enum Event {
    /// `robots.txt` was read (always first).
    Robots(RobotsReport),
    /// An attempt failed and will be retried after `wait`.
    Retry {
        /// Page number (0 for `robots.txt`).
        page: u32,
        /// Its URL.
        url: String,
        /// The attempt that failed (1-based).
        attempt: u32,
        /// Attempts allowed in all.
        of: u32,
        /// Why.
        reason: String,
        /// Backoff before the next attempt.
        wait: Duration,
    },
    /// A page is finished (ok, failed or skipped).
    Page(PageReport),
}

/// A whole run.
#[derive(Debug, Clone)]
pub struct ScrapeRun {
    /// One report per page, in page order.
    pub reports: Vec<PageReport>,
    /// How robots.txt was handled.
    pub robots: RobotsReport,
    /// HTTP requests sent (robots.txt, pages and retries).
    pub requests: u32,
    /// The per-host delay that was applied (the larger of ours and Crawl-delay).
    pub delay: Duration,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl ScrapeRun {
    /// Every quote, in page order.
    pub fn quotes(&self) -> Vec<Quote> {
        self.reports
            .iter()
            .flat_map(|r| r.quotes().iter().cloned())
            .collect()
    }

    /// Pages fetched and parsed.
    pub fn ok_pages(&self) -> usize {
        self.reports.iter().filter(|r| r.is_ok()).count()
    }

    /// Pages given up on.
    pub fn failed(&self) -> Vec<&PageReport> {
        self.reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed { .. }))
            .collect()
    }

    /// Pages not requested (robots.txt).
    pub fn skipped(&self) -> Vec<&PageReport> {
        self.reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Skipped { .. }))
            .collect()
    }

    /// The summary printed at the end, one line each.
    pub fn summary_lines(&self) -> Vec<String> {
        let secs = self.elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            f64::from(self.requests) / secs
        } else {
            0.0
        };
        let mut lines = vec![
            format!(
                "Summary: {} pages ok, {} failed, {} skipped",
                self.ok_pages(),
                self.failed().len(),
                self.skipped().len()
            ),
            format!("Quotes found: {}", self.quotes().len()),
            format!(
                "Requests: {} in {secs:.3} s = {rate:.1} requests/s",
                self.requests
            ),
        ];
        for r in self.failed() {
            lines.push(format!("  failed  {}", r.line()));
        }
        for r in self.skipped() {
            lines.push(format!("  skipped {}", r.line()));
        }
        lines
    }
}

// ---------------------------------------------------------------------------------------------
// Steps 5–7: the run

async fn fetch_robots(ctx: &Ctx, base: &Url, user_agent: &str) -> RobotsReport {
    let url = base.join("/robots.txt").unwrap_or_else(|_| base.clone());
    let Attempts { result, .. } = ctx.fetch_politely(0, &url).await;
    let (status, robots, note) = match result {
        Ok(f) if f.status.is_success() => {
            let robots = Robots::parse(&f.body, user_agent);
            let note = match robots.rule_count() {
                0 => "no rules for us: everything allowed".to_owned(),
                1 => "1 Allow/Disallow rule applies to us".to_owned(),
                n => format!("{n} Allow/Disallow rules apply to us"),
            };
            (Some(f.status.as_u16()), robots, note)
        }
        Ok(f) if f.status.is_client_error() => (
            Some(f.status.as_u16()),
            Robots::allow_all(),
            "none (4xx): everything allowed".to_owned(),
        ),
        Ok(f) => (
            Some(f.status.as_u16()),
            Robots::disallow_all(),
            "unreachable (server error): assuming Disallow: / (RFC 9309)".to_owned(),
        ),
        Err(e) => (
            None,
            Robots::disallow_all(),
            format!("unreachable ({e}): assuming Disallow: / (RFC 9309)"),
        ),
    };
    RobotsReport {
        reachable: status.is_some_and(|s| s < 500),
        url: url.to_string(),
        status,
        robots,
        note,
    }
}

async fn fetch_and_parse(ctx: Ctx, page: u32, url: Url) -> PageReport {
    let Attempts { result, attempts } = ctx.fetch_politely(page, &url).await;
    let (elapsed, outcome) = match result {
        Err(e) => {
            let kind = match e {
                FetchError::Timeout => FailureKind::Timeout,
                FetchError::Network(_) => FailureKind::Network,
                FetchError::TooLarge => FailureKind::TooLarge,
            };
            let elapsed = if kind == FailureKind::Timeout {
                ctx.timeout
            } else {
                Duration::ZERO
            };
            let error = match e {
                FetchError::Timeout => {
                    format!("timed out after {:.3} s", ctx.timeout.as_secs_f64())
                }
                other => other.to_string(),
            };
            let outcome = Outcome::Failed {
                status: None,
                bytes: None,
                kind,
                error,
            };
            (elapsed, outcome)
        }
        Ok(f) if !f.status.is_success() => {
            let outcome = Outcome::Failed {
                status: Some(f.status.as_u16()),
                bytes: Some(f.bytes),
                kind: FailureKind::Http,
                error: format!("HTTP {}", f.status),
            };
            (f.elapsed, outcome)
        }
        Ok(f) => {
            let (status, bytes, elapsed) = (f.status.as_u16(), f.bytes, f.elapsed);
            // Parsing is CPU work: do it on the blocking pool, not on a runtime thread.
            let parsed = tokio::task::spawn_blocking(move || parse_page(&f.body, page))
                .await
                .unwrap_or_else(|e| Err(format!("parser panicked: {e}")));
            let outcome = match parsed {
                Ok(p) => Outcome::Ok {
                    status,
                    bytes,
                    quotes: p.quotes,
                    next: p.next,
                },
                Err(error) => Outcome::Failed {
                    status: Some(status),
                    bytes: Some(bytes),
                    kind: FailureKind::Malformed,
                    error: format!("malformed page: {error}"),
                },
            };
            (elapsed, outcome)
        }
    };
    PageReport {
        page,
        url: url.to_string(),
        attempts,
        elapsed,
        outcome,
    }
}

/// Scrapes pages `1..=config.pages` of `config.base_url` with `client` and reports every
/// [`Event`] to `on_event` as it happens (on the caller's task, so `on_event` needs no `Send`).
/// Never fails as a whole: each page carries its own result.
///
/// # Panics
/// Only if a page task panics (a bug), re-raised here.
pub async fn scrape(
    client: &Client,
    config: &ScrapeConfig,
    mut on_event: impl FnMut(&Event),
) -> ScrapeRun {
    let start = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ctx = Ctx {
        client: client.clone(), // the same pool: a clone is a handle, not a new client
        limit: Arc::new(Semaphore::new(config.concurrency.max(1))),
        gate: Arc::new(HostGate::new(config.delay)),
        requests: Arc::new(AtomicU32::new(0)),
        retries: config.retries,
        backoff: config.backoff,
        timeout: config.timeout,
        events: tx,
    };

    // Polite first: read robots.txt before any page.
    let robots = fetch_robots(&ctx, &config.base_url, &config.user_agent).await;
    if let Some(crawl_delay) = robots.robots.crawl_delay {
        ctx.gate.raise_delay(crawl_delay);
    }
    while let Ok(retry) = rx.try_recv() {
        on_event(&retry);
    }
    on_event(&Event::Robots(robots.clone()));

    let mut reports = Vec::new();
    let mut tasks = JoinSet::new();
    for page in 1..=config.pages {
        let url = page_url(&config.base_url, page);
        if robots.robots.allows(url.path()) {
            tasks.spawn(fetch_and_parse(ctx.clone(), page, url));
        } else {
            let report = PageReport {
                page,
                url: url.to_string(),
                attempts: 0,
                elapsed: Duration::ZERO,
                outcome: Outcome::Skipped {
                    reason: robots.skip_reason().to_owned(),
                },
            };
            on_event(&Event::Page(report.clone()));
            reports.push(report);
        }
    }
    let delay = ctx.gate.delay();
    let requests = Arc::clone(&ctx.requests);
    drop(ctx);

    // Pages are reported as they complete. `biased` drains the retry events first, so a page's
    // retries are always printed before its final line.
    while !tasks.is_empty() {
        tokio::select! {
            biased;
            Some(event) = rx.recv() => on_event(&event),
            Some(joined) = tasks.join_next() => match joined {
                Ok(report) => {
                    let event = Event::Page(report);
                    on_event(&event);
                    if let Event::Page(report) = event {
                        reports.push(report);
                    }
                }
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => panic!("page task cancelled: {e}"),
            },
        }
    }
    reports.sort_by_key(|r| r.page);
    ScrapeRun {
        reports,
        robots,
        requests: requests.load(Ordering::SeqCst),
        delay,
        elapsed: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_quote_and_the_next_link() {
        let html = crate::fixture::render_page(10, 2);
        let p = parse_page(&html, 2).unwrap();
        assert_eq!(p.quotes, crate::fixture::quotes_on_page(10, 2));
        assert_eq!(p.next.as_deref(), Some("/page/3/"));
        let bad = crate::fixture::render_malformed_page(10, 2);
        assert!(parse_page(&bad, 2).unwrap_err().contains("small.author"));
    }

    #[test]
    fn base_urls_are_normalised() {
        let u = parse_base_url("https://quotes.toscrape.com").unwrap();
        assert_eq!(
            page_url(&u, 3).as_str(),
            "https://quotes.toscrape.com/page/3/"
        );
        let u = parse_base_url("http://127.0.0.1:8000/mirror").unwrap();
        assert_eq!(
            page_url(&u, 1).as_str(),
            "http://127.0.0.1:8000/mirror/page/1/"
        );
        assert!(parse_base_url("ftp://x").is_err());
        assert!(parse_base_url("not a url").is_err());
    }
}
