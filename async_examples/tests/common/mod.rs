//! Helpers shared by the capstone scraper's test files: `scraper.rs` and `scraper_hostile.rs`
//! run it in-process against the fixture server, `scraper.rs` and `scraper_cli.rs` run the real
//! binary. Each `tests/*.rs` is its own crate, so every file uses only some of them.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use async_examples::fixture::{FixtureConfig, FixtureServer};
use async_examples::scrape::{
    self, PageReport, Quote, RunControl, ScrapeConfig, ScrapeRun, parse_base_url,
};
use utilities::testkit::{RunOutput, run_example};

// ---------------------------------------------------------------- in-process, through the library

/// Starts the fixture server with `cfg`, on 127.0.0.1 with an OS-assigned port.
pub async fn serve(cfg: FixtureConfig) -> FixtureServer {
    FixtureServer::start(cfg).await.expect("fixture server")
}

pub fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A quick config for `pages` pages of `server` with `concurrency` requests at once: no delay
/// between requests, 2 retries 50 ms apart, a 5 s timeout.
pub fn config(server: &FixtureServer, pages: u32, concurrency: usize) -> ScrapeConfig {
    ScrapeConfig {
        pages,
        concurrency,
        timeout: Duration::from_secs(5),
        retries: 2,
        delay: Duration::ZERO,
        backoff: ms(50),
        ..ScrapeConfig::new(parse_base_url(server.base_url()).expect("fixture URL"))
    }
}

/// Scrapes with `cfg` and one client, as the binary does, without progress output.
pub async fn run(cfg: &ScrapeConfig) -> ScrapeRun {
    let client = scrape::build_client(cfg).expect("client");
    scrape::scrape(&client, cfg, &RunControl::new(), |_| {}).await
}

/// The report of `page` (the test fails, listing all reports, when there is none).
pub fn report(run: &ScrapeRun, page: u32) -> &PageReport {
    run.reports
        .iter()
        .find(|r| r.page == page)
        .unwrap_or_else(|| panic!("no report for page {page}: {:#?}", run.reports))
}

// ---------------------------------------------------------------- the real binary

pub const EXE: &str = env!("CARGO_BIN_EXE_a11_async_web_scraper");
/// Binary runs use this scale: the site's 0.5 s latency becomes 100 ms.
pub const SCALE: f64 = 0.2;

/// Runs the scraper binary with `args` at [`SCALE`].
pub fn scraper(args: &[&str]) -> RunOutput {
    run_example(EXE, args, SCALE)
}

/// The names of the files in `dir`, sorted.
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The quotes of a JSON output file.
pub fn quotes_in(path: &Path) -> Vec<Quote> {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
