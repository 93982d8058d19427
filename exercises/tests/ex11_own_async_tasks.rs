//! Exercise 11 tests (solution by default; your starter via `cargo run --bin exercises -- check 11`).
//!
//! `start_paused = true`: tokio's clock only moves when every task is waiting, straight to the
//! next timer. Elapsed time is then exact, and the test takes no real time.
exercises::subject!(ex11_own_async_tasks);
use std::time::Duration;
use tokio::time::Instant;

const MS: fn(u64) -> Duration = Duration::from_millis;

#[tokio::test(start_paused = true)]
async fn results_in_spawn_order_and_total_is_the_longest_wait() {
    let t = Instant::now();
    let results = ex::breakfast(MS(3000), MS(1000), MS(2000)).await;
    assert_eq!(
        results,
        [
            "coffee ready after 3000 ms",
            "toast ready after 1000 ms",
            "eggs ready after 2000 ms"
        ]
    );
    assert_eq!(
        t.elapsed(),
        MS(3000),
        "the three waits must overlap (not 6000 ms)"
    );
}

#[tokio::test(start_paused = true)]
async fn each_coroutine_waits_its_own_time() {
    let t = Instant::now();
    assert_eq!(ex::toast_bread(MS(700)).await, "toast ready after 700 ms");
    assert_eq!(t.elapsed(), MS(700));
    assert_eq!(ex::boil_eggs(MS(50)).await, "eggs ready after 50 ms");
    assert_eq!(ex::brew_coffee(MS(10)).await, "coffee ready after 10 ms");
    assert_eq!(t.elapsed(), MS(760));
}

/// Tasks run on their own: with a multi-threaded runtime and real time, the breakfast is done
/// in about one wait.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tasks_run_concurrently_in_real_time() {
    let t = std::time::Instant::now();
    let results = ex::breakfast(MS(300), MS(300), MS(300)).await;
    let took = t.elapsed();
    assert_eq!(results.len(), 3);
    assert!(
        took >= MS(300) && took < MS(600),
        "took {took:?}: expected about 300 ms"
    );
}
