//! # Exercise 5: basic thread management
//!
//! Python: start three threads; each prints its name and sleeps a different time; the main
//! thread waits for all of them (`join()`), then prints a final message.
//!
//! Your `run_workers` gets the `(name, sleep)` pairs and an [`EventLog`]. For each pair start a
//! thread **named** `name` (`std::thread::Builder`). In the thread: `log.say("<name> started")`,
//! sleep, `log.say("<name> finished")`. Then wait for all of them and, on the calling thread,
//! `log.say("All 3 threads finished")` (the real count).
//!
//! `log.say` records which thread spoke, so the test can see that each line comes from the
//! right named thread.
//!
//! Done when: each worker's two lines come from a thread with that name; they finish in order of
//! their sleep; the final line is last and comes from the calling thread; and the whole run
//! takes about the longest sleep, not the sum of all three.
//!
//! Builds on: `t01_start_vs_join`, `t04_thread_names`, `t20_forgetting_join`.
//!
//! Check: `cargo run --bin exercises -- check 5`
#![allow(unused, unreachable_code, clippy::all)]

use crate::support::EventLog;
use std::time::Duration;

/// Starts one named thread per `(name, sleep)`, waits for all, then logs the final line.
pub fn run_workers(workers: &[(&str, Duration)], log: &EventLog) {
    todo!("spawn named threads, join them, then log the final message")
}
