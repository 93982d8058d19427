//! Exercise 15 tests (solution by default; your starter via `cargo run --bin exercises -- check 15`).
use async_examples::fixture::{FixtureConfig, FixtureServer, ThreadedFixture};
exercises::subject!(ex15_web_scraping);
use exercises::support::with_timeout;
use std::time::{Duration, Instant};

const PAGES: u32 = 12;
const LATENCY: Duration = Duration::from_millis(250);
const LIMIT: usize = 4;
const TIMEOUT: Duration = Duration::from_secs(10);

fn fixture() -> FixtureConfig {
    FixtureConfig {
        pages: PAGES,
        latency: LATENCY,
        ..FixtureConfig::default()
    }
}

fn urls(base: &str) -> Vec<String> {
    (1..=PAGES).map(|p| format!("{base}/page/{p}/")).collect()
}

fn expected(base: &str) -> Vec<ex::Scraped> {
    urls(base).into_iter().map(|u| (u, Ok(10))).collect()
}

/// Sequential would be 12 × 250 ms = 3 s; with 4 at once, ceil(12 / 4) × 250 ms = 0.75 s.
fn assert_concurrent_and_bounded(what: &str, took: Duration, max_in_flight: usize) {
    let sequential = LATENCY * PAGES;
    assert!(
        took < sequential / 2,
        "{what} took {took:?}; sequential is {sequential:?}"
    );
    assert!(
        max_in_flight <= LIMIT,
        "{what}: {max_in_flight} requests at once, limit {LIMIT}"
    );
    assert!(max_in_flight >= 2, "{what}: the requests never overlapped");
}

#[test]
fn threads_scrape_every_page_with_bounded_concurrency() {
    let server = ThreadedFixture::start(fixture()).unwrap();
    let base = server.base_url().to_owned();
    let list = urls(&base);
    let (results, took) = with_timeout(Duration::from_secs(30), "scrape_with_threads", move || {
        let t = Instant::now();
        (ex::scrape_with_threads(&list, LIMIT, TIMEOUT), t.elapsed())
    });
    assert_eq!(results, expected(&base));
    assert_concurrent_and_bounded("threads", took, server.stats().max_in_flight());
    assert_eq!(
        server.stats().total(),
        PAGES as usize,
        "each page fetched once"
    );
    server.shutdown();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_tasks_scrape_every_page_with_bounded_concurrency() {
    let server = FixtureServer::start(fixture()).await.unwrap();
    let base = server.base_url().to_owned();
    let t = Instant::now();
    let results = tokio::time::timeout(
        Duration::from_secs(30),
        ex::scrape_with_async(&urls(&base), LIMIT, TIMEOUT),
    )
    .await
    .expect("scrape_with_async did not finish within 30 s");
    let took = t.elapsed();
    assert_eq!(results, expected(&base));
    assert_concurrent_and_bounded("async", took, server.stats().max_in_flight());
    assert_eq!(
        server.stats().total(),
        PAGES as usize,
        "each page fetched once"
    );
    server.shutdown().await;
}
