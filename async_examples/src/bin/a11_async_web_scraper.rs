//! Capstone: a polite async quotes scraper (limit, timeouts, retries, robots.txt, JSON/CSV out).
//!
//! Ports the course project "Build a Polite and Efficient Async Web Scraper" (the course notebook,
//! `async_web_scraper.py`, Steps 1–9).
//!
//! **What a scraper is, and why async suits it (Step 1).** A web scraper downloads pages and
//! pulls structured data out of their HTML — here every quote (text, author, tags) of the
//! paginated site quotes.toscrape.com. Almost all of its time is *waiting*: for the connection,
//! for the server to think, for bytes to cross the network. Fetched one after another, N pages
//! cost N × latency of mostly idle CPU. With async, one thread starts a request, and while that
//! request waits it starts the next ones; the waits overlap, so N pages cost about
//! ceil(N / limit) × latency. Tasks are cheap (no thread per request), so the limit is chosen
//! for the *server's* sake, not ours.
//!
//! **Constraints (the Python original's, and how they are kept).**
//! - No blocking HTTP (the Python original's "no `requests`" → no `reqwest::blocking`): every request is an
//!   `.await` on async reqwest.
//! - The runtime is never blocked: no `std::thread::sleep`, no blocking I/O on a runtime thread;
//!   HTML parsing (CPU work, and `scraper::Html` is not `Send`) runs in a plain function on the
//!   blocking pool; the output file is written once, after the crawl.
//! - One client (Step 4): a single `reqwest::Client` (one connection pool) shared by all tasks.
//! - Polite: at most `--concurrency` requests in flight (a tokio `Semaphore`, Step 7), at least
//!   `--delay-ms` between two requests to the same host, a clear `User-Agent`, `robots.txt` read
//!   first and obeyed, a per-request `--timeout` and a few `--retries` with exponential backoff
//!   on timeouts and 5xx only (Step 6). Public pages only: no login, no cookies.
//!
//! By default it scrapes a built-in copy of the site (an axum server on 127.0.0.1, port 0, in
//! this process, serving public-domain quotes), so it runs offline. `--chaos` makes that copy
//! misbehave: a page that fails twice, one that never answers, one with broken HTML, one that
//! always answers 500, one forbidden by robots.txt. Every delay (latency, `--timeout`,
//! `--delay-ms`, backoff) is in course time, scaled by `COURSE_TIME_SCALE`.
//!
//! ```text
//! cargo run --bin a11_async_web_scraper                          # 10 pages of the local copy
//! cargo run --bin a11_async_web_scraper -- --pages 10 --concurrency 4 --out quotes.json
//! cargo run --bin a11_async_web_scraper -- --chaos --out quotes.csv
//! cargo run --bin a11_async_web_scraper -- --base-url https://quotes.toscrape.com  # real site
//! ```
//!
//! Expected output: a robots.txt line, then one line per page *as it finishes* with URL, status,
//! size, time and quote count (and a progress bar when stdout is a terminal):
//!
//! ```text
//! page 3: http://127.0.0.1:PORT/page/3/ -> 200 OK, 6915 bytes, 0.502 s, 10 quotes
//! ```
//!
//! then a summary: pages ok/failed/skipped, quotes found, total time, requests per second, and
//! every failure. Local copy: 10 pages × 0.5 s with 4 in flight ≈ 1.7 s (3 rounds of 0.5 s, plus
//! the 100 ms spacing), not the 5 s of one page after another; the server confirms it never saw
//! more than 4 requests at once and each page exactly once. Exit status 0 even when pages failed
//! (they are listed); 2 for a usage error, 1 for an unwritable `--out`.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use async_examples::fixture::{FixtureConfig, FixtureServer};
use async_examples::scrape::{
    self, DEFAULT_USER_AGENT, Event, Format, OutputFile, ScrapeConfig, parse_base_url,
};
use clap::{CommandFactory as _, Parser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::Url;
use utilities::{format_duration, print_time_taken, say, secs};

/// Latency of each page of the built-in site (course seconds).
const FIXTURE_LATENCY: f64 = 0.5;
/// Wait before the first retry (course seconds); doubled for each further one.
const BACKOFF: f64 = 0.25;

/// A polite async scraper of quotes.toscrape.com-style pages.
#[derive(Debug, Parser)]
#[command(
    name = "a11_async_web_scraper",
    version,
    after_help = "Durations are course time: multiplied by COURSE_TIME_SCALE (unset = 1.0 = real time)."
)]
struct Args {
    /// Fetch pages 1..=PAGES.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pages: u32,
    /// Most requests in flight at once.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64))]
    concurrency: u32,
    /// Per-request timeout in seconds (course time) [default: 5, or 1.5 with --chaos so the
    /// hanging page does not make the demo long].
    #[arg(long, value_parser = positive_seconds)]
    timeout: Option<f64>,
    /// Extra attempts after a timeout, connection error, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: u32,
    /// Minimum milliseconds between two requests to the same host (course time).
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(0..=60_000))]
    delay_ms: u64,
    // (`help =` rather than a doc comment: the URL should print bare in `--help`.)
    #[arg(
        long,
        value_parser = parse_base_url,
        help = "Site to scrape, e.g. https://quotes.toscrape.com (default: a built-in local copy)"
    )]
    base_url: Option<Url>,
    /// Write every quote to FILE (format from the extension, .json or .csv, or --format).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Format of --out, overriding its extension.
    #[arg(long, value_enum, requires = "out")]
    format: Option<Format>,
    /// Make the built-in site misbehave (500s, a hanging page, broken HTML, robots.txt rule).
    #[arg(long, conflicts_with = "base_url")]
    chaos: bool,
    /// User-Agent header sent with every request.
    #[arg(long, default_value = DEFAULT_USER_AGENT, value_parser = non_empty)]
    user_agent: String,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err("expected seconds, a number above 0 and at most 3600 (e.g. 2.5)".to_owned()),
    }
}

