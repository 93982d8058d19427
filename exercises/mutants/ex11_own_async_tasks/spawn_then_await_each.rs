//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 11, each task is spawned and awaited before the next one is spawned: tasks, but
//! one after another.

use std::time::Duration;

/// Waits `wait`, then reports the coffee.
pub async fn brew_coffee(wait: Duration) -> String {
    tokio::time::sleep(wait).await;
    format!("coffee ready after {} ms", wait.as_millis())
}

/// Waits `wait`, then reports the toast.
pub async fn toast_bread(wait: Duration) -> String {
    tokio::time::sleep(wait).await;
    format!("toast ready after {} ms", wait.as_millis())
}

/// Waits `wait`, then reports the eggs.
pub async fn boil_eggs(wait: Duration) -> String {
    tokio::time::sleep(wait).await;
    format!("eggs ready after {} ms", wait.as_millis())
}

/// Spawns the three as tasks (coffee, toast, eggs, with the given waits) and returns their
/// results in spawn order.
///
/// # Panics
/// When a task panics.
pub async fn breakfast(coffee: Duration, toast: Duration, eggs: Duration) -> Vec<String> {
    // All three start now; none waits for another.
    vec![
        tokio::spawn(brew_coffee(coffee))
            .await
            .expect("a breakfast task panicked"),
        tokio::spawn(toast_bread(toast))
            .await
            .expect("a breakfast task panicked"),
        tokio::spawn(boil_eggs(eggs))
            .await
            .expect("a breakfast task panicked"),
    ]
}
