//! The crawl: robots.txt first, then every page as a task that waits for a slot of the
//! in-flight limit and its host's turn, follows redirects hop by hop, retries what is worth
//! retrying, and stops at the site's last page, on a signal or at the deadline.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode, Url};
use tokio::sync::{Mutex, OnceCell, OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::task::JoinSet;

use super::fetch::{FetchError, Fetched, fetch_page};
use super::parse::parse_page;
use super::politeness::{HostGate, origin};
use super::report::{
    Event, FailureKind, Outcome, PageReport, RedirectError, RobotsReport, ScrapeRun,
};
use super::robots::Robots;
use super::{ScrapeConfig, page_url};

/// Why a run stopped before its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    /// SIGINT (Ctrl-C).
    Interrupt,
    /// SIGTERM.
    Terminate,
    /// `--max-time` ran out.
    Deadline,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Interrupt => "interrupted (SIGINT)",
            Self::Terminate => "terminated (SIGTERM)",
            Self::Deadline => "out of time (--max-time)",
        })
    }
}

/// Tells a running [`scrape`] to stop: no new request starts, requests on the wire get
/// `config.grace`, then the run returns what it has. Cheap to clone; the first reason wins.
#[derive(Debug, Clone)]
pub struct RunControl {
    tx: Arc<watch::Sender<Option<StopReason>>>,
}

impl Default for RunControl {
    fn default() -> Self {
        Self::new()
    }
}

impl RunControl {
    /// A control that has not stopped anything yet.
    pub fn new() -> Self {
        Self {
            tx: Arc::new(watch::channel(None).0),
        }
    }

    /// Asks the run to stop. Returns false when it had already been asked.
    pub fn stop(&self, reason: StopReason) -> bool {
        self.tx.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(reason);
                true
            } else {
                false
            }
        })
    }

    /// The reason, once stopped.
    pub fn reason(&self) -> Option<StopReason> {
        *self.tx.borrow()
    }

    fn subscribe(&self) -> watch::Receiver<Option<StopReason>> {
        self.tx.subscribe()
    }
}

/// Resolves once `stop` holds a reason (never, if the sender is gone without one).
async fn stopped(mut stop: watch::Receiver<Option<StopReason>>) -> StopReason {
    let reason = stop.wait_for(Option::is_some).await.map(|r| *r);
    match reason {
        Ok(reason) => reason.unwrap_or(StopReason::Interrupt),
        Err(_) => std::future::pending().await,
    }
}

/// Why a request (with its redirects and retries) produced no usable response.
#[derive(Debug)]
enum Failure {
    Fetch(FetchError),
    Redirect(RedirectError),
    Disallowed { url: Url, reason: &'static str },
    Stopped(StopReason),
}

/// The final response of a chain of redirects, and where it came from.
struct Hop {
    fetched: Fetched,
    url: Url,
}

struct Attempts {
    result: Result<Hop, Failure>,
    attempts: u32,
    requests: u32,
}

/// Shared by every task of a run (cheap to clone: `Arc`s and the client's own `Arc`).
#[derive(Clone)]
struct Ctx {
    client: Client,
    config: Arc<ScrapeConfig>,
    limit: Arc<Semaphore>,
    gate: Arc<HostGate>,
    requests: Arc<AtomicU32>,
    robots: Arc<Mutex<HashMap<String, Arc<OnceCell<RobotsReport>>>>>,
    /// The site's last page once known (`u32::MAX` until then).
    last_page: Arc<AtomicU32>,
    events: mpsc::UnboundedSender<Event>,
    stop: watch::Receiver<Option<StopReason>>,
}

fn retryable(status: StatusCode) -> bool {
    status.is_server_error()
        || status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
}

impl Ctx {
    fn stop_reason(&self) -> Option<StopReason> {
        *self.stop.borrow()
    }

