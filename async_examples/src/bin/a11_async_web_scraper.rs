//! Capstone: a polite async quotes scraper (limit, retries, robots.txt, redirects, resume, JSON/CSV).
//!
//! Ports the course project "Build a Polite and Efficient Async Web Scraper" (the course
//! notebook's capstone, `async_web_scraper.py`, Steps 1–9), and holds it to what people expect
//! of a real crawler (Scrapy is the yardstick: see the crate README's comparison table).
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
//!   blocking pool; the journal is written by a thread of its own; the output file once, at
//!   the end.
//! - One client (Step 4): a single `reqwest::Client` (one connection pool) shared by all tasks.
//! - Polite: at most `--concurrency` pages in flight (a tokio `Semaphore`, Step 7; a slot is
//!   held through backoff, and after a timeout until the server could have finished), at least
//!   `--delay-ms` between the starts of two requests to the same host (or more: `Crawl-delay`,
//!   `Retry-After`, `--autothrottle`), a clear `User-Agent`, `robots.txt` read first and obeyed on every
//!   redirect hop, redirects only to the same host unless `--allow-host`, a per-request
//!   `--timeout` and a few `--retries` with exponential backoff (Step 6). Public pages only.
//!
//! By default it scrapes a built-in copy of the site (an axum server on 127.0.0.1, port 0, in
//! this process, serving public-domain quotes), so it runs offline. `--chaos` makes that copy
//! misbehave: a moved page, a page that fails twice, one that never answers, one with broken
//! HTML, a Latin-1 page, one that always answers 500, one forbidden by robots.txt. Against the
//! local copy every delay is course time (scaled by `COURSE_TIME_SCALE`); against any other
//! host the scale never goes below 1, so a fast demo never hammers a real site.
//!
//! ```text
//! cargo run --bin a11_async_web_scraper                          # 10 pages of the local copy
//! cargo run --bin a11_async_web_scraper -- --pages 10 --concurrency 4 --out quotes.json
//! cargo run --bin a11_async_web_scraper -- --chaos --out quotes.csv
//! cargo run --bin a11_async_web_scraper -- --out quotes.json --resume   # after a Ctrl-C
//! cargo run --bin a11_async_web_scraper -- --base-url https://quotes.toscrape.com --dry-run
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
//! more than 4 requests at once and each page exactly once. The exit status says how it went
//! (0 complete, 1 pages failed, 2 usage, 3 output kept, 124/130/143 stopped): see `--help`.

use std::collections::BTreeSet;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use async_examples::fixture::{FixtureConfig, FixtureServer};
use async_examples::scrape::{
    self, DEFAULT_USER_AGENT, Event, ExistingOutput, Format, Journal, OutputFile, RunControl,
    RunStatus, ScrapeConfig, ScrapeRun, StopReason, existing_quotes, exit_code, parse_base_url,
    partial_path, politeness_scale, remove_stale_temps,
};
use clap::{CommandFactory as _, Parser};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use reqwest::Url;
use utilities::{format_duration, print_time_taken, say, secs};

/// Latency of each page of the built-in site (course seconds).
const FIXTURE_LATENCY: f64 = 0.5;
/// Wait before the first retry (course seconds); doubled for each further one.
const BACKOFF: f64 = 0.25;

const AFTER_HELP: &str = "\
Durations (--timeout, --delay-ms, --max-time, --grace, backoff) are course time: multiplied by
COURSE_TIME_SCALE against the built-in site or any loopback address, but never shortened (the
factor is at least 1) against any other host.

Output: --out FILE is written atomically when the run ends. It never replaces an existing file
that holds more quotes, nor is anything written when no page was fetched (use --overwrite to
replace anyway). A stopped run (signal, --max-time) writes what it has to NAME.partial.EXT and
keeps the journal FILE.journal (one JSON line per finished page): run again with --resume to
fetch only the missing pages; the finished file equals an uninterrupted run's. Temporary files
left by a killed run are removed at start and at exit.