fn non_empty(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        Err("must not be empty: say who you are".to_owned())
    } else {
        Ok(text.trim().to_owned())
    }
}

/// A progress bar on a terminal; hidden (and silent) when stdout is a pipe or a file.
fn progress_bar(pages: u32) -> ProgressBar {
    let target = if std::io::stdout().is_terminal() {
        ProgressDrawTarget::stdout()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(u64::from(pages)), target);
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} [{elapsed}] {bar:30} {pos}/{len} pages {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

#[tokio::main]
async fn main() -> ExitCode {
    utilities::output::start_clock();
    let args = Args::parse();

    // Check --out before any request: an unwritable path is an error now, not after the crawl.
    let output = match &args.out {
        None => None,
        Some(path) => {
            let Some(format) = args.format.or_else(|| Format::from_path(path)) else {
                Args::command()
                    .error(
                        clap::error::ErrorKind::ValueValidation,
                        format!(
                            "cannot tell the format of --out {}: use a .json or .csv name, or --format",
                            path.display()
                        ),
                    )
                    .exit();
            };
            match OutputFile::create(path, format) {
                Ok(file) => Some(file),
                Err(e) => {
                    eprintln!("error: cannot write --out {}: {e}", path.display());
                    return ExitCode::FAILURE;
                }
            }
        }
    };

    // The target: the real site if asked, else our local copy of it.
    let fixture = match &args.base_url {
        Some(_) => None,
        None => {
            let latency = secs(FIXTURE_LATENCY);
            let config = if args.chaos {
                FixtureConfig::chaos(args.pages, latency)
            } else {
                FixtureConfig {
                    pages: args.pages.max(10),
                    latency,
                    ..FixtureConfig::default()
                }
            };
            match FixtureServer::start(config).await {
                Ok(server) => Some(server),
                Err(e) => {
                    eprintln!("error: cannot start the local site on 127.0.0.1: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let base_url = match (&args.base_url, &fixture) {
        (Some(url), _) => url.clone(),
        (None, Some(server)) => match parse_base_url(server.base_url()) {
            Ok(url) => url,
            Err(e) => unreachable!("the fixture's own URL is valid: {e}"),
        },
        (None, None) => unreachable!("a fixture is started when no --base-url is given"),
    };

    let config = ScrapeConfig {
        base_url,
        pages: args.pages,
        concurrency: args.concurrency as usize,
        timeout: secs(args.timeout.unwrap_or(if args.chaos { 1.5 } else { 5.0 })),
        retries: args.retries,
        #[allow(clippy::cast_precision_loss)] // at most 60 000 ms
        delay: secs(args.delay_ms as f64 / 1000.0),
        backoff: secs(BACKOFF),
        user_agent: args.user_agent.clone(),
    };
    // Step 4: one client for the whole run.
    let client = match scrape::build_client(&config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: cannot build the HTTP client: {e}");
            return ExitCode::FAILURE;
        }
    };

    say!(
        "Scraping pages 1..={} of {}{}",
        config.pages,
        config.base_url,
        match (&fixture, args.chaos) {
            (Some(_), true) => " (local copy, chaos mode)",
            (Some(_), false) => " (local copy)",
            (None, _) => "",
        }
    );
    say!(
        "Polite settings: at most {} in flight, timeout {}, up to {} retries, {} between requests, User-Agent {:?}",
        config.concurrency,
        format_duration(config.timeout),
        config.retries,
        format_duration(config.delay),
        config.user_agent
    );

    // Steps 5–8: fetch concurrently, print each page as it finishes.
    let bar = progress_bar(config.pages);
    let on_event = |event: &Event| match event {
        Event::Robots(r) => {
            let status = r
                .status
                .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
            bar.suspend(|| say!("robots.txt: {} -> {status}: {}", r.url, r.note));
        }
        Event::Retry {
            page,
            url,
            attempt,
            of,
            reason,
            wait,
        } => {
            let what = if *page == 0 {
                "robots.txt".to_owned()
            } else {
                format!("page {page}")
            };
            bar.suspend(|| {
                say!(
                    "{what}: {url} attempt {attempt}/{of} failed ({reason}); retrying in {}",
                    format_duration(*wait)
                );
            });
        }
        Event::Page(report) => {
            bar.suspend(|| say!("{}", report.line()));
            bar.inc(1);
        }
    };
    let run = tokio::select! {
        run = scrape::scrape(&client, &config, on_event) => run,
        _ = tokio::signal::ctrl_c() => {
            bar.abandon();
            drop(output); // removes the temporary file: the target is never half-written
            say!("Interrupted: nothing written");
            return ExitCode::from(130);
        }
    };
    bar.finish_and_clear();

    for line in run.summary_lines() {
        say!("{line}");
    }
    print_time_taken("Scrape", run.elapsed);

    // The claims, checked by the server itself (only possible against our own copy).
    if let Some(server) = fixture {
        let stats = server.stats();
        say!(
            "Server: at most {} requests in flight (limit {}), {} requests over {} connections (one shared client), User-Agent {:?}",
            stats.max_in_flight(),
            config.concurrency,
            stats.total(),
            stats.connections(),
            stats.user_agents().into_iter().next().unwrap_or_default()
        );
        assert!(
            stats.max_in_flight() <= config.concurrency,
            "the limit was exceeded"
        );
        if !args.chaos {
            let once = (1..=config.pages).all(|p| stats.page_count(p) == 1);
            say!("Server: every page requested exactly once: {once}");
            assert!(
                once,
                "a page was requested twice or never: {:?}",
                stats.counts()
            );
        }
        server.shutdown().await;
    }

    if let Some(file) = output {
        let quotes = run.quotes();
        let target = file.target().display().to_string();
        match file.commit(&quotes) {
            Ok(_) => say!("Wrote {} quotes to {target}", quotes.len()),
            Err(e) => {
                eprintln!("error: cannot write --out {target}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