    /// Sleeps `d`, or less if the run is stopped meanwhile (then returns the reason).
    async fn sleep(&self, d: Duration) -> Result<(), StopReason> {
        tokio::select! {
            () = tokio::time::sleep(d) => Ok(()),
            reason = stopped(self.stop.clone()) => Err(reason),
        }
    }

    /// Resolves `config.grace` after the run was told to stop: a request still on the wire then
    /// is cancelled. Every request is raced against it, so a stop is honoured within the grace
    /// period at every await point — the first `robots.txt` included, which runs before the
    /// scheduling loop (and its own grace timer) has started.
    async fn grace_over(&self) -> StopReason {
        let reason = stopped(self.stop.clone()).await;
        tokio::time::sleep(self.config.grace).await;
        reason
    }

    /// The `robots.txt` of `url`'s host, read once per host (the first task to ask fetches it;
    /// the others wait for that answer). Fetched inside the caller's slot.
    async fn robots_for(&self, url: &Url) -> RobotsReport {
        let cell = {
            let mut map = self.robots.lock().await;
            Arc::clone(map.entry(origin(url)).or_default())
        };
        cell.get_or_init(|| async {
            let report = self.fetch_robots(url).await;
            let _ = self.events.send(Event::Robots(report.clone()));
            report
        })
        .await
        .clone()
    }

