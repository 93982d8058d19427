//! # Exercise 11: your own async tasks
//!
//! Python: three coroutines, each waiting a different time and returning a string, scheduled
//! with `asyncio.create_task` and collected with `asyncio.gather`.
//!
//! Write the three `async fn`s (each `tokio::time::sleep`s its wait, then returns e.g.
//! `"coffee ready after 300 ms"`), and `breakfast`, which starts all three as tasks with
//! `tokio::spawn` and returns their results **in spawn order** (coffee, toast, eggs).
//!
//! Done when: the strings are right and in spawn order even though the tasks finish in another
//! order; the whole breakfast takes exactly the longest wait on tokio's paused test clock (not
//! the sum); and the tasks run at the same time.
//!
//! Builds on: `a01_sequential_vs_gather`, `a02_coroutine_is_lazy`, `a03_create_task`.
//!
//! Check: `cargo run --bin exercises -- check 11`
#![allow(unused, unreachable_code, clippy::all)]

use std::time::Duration;

/// Waits `wait`, then returns `"coffee ready after <ms> ms"`.
pub async fn brew_coffee(wait: Duration) -> String {
    todo!()
}

/// Waits `wait`, then returns `"toast ready after <ms> ms"`.
pub async fn toast_bread(wait: Duration) -> String {
    todo!()
}

/// Waits `wait`, then returns `"eggs ready after <ms> ms"`.
pub async fn boil_eggs(wait: Duration) -> String {
    todo!()
}

/// Spawns the three as tasks and returns their results in spawn order.
pub async fn breakfast(coffee: Duration, toast: Duration, eggs: Duration) -> Vec<String> {
    todo!("tokio::spawn each, then await the handles in order")
}
