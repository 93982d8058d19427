//! A local copy of <https://quotes.toscrape.com>: an axum server on `127.0.0.1:0`, started inside
//! the program or test that uses it, so nothing here ever needs the internet.
//!
//! It serves the same HTML structure as the real site (`div.quote`, `span.text`,
//! `small.author`, `a.tag`, pagination `li.next > a`, a `robots.txt`) from the public-domain
//! quotes in `data/quotes.json` (100 quotes = 10 pages of 10; with more pages the list cycles and
//! the page number keeps every quote distinct). It can misbehave on purpose — latency, 500s, a
//! page that never answers, a page with broken HTML, `Disallow` lines — and it counts what it
//! sees: requests per path, the most requests it ever had in flight, connections, User-Agents.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use async_examples::fixture::{FixtureConfig, FixtureServer};
//! let server = FixtureServer::start(FixtureConfig {
//!     latency: utilities::secs(0.5),
//!     hang_pages: [5].into(),
//!     ..FixtureConfig::default()
//! })
//! .await?;
//! println!("serving {}", server.base_url()); // http://127.0.0.1:PORT
//! // … scrape it …
//! assert!(server.stats().max_in_flight() <= 4);
//! server.shutdown().await;
//! # Ok(()) }
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tokio::sync::watch;

use crate::scrape::Quote;

/// Quotes per page, as on the real site.
pub const QUOTES_PER_PAGE: usize = 10;

/// How the fixture behaves. Every field has a harmless default (`FixtureConfig::default()`):
/// 10 pages, no latency, no failures.
#[derive(Debug, Clone)]
pub struct FixtureConfig {
    /// Pages that have quotes (`/page/1/` ..= `/page/{pages}/`). Later pages answer like the
    /// real site does past its end: status 200, "No quotes found!", no next link.
    pub pages: u32,
    /// Delay before every page answers (not `robots.txt`). Pass `utilities::secs(x)` so it
    /// follows `COURSE_TIME_SCALE`.
    pub latency: Duration,
    /// page → how many times it answers 500 before it answers normally (`u32::MAX` = always).
    pub fail_pages: BTreeMap<u32, u32>,
    /// Pages that never answer (until the server shuts down): only a client timeout ends them.
    pub hang_pages: BTreeSet<u32>,
    /// Pages that answer 200 with cut-off HTML (a quote without an author, no closing tags).
    pub malformed_pages: BTreeSet<u32>,
    /// Paths listed as `Disallow:` for every user agent in `robots.txt` (e.g. `"/page/6/"`).
    /// `/private/` is always listed.
    pub disallow: Vec<String>,
    /// When set, `/robots.txt` answers this status with no rules instead (404: the site has
    /// none, so everything is allowed; 500: it is broken, so a polite client fetches nothing).
    pub robots_status: Option<u16>,
}

impl Default for FixtureConfig {
    fn default() -> Self {
        Self {
            pages: 10,
            latency: Duration::ZERO,
            fail_pages: BTreeMap::new(),
            hang_pages: BTreeSet::new(),
            malformed_pages: BTreeSet::new(),
            disallow: Vec::new(),
            robots_status: None,
        }
    }
}

impl FixtureConfig {
    /// The `--chaos` demo: page 3 fails twice then recovers (retries fix it), page 5 hangs
    /// (a timeout), page 6 is disallowed by robots.txt, page 7 has broken HTML, page 9 always
    /// answers 500. Pages above `pages` are left alone.
    pub fn chaos(pages: u32, latency: Duration) -> Self {
        Self {
            pages: pages.max(10),
            latency,
            fail_pages: [(3, 2), (9, u32::MAX)].into(),
            hang_pages: [5].into(),
            malformed_pages: [7].into(),
            disallow: vec!["/page/6/".to_owned()],
            robots_status: None,
        }
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// Path, e.g. `/page/3/`.
    pub path: String,
    /// When it arrived, measured from the server's start.
    pub at: Duration,
    /// The client's address: one per TCP connection, so reused connections share it.
    pub peer: SocketAddr,
    /// The `User-Agent` header ("" when absent).
    pub user_agent: String,
}

/// What the server counted. Shared with the handlers; read it at any time.
#[derive(Debug)]
pub struct FixtureStats {
    started: Instant,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    log: Mutex<Vec<RequestRecord>>,
}

impl FixtureStats {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            log: Mutex::new(Vec::new()),
        }
    }

    /// The most requests (any path) that were being handled at the same moment.
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests asked for `path` (e.g. `/robots.txt`).
    pub fn count(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    /// How many requests asked for page `page` (`/page/{page}/`).
    pub fn page_count(&self, page: u32) -> usize {
        self.count(&page_path(page))
    }

    /// Requests per path.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut map = BTreeMap::new();
        for r in self.requests() {
            *map.entry(r.path).or_insert(0) += 1;
        }
        map
    }

    /// All requests, any path.
    pub fn total(&self) -> usize {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Distinct TCP connections the requests came over (a shared client reuses them).
    pub fn connections(&self) -> usize {
        let peers: HashSet<SocketAddr> = self.requests().iter().map(|r| r.peer).collect();
        peers.len()
    }

    /// Distinct `User-Agent` values seen.
    pub fn user_agents(&self) -> BTreeSet<String> {
        self.requests().into_iter().map(|r| r.user_agent).collect()
    }
}

