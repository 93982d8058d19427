//! Exercise 5 tests (solution by default; your starter via `cargo run --bin exercises -- check 5`).
exercises::subject!(ex05_basic_thread_management);
use exercises::support::{EventLog, with_timeout};
use std::sync::Arc;
use std::time::{Duration, Instant};

const WORKERS: [(&str, Duration); 3] = [
    ("Worker-slow", Duration::from_millis(900)),
    ("Worker-fast", Duration::from_millis(300)),
    ("Worker-medium", Duration::from_millis(600)),
];

#[test]
fn named_threads_overlap_and_main_reports_last() {
    let log = Arc::new(EventLog::new());
    let log2 = Arc::clone(&log);
    let (caller, took) = with_timeout(Duration::from_secs(20), "run_workers", move || {
        let t = Instant::now();
        ex::run_workers(&WORKERS, &log2);
        (
            std::thread::current().name().map(str::to_owned),
            t.elapsed(),
        )
    });
    let events = log.events();
    let messages: Vec<&str> = events.iter().map(|e| e.message.as_str()).collect();

    // Each worker's lines come from a thread carrying its name.
    for (name, _) in WORKERS {
        for what in ["started", "finished"] {
            let line = format!("{name} {what}");
            let e = events
                .iter()
                .find(|e| e.message == line)
                .unwrap_or_else(|| panic!("no {line:?} in {messages:?}"));
            assert_eq!(
                e.thread, name,
                "{line:?} was logged by thread {:?}",
                e.thread
            );
        }
    }
    // Finishing order follows the sleep lengths.
    let finished: Vec<&str> = messages
        .iter()
        .copied()
        .filter(|m| m.ends_with(" finished") && m.starts_with("Worker-"))
        .collect();
    assert_eq!(
        finished,
        [
            "Worker-fast finished",
            "Worker-medium finished",
            "Worker-slow finished"
        ]
    );
    // Every thread started before the first one finished: they overlap.
    let last_start = messages
        .iter()
        .rposition(|m| m.ends_with(" started"))
        .unwrap();
    let first_finish = messages
        .iter()
        .position(|m| m.ends_with(" finished"))
        .unwrap();
    assert!(
        last_start < first_finish,
        "threads ran one after another: {messages:?}"
    );
    // The final line is last, from the calling thread.
    let last = events.last().unwrap();
    assert_eq!(last.message, "All 3 threads finished", "{messages:?}");
    assert_eq!(
        Some(last.thread.clone()),
        caller,
        "the final line must come from the caller"
    );
    assert_eq!(events.len(), 7, "{messages:?}");
    // Total ≈ the longest sleep (0.9 s), far from the sum (1.8 s).
    assert!(
        took >= Duration::from_millis(850),
        "took {took:?}: did main wait for the threads?"
    );
    assert!(
        took < Duration::from_millis(1500),
        "took {took:?}: the threads did not overlap"
    );
}
