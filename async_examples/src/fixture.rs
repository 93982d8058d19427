//! A local copy of <https://quotes.toscrape.com>: an axum server on `127.0.0.1:0`, started inside
//! the program or test that uses it, so nothing here ever needs the internet.
//!
//! It serves the same HTML structure as the real site (`div.quote`, `span.text`,
//! `small.author`, `a.tag`, pagination `li.next > a`, a `robots.txt`) from the public-domain
//! quotes in `data/quotes.json` (100 quotes = 10 pages of 10; with more pages the list cycles and
//! the page number keeps every quote distinct). It can misbehave on purpose — latency, 500s,
//! 408s, a page or a `robots.txt` that never answers, a page with broken HTML, `Disallow` lines,
//! redirects (same host, another host, loops), 429 with `Retry-After`, Latin-1 pages, a short
//! last page, a server that finishes requests its client gave up on — and it counts what it
//! sees: requests per path, the most requests it ever had in flight (a
//! [`utilities::gauge::Gauge`]), connections, User-Agents.
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
use utilities::gauge::Gauge;

use crate::scrape::Quote;

/// Quotes per page, as on the real site.
pub const QUOTES_PER_PAGE: usize = 10;

/// Complete quotes on a malformed page before the one that is cut off.
pub const MALFORMED_COMPLETE_QUOTES: usize = 4;

/// The text that replaces the first quote of a page served in Latin-1 (it has accents, so a
/// wrong decoding shows).
pub const LATIN1_TEXT: &str = "Un café naïve à Noël, déjà vu";

/// How a redirecting page redirects (`302 Found`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// To `/moved/N/` on the same server, which serves page N.
    Moved,
    /// To `{base}/page/N/` on another server (e.g. a second fixture: another port stands in for
    /// another host).
    Elsewhere(String),
    /// To itself.
    SelfLoop,
    /// To `/loop/1/`, which redirects to `/loop/2/`, and so on forever.
    Endless,
}

/// How a page's bytes are encoded and labelled (its first quote's text is [`LATIN1_TEXT`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageCharset {
    /// ISO-8859-1 (windows-1252) bytes, `Content-Type: text/html; charset=ISO-8859-1`, while the
    /// page's `<meta>` still says UTF-8 (the header wins).
    Latin1Header,
    /// ISO-8859-1 bytes, a bare `Content-Type: text/html`, and `<meta charset="ISO-8859-1">`.
    Latin1Meta,
    /// ISO-8859-1 bytes labelled `charset=utf-8`: undecodable, so characters are lost.
    Mislabelled,
}
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
    /// `/robots.txt` never answers (until the server shuts down): a crawler that reads it first
    /// is stuck in that request until its timeout, or until it is told to stop.
    pub hang_robots: bool,
    /// page → how many times it answers `408 Request Timeout` before it answers normally.
    pub request_timeout_pages: BTreeMap<u32, u32>,
    /// page → extra time that page takes (on top of `latency`).
    pub slow_pages: BTreeMap<u32, Duration>,
    /// Finish every request even when its client has gone (a thread-per-request server):
    /// a request the client timed out on stays in flight until it is done.
    pub finish_abandoned: bool,
    /// page → how it redirects.
    pub redirects: BTreeMap<u32, Redirect>,
    /// page → (how many times it answers `429 Too Many Requests`, its `Retry-After` value).
    pub throttle_pages: BTreeMap<u32, (u32, String)>,
    /// page → how its bytes are encoded and labelled.
    pub charsets: BTreeMap<u32, PageCharset>,
    /// When set, the last page (`pages`) has only this many quotes.
    pub last_page_quotes: Option<usize>,
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
            hang_robots: false,
            request_timeout_pages: BTreeMap::new(),
            slow_pages: BTreeMap::new(),
            finish_abandoned: false,
            redirects: BTreeMap::new(),
            throttle_pages: BTreeMap::new(),
            charsets: BTreeMap::new(),
            last_page_quotes: None,
        }
    }
}