Exit status:
  0    every page was fetched and parsed (up to the site's last page)
  1    some pages failed, were skipped (robots.txt, redirects) or lost characters in decoding,
       or no page was fetched at all; the summary lists them
  2    usage error (bad flag or value); nothing was fetched
  3    output not written: --out unwritable, or an existing file with more quotes was kept
  124  --max-time ran out; what was fetched is in NAME.partial.EXT
  130  interrupted by SIGINT (Ctrl-C); what was fetched is in NAME.partial.EXT
  143  terminated by SIGTERM; what was fetched is in NAME.partial.EXT";

/// A polite async scraper of quotes.toscrape.com-style pages.
#[derive(Debug, Parser)]
#[command(name = "a11_async_web_scraper", version, after_help = AFTER_HELP)]
struct Args {
    /// Fetch pages 1..=PAGES; stops earlier at the site's last page (no next link, or no quotes).
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pages: u32,
    // (`help =` strings: the long help names Scrapy's settings, which are not Rust items.)
    #[arg(
        long,
        default_value_t = 4,
        value_parser = clap::value_parser!(u32).range(1..=64),
        help = "Most requests in flight at once, to all hosts together (so to any one host)",
        long_help = "Most requests in flight at once, to all hosts together (so to any one host).

Guaranteed: a server never has more than this many of our requests in flight (robots.txt, retries \
and redirect hops included). A page holds its slot from its first request to its parse, through \
backoff, Retry-After and its wait for the host's turn; after a timeout the slot stays taken one \
more timeout, for a server still working on the abandoned request. Like Scrapy's \
CONCURRENT_REQUESTS_PER_DOMAIN, but stricter (Scrapy counts only requests being transferred). \
With --delay-ms D and responses taking at most L, at most min(this, ⌈L ÷ D⌉) are on the wire at \
once: a consequence of the two guarantees."
    )]
    concurrency: u32,
    /// Per-request timeout in seconds [default: 5, or 1.5 with --chaos so the hanging page does
    /// not make the demo long]. After a timeout the slot stays taken for one more timeout.
    #[arg(long, value_parser = positive_seconds)]
    timeout: Option<f64>,
    /// Extra attempts after a timeout, connection error, 408, 429 or 5xx.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u32).range(0..=10))]
    retries: u32,
    #[arg(
        long,
        default_value_t = 100,
        value_parser = clap::value_parser!(u64).range(0..=60_000),
        help = "Minimum milliseconds between the starts of two requests to the same host",
        long_help = "Minimum milliseconds between the starts of two requests to the same host.

Guaranteed: a request to a host starts at least this long after the last one to that host really \
started (Scrapy's DOWNLOAD_DELAY, not randomised), so a request sent late by a busy machine \
pushes the next one back. Crawl-delay, Retry-After and --autothrottle can only lengthen it: this \
is their floor."
    )]
    delay_ms: u64,
    #[arg(
        long,
        help = "Adapt the delay to the server's latency (Scrapy's AutoThrottle): delay → latency ÷ --target-concurrency, never below --delay-ms, never above 60 s"
    )]
    autothrottle: bool,
    #[arg(
        long,
        default_value_t = 1.0,
        value_parser = positive_number,
        requires = "autothrottle",
        help = "AutoThrottle's average number of requests in flight per host"
    )]
    target_concurrency: f64,
    /// Longest wait a server's Retry-After may impose, in seconds (a longer one is cut).
    #[arg(long, default_value_t = 60.0, value_parser = positive_seconds)]
    retry_after_cap: f64,
    /// Redirect hops followed per request (each hop is a request, checked against robots.txt).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(0..=20))]
    max_redirects: u32,
    /// Also follow redirects to this HOST or HOST:PORT (repeatable); by default only the site's own
    /// host.
    #[arg(long, value_name = "HOST[:PORT]", value_parser = host_port)]
    allow_host: Vec<String>,
    /// Stop after SECONDS in all: in-flight requests get --grace, then what was fetched is
    /// written as partial (exit 124).
    #[arg(long, value_name = "SECONDS", value_parser = positive_seconds)]
    max_time: Option<f64>,
    /// After SIGINT, SIGTERM or --max-time, seconds that requests already on the wire may still
    /// take before they are cancelled.
    #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
    grace: f64,
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
    /// Replace --out even when it holds more quotes than this run found, or no page was fetched.
    #[arg(long, requires = "out")]
    overwrite: bool,
    /// Continue the run recorded in FILE.journal: pages finished there are not fetched again.
    #[arg(long, requires = "out")]
    resume: bool,
    /// Print the settings that would be used, then exit without sending any request.
    #[arg(long)]
    dry_run: bool,
    /// Make the built-in site misbehave (a moved page, 500s, a hanging page, broken HTML, a
    /// Latin-1 page, a robots.txt rule).
    #[arg(long, conflicts_with = "base_url")]
    chaos: bool,
    /// User-Agent header sent with every request.
    #[arg(long, default_value = DEFAULT_USER_AGENT, value_parser = non_empty)]
    user_agent: String,
}

