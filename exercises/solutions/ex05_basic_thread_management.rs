//! # Exercise 5: basic thread management (reference solution)
//!
//! Three named threads sleep for different times; the caller waits for all of them, then says
//! so. Spawning all three *before* joining any is what makes them overlap: the total is the
//! longest sleep, not the sum.

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
        // Join only after every thread was started.
        for h in handles {
            h.join().expect("a worker panicked");
        }
    });
    log.say(format!("All {} threads finished", workers.len()));
}
