//! # Exercise 12: API + async thinking (reference solution)
//!
//! Three simulated API calls, each waiting a different time, all in flight together. Every call
//! says when it starts and when it ends; because the waits overlap, every "start" comes before
//! every "end", the ends come in order of delay, and the total is the largest delay.

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
    join_all(apis.iter().map(|&(name, delay)| call_api(name, delay, log))).await
}
