//! Exercise 17 tests (solution by default; your starter via `cargo run --bin exercises -- check 17`).
use exercises::subject::ex17_thread_safe_structures::BoundedQueue;
use exercises::support::with_timeout;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const WATCHDOG: Duration = Duration::from_secs(20);

#[test]
fn every_item_arrives_exactly_once_and_capacity_holds() {
    const PRODUCERS: usize = 4;
    const ITEMS: usize = 500;
    const CAPACITY: usize = 8;
    let q = Arc::new(BoundedQueue::new(CAPACITY));
    let q2 = Arc::clone(&q);
    let (received, max_seen) = with_timeout(WATCHDOG, "4 producers and 3 consumers", move || {
        let q = &q2;
        let max_seen = AtomicUsize::new(0);
        let done = AtomicBool::new(false);
        let received = std::thread::scope(|s| {
            // A monitor samples the length while everybody works.
            s.spawn(|| {
                while !done.load(Ordering::Relaxed) {
                    max_seen.fetch_max(q.len(), Ordering::Relaxed);
                    std::thread::yield_now();
                }
            });
            let consumers: Vec<_> = (0..3)
                .map(|_| {
                    s.spawn(|| {
                        let mut got = Vec::new();
                        while let Some(v) = q.pop() {
                            got.push(v);
                        }
                        got
                    })
                })
                .collect();
            let producers: Vec<_> = (0..PRODUCERS)
                .map(|p| s.spawn(move || (0..ITEMS).for_each(|i| q.push(p * ITEMS + i).unwrap())))
                .collect();
            for p in producers {
                p.join().unwrap();
            }
            q.close();
            let all: Vec<Vec<usize>> = consumers.into_iter().map(|c| c.join().unwrap()).collect();
            done.store(true, Ordering::Relaxed);
            all
        });
        (received, max_seen.load(Ordering::Relaxed))
    });
    // Per producer, each consumer sees items in FIFO order.
    for got in &received {
        for p in 0..PRODUCERS {
            let mine: Vec<usize> = got.iter().copied().filter(|v| v / ITEMS == p).collect();
            assert!(
                mine.windows(2).all(|w| w[0] < w[1]),
                "producer {p}'s items out of order"
            );
        }
    }
    let mut all: Vec<usize> = received.into_iter().flatten().collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..PRODUCERS * ITEMS).collect::<Vec<_>>(),
        "lost or duplicated items"
    );
    assert!(
        max_seen <= CAPACITY,
        "queue held {max_seen} items, capacity {CAPACITY}"
    );
    assert!(q.is_empty());
}

#[test]
fn a_full_queue_blocks_the_producer_until_a_pop() {
    let q = Arc::new(BoundedQueue::new(2));
    let q2 = Arc::clone(&q);
    with_timeout(WATCHDOG, "push into a full queue, then pop", move || {
        q2.push(1).unwrap();
        q2.push(2).unwrap();
        assert_eq!(q2.len(), 2);
        std::thread::scope(|s| {
            let producer = s.spawn(|| q2.push(3));
            std::thread::sleep(Duration::from_millis(200));
            assert!(
                !producer.is_finished(),
                "push into a full queue returned instead of waiting"
            );
            assert_eq!(q2.len(), 2, "the queue grew past its capacity");
            assert_eq!(q2.pop(), Some(1));
            assert_eq!(producer.join().unwrap(), Ok(()));
        });
        assert_eq!((q2.pop(), q2.pop()), (Some(2), Some(3)), "FIFO order");
    });
}

#[test]
fn close_unblocks_waiting_consumers_and_refuses_pushes() {
    let q = Arc::new(BoundedQueue::<u32>::new(4));
    let q2 = Arc::clone(&q);
    with_timeout(
        WATCHDOG,
        "consumers blocked on an empty queue, then close",
        move || {
            std::thread::scope(|s| {
                let consumers: Vec<_> = (0..3).map(|_| s.spawn(|| q2.pop())).collect();
                std::thread::sleep(Duration::from_millis(200));
                assert!(
                    consumers.iter().all(|c| !c.is_finished()),
                    "pop on an empty queue must wait"
                );
                q2.close();
                for c in consumers {
                    assert_eq!(c.join().unwrap(), None);
                }
            });
            assert_eq!(
                q2.push(7),
                Err(7),
                "push after close must give the item back"
            );
        },
    );
}

#[test]
fn items_queued_before_close_are_still_delivered() {
    let q = BoundedQueue::new(3);
    q.push("a").unwrap();
    q.push("b").unwrap();
    q.close();
    assert_eq!(q.pop(), Some("a"));
    assert_eq!(q.pop(), Some("b"));
    assert_eq!(q.pop(), None);
}
