//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 5, forgetting a join: the final line is logged right after spawning, before the
//! workers are done ("the scope joins them anyway").

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
            })
            .collect();
        log.say(format!("All {} threads finished", workers.len()));
        for h in handles {
            h.join().expect("a worker panicked");
        }
    });
}