/// A `--flag` value error, as clap shows it.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct BadValue(&'static str);

fn positive_seconds(text: &str) -> Result<f64, BadValue> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 3600.0 => Ok(s),
        _ => Err(BadValue(
            "expected seconds, a number above 0 and at most 3600 (e.g. 2.5)",
        )),
    }
}

fn positive_number(text: &str) -> Result<f64, BadValue> {
    match text.parse::<f64>() {
        Ok(s) if s.is_finite() && s > 0.0 && s <= 64.0 => Ok(s),
        _ => Err(BadValue("expected a number above 0 and at most 64")),
    }
}

fn non_empty(text: &str) -> Result<String, BadValue> {
    if text.trim().is_empty() {
        Err(BadValue("must not be empty: say who you are"))
    } else {
        Ok(text.trim().to_owned())
    }
}

/// `example.com`, `example.com:8080` → `host:port` as the scraper compares them (a bare host
/// means its http and https default ports).
fn host_port(text: &str) -> Result<String, BadValue> {
    let text = text.trim().to_ascii_lowercase();
    let valid = !text.is_empty()
        && !text.contains(['/', '@', ' '])
        && Url::parse(&format!("http://{text}/")).is_ok_and(|u| u.host_str().is_some());
    if valid {
        Ok(text)
    } else {
        Err(BadValue(
            "expected HOST or HOST:PORT, e.g. example.com:8080",
        ))
    }
}

/// The allowed `host:port`s: a bare host allows both default ports.
fn allowed_hosts(list: &[String]) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for entry in list {
        if entry
            .rsplit_once(':')
            .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
        {
            set.insert(entry.clone());
        } else {
            set.insert(format!("{entry}:80"));
            set.insert(format!("{entry}:443"));
        }
    }
    set
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

/// SIGINT and SIGTERM stop the run (the first one); a second signal exits at once.
fn listen_for_signals(control: RunControl) -> anyhow::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut int = signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?;
    let mut term = signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?;
    tokio::spawn(async move {
        loop {
            let reason = tokio::select! {
                _ = int.recv() => StopReason::Interrupt,
                _ = term.recv() => StopReason::Terminate,
            };
            if !control.stop(reason) {
                eprintln!("second signal: exiting now, without writing");
                std::process::exit(i32::from(stop_code(reason)));
            }
        }
    });
    Ok(())
}

fn stop_code(reason: StopReason) -> u8 {
    match reason {
        StopReason::Interrupt => exit_code::SIGINT,
        StopReason::Terminate => exit_code::SIGTERM,
        StopReason::Deadline => exit_code::MAX_TIME,
    }
}

/// The output's path, format and the journal next to it.
struct Output {
    file: OutputFile,
    journal: Journal,
}

#[tokio::main]
async fn main() -> ExitCode {
    utilities::output::start_clock();
    let args = Args::parse();
    match run(args).await {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(exit_code::OUTPUT)
        }
    }
}

