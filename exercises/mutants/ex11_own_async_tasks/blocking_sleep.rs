//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 11, a blocking sleep inside async code: `std::thread::sleep` holds the runtime's
//! thread, so nothing else runs meanwhile.

use std::time::Duration;

/// Waits `wait`, then reports the coffee.
pub async fn brew_coffee(wait: Duration) -> String {
    std::thread::sleep(wait);
    format!("coffee ready after {} ms", wait.as_millis())
}

/// Waits `wait`, then reports the toast.
pub async fn toast_bread(wait: Duration) -> String {
    std::thread::sleep(wait);
    format!("toast ready after {} ms", wait.as_millis())
}

/// Waits `wait`, then reports the eggs.
pub async fn boil_eggs(wait: Duration) -> String {
    std::thread::sleep(wait);
    format!("eggs ready after {} ms", wait.as_millis())
}

/// Spawns the three as tasks (coffee, toast, eggs, with the given waits) and returns their
/// results in spawn order.
///
/// # Panics
/// When a task panics.
pub async fn breakfast(coffee: Duration, toast: Duration, eggs: Duration) -> Vec<String> {
    // All three start now; none waits for another.
    let handles = [
        tokio::spawn(brew_coffee(coffee)),
        tokio::spawn(toast_bread(toast)),
        tokio::spawn(boil_eggs(eggs)),
    ];
    let mut results = Vec::with_capacity(handles.len());
    for h in handles {
        results.push(h.await.expect("a breakfast task panicked"));
    }
    results
}
