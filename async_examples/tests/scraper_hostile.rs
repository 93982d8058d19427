//! The capstone scraper against a hostile site (issue 14): each test reproduces one problem a
//! real crawler must handle — redirects, Retry-After, charsets, the last page, a server that
//! keeps working on abandoned requests, adaptive throttling, a deadline — with the fixture
//! server on 127.0.0.1, in-process through the library. (Exit codes, output files, signals and
//! resume need the real binary: `scraper_cli.rs`.)
//!
//! Latencies are ≥ 100 ms of real time; timing claims compare gaps with generous margins, in
//! the direction a loaded machine can only make longer.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use async_examples::fixture::{
    self, FixtureConfig, FixtureServer, LATIN1_TEXT, PageCharset, Redirect,
};
use async_examples::scrape::{
    self, Event, FailureKind, Outcome, RunControl, RunStatus, ScrapeConfig, StopReason, origin,
    parse_base_url,
};

use utilities::testkit::skip_claim;

mod common;
use common::{config, ms, report, run, serve};

/// Arrival times (from the server's start) of the requests for `path`.
fn arrivals(server: &FixtureServer, path: &str) -> Vec<Duration> {
    server
        .stats()
        .requests()
        .into_iter()
        .filter(|r| r.path == path)
        .map(|r| r.at)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Problem 1: a site that is down is not a success

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_is_down_is_an_incomplete_run_with_nothing_fetched() {
    let base = fixture::unused_local_url().unwrap();
    let cfg = ScrapeConfig {
        pages: 3,
        retries: 1,
        backoff: ms(50),
        ..ScrapeConfig::new(parse_base_url(&base).unwrap())
    };
    let run = run(&cfg).await;
    assert!(!run.robots.reachable);
    assert_eq!(run.ok_pages(), 0);
    assert_eq!(run.skipped().len(), 3);
    assert_eq!(run.status(), RunStatus::Incomplete);
}

// ---------------------------------------------------------------------------------------------
// Problem 2: redirects

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_same_host_redirect_is_followed_each_hop_counted_and_spaced() {
    let server = serve(FixtureConfig {
        latency: ms(100),
        redirects: [(2, Redirect::Moved)].into(),
        ..FixtureConfig::default()
    })
    .await;
    let delay = ms(200);
    let cfg = ScrapeConfig {
        delay,
        ..config(&server, 3, 3)
    };
    let run = run(&cfg).await;
    let moved = report(&run, 2);
    assert!(moved.is_ok(), "{moved:?}");
    assert_eq!(moved.quotes(), fixture::quotes_on_page(10, 2));
    assert_eq!(moved.requests, 2, "the 302 and the page");
    assert!(
        moved
            .final_url
            .as_deref()
            .is_some_and(|u| u.ends_with("/moved/2/")),
        "{moved:?}"
    );
    // Every hop is a request in the run's count, as the server counted them.
    assert_eq!(run.requests as usize, server.stats().total());
    // And every hop waited for its turn: no two requests closer than the delay (half a delay of
    // slack for scheduling noise).
    let at: Vec<Duration> = server.stats().requests().iter().map(|r| r.at).collect();
    for pair in at.windows(2) {
        assert!(pair[1] - pair[0] >= delay / 2, "{at:?}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_into_a_disallowed_path_of_the_same_host_is_not_followed() {
    let server = serve(FixtureConfig {
        redirects: [(2, Redirect::Moved)].into(),
        disallow: vec!["/moved/".into()],
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 3, 3)).await;
    let moved = report(&run, 2);
    assert!(
        matches!(&moved.outcome, Outcome::Skipped { reason } if reason.contains("/moved/2/") && reason.contains("disallowed by robots.txt")),
        "{moved:?}"
    );
    assert_eq!(
        server.stats().count("/moved/2/"),
        0,
        "robots.txt is checked for every hop"
    );
    assert_eq!(server.stats().count("/robots.txt"), 1, "read once per host");
    assert_eq!(run.status(), RunStatus::Incomplete);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_host_is_not_followed_unless_allowed_and_its_robots_is_read() {
    // Another port stands in for another host.
    let other = serve(FixtureConfig {
        disallow: vec!["/page/3/".into()],
        ..FixtureConfig::default()
    })
    .await;
    let server = serve(FixtureConfig {
        redirects: [
            (2, Redirect::Elsewhere(other.base_url().to_owned())),
            (3, Redirect::Elsewhere(other.base_url().to_owned())),
        ]
        .into(),
        ..FixtureConfig::default()
    })
    .await;

    // By default: not followed, not retried, and the other host sees nothing.
    let run1 = run(&config(&server, 3, 3)).await;
    for page in [2, 3] {
        let r = report(&run1, page);
        assert_eq!(r.failure(), Some(FailureKind::Redirect), "{r:?}");
        assert!(r.line().contains("--allow-host"), "{}", r.line());
        assert_eq!(
            server.stats().page_count(page),
            1,
            "a redirect is not retried"
        );
    }
    assert_eq!(other.stats().total(), 0);
    assert_eq!(run1.status(), RunStatus::Incomplete);

    // Allowed: the other host's robots.txt first, then only what it allows.
    let other_url = parse_base_url(other.base_url()).unwrap();
    let cfg = ScrapeConfig {
        allow_hosts: [origin(&other_url)].into(),
        ..config(&server, 3, 3)
    };
    let run2 = run(&cfg).await;
    let followed = report(&run2, 2);
    assert!(followed.is_ok(), "{followed:?}");
    assert_eq!(
        followed.final_url.as_deref(),
        Some(format!("{}/page/2/", other.base_url()).as_str()),
        "the quotes are reported with the URL they came from"
    );
    let refused = report(&run2, 3);
    assert!(
        matches!(&refused.outcome, Outcome::Skipped { reason } if reason.contains("disallowed by robots.txt")),
        "{refused:?}"
    );
    let seen: Vec<String> = other
        .stats()
        .requests()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(seen, ["/robots.txt", "/page/2/"]);
    server.shutdown().await;
    other.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_loops_stop_at_five_hops_are_not_retried_and_are_all_counted() {
    let server = serve(FixtureConfig {
        redirects: [(1, Redirect::Endless), (2, Redirect::SelfLoop)].into(),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 2, 2)).await;

    let endless = report(&run, 1);
    assert_eq!(endless.failure(), Some(FailureKind::Redirect));
    assert!(
        endless.line().contains("too many redirects"),
        "{}",
        endless.line()
    );
    // One request and 5 hops; never retried (the old code: 3 attempts × 11 = 33 requests).
    let loop_hops = server.stats().total() - server.stats().count("/robots.txt");
    let self_loop = report(&run, 2);
    assert_eq!(endless.requests, 6, "{endless:?}");
    assert_eq!(server.stats().page_count(1), 1);
    assert_eq!(self_loop.failure(), Some(FailureKind::Redirect));
    assert!(
        self_loop.line().contains("redirect loop"),
        "{}",
        self_loop.line()
    );
    assert_eq!(
        server.stats().page_count(2),
        1,
        "a redirect to a URL already visited is not requested again"
    );
    assert_eq!(loop_hops, 6 + 1);
    // The report counts what the server saw.
    assert_eq!(run.requests as usize, server.stats().total());
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Problem 3: Retry-After

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_in_seconds_and_as_a_date_is_honoured_and_slows_the_host() {
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    let server = serve(FixtureConfig {
        latency: ms(100),
        throttle_pages: [(1, (1, "1".to_owned())), (2, (1, date))].into(),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 4, 4)).await;
    assert_eq!(run.ok_pages(), 4, "{:#?}", run.reports);
    // Backoff is 50 ms; the server asked for 1 s.
    let page1 = arrivals(&server, "/page/1/");
    assert_eq!(page1.len(), 2);
    assert!(page1[1] - page1[0] >= ms(1000), "{page1:?}");
    // An HTTP-date two seconds ahead (whole seconds: at least 1 s of it remains).
    let page2 = arrivals(&server, "/page/2/");
    assert_eq!(page2.len(), 2);
    assert!(page2[1] - page2[0] >= ms(900), "{page2:?}");
    // It speaks for the host: its delay rose to at least 1 s for everyone.
    assert!(run.largest_delay >= ms(1000), "{:?}", run.largest_delay);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_retry_after_is_capped() {
    let server = serve(FixtureConfig {
        throttle_pages: [(1, (1, "3600".to_owned()))].into(),
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        retry_after_cap: ms(300),
        max_delay: ms(300),
        ..config(&server, 1, 1)
    };
    let run = tokio::time::timeout(Duration::from_secs(20), run(&cfg))
        .await
        .expect("a capped Retry-After does not wait an hour");
    assert!(report(&run, 1).is_ok());
    let page1 = arrivals(&server, "/page/1/");
    assert!(page1[1] - page1[0] >= ms(300), "{page1:?}");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_408_is_retried_with_backoff_and_the_page_ends_ok() {
    // Page 2 answers `408 Request Timeout` twice, then its quotes.
    let latency = ms(50);
    let server = serve(FixtureConfig {
        latency,
        request_timeout_pages: [(2, 2)].into(),
        ..FixtureConfig::default()
    })
    .await;
    let backoff = ms(150);
    let cfg = ScrapeConfig {
        backoff,
        ..config(&server, 3, 3)
    };
    let client = scrape::build_client(&cfg).unwrap();
    let mut retries = Vec::new();
    let run = scrape::scrape(&client, &cfg, &RunControl::new(), |event| {
        if let Event::Retry {
            page,
            attempt,
            reason,
            wait,
            ..
        } = event
        {
            retries.push((*page, *attempt, reason.clone(), *wait));
        }
    })
    .await;
    let page2 = report(&run, 2);
    assert!(page2.is_ok(), "{page2:?}");
    assert_eq!((page2.attempts, page2.requests), (3, 3), "{page2:?}");
    assert_eq!(page2.quotes(), fixture::quotes_on_page(10, 2));
    assert_eq!(run.status(), RunStatus::Complete, "{:#?}", run.reports);
    // Each retry is announced and counted: robots.txt + 3 pages + 2 retries.
    let reason = "HTTP 408 Request Timeout".to_owned();
    assert_eq!(
        retries,
        [(2, 1, reason.clone(), backoff), (2, 2, reason, backoff * 2)]
    );
    assert_eq!(server.stats().page_count(2), 3);
    assert_eq!(run.requests, 6);
    // ... and spaced, on the server's clock: an answer (≥ latency), then the doubling backoff.
    let at = arrivals(&server, "/page/2/");
    assert!(at[1] - at[0] >= latency + backoff, "{at:?}");
    assert!(at[2] - at[1] >= latency + backoff * 2, "{at:?}");
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Problem 4: charsets

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latin1_pages_are_decoded_by_header_or_meta_and_mislabelled_ones_reported() {
    let site = FixtureConfig {
        charsets: [
            (1, PageCharset::Latin1Header),
            (2, PageCharset::Latin1Meta),
            (3, PageCharset::Mislabelled),
        ]
        .into(),
        ..FixtureConfig::default()
    };
    let server = serve(site.clone()).await;
    let run = run(&config(&server, 4, 4)).await;
    for page in [1, 2] {
        let r = report(&run, page);
        assert_eq!(r.quotes(), site.quotes_on(page), "{r:?}");
        assert_eq!(r.quotes()[0].text, LATIN1_TEXT);
        assert!(
            matches!(&r.outcome, Outcome::Ok { encoding, replaced: false, .. } if encoding == "windows-1252"),
            "{r:?}"
        );
    }
    // Labelled UTF-8 but not: the lost characters are reported, and the run is not complete.
    let bad = report(&run, 3);
    assert!(bad.replaced(), "{bad:?}");
    assert!(bad.quotes()[0].text.contains('\u{FFFD}'));
    assert!(bad.line().contains("UNDECODABLE"), "{}", bad.line());
    assert!(
        run.summary_lines()
            .iter()
            .any(|l| l.contains("decoding errors in page 3")),
        "{:?}",
        run.summary_lines()
    );
    assert_eq!(run.status(), RunStatus::Incomplete);
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Problem 5: the last page

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crawl_stops_at_the_last_page() {
    let server = serve(FixtureConfig {
        latency: ms(100),
        ..FixtureConfig::default()
    })
    .await;
    let run = run(&config(&server, 40, 4)).await;
    assert_eq!(run.last_page, Some(10));
    assert_eq!(run.ok_pages(), 10, "empty pages are not ok");
    assert_eq!(run.quotes(), fixture::expected_quotes(10, 10));
    assert_eq!(run.status(), RunStatus::Complete);
    // At most the pages already in flight when page 10 answered (limit − 1) go past the end;
    // the old code made 30 more requests.
    let past_end: usize = (11..=40).map(|p| server.stats().page_count(p)).sum();
    assert!(past_end < 4, "{past_end} requests past the last page");
    assert!(
        run.reports
            .iter()
            .all(|r| r.page <= 10 || matches!(r.outcome, Outcome::End { .. }))
    );
    assert!(
        run.summary_lines()
            .iter()
            .any(|l| l.contains("The site ends at page 10")),
        "{:?}",
        run.summary_lines()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_last_page_ends_the_crawl_with_its_few_quotes() {
    let site = FixtureConfig {
        pages: 4,
        last_page_quotes: Some(3),
        ..FixtureConfig::default()
    };
    let server = serve(site.clone()).await;
    // One at a time: no request at all past the end.
    let run = run(&config(&server, 10, 1)).await;
    assert_eq!(run.quotes(), site.expected(&[1, 2, 3, 4]));
    assert_eq!(run.quotes().len(), 33);
    assert_eq!(run.last_page, Some(4));
    assert_eq!(server.stats().total(), 1 + 4, "robots.txt and pages 1–4");
    server.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Problem 8: the limit as the server sees it, AutoThrottle, the deadline

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_request_keeps_its_slot_until_the_server_could_have_finished() {
    // Page 2 takes 450 ms; we give up at 300 ms, but this server finishes what it started.
    let server = serve(FixtureConfig {
        pages: 16,
        latency: ms(100),
        slow_pages: [(2, ms(350))].into(),
        finish_abandoned: true,
        ..FixtureConfig::default()
    })
    .await;
    // Enough pages that the other slot is still busy when page 2 gives up for good (≈ 0.9 s).
    let cfg = ScrapeConfig {
        timeout: ms(300),
        retries: 1,
        ..config(&server, 16, 2)
    };
    let run = run(&cfg).await;
    assert_eq!(report(&run, 2).failure(), Some(FailureKind::Timeout));
    assert_eq!(server.stats().page_count(2), 2);
    assert_eq!(run.ok_pages(), 15);
    // The old code freed the slot at the timeout: the server then had 3 requests at once.
    assert_eq!(
        server.stats().max_in_flight(),
        2,
        "in flight at the server must never exceed the limit"
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slot_stays_held_through_backoff() {
    let server = serve(FixtureConfig {
        latency: ms(100),
        fail_pages: [(1, 2)].into(),
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        backoff: ms(200),
        ..config(&server, 3, 1)
    };
    let run = run(&cfg).await;
    assert_eq!(run.ok_pages(), 3);
    // With one slot, page 2 starts only after page 1 succeeded: nothing in its backoff gaps.
    let paths: Vec<String> = server
        .stats()
        .requests()
        .into_iter()
        .map(|r| r.path)
        .collect();
    assert_eq!(
        paths,
        [
            "/robots.txt",
            "/page/1/",
            "/page/1/",
            "/page/1/",
            "/page/2/",
            "/page/3/"
        ]
    );
    server.shutdown().await;
}

/// How late this runtime woke a task, sampled every 5 ms while some work ran: (when the
/// sample's sleep began, how much longer than 5 ms it took).
type Wakeups = Vec<(Instant, Duration)>;

/// Runs `work` while a probe task samples the runtime's scheduling noise.
async fn with_noise_probe<T>(work: impl Future<Output = T>) -> (T, Wakeups) {
    let done = Arc::new(AtomicBool::new(false));
    let probe = {
        let done = Arc::clone(&done);
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let start = Instant::now();
                tokio::time::sleep(ms(5)).await;
                samples.push((start, start.elapsed().saturating_sub(ms(5))));
            }
            samples
        })
    };
    let out = work.await;
    done.store(true, Ordering::Relaxed);
    (out, probe.await.unwrap())
}

/// The worst wake-up delay of the samples that overlap `from..=to`.
fn noise_during(wakeups: &Wakeups, from: Instant, to: Instant) -> Duration {
    wakeups
        .iter()
        .filter(|(start, late)| *start <= to && *start + ms(5) + *late >= from)
        .map(|(_, late)| *late)
        .max()
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn starts_to_a_host_are_a_delay_apart_and_in_flight_stays_within_the_limit() {
    // What the crawler guarantees, as Scrapy does: the delay spaces request *starts* to a host
    // (DOWNLOAD_DELAY); the limit caps requests in flight (CONCURRENT_REQUESTS_PER_DOMAIN).
    // Here each binds in turn: 100 ms spaces the first starts, then 3 caps the wire where the
    // delay alone would allow ⌈500 ms ÷ 100 ms⌉ = 5 at once.
    let (latency, delay, limit) = (ms(500), ms(100), 3);
    let origin = Instant::now(); // ≤ the fixture's own clock's zero
    let server = serve(FixtureConfig {
        latency,
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        delay,
        ..config(&server, 10, limit)
    };
    let (run, wakeups) = with_noise_probe(run(&cfg)).await;
    assert_eq!(run.ok_pages(), 10, "{:#?}", run.reports);

    // Bound 1, on the fixture's own clock: robots.txt and 10 pages, every start ≥ the delay
    // after the one before. The crawler spaces them as they leave; the server sees each after
    // a delivery that varies by about a millisecond on loopback (a new connection's handshake,
    // a pooled one's none): 5 ms of slack for that. A pair can arrive closer only when the
    // first of them was held up on its way, by at least the shortfall: if the probe saw the
    // runtime stall that long just then, the machine is to blame and the claim is reported as
    // not judged; otherwise the gate let them go too close, and the test fails.
    let at: Vec<Duration> = server.stats().requests().iter().map(|r| r.at).collect();
    assert_eq!(at.len(), 11);
    for pair in at.windows(2) {
        let short_by = delay.saturating_sub(pair[1] - pair[0]);
        if short_by <= ms(5) {
            continue;
        }
        let arrived = origin + pair[0];
        let stall = noise_during(&wakeups, arrived - short_by - ms(10), arrived + ms(10));
        assert!(
            short_by <= stall * 2 + ms(5),
            "two starts {:?} apart, delay {delay:?}, the runtime at most {stall:?} late then: {at:?}",
            pair[1] - pair[0]
        );
        skip_claim(
            "starts to one host are >= the delay apart at the server",
            &format!(
                "two arrived {:?} apart while the runtime woke tasks up to {stall:?} late",
                pair[1] - pair[0]
            ),
        );
    }

    // Bound 2, on the fixture's gauge: never more than the limit in flight…
    let peak = server.stats().max_in_flight();
    assert!(
        peak <= limit,
        "{peak} in flight at the server, limit {limit}"
    );
    // …and the limit, not the delay, is what held it there (the delay alone allows 5).
    if peak < limit {
        skip_claim(
            "the limit was reached while the delay allowed more",
            &format!("peak {peak} < {limit}: the starts were spread out by a busy machine"),
        );
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autothrottle_spaces_requests_by_the_observed_latency() {
    let latency = ms(250);
    let server = serve(FixtureConfig {
        latency,
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        delay: ms(10),
        autothrottle: Some(1.0),
        ..config(&server, 8, 4)
    };
    let run = run(&cfg).await;
    assert_eq!(run.ok_pages(), 8);
    assert!(run.largest_delay >= latency, "{:?}", run.largest_delay);
    assert_eq!(run.delay, ms(10), "the floor is unchanged");
    // After the first response the delay follows the latency (target concurrency 1): the
    // last requests are ≥ one latency apart, where a fixed 10 ms delay would let 4 go at once.
    let at: Vec<Duration> = server.stats().requests().iter().map(|r| r.at).collect();
    let tail = &at[at.len() - 3..];
    for pair in tail.windows(2) {
        assert!(pair[1] - pair[0] >= latency - ms(20), "{at:?}");
    }
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_ends_the_run_within_the_grace_period_and_keeps_what_was_fetched() {
    let server = serve(FixtureConfig {
        latency: ms(100),
        hang_pages: [3].into(),
        ..FixtureConfig::default()
    })
    .await;
    let cfg = ScrapeConfig {
        timeout: Duration::from_secs(30),
        grace: ms(300),
        ..config(&server, 10, 3)
    };
    let client = scrape::build_client(&cfg).unwrap();
    let control = RunControl::new();
    let deadline = {
        let control = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(ms(600)).await;
            control.stop(StopReason::Deadline)
        })
    };
    let started = std::time::Instant::now();
    let run = scrape::scrape(&client, &cfg, &control, |_| {}).await;
    let took = started.elapsed();
    assert!(deadline.await.unwrap());
    // 0.6 s + 0.3 s grace, not the 30 s timeout of the hanging page.
    assert!(took < Duration::from_secs(5), "{took:?}");
    assert_eq!(run.stopped, Some(StopReason::Deadline));
    assert_eq!(run.status(), RunStatus::Stopped(StopReason::Deadline));
    let hung = report(&run, 3);
    assert!(matches!(hung.outcome, Outcome::Stopped { .. }), "{hung:?}");
    assert!(run.ok_pages() >= 2, "{:#?}", run.reports);
    assert_eq!(run.ok_pages() + run.unfinished().len(), 10);
    let ok: Vec<u32> = run
        .reports
        .iter()
        .filter(|r| r.is_ok())
        .map(|r| r.page)
        .collect();
    assert_eq!(
        run.quotes(),
        ok.iter()
            .flat_map(|&p| fixture::quotes_on_page(10, p))
            .collect::<Vec<_>>()
    );
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_is_honoured_within_the_grace_period_at_every_await_point() {
    // Four pages, each stuck at a different await point when the stop comes, each for ≥ 30 s:
    // page 1 in a Retry-After wait, page 2 in a backoff sleep, page 3 on a redirect hop that
    // never answers, page 4 reading the robots.txt of the host it was redirected to, which
    // never answers either (another port stands in for another host).
    let other = serve(FixtureConfig {
        hang_robots: true,
        ..FixtureConfig::default()
    })
    .await;
    let server = serve(FixtureConfig {
        throttle_pages: [(1, (1, "30".to_owned()))].into(),
        fail_pages: [(2, u32::MAX)].into(),
        redirects: [
            (3, Redirect::Moved),
            (4, Redirect::Elsewhere(other.base_url().to_owned())),
        ]
        .into(),
        hang_pages: [3].into(),
        // The 429 comes last: its Retry-After holds every request to the host, which would
        // keep the other pages at the host's gate (an await point too, but not the one meant).
        slow_pages: [(1, ms(200))].into(),
        ..FixtureConfig::default()
    })
    .await;
    let other_url = parse_base_url(other.base_url()).unwrap();
    let grace = ms(300);
    let cfg = ScrapeConfig {
        timeout: Duration::from_secs(60),
        backoff: Duration::from_secs(30),
        grace,
        allow_hosts: [origin(&other_url)].into(),
        ..config(&server, 4, 4)
    };
    let client = scrape::build_client(&cfg).unwrap();
    let control = RunControl::new();
    let stop_at = ms(500);
    {
        let control = control.clone();
        tokio::spawn(async move {
            tokio::time::sleep(stop_at).await;
            control.stop(StopReason::Interrupt);
        });
    }
    let started = Instant::now();
    let run = tokio::time::timeout(
        Duration::from_secs(20),
        scrape::scrape(&client, &cfg, &control, |_| {}),
    )
    .await
    .expect("a stopped run does not wait for its timeouts, backoff or Retry-After");
    let took = started.elapsed();
    // Every page was where we meant it to be when the stop came…
    assert_eq!(server.stats().page_count(1), 1);
    assert_eq!(server.stats().page_count(2), 1);
    assert_eq!(server.stats().count("/moved/3/"), 1);
    assert_eq!(other.stats().count("/robots.txt"), 1);
    // …and the run ended within the grace period (1 s of slack for a loaded machine).
    assert!(
        took < stop_at + grace + Duration::from_secs(1),
        "{took:?}: {:#?}",
        run.reports
    );
    assert_eq!(run.status(), RunStatus::Stopped(StopReason::Interrupt));
    for page in 1..=4 {
        let r = report(&run, page);
        assert!(matches!(r.outcome, Outcome::Stopped { .. }), "{r:?}");
    }
    server.shutdown().await;
    other.shutdown().await;
}
