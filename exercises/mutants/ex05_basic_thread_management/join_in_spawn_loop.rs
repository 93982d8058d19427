//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 5, joining each thread inside the spawn loop: the workers run one after another and
//! the run takes the sum of the sleeps.

use crate::support::EventLog;
use std::time::Duration;

/// Starts one named thread per `(name, sleep)`; each logs `"<name> started"`, sleeps, logs
/// `"<name> finished"`. Waits for all, then logs `"All 3 threads finished"` (with the real count).
///
/// # Panics
/// When a thread cannot be spawned or panicked.
pub fn run_workers(workers: &[(&str, Duration)], log: &EventLog) {
    std::thread::scope(|s| {
        let handles: Vec<_> = workers
            .iter()
            .map(|&(name, sleep)| {
                std::thread::Builder::new()
                    .name(name.to_owned())
                    .spawn_scoped(s, move || {
                        log.say(format!("{name} started"));
                        std::thread::sleep(sleep);
                        log.say(format!("{name} finished"));
                    })
                    .expect("spawn a worker thread")
                    .join()
                    .expect("a worker panicked");
            })
            .collect();
        let _ = handles;
    });
    log.say(format!("All {} threads finished", workers.len()));
}
