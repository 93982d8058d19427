//! Exercise 6 tests (solution by default; your starter via `cargo run --bin exercises -- check 6`).
use exercises::subject::ex06_synchronization_in_practice as ex;
use exercises::support::{Gauge, with_timeout};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WATCHDOG: Duration = Duration::from_secs(20);

#[test]
fn event_and_semaphore_and_queue_and_lock_together() {
    let tasks: Vec<u32> = (1..=12).collect();
    let event = Arc::new(ex::Event::new());
    let gauge = Arc::new(Gauge::new());
    let seen = Arc::new(Mutex::new(Vec::<(u32, Instant)>::new()));
    let handle = {
        let (event, gauge, seen, tasks) = (
            Arc::clone(&event),
            Arc::clone(&gauge),
            Arc::clone(&seen),
            tasks.clone(),
        );
        std::thread::spawn(move || {
            ex::run(&tasks, 5, 2, &event, &move |task| {
                let _inside = gauge.enter();
                seen.lock().unwrap().push((task, Instant::now()));
                std::thread::sleep(Duration::from_millis(100));
            })
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    assert!(!event.is_set());
    assert!(
        seen.lock().unwrap().is_empty(),
        "work started before the event was set"
    );
    let set_at = Instant::now();
    event.set();
    assert!(event.is_set());
    let counter = with_timeout(WATCHDOG, "run() after the event was set", move || {
        handle.join().expect("run panicked")
    });
    assert_eq!(counter, 12, "counter must equal the number of tasks");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.iter().all(|(_, at)| *at >= set_at),
        "a task started before the event"
    );
    let mut ids: Vec<u32> = seen.iter().map(|(t, _)| *t).collect();
    ids.sort_unstable();
    assert_eq!(ids, tasks, "each task processed exactly once");
    assert!(
        gauge.max() <= 2,
        "{} tasks ran at once with 2 permits",
        gauge.max()
    );
    assert_eq!(
        gauge.max(),
        2,
        "with 5 workers and 2 permits, 2 tasks should overlap"
    );
}

#[test]
fn event_wakes_every_waiter() {
    let event = Arc::new(ex::Event::new());
    let e = Arc::clone(&event);
    with_timeout(WATCHDOG, "three threads waiting on one event", move || {
        std::thread::scope(|s| {
            let waiters: Vec<_> = (0..3).map(|_| s.spawn(|| e.wait())).collect();
            std::thread::sleep(Duration::from_millis(150));
            assert!(
                waiters.iter().all(|w| !w.is_finished()),
                "wait() returned before set()"
            );
            e.set();
        });
        e.wait(); // already set: returns at once
    });
}

#[test]
fn semaphore_caps_holders_and_returns_permits() {
    let sem = Arc::new(ex::Semaphore::new(3));
    let gauge = Arc::new(Gauge::new());
    let (s2, g2) = (Arc::clone(&sem), Arc::clone(&gauge));
    with_timeout(WATCHDOG, "10 threads sharing 3 permits", move || {
        std::thread::scope(|s| {
            for _ in 0..10 {
                s.spawn(|| {
                    let _permit = s2.acquire();
                    let _inside = g2.enter();
                    std::thread::sleep(Duration::from_millis(50));
                });
            }
        });
        // Every permit came back: three can be held at once again.
        let _all: Vec<_> = (0..3).map(|_| s2.acquire()).collect();
    });
    assert_eq!(gauge.total(), 10);
    assert!(
        gauge.max() <= 3,
        "{} holders at once with 3 permits",
        gauge.max()
    );
}
