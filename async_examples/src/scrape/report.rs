//! What became of each page, the events of a run, its summary and its exit code.

use std::time::Duration;

use reqwest::StatusCode;

use super::robots::Robots;
use super::{Quote, StopReason};

/// How `robots.txt` of one host was obtained.
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

/// Why a redirect was not followed (never retried: asking again gives the same answer).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    /// More hops than allowed.
    #[error("too many redirects (more than {0})")]
    TooMany(u32),
    /// A hop leads back to a URL already visited.
    #[error("redirect loop back to {0}")]
    Loop(String),
    /// A hop leads to a host that is neither the site's nor allowed.
    #[error("redirect to another host {0} not followed (allow it with --allow-host {0})")]
    OtherHost(String),
    /// A 3xx without a usable `Location`.
    #[error("redirect without a usable Location ({0})")]
    BadLocation(String),
}

/// What became of a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Fetched and parsed.
    Ok {
        /// HTTP status (2xx).
        status: u16,
        /// Body size in bytes.
        bytes: usize,
        /// Its quotes (at least one).
        quotes: Vec<Quote>,
        /// `li.next > a`, if any (none: the last page).
        next: Option<String>,
        /// The encoding the body was decoded with.
        encoding: String,
        /// The decoded text contains U+FFFD (some characters were lost): reported.
        replaced: bool,
    },
    /// A 2xx page with no quotes: the site has ended (not counted as ok).
    End {
        /// HTTP status.
        status: u16,
        /// Body size in bytes.
        bytes: usize,
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
        /// The complete quotes of a cut-off page (each marked `partial`).
        quotes: Vec<Quote>,
    },
    /// Not requested (robots.txt).
    Skipped {
        /// Why.
        reason: String,
    },
    /// Not finished because the run was stopped (signal or `--max-time`).
    Stopped {
        /// Why, and whether a request was cancelled.
        reason: String,
    },
}

/// The families of failure, for summaries and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// No answer within the timeout (after every retry).
    Timeout,
    /// An error status (after every retry, when retryable).
    Http,
    /// Connection refused, reset…
    Network,
    /// The body is not a complete quotes page.
    Malformed,
    /// The body is over `MAX_PAGE_BYTES`.
    TooLarge,
    /// A redirect that was not followed.
    Redirect,
}

/// One finished page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageReport {
    /// Page number.
    pub page: u32,
    /// Its URL.
    pub url: String,
    /// Where it was finally read from, when redirects led elsewhere.
    pub final_url: Option<String>,
    /// Attempts made for it (0 when skipped or resumed).
    pub attempts: u32,
    /// HTTP requests made for it: every attempt and every redirect hop.
    pub requests: u32,
    /// Duration of the last attempt.
    pub elapsed: Duration,
    /// What happened.
    pub outcome: Outcome,
    /// Taken from the journal of an earlier run, not fetched now.
    pub resumed: bool,
}

impl PageReport {
    /// A report for a page that was not requested.
    pub(crate) fn unrequested(page: u32, url: String, outcome: Outcome) -> Self {
        Self {
            page,
            url,
            final_url: None,
            attempts: 0,
            requests: 0,
            elapsed: Duration::ZERO,
            outcome,
            resumed: false,
        }
    }

    /// Fetched and parsed?
    pub fn is_ok(&self) -> bool {
        matches!(self.outcome, Outcome::Ok { .. })
    }

    /// Its quotes: all of an ok page, the complete ones of a cut-off page.
    pub fn quotes(&self) -> &[Quote] {
        match &self.outcome {
            Outcome::Ok { quotes, .. } | Outcome::Failed { quotes, .. } => quotes,
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

    /// Fetched, but some characters could not be decoded.
    pub fn replaced(&self) -> bool {
        matches!(self.outcome, Outcome::Ok { replaced: true, .. })
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
        let hops = if self.requests > self.attempts && self.attempts > 0 {
            format!(" ({} requests with redirects)", self.requests)
        } else {
            String::new()
        };
        let via = self
            .final_url
            .as_ref()
            .map(|u| format!(" (redirected to {u})"))
            .unwrap_or_default();
        let head = format!("page {}: {}{via} ->", self.page, self.url);
        if self.resumed {
            return format!(
                "{head} done in an earlier run (journal), {} quotes",
                self.quotes().len()
            );
        }
        match &self.outcome {
            Outcome::Ok {
                status,
                bytes,
                quotes,
                next,
                encoding,
                replaced,
            } => {
                let end = if next.is_none() {
                    " (no next link: last page)"
                } else {
                    ""
                };
                let charset = if *replaced {
                    format!(" (UNDECODABLE characters replaced, decoded as {encoding})")
                } else if encoding != "UTF-8" {
                    format!(" (decoded as {encoding})")
                } else {
                    String::new()
                };
                format!(
                    "{head} {}, {bytes} bytes, {t:.3} s, {} quotes{retried}{hops}{charset}{end}",
                    status_text(*status),
                    quotes.len()
                )
            }
            Outcome::End { status, bytes } => format!(
                "{head} {}, {bytes} bytes, {t:.3} s, no quotes: past the last page",
                status_text(*status)
            ),
            Outcome::Failed {
                status: Some(status),
                bytes,
                error,
                quotes,
                ..
            } => {
                let kept = if quotes.is_empty() {
                    String::new()
                } else {
                    format!(" ({} complete quotes kept, marked partial)", quotes.len())
                };
                format!(
                    "{head} {}, {} bytes, {t:.3} s, FAILED{retried}{hops}: {error}{kept}",
                    status_text(*status),
                    bytes.unwrap_or(0)
                )
            }
            Outcome::Failed { error, .. } => format!("{head} FAILED{retried}{hops}: {error}"),
            Outcome::Skipped { reason } => format!("{head} SKIPPED: {reason}"),
            Outcome::Stopped { reason } => format!("{head} NOT FINISHED: {reason}"),
        }
    }
}

/// Things worth printing while a run is under way, in the order they happen.
#[derive(Debug, Clone)]
pub enum Event {
    /// A host's `robots.txt` was read (the site's always first).
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
        /// Wait before the next attempt (backoff, or the server's `Retry-After`).
        wait: Duration,
    },
    /// The run was told to stop; requests on the wire get the grace period.
    Stopping(StopReason),
    /// A page is finished (ok, failed, skipped, or stopped).
    Page(PageReport),
}

/// How a run ended, for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every page wanted was fetched and parsed (up to the site's last page).
    Complete,
    /// Some pages failed, were skipped, lost characters, or none was fetched at all.
    Incomplete,
    /// Stopped before the end.
    Stopped(StopReason),
}