    async fn fetch_robots(&self, any_url: &Url) -> RobotsReport {
        let url = any_url
            .join("/robots.txt")
            .unwrap_or_else(|_| any_url.clone());
        let Attempts { result, .. } = self.attempts(0, &url, false).await;
        let (status, robots, note) = match result {
            Ok(Hop { fetched: f, .. }) if f.status.is_success() => {
                let robots = Robots::parse(&f.body, &self.config.user_agent);
                let note = match robots.rule_count() {
                    0 => "no rules for us: everything allowed".to_owned(),
                    1 => "1 Allow/Disallow rule applies to us".to_owned(),
                    n => format!("{n} Allow/Disallow rules apply to us"),
                };
                (Some(f.status.as_u16()), robots, note)
            }
            Ok(Hop { fetched: f, .. }) if f.status.is_client_error() => (
                Some(f.status.as_u16()),
                Robots::allow_all(),
                "none (4xx): everything allowed".to_owned(),
            ),
            Ok(Hop { fetched: f, .. }) => (
                Some(f.status.as_u16()),
                Robots::disallow_all(),
                format!(
                    "unreachable ({}): assuming Disallow: / (RFC 9309)",
                    f.status
                ),
            ),
            Err(Failure::Stopped(reason)) => {
                (None, Robots::disallow_all(), format!("not read: {reason}"))
            }
            Err(e) => (
                None,
                Robots::disallow_all(),
                format!(
                    "unreachable ({}): assuming Disallow: / (RFC 9309)",
                    failure_text(&e, self.config.timeout)
                ),
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

    /// One request and its redirects, each hop checked (host allowed, robots.txt), spaced by
    /// its host's delay, and counted.
    async fn follow(&self, start: &Url, check_robots: bool) -> (Result<Hop, Failure>, u32) {
        let base = origin(&self.config.base_url);
        let mut url = start.clone();
        let mut seen = vec![];
        let mut sent = 0;
        for hop in 0..=self.config.max_redirects {
            if hop > 0 && check_robots {
                let host = origin(&url);
                if host != base && !self.config.allow_hosts.contains(&host) {
                    return (Err(Failure::Redirect(RedirectError::OtherHost(host))), sent);
                }
                // Boxed: fetching robots.txt goes through `attempts`, which calls us.
                let robots = Box::pin(self.robots_for(&url)).await;
                // Not read because the run is stopping: the stop kept this page, not robots.txt.
                if robots.status.is_none()
                    && let Some(reason) = self.stop_reason()
                {
                    return (Err(Failure::Stopped(reason)), sent);
                }
                if !robots.robots.allows(url.path()) {
                    let reason = robots.skip_reason();
                    return (Err(Failure::Disallowed { url, reason }), sent);
                }
            }
            if let Some(reason) = self.stop_reason() {
                return (Err(Failure::Stopped(reason)), sent);
            }
            tokio::select! {
                () = self.gate.wait(&url) => {}
                reason = stopped(self.stop.clone()) => return (Err(Failure::Stopped(reason)), sent),
            }
            self.requests.fetch_add(1, Ordering::SeqCst);
            sent += 1;
            let fetched = tokio::select! {
                result = fetch_page(&self.client, &url) => match result {
                    Ok(f) => f,
                    Err(e) => return (Err(Failure::Fetch(e)), sent),
                },
                reason = self.grace_over() => return (Err(Failure::Stopped(reason)), sent),
            };
            self.gate
                .observe(&url, fetched.elapsed, fetched.status == StatusCode::OK);
            if !fetched.status.is_redirection() {
                return (Ok(Hop { fetched, url }), sent);
            }
            let Some(location) = fetched.location.as_deref() else {
                return (Ok(Hop { fetched, url }), sent);
            };
            let next = match url.join(location) {
                Ok(next) if matches!(next.scheme(), "http" | "https") => next,
                _ => {
                    let e = RedirectError::BadLocation(location.to_owned());
                    return (Err(Failure::Redirect(e)), sent);
                }
            };
            seen.push(url);
            if seen.contains(&next) {
                return (
                    Err(Failure::Redirect(RedirectError::Loop(next.to_string()))),
                    sent,
                );
            }
            url = next;
        }
        let e = RedirectError::TooMany(self.config.max_redirects);
        (Err(Failure::Redirect(e)), sent)
    }

    /// Fetches `url` with retries, inside a slot the caller holds for the whole time (backoff
    /// included, so the limit counts pages being worked on, not only bytes on the wire).
    async fn attempts(&self, page: u32, url: &Url, check_robots: bool) -> Attempts {
        let mut attempt = 1;
        let mut requests = 0;
        loop {
            let (result, sent) = self.follow(url, check_robots).await;
            requests += sent;
            let (reason, server_wait, hop_url) = match &result {
                Ok(hop) if retryable(hop.fetched.status) => (
                    format!("HTTP {}", hop.fetched.status),
                    hop.fetched
                        .retry_after
                        .map(|d| d.min(self.config.retry_after_cap)),
                    Some(hop.url.clone()),
                ),
                // The server may still be working on the abandoned request: its slot is not
                // reused until the server could have finished it (one more timeout).
                Err(Failure::Fetch(FetchError::Timeout)) => (
                    format!("timed out after {:.3} s", self.config.timeout.as_secs_f64()),
                    Some(self.config.timeout),
                    None,
                ),
                Err(Failure::Fetch(e @ FetchError::Network(_))) => (e.to_string(), None, None),
                _ => {
                    return Attempts {
                        result,
                        attempts: attempt,
                        requests,
                    };
                }
            };
            if attempt > self.config.retries {
                return Attempts {
                    result,
                    attempts: attempt,
                    requests,
                };
            }
            let backoff = self
                .config
                .backoff
                .saturating_mul(1 << (attempt - 1).min(16));
            let wait = server_wait.map_or(backoff, |w| w.max(backoff));
            if let (Some(hop_url), Some(retry_after)) = (&hop_url, server_wait) {
                // Retry-After speaks for the host: every request to it waits, not only ours.
                self.gate.back_off(hop_url, retry_after);
            }
            let _ = self.events.send(Event::Retry {
                page,
                url: url.to_string(),
                attempt,
                of: self.config.retries + 1,
                reason,
                wait,
            });
            if let Err(reason) = self.sleep(wait).await {
                return Attempts {
                    result: Err(Failure::Stopped(reason)),
                    attempts: attempt,
                    requests,
                };
            }
            attempt += 1;
        }
    }
}

fn failure_text(failure: &Failure, timeout: Duration) -> String {
    match failure {
        Failure::Fetch(FetchError::Timeout) => {
            format!("timed out after {:.3} s", timeout.as_secs_f64())
        }
        Failure::Fetch(e) => e.to_string(),
        Failure::Redirect(e) => e.to_string(),
        Failure::Disallowed { url, reason } => format!("redirected to {url}: {reason}"),
        Failure::Stopped(reason) => format!("not finished: {reason}"),
    }
}

/// Releases a slot now, or — after a timeout — once the server could have finished the
/// abandoned request.
fn release(permit: OwnedSemaphorePermit, after_timeout: bool, linger: Duration) {
    if after_timeout {
        tokio::spawn(async move {
            tokio::time::sleep(linger).await;
            drop(permit);
        });
    } else {
        drop(permit);
    }
}

/// One page in its slot: its attempts and its parse. The slot is released at the very end, after
/// the parse has said whether this was the last page, so the scheduler never starts a page it
/// could have known was past the end.
async fn page_task(ctx: Ctx, page: u32, url: Url, permit: OwnedSemaphorePermit) -> PageReport {
    let Attempts {
        result,
        attempts,
        requests,
    } = ctx.attempts(page, &url, true).await;
    let timed_out = matches!(result, Err(Failure::Fetch(FetchError::Timeout)));

    let mut final_url = None;
    let (elapsed, outcome) = match result {
        Err(Failure::Stopped(reason)) => (
            Duration::ZERO,
            Outcome::Stopped {
                reason: format!("cancelled: {reason}"),
            },
        ),
        Err(Failure::Disallowed { url: to, reason }) => (
            Duration::ZERO,
            Outcome::Skipped {
                reason: format!("redirected to {to}: {reason}"),
            },
        ),
        Err(e) => {
            let kind = match &e {
                Failure::Fetch(FetchError::Timeout) => FailureKind::Timeout,
                Failure::Fetch(FetchError::TooLarge) => FailureKind::TooLarge,
                Failure::Redirect(_) => FailureKind::Redirect,
                _ => FailureKind::Network,
            };
            let elapsed = if timed_out {
                ctx.config.timeout
            } else {
                Duration::ZERO
            };
            let outcome = Outcome::Failed {
                status: None,
                bytes: None,
                kind,
                error: failure_text(&e, ctx.config.timeout),
                quotes: Vec::new(),
            };
            (elapsed, outcome)
        }
        Ok(Hop {
            fetched: f,
            url: at,
        }) => {
            if at != url {
                final_url = Some(at.to_string());
            }
            if f.status.is_success() {
                parse_outcome(&ctx, page, f).await
            } else {
                let outcome = Outcome::Failed {
                    status: Some(f.status.as_u16()),
                    bytes: Some(f.bytes),
                    kind: FailureKind::Http,
                    error: format!("HTTP {}", f.status),
                    quotes: Vec::new(),
                };
                (f.elapsed, outcome)
            }
        }
    };
    release(permit, timed_out, ctx.config.timeout);
    PageReport {
        page,
        url: url.to_string(),
        final_url,
        attempts,
        requests,
        elapsed,
        outcome,
        resumed: false,
    }
}

async fn parse_outcome(ctx: &Ctx, page: u32, f: Fetched) -> (Duration, Outcome) {
    let (status, bytes, elapsed) = (f.status.as_u16(), f.bytes, f.elapsed);
    let (encoding, replaced) = (f.encoding.to_owned(), f.replaced);
    // Parsing is CPU work: do it on the blocking pool, not on a runtime thread.
    let parsed = match tokio::task::spawn_blocking(move || parse_page(&f.body, page)).await {
        Ok(p) => p,
        Err(e) => {
            let outcome = Outcome::Failed {
                status: Some(status),
                bytes: Some(bytes),
                kind: FailureKind::Malformed,
                error: format!("parser panicked: {e}"),
                quotes: Vec::new(),
            };
            return (elapsed, outcome);
        }
    };
    let outcome = if let Some(broken) = parsed.broken {
        Outcome::Failed {
            status: Some(status),
            bytes: Some(bytes),
            kind: FailureKind::Malformed,
            error: format!("malformed page: {broken}"),
            quotes: parsed.quotes,
        }
    } else if parsed.quotes.is_empty() {
        // The site has ended: no page after this one is requested.
        ctx.last_page.fetch_min(page, Ordering::SeqCst);
        Outcome::End { status, bytes }
    } else {
        if parsed.next.is_none() {
            ctx.last_page.fetch_min(page, Ordering::SeqCst);
        }
        Outcome::Ok {
            status,
            bytes,
            quotes: parsed.quotes,
            next: parsed.next,
            encoding,
            replaced,
        }
    };
    (elapsed, outcome)
}

/// Scrapes pages `1..=config.pages` of `config.base_url` with `client` (build it with
/// [`build_client`](super::build_client): it must not follow redirects itself) and reports
/// every [`Event`] to `on_event` as it happens (on the caller's task, so `on_event` needs no
/// `Send`). Stops early at the site's last page, or when `control` says so. Never fails as a
/// whole: each page carries its own result.
///
/// # Panics
/// Only if a page task panics (a bug), re-raised here.
pub async fn scrape(
    client: &Client,
    config: &ScrapeConfig,
    control: &RunControl,
    mut on_event: impl FnMut(&Event),
) -> ScrapeRun {
    let start = Instant::now();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let config = Arc::new(config.clone());
    let ctx = Ctx {
        client: client.clone(), // the same pool: a clone is a handle, not a new client
        limit: Arc::new(Semaphore::new(config.concurrency.max(1))),
        gate: Arc::new(HostGate::new(
            config.delay,
            config.autothrottle,
            config.max_delay,
        )),
        requests: Arc::new(AtomicU32::new(0)),
        robots: Arc::default(),
        last_page: Arc::new(AtomicU32::new(u32::MAX)),
        events: tx,
        stop: control.subscribe(),
        config: Arc::clone(&config),
    };

    // Polite first: read robots.txt before any page (in a slot, like every request).
    let robots = {
        let _permit = ctx.limit.acquire().await;
        ctx.robots_for(&config.base_url).await
    };
    if let Some(crawl_delay) = robots.robots.crawl_delay {
        ctx.gate.raise_floor(crawl_delay);
    }
    while let Ok(event) = rx.try_recv() {
        on_event(&event);
    }

    let mut reports = Vec::new();
    let mut done = std::collections::BTreeSet::new();
    for r in &config.resumed {
        if r.page <= config.pages && done.insert(r.page) {
            if matches!(
                r.outcome,
                Outcome::End { .. } | Outcome::Ok { next: None, .. }
            ) {
                ctx.last_page.fetch_min(r.page, Ordering::SeqCst);
            }
            let report = PageReport {
                resumed: true,
                ..r.clone()
            };
            on_event(&Event::Page(report.clone()));
            reports.push(report);
        }
    }
    // Pages to fetch, in order; robots.txt's refusals are reported right away. A stop that came
    // while robots.txt was being read leaves every page pending: reported below as not
    // requested (it was the stop, not robots.txt, that kept them).
    let stopped_early = control.reason().is_some() && robots.status.is_none();
    let mut pending = std::collections::VecDeque::new();
    for page in 1..=config.pages {
        if done.contains(&page) {
            continue;
        }
        let url = page_url(&config.base_url, page);
        if stopped_early || robots.robots.allows(url.path()) {
            pending.push_back((page, url));
        } else {
            let outcome = Outcome::Skipped {
                reason: robots.skip_reason().to_owned(),
            };
            let report = PageReport::unrequested(page, url.to_string(), outcome);
            on_event(&Event::Page(report.clone()));
            reports.push(report);
        }
    }
    let requests = Arc::clone(&ctx.requests);
    let gate = Arc::clone(&ctx.gate);
    let last_page = Arc::clone(&ctx.last_page);
    let limit = Arc::clone(&ctx.limit);

    // One loop schedules and collects. Scheduling: the next page in order starts when a slot is
    // free, unless the site has ended before it or the run is stopping. Collecting: pages are
    // reported as they complete; `biased` drains the retry events first, so a page's retries
    // are always printed before its final line.
    let mut tasks = JoinSet::new();
    let mut pages_of_tasks = HashMap::new();
    let mut stop = control.subscribe();
    let mut grace_until: Option<tokio::time::Instant> = None;
    let mut aborted = false;
    while !tasks.is_empty() || (!pending.is_empty() && grace_until.is_none()) {
        let grace = grace_until.unwrap_or_else(tokio::time::Instant::now);
        let scheduling = !pending.is_empty() && grace_until.is_none();
        tokio::select! {
            biased;
            Some(event) = rx.recv() => on_event(&event),
            Some(joined) = tasks.join_next_with_id() => match joined {
                Ok((_, report)) => {
                    let event = Event::Page(report);
                    on_event(&event);
                    if let Event::Page(report) = event {
                        reports.push(report);
                    }
                }
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(e) => {
                    let (page, url) = pages_of_tasks.remove(&e.id()).unwrap_or_default();
                    let outcome = Outcome::Stopped {
                        reason: "cancelled after the grace period".to_owned(),
                    };
                    let report = PageReport::unrequested(page, url, outcome);
                    on_event(&Event::Page(report.clone()));
                    reports.push(report);
                }
            },
            Ok(_) = stop.wait_for(Option::is_some), if grace_until.is_none() => {
                if let Some(reason) = control.reason() {
                    on_event(&Event::Stopping(reason));
                }
                grace_until = Some(tokio::time::Instant::now() + config.grace);
            }
            () = tokio::time::sleep_until(grace), if grace_until.is_some() && !aborted => {
                aborted = true;
                tasks.abort_all();
            }
            permit = Arc::clone(&limit).acquire_owned(), if scheduling => {
                let permit = permit.expect("the semaphore is never closed");
                let end = last_page.load(Ordering::SeqCst);
                match pending.pop_front() {
                    Some((page, url)) if page <= end => {
                        let text = url.to_string();
                        let handle = tasks.spawn(page_task(ctx.clone(), page, url, permit));
                        pages_of_tasks.insert(handle.id(), (page, text));
                    }
                    // Past the site's end: neither this page nor any after it is needed.
                    _ => pending.clear(),
                }
            }
        }
    }
    drop(ctx);
    // Stopped before these were started.
    if let Some(reason) = control.reason() {
        let end = last_page.load(Ordering::SeqCst);
        for (page, url) in pending.drain(..).filter(|(page, _)| *page <= end) {
            let outcome = Outcome::Stopped {
                reason: format!("not requested: {reason}"),
            };
            let report = PageReport::unrequested(page, url.to_string(), outcome);
            on_event(&Event::Page(report.clone()));
            reports.push(report);
        }
    }
    while let Ok(event) = rx.try_recv() {
        on_event(&event);
    }
    reports.sort_by_key(|r| r.page);
    let last = last_page.load(Ordering::SeqCst);
    ScrapeRun {
        reports,
        robots,
        requests: requests.load(Ordering::SeqCst),
        delay: gate.floor(),
        largest_delay: gate.largest_delay(),
        last_page: (last != u32::MAX).then_some(last),
        pages_wanted: config.pages,
        stopped: control.reason(),
        elapsed: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retried_statuses_are_5xx_408_and_429() {
        for code in [500, 502, 503, 504, 522, 408, 429] {
            assert!(retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
        for code in [200, 301, 400, 403, 404, 410] {
            assert!(!retryable(StatusCode::from_u16(code).unwrap()), "{code}");
        }
    }
}
