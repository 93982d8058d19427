//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 12, awaiting one call after another instead of all at once.

use crate::support::EventLog;
use futures::future::join_all;
use std::time::Duration;

/// One simulated API call: logs `"start <name>"`, waits `delay` without blocking, logs
/// `"end <name>"`, returns `"<name>: 200 OK"`.
pub async fn call_api(name: &str, delay: Duration, log: &EventLog) -> String {
    log.say(format!("start {name}"));
    tokio::time::sleep(delay).await;
    log.say(format!("end {name}"));
    format!("{name}: 200 OK")
}

/// Calls every API concurrently; results in argument order.
pub async fn call_all(apis: &[(&str, Duration)], log: &EventLog) -> Vec<String> {
    let mut results = Vec::new();
    for &(name, delay) in apis {
        results.push(call_api(name, delay, log).await);
    }
    results
}