/// Exit codes of `a11_async_web_scraper` (documented in its `--help`).
pub mod exit_code {
    /// Every page fetched and parsed, output written.
    pub const OK: u8 = 0;
    /// Some pages failed or were skipped (listed in the summary), or none was fetched.
    pub const INCOMPLETE: u8 = 1;
    /// A usage error (a bad flag or value): nothing was fetched.
    pub const USAGE: u8 = 2;
    /// The output was not written: unwritable, or an existing file with more quotes was kept.
    pub const OUTPUT: u8 = 3;
    /// `--max-time` ran out: what was fetched is written, marked partial.
    pub const MAX_TIME: u8 = 124;
    /// Interrupted by SIGINT (Ctrl-C): what was fetched is written, marked partial.
    pub const SIGINT: u8 = 130;
    /// Stopped by SIGTERM: what was fetched is written, marked partial.
    pub const SIGTERM: u8 = 143;
}

/// A whole run.
#[derive(Debug, Clone)]
pub struct ScrapeRun {
    /// One report per page that was wanted, in page order (pages past the site's end that were
    /// never requested have none).
    pub reports: Vec<PageReport>,
    /// How the site's robots.txt was handled.
    pub robots: RobotsReport,
    /// HTTP requests sent (robots.txt files, pages, retries and redirect hops).
    pub requests: u32,
    /// The per-host delay floor that was applied (the larger of ours and Crawl-delay).
    pub delay: Duration,
    /// The largest per-host delay reached (`AutoThrottle`, Retry-After).
    pub largest_delay: Duration,
    /// The site's last page, when the crawl found it (no next link, or no quotes).
    pub last_page: Option<u32>,
    /// Pages asked for.
    pub pages_wanted: u32,
    /// Why the run stopped early, if it did.
    pub stopped: Option<StopReason>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl ScrapeRun {
    /// Every quote, in page order (those of cut-off pages marked `partial`).
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

    /// Pages not finished because the run stopped.
    pub fn unfinished(&self) -> Vec<&PageReport> {
        self.reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Stopped { .. }))
            .collect()
    }

    /// Pages whose text lost characters in decoding.
    pub fn replaced(&self) -> Vec<&PageReport> {
        self.reports.iter().filter(|r| r.replaced()).collect()
    }

    /// How the run ended.
    pub fn status(&self) -> RunStatus {
        if let Some(reason) = self.stopped {
            RunStatus::Stopped(reason)
        } else if self.ok_pages() == 0
            || !self.failed().is_empty()
            || !self.skipped().is_empty()
            || !self.unfinished().is_empty()
            || !self.replaced().is_empty()
        {
            RunStatus::Incomplete
        } else {
            RunStatus::Complete
        }
    }

    /// The summary printed at the end, one line each.
    pub fn summary_lines(&self) -> Vec<String> {
        let secs = self.elapsed.as_secs_f64();
        let rate = if secs > 0.0 {
            f64::from(self.requests) / secs
        } else {
            0.0
        };
        let resumed = self.reports.iter().filter(|r| r.resumed).count();
        let mut lines = vec![
            format!(
                "Summary: {} pages ok, {} failed, {} skipped{}{}",
                self.ok_pages(),
                self.failed().len(),
                self.skipped().len(),
                match self.unfinished().len() {
                    0 => String::new(),
                    n => format!(", {n} not finished"),
                },
                match resumed {
                    0 => String::new(),
                    n => format!(" ({n} from the journal)"),
                }
            ),
            format!("Quotes found: {}", self.quotes().len()),
            format!(
                "Requests: {} in {secs:.3} s = {rate:.1} requests/s",
                self.requests
            ),
        ];
        if let Some(last) = self.last_page
            && last < self.pages_wanted
        {
            lines.push(format!(
                "The site ends at page {last}: pages {}..={} were not needed",
                last + 1,
                self.pages_wanted
            ));
        }
        if self.largest_delay > self.delay {
            lines.push(format!(
                "Delay between requests rose to {:.3} s (AutoThrottle or Retry-After)",
                self.largest_delay.as_secs_f64()
            ));
        }
        for r in self.failed() {
            lines.push(format!("  failed  {}", r.line()));
        }
        for r in self.skipped() {
            lines.push(format!("  skipped {}", r.line()));
        }
        for r in self.replaced() {
            lines.push(format!("  decoding errors in {}", r.line()));
        }
        let unfinished = self.unfinished();
        if let (Some(first), Some(last)) = (unfinished.first(), unfinished.last()) {
            lines.push(format!(
                "  not finished: {} pages ({}..={}), interrupted",
                unfinished.len(),
                first.page,
                last.page
            ));
        }
        lines
    }
}