#[allow(clippy::too_many_lines)] // one run, top to bottom: setup, crawl, report, write
async fn run(args: Args) -> anyhow::Result<u8> {
    let format = match &args.out {
        None => None,
        Some(path) => match args.format.or_else(|| Format::from_path(path)) {
            Some(format) => Some(format),
            None => Args::command()
                .error(
                    clap::error::ErrorKind::ValueValidation,
                    format!(
                        "cannot tell the format of --out {}: use a .json or .csv name, or --format",
                        path.display()
                    ),
                )
                .exit(),
        },
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
            let server = FixtureServer::start(config)
                .await
                .context("cannot start the local site on 127.0.0.1")?;
            Some(server)
        }
    };
    let base_url = match (&args.base_url, &fixture) {
        (Some(url), _) => url.clone(),
        (None, Some(server)) => parse_base_url(server.base_url())?,
        (None, None) => unreachable!("a fixture is started when no --base-url is given"),
    };

    // Course time for our own server; never faster than real time for anyone else's.
    let scale = politeness_scale(&base_url, utilities::time_scale());
    let course = |seconds: f64| Duration::from_secs_f64(seconds * scale);
    let timeout = args.timeout.unwrap_or(if args.chaos { 1.5 } else { 5.0 });
    let mut config = ScrapeConfig {
        pages: args.pages,
        concurrency: args.concurrency as usize,
        timeout: course(timeout),
        retries: args.retries,
        #[allow(clippy::cast_precision_loss)] // at most 60 000 ms
        delay: course(args.delay_ms as f64 / 1000.0),
        backoff: course(BACKOFF),
        user_agent: args.user_agent.clone(),
        max_redirects: args.max_redirects,
        allow_hosts: allowed_hosts(&args.allow_host),
        retry_after_cap: Duration::from_secs_f64(args.retry_after_cap),
        autothrottle: args.autothrottle.then_some(args.target_concurrency),
        grace: course(args.grace),
        ..ScrapeConfig::new(base_url)
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
        "Polite settings: at most {} in flight, timeout {}, up to {} retries, {} between requests{}, at most {} redirects, User-Agent {:?}",
        config.concurrency,
        format_duration(config.timeout),
        config.retries,
        format_duration(config.delay),
        if args.autothrottle {
            " (floor; AutoThrottle on)"
        } else {
            ""
        },
        config.max_redirects,
        config.user_agent
    );
    if (scale - utilities::time_scale()).abs() > f64::EPSILON {
        say!(
            "COURSE_TIME_SCALE={} ignored for {}: not a loopback address, so nothing gets faster than real time",
            utilities::time_scale(),
            config.base_url
        );
    }
    if args.dry_run {
        say!("Dry run: no request sent");
        return Ok(exit_code::OK);
    }

    // Output and journal before any request: an unwritable path is an error now, not after
    // the crawl.
    let mut output = None;
    if let (Some(path), Some(format)) = (&args.out, format) {
        for stale in remove_stale_temps(path).unwrap_or_default() {
            say!("Removed a stale temporary file: {}", stale.display());
        }
        let file = match OutputFile::create(path, format) {
            Ok(file) => file,
            Err(e) => {
                eprintln!("error: cannot write --out {}: {e}", path.display());
                return Ok(exit_code::OUTPUT);
            }
        };
        // The built-in site gets a new port each run: name it by what it serves instead.
        let site = if fixture.is_some() {
            format!("built-in{}", if args.chaos { " chaos" } else { "" })
        } else {
            config.base_url.to_string()
        };
        let journal_path = Journal::path_for(path);
        let journal = if args.resume {
            let (journal, done) = match Journal::resume(&journal_path, &site) {
                Ok(resumed) => resumed,
                Err(e) => {
                    eprintln!("error: cannot --resume: {e}");
                    return Ok(exit_code::USAGE);
                }
            };
            say!(
                "Resuming: {} pages already done in {}",
                done.len(),
                journal_path.display()
            );
            config.resumed = done;
            journal
        } else {
            if journal_path.exists() {
                say!(
                    "A journal of an earlier run exists ({}): starting over (use --resume to continue it)",
                    journal_path.display()
                );
            }
            Journal::create(&journal_path, &site)
                .with_context(|| format!("cannot write {}", journal_path.display()))?
        };
        output = Some(Output { file, journal });
    }

    // Stop on SIGINT/SIGTERM, and at the deadline.
    let control = RunControl::new();
    listen_for_signals(control.clone())?;
    if let Some(max_time) = args.max_time {
        let (control, limit) = (control.clone(), course(max_time));
        tokio::spawn(async move {
            tokio::time::sleep(limit).await;
            control.stop(StopReason::Deadline);
        });
    }

    // Step 4: one client for the whole run.
    let client = scrape::build_client(&config).context("cannot build the HTTP client")?;

    // Steps 5–8: fetch concurrently, print each page as it finishes.
    let bar = progress_bar(config.pages);
    let journal = output.as_ref().map(|o| &o.journal);
    let on_event = |event: &Event| {
        match event {
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
        Event::Stopping(reason) => bar.suspend(|| {
            say!("Stopping: {reason}; no new requests, in-flight ones get {} (a second signal exits at once)",
                format_duration(config.grace));
        }),
        Event::Page(report) => {
            if let Some(journal) = journal {
                journal.record(report);
            }
            bar.suspend(|| say!("{}", report.line()));
            bar.inc(1);
        }
    }
    };
    let run = scrape::scrape(&client, &config, &control, on_event).await;
    bar.finish_and_clear();

    for line in run.summary_lines() {
        say!("{line}");
    }
    print_time_taken("Scrape", run.elapsed);

    // The claims, checked by the server itself (only possible against our own copy).
    if let Some(server) = fixture {
        server_claims(&server, &config, &run, args.chaos);
        server.shutdown().await;
    }

    let status = run.status();
    let code = match status {
        RunStatus::Complete => exit_code::OK,
        RunStatus::Incomplete => exit_code::INCOMPLETE,
        RunStatus::Stopped(reason) => stop_code(reason),
    };
    let Some(Output { file, journal }) = output else {
        return Ok(code);
    };
    let target = file.target().to_owned();
    let journal_path = journal.close()?;
    let code = write_output(file, &run, code, args.overwrite, &journal_path).unwrap_or_else(|e| {
        eprintln!("error: cannot write --out {}: {e}", target.display());
        exit_code::OUTPUT
    });
    let _ = remove_stale_temps(&target);
    Ok(code)
}

