//! Exercise 14 tests (solution by default; your starter via `cargo run --bin exercises -- check 14`).
//!
//! Every test starts the course's fixture server (`async_examples::fixture`) on 127.0.0.1:0 and
//! asks it afterwards what it saw.
use async_examples::fixture::{FixtureConfig, FixtureServer};
exercises::subject!(ex14_async_web_scraper);
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const MS: fn(u64) -> Duration = Duration::from_millis;
const UA: &str = "course-exercise-14/1.0 (learning Rust concurrency)";

fn config(base: &str, pages: u32, concurrency: usize, timeout: Duration) -> ex::ScraperConfig {
    ex::ScraperConfig {
        base_url: base.to_owned(),
        pages,
        concurrency,
        timeout,
        user_agent: UA.to_owned(),
    }
}

/// Fails the test instead of hanging if the scraper never finishes.
async fn within<T>(limit: Duration, f: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, f)
        .await
        .unwrap_or_else(|_| panic!("the scraper did not finish within {limit:?}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_once_with_bounded_concurrency_and_one_client() {
    let server = FixtureServer::start(FixtureConfig {
        pages: 12,
        latency: MS(300),
        ..FixtureConfig::default()
    })
    .await
    .unwrap();
    let cfg = config(server.base_url(), 12, 3, Duration::from_secs(10));
    let t = Instant::now();
    let results = within(Duration::from_secs(30), ex::scrape_all(&cfg))
        .await
        .unwrap();
    let took = t.elapsed();
    let stats = server.stats();

    assert_eq!(
        results.iter().map(|r| r.page).collect::<Vec<_>>(),
        (1..=12).collect::<Vec<_>>()
    );
    for r in &results {
        let (status, bytes) = r
            .result
            .clone()
            .unwrap_or_else(|e| panic!("page {}: {e}", r.page));
        assert_eq!(status, 200);
        assert!(bytes > 1000, "page {} has only {bytes} bytes", r.page);
        assert_eq!(r.url, ex::page_url(server.base_url(), r.page));
        assert_eq!(
            stats.page_count(r.page),
            1,
            "page {} fetched {} times",
            r.page,
            stats.page_count(r.page)
        );
    }
    assert_eq!(stats.total(), 12, "{:?}", stats.counts());
    let max = stats.max_in_flight();
    assert!(
        max <= 3,
        "the server saw {max} requests at once; the limit is 3"
    );
    assert!(
        max >= 2,
        "the server never saw two requests at once: the pages were fetched one by one"
    );
    // One client: its connection pool reuses at most `concurrency` connections.
    assert!(
        stats.connections() <= 3,
        "{} connections for 3 in flight: one client per request?",
        stats.connections()
    );
    assert_eq!(stats.user_agents(), BTreeSet::from([UA.to_owned()]));
    // ceil(12 / 3) × 300 ms = 1.2 s; one by one would be 3.6 s.
    assert!(
        took >= MS(1100),
        "took {took:?}: faster than the limit allows?"
    );
    assert!(took < MS(2400), "took {took:?}: expected about 1.2 s");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_page_is_a_timeout_and_the_others_succeed() {
    let server = FixtureServer::start(FixtureConfig {
        pages: 6,
        latency: MS(100),
        hang_pages: [4].into(),
        ..FixtureConfig::default()
    })
    .await
    .unwrap();
    let cfg = config(server.base_url(), 6, 3, MS(700));
    let results = within(Duration::from_secs(20), ex::scrape_all(&cfg))
        .await
        .unwrap();
    assert_eq!(results.len(), 6);
    for r in &results {
        if r.page == 4 {
            let err = r.result.clone().expect_err("page 4 never answers");
            assert!(err.contains("timed out"), "page 4: {err}");
            let line = r.line();
            assert!(
                line.contains(&r.url) && line.contains("timed out"),
                "{line}"
            );
        } else {
            assert_eq!(
                r.result.as_ref().map(|(s, _)| *s),
                Ok(200),
                "page {}",
                r.page
            );
        }
    }
    assert_eq!(server.stats().page_count(4), 1, "no retry was asked for");
    server.shutdown().await;
}

#[tokio::test]
async fn fetch_page_reports_status_and_size() {
    let server = FixtureServer::start(FixtureConfig::default())
        .await
        .unwrap();
    let cfg = config(server.base_url(), 1, 1, Duration::from_secs(5));
    let client = ex::build_client(&cfg).unwrap();
    let (status, bytes) = ex::fetch_page(&client, &ex::page_url(server.base_url(), 1))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(bytes, async_examples::fixture::render_page(10, 1).len());
    let (status, _) = ex::fetch_page(&client, &format!("{}/no/such/page", server.base_url()))
        .await
        .unwrap();
    assert_eq!(status, 404, "an HTTP error status is a result, not an Err");
    server.shutdown().await;
}

#[test]
fn lines_contain_url_status_and_bytes() {
    let ok = ex::PageResult {
        page: 2,
        url: "http://127.0.0.1:9/page/2/".into(),
        result: Ok((200, 11_034)),
    };
    assert_eq!(ok.line(), "http://127.0.0.1:9/page/2/ 200 11034");
    let failed = ex::PageResult {
        page: 5,
        url: "http://127.0.0.1:9/page/5/".into(),
        result: Err("timed out".into()),
    };
    assert_eq!(failed.line(), "http://127.0.0.1:9/page/5/ ERROR timed out");
}
