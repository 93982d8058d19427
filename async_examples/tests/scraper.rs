//! Tests of the capstone scraper (`a11_async_web_scraper`), all against the fixture server on
//! 127.0.0.1: in-process through the library, and by running the real binary.
//!
//! Latencies are ≥ 100 ms of real time so that scheduling noise on a loaded machine cannot flip
//! a ratio; timing claims are ratios with tolerances.

use std::collections::HashSet;
use std::time::Duration;

use async_examples::fixture::{self, FixtureConfig};
use async_examples::scrape::{
    self, DEFAULT_USER_AGENT, FailureKind, Format, Outcome, OutputFile, Quote, ScrapeConfig,
    write_atomically,
};

mod common;
use common::{config, files_in, ms, quotes_in, report, run, scraper, serve};

fn expected_pages(pages: u32, wanted: &[u32]) -> Vec<Quote> {
    wanted
        .iter()
        .flat_map(|&p| fixture::quotes_on_page(pages, p))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_quote_of_n_pages_is_collected_exactly_once() {
    // 12 pages: past the 100-quote data set, so pages 11–12 cycle (the page number keeps them
    // distinct).
    let server = serve(FixtureConfig {
        pages: 12,
        latency: ms(100),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 12, 4)).await;

    assert_eq!(run.ok_pages(), 12, "{:#?}", run.reports);
    let quotes = run.quotes();
    assert_eq!(quotes, fixture::expected_quotes(12, 12));
    let distinct: HashSet<(u32, &str)> = quotes.iter().map(|q| (q.page, q.text.as_str())).collect();
    assert_eq!(distinct.len(), 120);
    assert!(quotes.iter().all(|q| !q.tags.is_empty()));

    let stats = server.stats();
    for p in 1..=12 {
        assert_eq!(stats.page_count(p), 1, "page {p}: {:?}", stats.counts());
    }
    assert_eq!(stats.count("/robots.txt"), 1);
    assert_eq!(stats.total(), 13);
    assert_eq!(run.requests, 13);
    // One shared client with a polite User-Agent, reusing its connections.
    assert_eq!(stats.user_agents(), [DEFAULT_USER_AGENT.to_owned()].into());
    assert!(
        stats.connections() < 12,
        "{} connections for 13 requests: connections are not reused",
        stats.connections()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_flight_requests_never_exceed_the_limit() {
    let server = serve(FixtureConfig {
        pages: 12,
        latency: ms(150),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 12, 3)).await;
    assert_eq!(run.ok_pages(), 12);
    // The server counts its own high-water mark: never above 3, and the limit was used.
    assert_eq!(server.stats().max_in_flight(), 3);
    assert_eq!(server.stats().in_flight(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_page_times_out_and_every_other_page_is_written() {
    let server = serve(FixtureConfig {
        pages: 10,
        latency: ms(100),
        hang_pages: [3].into(),
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        timeout: ms(400),
        retries: 1,
        ..config(&server, 6, 3)
    };
    let run = run(&cfg).await;

    let hung = report(&run, 3);
    assert_eq!(hung.failure(), Some(FailureKind::Timeout), "{hung:?}");
    assert_eq!(hung.attempts, 2);
    assert!(
        hung.line().contains("timed out after 0.400 s"),
        "{}",
        hung.line()
    );
    assert_eq!(
        server.stats().page_count(3),
        2,
        "one retry after the timeout"
    );
    assert_eq!(run.ok_pages(), 5);
    assert!(
        run.summary_lines()
            .iter()
            .any(|l| l.contains("failed  page 3"))
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quotes.json");
    write_atomically(&path, Format::Json, &run.quotes()).unwrap();
    let written = quotes_in(&path);
    assert_eq!(written, expected_pages(10, &[1, 2, 4, 5, 6]));

    // The abandoned requests do not linger on the server.
    tokio::time::sleep(ms(200)).await;
    assert_eq!(server.stats().in_flight(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_with_backoff_and_recover() {
    let server = serve(FixtureConfig {
        pages: 10,
        latency: ms(100),
        fail_pages: [(2, 2), (4, u32::MAX)].into(),
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        backoff: ms(150),
        ..config(&server, 5, 5)
    };
    let run = run(&cfg).await;

    // Page 2 fails twice, then the third attempt succeeds.
    let recovered = report(&run, 2);
    assert!(recovered.is_ok(), "{recovered:?}");
    assert_eq!(recovered.attempts, 3);
    assert_eq!(recovered.quotes(), fixture::quotes_on_page(10, 2));
    // Page 4 always fails: given up after 1 + 2 retries, reported with its status.
    let failed = report(&run, 4);
    assert!(
        matches!(
            failed.outcome,
            Outcome::Failed {
                status: Some(500),
                kind: FailureKind::Http,
                ..
            }
        ),
        "{failed:?}"
    );
    assert_eq!(failed.attempts, 3);
    assert_eq!(run.ok_pages(), 4);

    // Backoff doubles: gaps between attempts ≥ latency + 150 ms, then ≥ latency + 300 ms.
    let stats = server.stats();
    assert_eq!(stats.page_count(2), 3);
    assert_eq!(stats.page_count(4), 3);
    let at: Vec<Duration> = stats
        .requests()
        .into_iter()
        .filter(|r| r.path == "/page/4/")
        .map(|r| r.at)
        .collect();
    assert!(at[1] - at[0] >= ms(240), "{at:?}");
    assert!(at[2] - at[1] >= ms(390), "{at:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_html_is_a_per_page_error_not_a_crash() {
    let server = serve(FixtureConfig {
        pages: 10,
        latency: ms(100),
        malformed_pages: [2].into(),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 4, 4)).await;
    let bad = report(&run, 2);
    match &bad.outcome {
        Outcome::Failed {
            status: Some(200),
            bytes: Some(bytes),
            kind: FailureKind::Malformed,
            error,
            ..
        } => {
            assert_eq!(*bytes, fixture::render_malformed_page(10, 2).len());
            assert!(error.contains("small.author"), "{error}");
        }
        other => panic!("expected a malformed-page failure, got {other:?}"),
    }
    assert_eq!(
        server.stats().page_count(2),
        1,
        "a parse error is not retried"
    );
    // The cut-off page's complete quotes are kept, marked partial.
    let fixture_config = FixtureConfig {
        malformed_pages: [2].into(),
        ..FixtureConfig::default()
    };
    assert_eq!(run.quotes(), fixture_config.expected(&[1, 2, 3, 4]));
    assert_eq!(
        run.quotes().iter().filter(|q| q.partial).count(),
        fixture::MALFORMED_COMPLETE_QUOTES
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn total_time_is_about_ceil_n_over_k_latencies() {
    let latency = ms(200);
    for (n, k) in [(9u32, 3usize), (10, 4), (4, 1)] {
        let server = serve(FixtureConfig {
            pages: 10,
            latency,
            ..FixtureConfig::default()
        })
        .await;
        let run = run(&config(&server, n, k)).await;
        assert_eq!(run.ok_pages(), n as usize);
        let rounds = n.div_ceil(u32::try_from(k).unwrap());
        let expected = latency * rounds;
        let ratio = run.elapsed.as_secs_f64() / expected.as_secs_f64();
        assert!(
            (0.95..1.5).contains(&ratio),
            "{n} pages, limit {k}: {:?} vs ceil(n/k) × latency = {expected:?} (ratio {ratio:.2})",
            run.elapsed
        );
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_disallow_is_respected() {
    let server = serve(FixtureConfig {
        pages: 10,
        latency: ms(100),
        disallow: vec!["/page/2/".into(), "/page/4/".into()],
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 5, 5)).await;
    for p in [2, 4] {
        let r = report(&run, p);
        assert!(matches!(r.outcome, Outcome::Skipped { .. }), "{r:?}");
        assert!(r.line().contains("SKIPPED: disallowed by robots.txt"));
        assert_eq!(
            server.stats().page_count(p),
            0,
            "page {p} must not be requested"
        );
    }
    assert_eq!(run.skipped().len(), 2);
    assert_eq!(run.quotes(), expected_pages(10, &[1, 3, 5]));
    // robots.txt is the very first request.
    assert_eq!(server.stats().requests()[0].path, "/robots.txt");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_robots_txt_allows_everything_a_broken_one_nothing() {
    for (code, pages_fetched) in [(404, 3), (500, 0)] {
        let server = serve(FixtureConfig {
            robots_status: Some(code),
            ..FixtureConfig::default()
        })
        .await;
        let cfg = ScrapeConfig {
            retries: 1,
            ..config(&server, 3, 3)
        };
        let run = run(&cfg).await;
        assert_eq!(run.robots.status, Some(code));
        assert_eq!(run.ok_pages(), pages_fetched, "robots.txt {code}");
        let stats = server.stats();
        assert_eq!(stats.total() - stats.count("/robots.txt"), pages_fetched);
        if pages_fetched == 0 {
            // RFC 9309: an unreachable robots.txt means complete disallow (after one retry).
            assert_eq!(stats.count("/robots.txt"), 2);
            assert!(
                run.reports
                    .iter()
                    .all(|r| r.line().contains("robots.txt unreachable"))
            );
        }
        server.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_to_one_host_are_spaced_by_the_delay() {
    let server = serve(FixtureConfig {
        pages: 10,
        latency: ms(100),
        ..FixtureConfig::default()
    })
    .await;
    let delay = ms(200);
    let cfg = ScrapeConfig {
        delay,
        ..config(&server, 5, 5)
    };
    let run = run(&cfg).await;
    assert_eq!(run.ok_pages(), 5);
    assert_eq!(run.delay, delay);
    // Without the gate all five pages would arrive together (limit 5). With it, the server sees
    // robots.txt + 5 pages spread over ≥ 5 delays. Single gaps get half a delay of slack for
    // scheduling noise on a loaded machine; the whole span only the noise of its two ends.
    let at: Vec<Duration> = server.stats().requests().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), 6);
    for pair in at.windows(2) {
        assert!(
            pair[1] - pair[0] >= delay / 2,
            "requests closer than the delay: {at:?}"
        );
    }
    assert!(at[5] - at[0] >= delay * 5 - ms(50), "{at:?}");
    server.shutdown().await;
}

#[test]
fn output_is_replaced_atomically_and_an_unfinished_one_leaves_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quotes.csv");
    std::fs::write(&path, "old complete file\n").unwrap();

    // Interrupted: the temporary file exists while we work, the target is untouched, and
    // dropping it (as a Ctrl-C does) removes it.
    let pending = OutputFile::create(&path, Format::Csv).unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    drop(pending);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "old complete file\n"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

    let quotes = fixture::expected_quotes(10, 2);
    write_atomically(&path, Format::Csv, &quotes).unwrap();
    assert_eq!(
        parse_csv(&std::fs::read_to_string(&path).unwrap()).len(),
        21
    );
    assert_eq!(
        scrape::existing_quotes(&path, Format::Csv),
        scrape::ExistingOutput::Quotes(20)
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

// ---------------------------------------------------------------------------------------------
// The real binary

/// A tiny RFC 4180 reader for checking the CSV output.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "CSV does not end with a newline"
    );
    rows
}

#[test]
fn binary_prints_url_status_and_size_per_page_and_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("quotes.json");
    let out = scraper(&["--pages", "5", "--out", out_path.to_str().unwrap()]);
    out.assert_success();

    for p in 1..=5 {
        // URL, status and the exact byte size of the page the server sent.
        let bytes = fixture::render_page(10, p).len();
        let needle = format!("/page/{p}/ -> 200 OK, {bytes} bytes, ");
        let line = out
            .stdout
            .lines()
            .find(|l| l.contains(&needle))
            .unwrap_or_else(|| panic!("no line with {needle:?}:\n{}", out.stdout));
        assert!(line.contains("http://127.0.0.1:"), "{line}");
        assert!(line.contains("10 quotes"), "{line}");
    }
    out.assert_contains("robots.txt: http://127.0.0.1:")
        .assert_contains("Summary: 5 pages ok, 0 failed, 0 skipped")
        .assert_contains("Quotes found: 50")
        .assert_contains("requests/s")
        .assert_contains("Scrape: Time taken:")
        .assert_contains("every page requested exactly once: true")
        .assert_contains("Wrote 50 quotes to");
    // Not a terminal: no progress bar, no escape codes in the output.
    assert!(!out.stdout.contains('\u{1b}'), "{:?}", out.stdout);

    let written = quotes_in(&out_path);
    assert_eq!(written, fixture::expected_quotes(10, 5));
    assert_eq!(
        files_in(dir.path()),
        ["quotes.json"],
        "no temporary file left"
    );
}

#[test]
fn binary_chaos_run_completes_lists_failures_and_writes_the_rest_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("quotes.csv");
    let out = scraper(&[
        "--chaos",
        "--timeout",
        "2",
        "--retries",
        "2",
        "--out",
        out_path.to_str().unwrap(),
    ]);
    // Pages failed: the run completed, wrote what it found and listed every failure, and says
    // so with exit status 1.
    assert_eq!(out.status.code(), Some(1), "{}\n{}", out.stdout, out.stderr);
    out.assert_contains("Summary: 6 pages ok, 3 failed, 1 skipped")
        .assert_contains("Quotes found: 64")
        .assert_contains("Wrote 64 quotes to");
    let summary = |needle: &str| out.stdout.lines().any(|l| l.contains(needle));
    assert!(
        summary("failed  page 5:") && summary("timed out after 0.400 s"),
        "{}",
        out.stdout
    );
    assert!(
        summary("failed  page 7:") && summary("malformed page"),
        "{}",
        out.stdout
    );
    assert!(
        summary("failed  page 9:") && summary("500 Internal Server Error"),
        "{}",
        out.stdout
    );
    assert!(summary("skipped page 6:"), "{}", out.stdout);
    assert!(
        summary("page 3: ") && summary("(after 3 attempts)"),
        "{}",
        out.stdout
    );

    assert!(
        summary("page 2: ") && summary("(redirected to http://127.0.0.1:"),
        "{}",
        out.stdout
    );
    assert!(summary("(decoded as windows-1252)"), "{}", out.stdout);

    let rows = parse_csv(&std::fs::read_to_string(&out_path).unwrap());
    assert_eq!(rows[0], ["page", "author", "text", "tags", "partial"]);
    let chaos = FixtureConfig::chaos(10, Duration::ZERO);
    let expected = chaos.expected(&[1, 2, 3, 4, 7, 8, 10]);
    assert_eq!(rows.len(), expected.len() + 1);
    for (row, q) in rows[1..].iter().zip(&expected) {
        assert_eq!(
            row,
            &[
                q.page.to_string(),
                q.author.clone(),
                q.text.clone(),
                q.tags.join(";"),
                if q.partial { "yes" } else { "" }.to_owned(),
            ]
        );
    }
    assert!(rows.iter().any(|r| r[2] == fixture::LATIN1_TEXT));
}

#[test]
fn binary_usage_errors_and_unwritable_out() {
    for (args, needle) in [
        (&["--pages", "0"][..], "--pages"),
        (&["--concurrency", "many"][..], "--concurrency"),
        (&["--timeout", "0"][..], "--timeout"),
        (
            &["--chaos", "--base-url", "http://127.0.0.1:9/"][..],
            "cannot be used with",
        ),
        (&["--base-url", "ftp://example.com"][..], "http"),
        (&["--out", "quotes.txt"][..], "--format"),
        (&["--format", "csv"][..], "--out"),
        (&["--no-such-flag"][..], "--no-such-flag"),
    ] {
        let out = scraper(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(needle), "{args:?}: {}", out.stderr);
        assert!(
            out.stdout.is_empty(),
            "{args:?} started working: {}",
            out.stdout
        );
    }

    // An unwritable --out fails before any request, with status 3.
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no/such/dir/quotes.json");
    let out = scraper(&["--out", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(3), "{}", out.stderr);
    assert!(out.stderr.contains("cannot write --out"), "{}", out.stderr);
    assert!(!out.stdout.contains("page 1:"), "{}", out.stdout);

    // --format overrides the extension.
    let odd = dir.path().join("quotes.data");
    let out = scraper(&[
        "--pages",
        "2",
        "--out",
        odd.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    out.assert_success();
    assert_eq!(parse_csv(&std::fs::read_to_string(&odd).unwrap()).len(), 21);
    assert_eq!(
        files_in(dir.path()),
        ["quotes.data"],
        "journal removed after a complete run"
    );
}

#[test]
fn the_threaded_fixture_serves_plain_blocking_clients() {
    use std::io::{Read as _, Write as _};

    // For code without a runtime (e.g. a scraper built on threads): the server runs on its own
    // thread; here a raw HTTP/1.1 request over a std TcpStream.
    let server = fixture::ThreadedFixture::start(FixtureConfig::default()).unwrap();
    let addr = server.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    write!(
        stream,
        "GET /page/2/ HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: blocking-test\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.take(1 << 20).read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with(&fixture::render_page(10, 2)));
    assert_eq!(server.stats().page_count(2), 1);
    assert_eq!(
        server.stats().user_agents(),
        ["blocking-test".to_owned()].into()
    );
    server.shutdown();
}