impl FixtureConfig {
    /// The `--chaos` demo: page 2 has moved (a same-host redirect, followed), page 3 fails
    /// twice then recovers (retries fix it), page 5 hangs (a timeout), page 6 is disallowed by
    /// robots.txt, page 7 has broken HTML (its first quotes are kept, marked partial), page 8
    /// is Latin-1, page 9 always answers 500. Pages above `pages` are left alone.
    pub fn chaos(pages: u32, latency: Duration) -> Self {
        Self {
            pages: pages.max(10),
            latency,
            fail_pages: [(3, 2), (9, u32::MAX)].into(),
            hang_pages: [5].into(),
            malformed_pages: [7].into(),
            disallow: vec!["/page/6/".to_owned()],
            redirects: [(2, Redirect::Moved)].into(),
            charsets: [(8, PageCharset::Latin1Header)].into(),
            ..Self::default()
        }
    }

    /// The quotes page `page` shows under this configuration (short last page, Latin-1 text).
    pub fn quotes_on(&self, page: u32) -> Vec<Quote> {
        let mut quotes = quotes_on_page(self.pages, page);
        if page == self.pages
            && let Some(n) = self.last_page_quotes
        {
            quotes.truncate(n);
        }
        if self.charsets.contains_key(&page)
            && let Some(first) = quotes.first_mut()
        {
            LATIN1_TEXT.clone_into(&mut first.text);
        }
        quotes
    }

    /// What a correct scraper collects from pages `wanted`: every quote of the good pages, the
    /// complete ones of a malformed page (marked partial).
    pub fn expected(&self, wanted: &[u32]) -> Vec<Quote> {
        wanted
            .iter()
            .flat_map(|&p| {
                let mut quotes = self.quotes_on(p);
                if self.malformed_pages.contains(&p) {
                    quotes.truncate(MALFORMED_COMPLETE_QUOTES);
                    for q in &mut quotes {
                        q.partial = true;
                    }
                }
                quotes
            })
            .collect()
    }
}

/// `http://127.0.0.1:PORT` where nothing listens (a port the OS just handed out and took back):
/// a site that is down.
///
/// # Errors
/// When no port can be bound.
pub fn unused_local_url() -> std::io::Result<String> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))?;
    let addr = listener.local_addr()?;
    drop(listener);
    Ok(format!("http://{addr}"))
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
    in_flight: Arc<Gauge>,
    log: Mutex<Vec<RequestRecord>>,
}

impl FixtureStats {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            in_flight: Arc::new(Gauge::new()),
            log: Mutex::new(Vec::new()),
        }
    }

    /// The most requests (any path) that were being handled at the same moment.
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.max()
    }

    /// Requests being handled right now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.current()
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

struct AppState {
    config: FixtureConfig,
    stats: Arc<FixtureStats>,
    /// Page → 500s already served (for `fail_pages`).
    failures_served: Mutex<HashMap<u32, u32>>,
    /// Page → 429s already served (for `throttle_pages`).
    throttles_served: Mutex<HashMap<u32, u32>>,
    /// Page → 408s already served (for `request_timeout_pages`).
    timeouts_served: Mutex<HashMap<u32, u32>>,
    shutdown: watch::Receiver<bool>,
}

/// Counts one more injected answer for `page`; true while fewer than `times` were served.
fn inject(served: &Mutex<HashMap<u32, u32>>, page: u32, times: u32) -> bool {
    let mut served = served.lock().unwrap_or_else(PoisonError::into_inner);
    let count = served.entry(page).or_insert(0);
    if *count < times {
        *count += 1;
        true
    } else {
        false
    }
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
            throttles_served: Mutex::new(HashMap::new()),
            timeouts_served: Mutex::new(HashMap::new()),
            shutdown: rx.clone(),
        });
        let app = Router::new()
            .route("/", get(front_page))
            .route("/page/{n}/", get(page))
            .route("/moved/{n}/", get(moved))
            .route("/loop/{n}/", get(endless))
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
    // In flight until the guard drops: when the answer is sent, or when the client gives up and
    // hyper drops the handler half-way — unless this server finishes abandoned requests.
    let guard = stats.in_flight.enter_owned();
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
    if state.config.finish_abandoned {
        // The work runs on its own task: dropping this handler does not stop it.
        let work = tokio::spawn(async move {
            let response = next.run(req).await;
            drop(guard);
            response
        });
        return work
            .await
            .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response());
    }
    let response = next.run(req).await;
    drop(guard);
    response
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

