//! Model checks with loom of the lib's `Event` and `Semaphore`, t06's lost update, t39's
//! compare-and-swap loop and t41's orderings: every interleaving
//! of the threads (up to a preemption bound) is tried, not just the ones a test run happens to
//! hit. Compiled only under `--cfg loom`, where the lib switches to loom's Mutex/Condvar/atomics:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom cargo test -p threading_examples --release --test loom
//! ```
#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;
use threading_examples::{Event, Semaphore};

/// A waiter passes `wait` only once `set` has happened, in every interleaving.
#[test]
fn event_waiter_runs_only_after_set() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let work_done = Arc::new(AtomicUsize::new(0));
        let waiter = {
            let (event, work_done) = (Arc::clone(&event), Arc::clone(&work_done));
            thread::spawn(move || {
                event.wait();
                // `set` happens after `work_done` is stored, so the waiter must see it.
                assert_eq!(work_done.load(Ordering::SeqCst), 1);
                assert!(event.is_set());
            })
        };
        work_done.store(1, Ordering::SeqCst);
        event.set();
        waiter.join().unwrap();
    });
}

/// `clear` after `set` leaves the event unset; a waiter woken by the `set` still gets out.
#[test]
fn event_set_then_clear() {
    loom::model(|| {
        let event = Arc::new(Event::new());
        let setter = {
            let event = Arc::clone(&event);
            thread::spawn(move || event.set())
        };
        setter.join().unwrap();
        assert!(event.is_set());
        event.wait();
        event.clear();
        assert!(!event.is_set());
    });
}

/// Semaphore(2) with 3 threads: never more than 2 inside, and every permit comes back.
#[test]
fn semaphore_never_lets_more_than_n_inside() {
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(|| {
        let sem = Arc::new(Semaphore::new(2));
        // A loom atomic (not `utilities::gauge::Gauge`, which uses std's), so loom explores it too.
        let inside = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let (sem, inside) = (Arc::clone(&sem), Arc::clone(&inside));
                thread::spawn(move || {
                    let _permit = sem.acquire();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    assert!(now <= 2, "{now} inside");
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(inside.load(Ordering::SeqCst), 0);
        assert_eq!(sem.available(), 2);
    });
}

/// `try_acquire` never hands out more permits than exist.
#[test]
fn semaphore_try_acquire_is_exclusive() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let got = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let (sem, got) = (Arc::clone(&sem), Arc::clone(&got));
                thread::spawn(move || {
                    if let Some(_permit) = sem.try_acquire() {
                        let now = got.fetch_add(1, Ordering::SeqCst) + 1;
                        assert_eq!(now, 1, "two permits out at once");
                        got.fetch_sub(1, Ordering::SeqCst);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(sem.available(), 1);
    });
}

/// t06's lost update, found by loom: a separate load and store lose an increment in some
/// interleaving, so this model must fail.
#[test]
#[should_panic(expected = "lost update")]
fn separate_load_and_store_lose_updates() {
    loom::model(|| {
        let counter = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    let v = counter.load(Ordering::SeqCst);
                    counter.store(v + 1, Ordering::SeqCst);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(counter.load(Ordering::SeqCst), 2, "lost update");
    });
}

/// The fix of t06: `fetch_add` never loses one.
#[test]
fn fetch_add_never_loses_updates() {
    loom::model(|| {
        let counter = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let counter = Arc::clone(&counter);
                thread::spawn(move || counter.fetch_add(1, Ordering::SeqCst))
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(counter.load(Ordering::SeqCst), 2);
    });
}

/// t39's compare-and-swap loop never loses an increment, in any interleaving.
#[test]
fn compare_exchange_loop_never_loses_updates() {
    loom::model(|| {
        let counter = Arc::new(AtomicUsize::new(0));
        let threads: Vec<_> = (0..2)
            .map(|_| {
                let counter = Arc::clone(&counter);
                thread::spawn(move || {
                    let mut current = counter.load(Ordering::Relaxed);
                    while let Err(actual) = counter.compare_exchange_weak(
                        current,
                        current + 1,
                        Ordering::Relaxed,
                        Ordering::Relaxed,
                    ) {
                        current = actual;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(counter.load(Ordering::Relaxed), 2);
    });
}

/// t41's message passing: the writer stores the data, then the flag; a reader that sees the flag
/// reads the data. Returns normally when every interleaving read 42.
fn publish(flag_store: Ordering, flag_load: Ordering) {
    loom::model(move || {
        let data = Arc::new(AtomicUsize::new(0));
        let ready = Arc::new(AtomicUsize::new(0));
        let reader = {
            let (data, ready) = (Arc::clone(&data), Arc::clone(&ready));
            thread::spawn(move || {
                if ready.load(flag_load) == 1 {
                    assert_eq!(
                        data.load(Ordering::Relaxed),
                        42,
                        "saw the flag before the data"
                    );
                }
            })
        };
        data.store(42, Ordering::Relaxed);
        ready.store(1, flag_store);
        reader.join().unwrap();
    });
}

/// t41, part 1: with Release on the flag and Acquire on its load, the data is always there.
#[test]
fn release_acquire_flag_publishes_the_data() {
    publish(Ordering::Release, Ordering::Acquire);
}

/// t41, part 2: with Relaxed on the flag, some allowed execution sees the flag but data 0.
/// (x86 hardware never shows it; the memory model allows it, and loom finds it.)
#[test]
#[should_panic(expected = "saw the flag before the data")]
fn relaxed_flag_may_show_the_flag_before_the_data() {
    publish(Ordering::Relaxed, Ordering::Relaxed);
}
