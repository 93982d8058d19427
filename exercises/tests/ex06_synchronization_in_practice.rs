//! Exercise 6 tests (solution by default; your starter via `cargo run --bin exercises -- check 6`).
exercises::subject!(ex06_synchronization_in_practice);
use exercises::support::with_timeout;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use utilities::gauge::Gauge;

const WATCHDOG: Duration = Duration::from_secs(10);

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

/// Many tiny tasks on many workers, where races show: every increment of the counter must count
/// (a separate read and write of the counter loses updates when two workers interleave), and
/// the semaphore must hold its cap under heavy contention (a waiter woken by a release must check
/// again: another thread may have taken the permit first).
#[test]
fn many_tiny_tasks_on_many_workers() {
    const TASKS: u32 = 30_000;
    for (workers, permits) in [(16, 16), (16, 3), (8, 1)] {
        let gauge = Arc::new(Gauge::new());
        let g = Arc::clone(&gauge);
        let counter = with_timeout(
            WATCHDOG,
            "30 000 tiny tasks on 16 workers (a permit never given back?)",
            move || {
                let tasks: Vec<u32> = (0..TASKS).collect();
                let event = ex::Event::new();
                event.set();
                ex::run(&tasks, workers, permits, &event, &move |_| {
                    let _inside = g.enter();
                    std::hint::spin_loop();
                })
            },
        );
        assert_eq!(
            gauge.total(),
            TASKS as usize,
            "{workers} workers, {permits} permits: `process` must run once per task"
        );
        assert_eq!(
            counter,
            u64::from(TASKS),
            "{workers} workers, {permits} permits: the counter lost {} updates (is every \
             increment one step under the lock, not a read and a write apart?)",
            u64::from(TASKS).saturating_sub(counter)
        );
        assert!(
            gauge.max() <= permits,
            "{} tasks ran at once with {permits} permits",
            gauge.max()
        );
    }
}

#[test]
fn event_wakes_every_waiter() {
    let event = Arc::new(ex::Event::new());
    let e = Arc::clone(&event);
    with_timeout(
        Duration::from_secs(5),
        "three threads waiting on one event (does set() wake every waiter, notify_all?)",
        move || {
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
        },
    );
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
