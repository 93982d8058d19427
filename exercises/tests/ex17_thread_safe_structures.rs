//! Exercise 17 tests (solution by default; your starter via `cargo run --bin exercises -- check 17`).
exercises::subject!(ex17_thread_safe_structures);
use ex::BoundedQueue;
use exercises::support::with_timeout;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

const WATCHDOG: Duration = Duration::from_secs(10);

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

/// Contention where `if` instead of `while` around `Condvar::wait` shows: capacity 1, six
/// producers, six consumers. A woken thread must check its condition again, because another
/// thread may have taken the item (or the free slot) between the notify and the re-lock. With
/// `if`, a consumer's `pop` returns `None` although the queue is still open, or a producer's
/// `push` fills the queue past its capacity.
#[test]
fn woken_threads_check_again_under_contention() {
    const PRODUCERS: usize = 6;
    const CONSUMERS: usize = 6;
    const ITEMS: usize = 3000;
    for round in 0..3 {
        let q = Arc::new(BoundedQueue::new(1));
        let q2 = Arc::clone(&q);
        let (received, early_nones, overfull) = with_timeout(
            WATCHDOG,
            "6 producers and 6 consumers on a queue of capacity 1",
            move || {
                let q = &q2;
                let closing = AtomicBool::new(false);
                let early_nones = AtomicUsize::new(0);
                let overfull = AtomicUsize::new(0);
                let received = std::thread::scope(|s| {
                    let consumers: Vec<_> = (0..CONSUMERS)
                        .map(|_| {
                            s.spawn(|| {
                                let mut got = 0usize;
                                loop {
                                    match q.pop() {
                                        Some(_) => got += 1,
                                        None if closing.load(Ordering::SeqCst) => break,
                                        None => {
                                            // Wrong, but keep consuming so the run ends.
                                            early_nones.fetch_add(1, Ordering::SeqCst);
                                        }
                                    }
                                }
                                got
                            })
                        })
                        .collect();
                    let producers: Vec<_> = (0..PRODUCERS)
                        .map(|_| {
                            s.spawn(|| {
                                for i in 0..ITEMS {
                                    q.push(i).expect("the queue is open");
                                    if q.len() > 1 {
                                        overfull.fetch_add(1, Ordering::SeqCst);
                                    }
                                }
                            })
                        })
                        .collect();
                    for p in producers {
                        p.join().expect("a producer panicked");
                    }
                    closing.store(true, Ordering::SeqCst);
                    q.close();
                    consumers
                        .into_iter()
                        .map(|c| c.join().expect("a consumer panicked"))
                        .sum::<usize>()
                });
                (
                    received,
                    early_nones.load(Ordering::SeqCst),
                    overfull.load(Ordering::SeqCst),
                )
            },
        );
        assert_eq!(
            early_nones, 0,
            "round {round}: pop returned None {early_nones} times while the queue was open (wait \
             in a `while` loop: another consumer may take the item before you re-lock)"
        );
        assert_eq!(
            overfull, 0,
            "round {round}: the queue held more than its capacity of 1 right after a push, \
             {overfull} times (wait in a `while` loop: another producer may fill the slot first)"
        );
        assert_eq!(received, PRODUCERS * ITEMS, "round {round}: items lost");
    }
}