/// Decrements the in-flight gauge when a request ends — also when the client gives up and the
/// handler is dropped half-way.
struct InFlightGuard(Arc<FixtureStats>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

struct AppState {
    config: FixtureConfig,
    stats: Arc<FixtureStats>,
    /// Page → 500s already served (for `fail_pages`).
    failures_served: Mutex<HashMap<u32, u32>>,
    shutdown: watch::Receiver<bool>,
}

/// A running fixture server. Stop it with [`FixtureServer::shutdown`]; dropping it also tells it
/// to stop (and its tasks end with the runtime).
#[derive(Debug)]
pub struct FixtureServer {
    base_url: String,
    stats: Arc<FixtureStats>,
    shutdown: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl FixtureServer {
    /// Binds `127.0.0.1:0` and serves in a background task of the current tokio runtime.
    ///
    /// # Errors
    /// When the port cannot be bound.
    pub async fn start(config: FixtureConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let stats = Arc::new(FixtureStats::new());
        let (tx, rx) = watch::channel(false);
        let state = Arc::new(AppState {
            config,
            stats: Arc::clone(&stats),
            failures_served: Mutex::new(HashMap::new()),
            shutdown: rx.clone(),
        });
        let app = Router::new()
            .route("/", get(front_page))
            .route("/page/{n}/", get(page))
            .route("/robots.txt", get(robots))
            .layer(middleware::from_fn_with_state(Arc::clone(&state), track))
            .with_state(state);
        let mut stop = rx;
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = stop.wait_for(|&s| s).await;
        });
        let task = tokio::spawn(async move {
            if let Err(e) = serve.await {
                eprintln!("fixture server error: {e}");
            }
        });
        Ok(Self {
            base_url: format!("http://{addr}"),
            stats,
            shutdown: tx,
            task: Some(task),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's counters.
    pub fn stats(&self) -> &FixtureStats {
        &self.stats
    }

    /// A shared handle on the counters (outlives the server).
    pub fn stats_handle(&self) -> Arc<FixtureStats> {
        Arc::clone(&self.stats)
    }

    /// Stops accepting, releases hanging pages, and waits (at most 2 s) for open connections.
    pub async fn shutdown(mut self) {
        let _ = self.shutdown.send(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for FixtureServer {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

/// A fixture server on its own thread with its own runtime, for code that is not async
/// (e.g. a scraper built on threads).
#[derive(Debug)]
pub struct ThreadedFixture {
    base_url: String,
    stats: Arc<FixtureStats>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl ThreadedFixture {
    /// Starts the server on a new thread and returns once it listens.
    ///
    /// # Errors
    /// When the runtime or the port cannot be set up.
    pub fn start(config: FixtureConfig) -> std::io::Result<Self> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("fixture".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                rt.block_on(async move {
                    match FixtureServer::start(config).await {
                        Ok(server) => {
                            let _ =
                                ready_tx.send(Ok((server.base_url.clone(), server.stats_handle())));
                            let _ = stop_rx.await;
                            server.shutdown().await;
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })?;
        let (base_url, stats) = ready_rx
            .recv()
            .map_err(|_| std::io::Error::other("fixture thread ended before it listened"))??;
        Ok(Self {
            base_url,
            stats,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The server's counters.
    pub fn stats(&self) -> &FixtureStats {
        &self.stats
    }

    /// Stops the server and joins its thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ThreadedFixture {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

async fn track(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    let stats = &state.stats;
    let now = stats.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    stats.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _guard = InFlightGuard(Arc::clone(stats));
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    stats
        .log
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(RequestRecord {
            path: req.uri().path().to_owned(),
            at: stats.started.elapsed(),
            peer,
            user_agent,
        });
    next.run(req).await
}

async fn front_page(State(state): State<Arc<AppState>>) -> Response {
    serve_page(&state, 1).await
}

async fn page(State(state): State<Arc<AppState>>, Path(n): Path<u32>) -> Response {
    if n == 0 {
        return (StatusCode::NOT_FOUND, "no page 0").into_response();
    }
    serve_page(&state, n).await
}

async fn serve_page(state: &AppState, n: u32) -> Response {
    let config = &state.config;
    if config.hang_pages.contains(&n) {
        // Never answer: only the client's timeout (or our shutdown) ends this request.
        let mut stop = state.shutdown.clone();
        let _ = stop.wait_for(|&s| s).await;
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    tokio::time::sleep(config.latency).await;
    if let Some(&times) = config.fail_pages.get(&n) {
        let mut served = state
            .failures_served
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let count = served.entry(n).or_insert(0);
        if *count < times {
            *count += 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, "injected failure").into_response();
        }
    }
    if config.malformed_pages.contains(&n) {
        return Html(render_malformed_page(config.pages, n)).into_response();
    }
    Html(render_page(config.pages, n)).into_response()
}

async fn robots(State(state): State<Arc<AppState>>) -> Response {
    if let Some(code) = state.config.robots_status {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (status, "no robots.txt here").into_response();
    }
    let text = robots_txt(&state.config);
    ([(header::CONTENT_TYPE, "text/plain")], text).into_response()
}

// ---------------------------------------------------------------------------------------------
// Content

#[derive(Deserialize)]
struct QuoteData {
    text: String,
    author: String,
    tags: Vec<String>,
}

/// The shipped data set, parsed once (it is compiled into the binary, so no file is needed at
/// run time).
fn data() -> &'static [QuoteData] {
    static DATA: LazyLock<Vec<QuoteData>> = LazyLock::new(|| {
        serde_json::from_str(include_str!("../data/quotes.json"))
            .expect("data/quotes.json is valid (checked by the tests)")
    });
    &DATA
}

/// Number of distinct quotes in the data set.
pub fn data_len() -> usize {
    data().len()
}

/// `/page/{page}/`.
pub fn page_path(page: u32) -> String {
    format!("/page/{page}/")
}

/// The quotes page `page` shows when the site has `pages` pages (none past the end). Beyond the
/// data set the list cycles; the `page` field keeps each quote distinct.
pub fn quotes_on_page(pages: u32, page: u32) -> Vec<Quote> {
    if page == 0 || page > pages {
        return Vec::new();
    }
    let all = data();
    let first = (page as usize - 1) * QUOTES_PER_PAGE;
    (first..first + QUOTES_PER_PAGE)
        .map(|i| {
            let q = &all[i % all.len()];
            Quote {
                page,
                text: q.text.clone(),
                author: q.author.clone(),
                tags: q.tags.clone(),
            }
        })
        .collect()
}

/// Every quote of pages `1..=n` on a site with `pages` pages, in page order.
pub fn expected_quotes(pages: u32, n: u32) -> Vec<Quote> {
    (1..=n).flat_map(|p| quotes_on_page(pages, p)).collect()
}

/// `robots.txt` for this configuration.
pub fn robots_txt(config: &FixtureConfig) -> String {
    let mut text = String::from(
        "# Course fixture: a local stand-in for quotes.toscrape.com\nUser-agent: *\nDisallow: /private/\n",
    );
    for path in &config.disallow {
        let _ = writeln!(text, "Disallow: {path}");
    }
    text
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
	<meta charset="UTF-8">
	<title>Quotes to Scrape</title>
</head>
<body>
    <div class="container">
        <div class="row header-box">
            <div class="col-md-8">
                <h1><a href="/" style="text-decoration: none">Quotes to Scrape</a></h1>
            </div>
            <div class="col-md-4"><p><a href="/login">Login</a></p></div>
        </div>
    <div class="row">
    <div class="col-md-8">
"#;

fn render_quote(html: &mut String, q: &Quote) {
    let slug = q.author.replace(['.', '\''], "").replace(' ', "-");
    let _ = write!(
        html,
        r#"
    <div class="quote" itemscope itemtype="http://schema.org/CreativeWork">
        <span class="text" itemprop="text">“{text}”</span>
        <span>by <small class="author" itemprop="author">{author}</small>
        <a href="/author/{slug}">(about)</a>
        </span>
        <div class="tags">
            Tags:
            <meta class="keywords" itemprop="keywords" content="{keywords}" /    > 
"#,
        text = escape(&q.text),
        author = escape(&q.author),
        slug = escape(&slug),
        keywords = escape(&q.tags.join(",")),
    );
    for tag in &q.tags {
        let tag = escape(tag);
        let _ = writeln!(
            html,
            r#"            <a class="tag" href="/tag/{tag}/page/1/">{tag}</a>"#
        );
    }
    html.push_str("        </div>\n    </div>\n");
}

/// The HTML of page `page` on a site with `pages` pages (deterministic: relative links only).
pub fn render_page(pages: u32, page: u32) -> String {
    let quotes = quotes_on_page(pages, page);
    let mut html = String::from(HEAD);
    if quotes.is_empty() {
        html.push_str("No quotes found!\n");
    }
    for q in &quotes {
        render_quote(&mut html, q);
    }
    html.push_str("    <nav>\n        <ul class=\"pager\">\n");
    if page > 1 && !quotes.is_empty() {
        let _ = writeln!(
            html,
            r#"            <li class="previous"><a href="/page/{}/"><span aria-hidden="true">&larr;</span> Previous</a></li>"#,
            page - 1
        );
    }
    if page < pages {
        let _ = writeln!(
            html,
            r#"            <li class="next"><a href="/page/{}/">Next <span aria-hidden="true">&rarr;</span></a></li>"#,
            page + 1
        );
    }
    html.push_str("        </ul>\n    </nav>\n    </div>\n    </div>\n    </div>\n");
    let _ = writeln!(
        html,
        r#"    <footer class="footer"><p class="fixture-page">Page {page} of {pages} (course fixture, public-domain quotes)</p></footer>"#
    );
    html.push_str("</body>\n</html>\n");
    html
}

/// A page cut off in the middle of its first quote: no author, no closing tags.
pub fn render_malformed_page(pages: u32, page: u32) -> String {
    let mut html = String::from(HEAD);
    if let Some(q) = quotes_on_page(pages, page).first() {
        let _ = write!(
            html,
            r#"    <div class="quote" itemscope itemtype="http://schema.org/CreativeWork">
        <span class="text" itemprop="text">“{}”</span>
        <span>by <sm"#,
            escape(&q.text)
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_set_has_100_distinct_quotes_with_tags() {
        assert_eq!(data_len(), 100);
        let texts: HashSet<&str> = data().iter().map(|q| q.text.as_str()).collect();
        assert_eq!(texts.len(), 100);
        assert!(
            data()
                .iter()
                .all(|q| !q.tags.is_empty() && !q.author.is_empty())
        );
    }

    #[test]
    fn pages_have_ten_quotes_then_none() {
        assert_eq!(quotes_on_page(10, 1).len(), 10);
        assert_eq!(quotes_on_page(10, 10).len(), 10);
        assert!(quotes_on_page(10, 11).is_empty());
        assert!(render_page(10, 11).contains("No quotes found!"));
        assert!(!render_page(10, 10).contains("class=\"next\""));
        assert!(render_page(10, 9).contains("href=\"/page/10/\">Next"));
        // Cycling past the data set: same texts, new page numbers.
        assert_eq!(
            quotes_on_page(12, 11)[0].text,
            quotes_on_page(12, 1)[0].text
        );
        assert_eq!(quotes_on_page(12, 11)[0].page, 11);
    }

    #[test]
    fn robots_lists_private_and_configured_paths() {
        let cfg = FixtureConfig {
            disallow: vec!["/page/6/".into()],
            ..FixtureConfig::default()
        };
        let txt = robots_txt(&cfg);
        assert!(txt.contains("Disallow: /private/") && txt.contains("Disallow: /page/6/"));
    }
}