async fn moved(State(state): State<Arc<AppState>>, Path(n): Path<u32>) -> Response {
    serve_content(&state, n).await
}

async fn endless(Path(n): Path<u32>) -> Response {
    redirect(&format!("/loop/{}/", n.saturating_add(1)))
}

fn redirect(to: &str) -> Response {
    (StatusCode::FOUND, [(header::LOCATION, to.to_owned())], "").into_response()
}

async fn serve_page(state: &AppState, n: u32) -> Response {
    match state.config.redirects.get(&n) {
        Some(Redirect::Moved) => return redirect(&format!("/moved/{n}/")),
        Some(Redirect::Elsewhere(base)) => {
            return redirect(&format!("{}/page/{n}/", base.trim_end_matches('/')));
        }
        Some(Redirect::SelfLoop) => return redirect(&page_path(n)),
        Some(Redirect::Endless) => return redirect("/loop/1/"),
        None => {}
    }
    serve_content(state, n).await
}

async fn serve_content(state: &AppState, n: u32) -> Response {
    let config = &state.config;
    if config.hang_pages.contains(&n) {
        // Never answer: only the client's timeout (or our shutdown) ends this request.
        let mut stop = state.shutdown.clone();
        let _ = stop.wait_for(|&s| s).await;
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
    tokio::time::sleep(config.latency + config.slow_pages.get(&n).copied().unwrap_or_default())
        .await;
    if let Some((times, retry_after)) = config.throttle_pages.get(&n)
        && inject(&state.throttles_served, n, *times)
    {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, retry_after.clone())],
            "slow down",
        )
            .into_response();
    }
    if let Some(&times) = config.request_timeout_pages.get(&n)
        && inject(&state.timeouts_served, n, times)
    {
        return (StatusCode::REQUEST_TIMEOUT, "request timeout").into_response();
    }
    if let Some(&times) = config.fail_pages.get(&n)
        && inject(&state.failures_served, n, times)
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "injected failure").into_response();
    }
    if config.malformed_pages.contains(&n) {
        return Html(render_malformed_page(config.pages, n)).into_response();
    }
    let html = render_quotes(config.pages, n, &config.quotes_on(n));
    let Some(charset) = config.charsets.get(&n) else {
        return Html(html).into_response();
    };
    let (html, label) = match charset {
        PageCharset::Latin1Header => (html, "text/html; charset=ISO-8859-1"),
        PageCharset::Latin1Meta => (
            html.replacen(
                "<meta charset=\"UTF-8\">",
                "<meta charset=\"ISO-8859-1\">",
                1,
            ),
            "text/html",
        ),
        PageCharset::Mislabelled => (html, "text/html; charset=utf-8"),
    };
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    ([(header::CONTENT_TYPE, label)], bytes.into_owned()).into_response()
}

async fn robots(State(state): State<Arc<AppState>>) -> Response {
    if state.config.hang_robots {
        let mut stop = state.shutdown.clone();
        let _ = stop.wait_for(|&s| s).await;
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down").into_response();
    }
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
                partial: false,
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
    render_quotes(pages, page, &quotes_on_page(pages, page))
}

/// The HTML of page `page` showing `quotes`.
pub fn render_quotes(pages: u32, page: u32, quotes: &[Quote]) -> String {
    let mut html = String::from(HEAD);
    if quotes.is_empty() {
        html.push_str("No quotes found!\n");
    }
    for q in quotes {
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

/// A page cut off in the middle of a quote: [`MALFORMED_COMPLETE_QUOTES`] complete quotes, then
/// one without its author, and no closing tags.
pub fn render_malformed_page(pages: u32, page: u32) -> String {
    let mut html = String::from(HEAD);
    let quotes = quotes_on_page(pages, page);
    for q in quotes.iter().take(MALFORMED_COMPLETE_QUOTES) {
        render_quote(&mut html, q);
    }
    if let Some(q) = quotes.get(MALFORMED_COMPLETE_QUOTES) {
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
