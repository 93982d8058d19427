//! Loom model checks of a [`BoundedQueue`]: every interleaving of small scenarios (loom explores
//! them exhaustively, so the scenarios stay tiny: 2–3 threads, capacity 1).
//!
//! The same scenarios check the reference solution (module `reference`) and, with the feature
//! `learner`, the learner's own queue from `exercises/starters/ex17_thread_safe_structures.rs`
//! (module `learner`; `cargo run --bin exercises -- check 17` runs it after the ordinary tests):
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p thread_safe_structures --release --test loom
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p thread_safe_structures --features learner --release --test loom -- learner
//! ```
//! Without `--cfg loom` this file compiles to nothing.
#![cfg(loom)]

/// The scenarios, for the queue type `$queue`.
macro_rules! scenarios {
    ($queue:path) => {
        use loom::sync::Arc;
        use loom::thread;
        use $queue as BoundedQueue;

        /// Two producers, one consumer, capacity 1: both items arrive exactly once, nobody deadlocks
        /// (loom reports a deadlock if every thread ends up waiting), capacity is never exceeded.
        #[test]
        fn two_producers_one_consumer_capacity_one() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::new(1));
                let producers: Vec<_> = [1, 2]
                    .into_iter()
                    .map(|v| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || q.push(v).unwrap())
                    })
                    .collect();
                let mut got = vec![q.pop().unwrap(), q.pop().unwrap()];
                assert!(q.len() <= 1);
                for p in producers {
                    p.join().unwrap();
                }
                got.sort_unstable();
                assert_eq!(got, vec![1, 2]);
                assert!(q.is_empty());
            });
        }

        /// A consumer blocked on an empty queue is woken by `close` and gets `None`.
        #[test]
        fn close_wakes_a_blocked_consumer() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::<u8>::new(1));
                let consumer = {
                    let q = Arc::clone(&q);
                    thread::spawn(move || q.pop())
                };
                q.close();
                assert_eq!(consumer.join().unwrap(), None);
            });
        }

        /// Two consumers blocked on an empty queue are *both* woken by `close` (a `notify_one` there
        /// would leave one waiting forever: loom reports that as a deadlock).
        #[test]
        fn close_wakes_every_blocked_consumer() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::<u8>::new(1));
                let consumers: Vec<_> = (0..2)
                    .map(|_| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || q.pop())
                    })
                    .collect();
                q.close();
                for c in consumers {
                    assert_eq!(c.join().unwrap(), None);
                }
            });
        }

        /// A producer blocked on a full queue is woken by `close` and gets its item back.
        #[test]
        fn close_wakes_a_blocked_producer() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::new(1));
                q.push(1).unwrap();
                let producer = {
                    let q = Arc::clone(&q);
                    thread::spawn(move || q.push(2))
                };
                q.close();
                assert_eq!(producer.join().unwrap(), Err(2));
                // What was queued before the close is still delivered.
                assert_eq!(q.pop(), Some(1));
                assert_eq!(q.pop(), None);
            });
        }

        /// Producer and consumer racing with a close: items pushed successfully are popped exactly once,
        /// and the consumer always terminates.
        #[test]
        fn producer_consumer_with_close() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::new(1));
                let producer = {
                    let q = Arc::clone(&q);
                    thread::spawn(move || {
                        let a = q.push(1).is_ok();
                        let b = q.push(2).is_ok();
                        q.close();
                        usize::from(a) + usize::from(b)
                    })
                };
                let mut received = 0;
                while q.pop().is_some() {
                    received += 1;
                }
                let pushed = producer.join().unwrap();
                assert_eq!(received, pushed);
            });
        }

        /// Two consumers, one producer, no close: every `pop` must return an item. With `if` instead of
        /// `while` around the wait, a consumer woken for an item that the other consumer took first
        /// returns `None` although the queue is open.
        #[test]
        fn a_woken_consumer_checks_again() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::new(1));
                let consumers: Vec<_> = (0..2)
                    .map(|_| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || q.pop())
                    })
                    .collect();
                q.push(1).unwrap();
                q.push(2).unwrap();
                let mut got: Vec<u8> = consumers
                    .into_iter()
                    .map(|c| {
                        c.join()
                            .unwrap()
                            .expect("pop returned None on an open queue")
                    })
                    .collect();
                got.sort_unstable();
                assert_eq!(got, vec![1, 2]);
            });
        }

        /// Capacity 1, already full; one consumer pops once while two producers push: right after any
        /// push the queue holds at most 1. With `if` instead of `while`, a woken producer pushes into
        /// the slot that the other producer filled first.
        #[test]
        fn a_woken_producer_checks_again() {
            loom::model(|| {
                let q = Arc::new(BoundedQueue::new(1));
                q.push(0u8).unwrap();
                let producers: Vec<_> = [1u8, 2]
                    .into_iter()
                    .map(|v| {
                        let q = Arc::clone(&q);
                        thread::spawn(move || {
                            q.push(v).unwrap();
                            assert!(q.len() <= 1, "the queue grew past its capacity of 1");
                        })
                    })
                    .collect();
                assert!(q.pop().is_some());
                assert!(q.pop().is_some());
                for p in producers {
                    p.join().unwrap();
                }
                assert_eq!(q.len(), 1);
            });
        }
    };
}

mod reference {
    scenarios!(thread_safe_structures::BoundedQueue);
}

#[cfg(feature = "learner")]
mod learner {
    scenarios!(thread_safe_structures::learner::BoundedQueue);
}
