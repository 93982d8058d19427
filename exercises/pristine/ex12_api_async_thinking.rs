//! # Exercise 12: API + async thinking
//!
//! Python: simulate calling three APIs that each take a different time, print start and end
//! messages, and run all calls concurrently.
//!
//! Write `call_api` (log `"start <name>"`, wait `delay` **without blocking** the runtime, log
//! `"end <name>"`, return `"<name>: 200 OK"`) and `call_all`, which runs every call at once and
//! returns the results in argument order.
//!
//! Done when: every "start" line comes before every "end" line; the "end" lines come in order of
//! delay; results are in argument order; the total is the largest delay (tokio's paused test
//! clock measures it exactly); and the calls also overlap on a single-threaded runtime.
//!
//! Builds on: `a01_sequential_vs_gather`, `a04_api_and_db`, `a05_blocking_the_runtime`.
//!
//! Check: `cargo run --bin exercises -- check 12`
#![allow(unused, unreachable_code, clippy::all)]

use crate::support::EventLog;
use std::time::Duration;

/// One simulated API call.
pub async fn call_api(name: &str, delay: Duration, log: &EventLog) -> String {
    todo!()
}

/// Calls every API concurrently; results in argument order.
pub async fn call_all(apis: &[(&str, Duration)], log: &EventLog) -> Vec<String> {
    todo!("futures::future::join_all")
}
