//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 12, a blocking sleep inside async code: `std::thread::sleep` in `call_api` blocks
//! the runtime's thread, so the calls cannot overlap.

use crate::support::EventLog;
use futures::future::join_all;
use std::time::Duration;

/// One simulated API call: logs `"start <name>"`, waits `delay` without blocking, logs
/// `"end <name>"`, returns `"<name>: 200 OK"`.
pub async fn call_api(name: &str, delay: Duration, log: &EventLog) -> String {
    log.say(format!("start {name}"));
    std::thread::sleep(delay);
    log.say(format!("end {name}"));
    format!("{name}: 200 OK")
}

/// Calls every API concurrently; results in argument order.
pub async fn call_all(apis: &[(&str, Duration)], log: &EventLog) -> Vec<String> {
    join_all(apis.iter().map(|&(name, delay)| call_api(name, delay, log))).await
}