/// What the server saw, printed and checked.
fn server_claims(server: &FixtureServer, config: &ScrapeConfig, run: &ScrapeRun, chaos: bool) {
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
    let requested: Vec<u32> = (1..=config.pages)
        .filter(|&p| stats.page_count(p) > 0)
        .collect();
    say!(
        "Server: {} pages requested, {} taken from the journal",
        requested.len(),
        config.resumed.len()
    );
    if !chaos && run.stopped.is_none() {
        let once = requested.iter().all(|&p| stats.page_count(p) == 1);
        say!("Server: every page requested exactly once: {once}");
        assert!(once, "a page was requested twice: {:?}", stats.counts());
        assert!(
            config.resumed.iter().all(|r| stats.page_count(r.page) == 0),
            "a page from the journal was fetched again"
        );
    }
}

/// Writes the run's quotes, unless that would lose data. Returns the exit code: the run's
/// `code`, or [`exit_code::OUTPUT`] when an existing file was kept.
fn write_output(
    file: OutputFile,
    run: &ScrapeRun,
    code: u8,
    overwrite: bool,
    journal: &Path,
) -> std::io::Result<u8> {
    let status = run.status();
    let target = file.target().to_owned();
    let quotes = run.quotes();
    if let RunStatus::Stopped(reason) = status {
        // Everything fetched so far, marked partial by its name; the target stays as it was.
        if quotes.is_empty() {
            say!("Stopped ({reason}) before any quote: nothing written");
        } else {
            let partial = file.commit_as(&quotes, &partial_path(&target))?;
            say!(
                "Stopped ({reason}): wrote {} quotes to {} (partial)",
                quotes.len(),
                partial.display()
            );
        }
        say!(
            "Journal kept: {}; run again with --resume to fetch only the rest",
            journal.display()
        );
        return Ok(code);
    }
    if run.ok_pages() == 0 && quotes.is_empty() && !overwrite {
        say!(
            "No page was fetched: nothing written, {} left as it was",
            target.display()
        );
        return Ok(code);
    }
    let existing = existing_quotes(&target, file.format());
    let refuse = match &existing {
        ExistingOutput::Quotes(n) if *n > quotes.len() => Some(format!(
            "it holds {n} quotes, this run found {}",
            quotes.len()
        )),
        ExistingOutput::Unknown(why) => Some(format!("it cannot be read back ({why})")),
        _ => None,
    };
    if let Some(why) = refuse
        && !overwrite
    {
        say!(
            "Kept {}: {why}; --overwrite replaces it ({} keeps this run's pages)",
            target.display(),
            journal.display()
        );
        return Ok(exit_code::OUTPUT);
    }
    file.commit(&quotes)?;
    say!("Wrote {} quotes to {}", quotes.len(), target.display());
    let _ = std::fs::remove_file(partial_path(&target));
    if status == RunStatus::Complete {
        let _ = std::fs::remove_file(journal);
    } else {
        say!(
            "Journal kept: {}; --resume fetches only the pages that failed",
            journal.display()
        );
    }
    Ok(code)
}
