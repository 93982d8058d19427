//! The polite async scraper behind `a11_async_web_scraper`: fetch, retry, parse, limit, write.
//!
//! One shared `reqwest::Client` (its connection pool is the Python original's "one session"), a
//! `tokio::sync::Semaphore` for the in-flight limit, a per-host gate that spaces requests by a
//! minimum delay (optionally adapted to the server's latency, like Scrapy's `AutoThrottle`),
//! retries with exponential backoff on timeouts, connection errors, 408, 429 and 5xx (honouring
//! `Retry-After`), redirects followed hop by hop under our own policy, `robots.txt` (RFC 9309)
//! checked before any page and for every redirect hop, bodies decoded by their charset, and HTML
//! parsed with `scraper` in a plain function on the blocking pool (its `Html` is not `Send`, and
//! parsing is CPU work that must not stall the runtime).
//!
//! The seams, one file each:
//! - [`fetch`](self::fetch_page): one request, its body read with a size limit and decoded;
//! - `parse`: a quotes page into [`Quote`]s;
//! - `politeness`: the per-host gate, `AutoThrottle`, `Retry-After`, the time-scale rule;
//! - `run`: the whole crawl ([`scrape`]): scheduling, retries, redirects, stopping;
//! - `report`: what became of each page, the summary and the exit code;
//! - `journal` and `output`: resumable progress and the atomic output file;
//! - `robots`: `robots.txt` rules.

use std::collections::BTreeSet;
use std::time::Duration;

use reqwest::Url;
use serde::{Deserialize, Serialize};

mod fetch;
mod journal;
mod output;
mod parse;
mod politeness;
mod report;
mod robots;
mod run;

pub use fetch::{
    CharsetSource, Decoded, FetchError, Fetched, MAX_PAGE_BYTES, build_client, decode_body,
    fetch_page,
};
pub use journal::{Journal, JournalError};
pub use output::{
    ExistingOutput, Format, OutputFile, existing_quotes, partial_path, remove_stale_temps, to_csv,
    write_atomically,
};
pub use parse::{ParseError, ParsedPage, parse_page};
pub use politeness::{is_loopback, origin, politeness_scale, retry_after};
pub use report::{
    Event, FailureKind, Outcome, PageReport, RedirectError, RobotsReport, RunStatus, ScrapeRun,
    exit_code,
};
pub use robots::Robots;
pub use run::{RunControl, StopReason, scrape};

/// The `User-Agent` sent when none is given: says who we are (product token first, which is
/// what `robots.txt` groups match against).
pub const DEFAULT_USER_AGENT: &str = concat!(
    "concurrency-in-rust-scraper/",
    env!("CARGO_PKG_VERSION"),
    " (course example; polite: robots.txt, rate-limited)"
);

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
    /// True when the page it came from was cut off: this quote is complete, but the page had
    /// more that could not be read. Written to JSON only when true.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

/// Everything the scraper needs to know. Durations are real time: the binary applies the
/// course time scale (see [`politeness_scale`]) before it fills them in.
#[derive(Debug, Clone)]
pub struct ScrapeConfig {
    /// Site root, e.g. `http://127.0.0.1:PORT/` or `https://quotes.toscrape.com/`.
    pub base_url: Url,
    /// Fetch pages `1..=pages`, stopping early at the site's last page.
    pub pages: u32,
    /// Most requests in flight at once (the semaphore's permits).
    pub concurrency: usize,
    /// Per-request timeout (connect + headers + body), for each attempt and each redirect hop.
    pub timeout: Duration,
    /// Extra attempts after a timeout, connection error, 408, 429 or 5xx.
    pub retries: u32,
    /// Minimum time between the starts of two requests to the same host (the floor that
    /// `AutoThrottle` never goes below).
    pub delay: Duration,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// Sent with every request.
    pub user_agent: String,
    /// Redirect hops followed per request (a 6th is "too many redirects").
    pub max_redirects: u32,
    /// Hosts (`host:port`, as [`origin`] spells them) besides the base URL's that a redirect may
    /// lead to. Their `robots.txt` is read before the first request to them.
    pub allow_hosts: BTreeSet<String>,
    /// The longest `Retry-After` we wait; a longer one is cut to this.
    pub retry_after_cap: Duration,
    /// `AutoThrottle`'s target concurrency (Scrapy's `AUTOTHROTTLE_TARGET_CONCURRENCY`), or `None`
    /// for a fixed delay.
    pub autothrottle: Option<f64>,
    /// The most `AutoThrottle` or `Retry-After` may raise a host's delay to.
    pub max_delay: Duration,
    /// After a stop (signal, `--max-time`), how long requests already on the wire may take
    /// before they are cancelled.
    pub grace: Duration,
    /// Pages already finished in an earlier run (from the journal): not fetched again.
    pub resumed: Vec<PageReport>,
}

impl ScrapeConfig {
    /// Defaults for `base_url` (10 pages, 4 in flight, 5 s timeout, 2 retries, 100 ms delay,
    /// 250 ms backoff, 5 redirects, `Retry-After` up to 60 s, no `AutoThrottle`, 2 s grace).
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
            max_redirects: 5,
            allow_hosts: BTreeSet::new(),
            retry_after_cap: Duration::from_secs(60),
            autothrottle: None,
            max_delay: Duration::from_secs(60),
            grace: Duration::from_secs(2),
            resumed: Vec::new(),
        }
    }
}

/// Why a `--base-url` was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    /// Not parseable as a URL.
    #[error("not a URL ({0})")]
    NotAUrl(String),
    /// Parseable, but not http(s) with a host.
    #[error("expected an http:// or https:// URL with a host")]
    Scheme,
}

/// Parses a site root for [`ScrapeConfig::base_url`]: http or https, path ending in `/`.
///
/// # Errors
/// Not a URL, or another scheme.
pub fn parse_base_url(text: &str) -> Result<Url, BaseUrlError> {
    let mut url = Url::parse(text.trim()).map_err(|e| BaseUrlError::NotAUrl(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(BaseUrlError::Scheme);
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(parse_base_url("ftp://x"), Err(BaseUrlError::Scheme));
        assert!(matches!(
            parse_base_url("not a url"),
            Err(BaseUrlError::NotAUrl(_))
        ));
    }
}
