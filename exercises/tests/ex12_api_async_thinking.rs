//! Exercise 12 tests (solution by default; your starter via `cargo run --bin exercises -- check 12`).
exercises::subject!(ex12_api_async_thinking);
use exercises::support::EventLog;
use std::time::Duration;
use tokio::time::Instant;

const MS: fn(u64) -> Duration = Duration::from_millis;
const APIS: [(&str, Duration); 3] = [
    ("weather", Duration::from_millis(2000)),
    ("users", Duration::from_millis(500)),
    ("payments", Duration::from_millis(1200)),
];

#[tokio::test(start_paused = true)]
async fn calls_overlap_and_end_in_order_of_delay() {
    let log = EventLog::new();
    let t = Instant::now();
    let results = ex::call_all(&APIS, &log).await;
    assert_eq!(
        t.elapsed(),
        MS(2000),
        "total must be the largest delay, not the sum (3700 ms)"
    );
    assert_eq!(
        results,
        ["weather: 200 OK", "users: 200 OK", "payments: 200 OK"]
    );
    let messages = log.messages();
    assert_eq!(messages.len(), 6, "{messages:?}");
    let last_start = messages
        .iter()
        .rposition(|m| m.starts_with("start "))
        .unwrap();
    let first_end = messages.iter().position(|m| m.starts_with("end ")).unwrap();
    assert!(
        last_start < first_end,
        "every start must precede every end: {messages:?}"
    );
    let ends: Vec<&str> = messages
        .iter()
        .filter(|m| m.starts_with("end "))
        .map(String::as_str)
        .collect();
    assert_eq!(ends, ["end users", "end payments", "end weather"]);
}

/// Waiting is not blocking: even one thread runs all three calls at once.
#[tokio::test(flavor = "current_thread")]
async fn one_thread_is_enough_when_nothing_blocks() {
    let log = EventLog::new();
    let t = std::time::Instant::now();
    let apis = [("a", MS(300)), ("b", MS(200)), ("c", MS(100))];
    let results = ex::call_all(&apis, &log).await;
    let took = t.elapsed();
    assert_eq!(results, ["a: 200 OK", "b: 200 OK", "c: 200 OK"]);
    assert!(
        took >= MS(300) && took < MS(550),
        "took {took:?}: expected about 300 ms"
    );
}
