//! Tour of `RwLock`, `Barrier`, `OnceLock`, `Condvar`, atomics (`Ordering`) and `parking_lot`.
//!
//! Python original: the python-threads project, `threading_examples/synchronization.py` ("locks and other primitives"). Each
//! mini-demo prints the invariant it guarantees, and the program asserts it:
//!
//! | Rust | Python | invariant shown |
//! |---|---|---|
//! | `RwLock` | (none; `Lock` for everyone) | many readers are inside at once; a writer is alone |
//! | `Barrier` | `threading.Barrier` | nobody passes until the last one arrives |
//! | `OnceLock` | a module-level "init once" with a Lock | initialised exactly once, whoever asks first |
//! | `Condvar` | `threading.Condition` | wait *in a loop* until a condition on locked data holds |
//! | atomics | (none; the GIL) | lock-free counters (`Relaxed`), publishing data (`Release`/`Acquire`) |
//! | `parking_lot` | - | same types, smaller and faster, no poisoning |
//!
//! Which `Ordering` (Mara Bos, *Rust Atomics and Locks*, chapter 3 "Memory Ordering"):
//! - `Relaxed` is enough for a counter that is read after the threads are joined: `join` (and the
//!   end of a `thread::scope`) is a happens-before edge, so every increment is visible after it.
//! - `Release` (store) + `Acquire` (load) publishes data: what was written before the Release
//!   store is visible to the thread whose Acquire load sees it.
//! - `SeqCst` is rarely needed: only when correctness depends on one total order of operations on
//!   *different* atomics (two threads each store their own flag, then read the other's). It is not
//!   a "safe default": it cannot fix a wrong algorithm, and it hides which ordering the code
//!   actually relies on. Choose the weakest ordering you can explain.
//!
//! Run: `cargo run --bin t27_sync_primitives_tour`
//!
//! Expected output (abridged):
//! ```text
//! == RwLock: 3 readers overlap, the writer is alone ==
//! RwLock: at most 3 readers inside at once; writer saw 0 readers
//! Timeline: …   (three reader bars side by side, the writer's after)
//! == Barrier: released together ==
//! Barrier: last arrival at 1.000 s, all 3 released after it: true (spread 0.2 ms)
//! == OnceLock ==
//! OnceLock: initialised 1 time(s), 4 threads saw "config loaded"
//! == Condvar ==
//! Condvar: consumer woke with 3 items ready
//! == Atomics ==
//! atomic counter: 40000 (4 threads × 10000 fetch_add, Relaxed: joining the threads made every increment visible)
//! Release/Acquire: reader saw the data 42 once the flag was set
//! Orderings: Relaxed for counters read after join · Release/Acquire to publish data · SeqCst rarely needed (one total order across several atomics)
//! == parking_lot ==
//! parking_lot: counter 2000, readers 2, once ran 1 time(s)
//! ```

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Barrier, Condvar, Mutex, OnceLock, RwLock};
use std::thread;
use std::time::Instant;
use utilities::gauge::Gauge;
use utilities::{Stopwatch, Timeline, say, sleep_secs};

/// Many readers OR one writer. Readers hold the read lock 1 s each and still finish in ≈ 1 s.
fn rwlock_demo() {
    println!("== RwLock: 3 readers overlap, the writer is alone ==");
    let config = RwLock::new(String::from("v1"));
    let readers_inside = Gauge::new();
    let writer_saw = AtomicUsize::new(usize::MAX);
    let sw = Stopwatch::start();
    let timeline = Timeline::with_origin(sw.started_at());
    thread::scope(|s| {
        for i in 1..=3 {
            let (config, readers_inside, timeline) = (&config, &readers_inside, &timeline);
            s.spawn(move || {
                let value = config.read().expect("read lock");
                let _inside = readers_inside.enter();
                timeline.record(format!("reader {i}"), || sleep_secs(1.0));
                assert_eq!(*value, "v1");
            });
        }
        // Let the readers in first (bounded: a reader that came very late would be a failure).
        let deadline = Instant::now() + std::time::Duration::from_secs(10);
        while readers_inside.max() < 3 && Instant::now() < deadline {
            thread::sleep(std::time::Duration::from_millis(1));
        }
        let mut value = config.write().expect("write lock"); // waits for all readers to leave
        writer_saw.store(readers_inside.current(), Ordering::Relaxed); // read after the scope
        timeline.record("writer", || sleep_secs(0.3));
        *value = String::from("v2");
    });
    let max = readers_inside.max();
    let alone = writer_saw.load(Ordering::Relaxed);
    say!("RwLock: at most {max} readers inside at once; writer saw {alone} readers");
    timeline.print("RwLock: readers share, the writer waits for all of them");
    assert_eq!(max, 3, "readers share the lock");
    assert_eq!(alone, 0, "the writer is exclusive");
}

/// Threads arrive at different times; the barrier lets all of them go when the last arrives.
fn barrier_demo() {
    println!("== Barrier: released together ==");
    let barrier = Barrier::new(3);
    let start = Instant::now();
    let times: Vec<(f64, f64)> = thread::scope(|s| {
        let handles: Vec<_> = [0.2, 0.5, 1.0]
            .into_iter()
            .map(|delay| {
                let barrier = &barrier;
                s.spawn(move || {
                    sleep_secs(delay);
                    let arrived = start.elapsed().as_secs_f64();
                    barrier.wait();
                    (arrived, start.elapsed().as_secs_f64())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("panic"))
            .collect()
    });
    let last_arrival = times.iter().map(|t| t.0).fold(0.0, f64::max);
    let first_release = times.iter().map(|t| t.1).fold(f64::MAX, f64::min);
    let last_release = times.iter().map(|t| t.1).fold(0.0, f64::max);
    let all_after = first_release >= last_arrival;
    say!(
        "Barrier: last arrival at {last_arrival:.3} s, all 3 released after it: {all_after} (spread {:.1} ms)",
        (last_release - first_release) * 1e3
    );
    assert!(all_after);
}

/// The first caller runs the initialiser; everyone else waits for it and gets the same value.
fn once_lock_demo() {
    println!("== OnceLock ==");
    static CONFIG: OnceLock<String> = OnceLock::new();
    let inits = AtomicUsize::new(0);
    let seen: Vec<String> = thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    CONFIG
                        .get_or_init(|| {
                            inits.fetch_add(1, Ordering::Relaxed); // read after join
                            sleep_secs(0.2); // slow init: the others block meanwhile
                            "config loaded".to_owned()
                        })
                        .clone()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("panic"))
            .collect()
    });
    let n = inits.load(Ordering::Relaxed);
    say!(
        "OnceLock: initialised {n} time(s), {} threads saw {:?}",
        seen.len(),
        seen[0]
    );
    assert_eq!(n, 1);
    assert!(seen.iter().all(|v| v == "config loaded"));
}

/// Wait until a condition on shared data holds (here: 3 items are ready).
fn condvar_demo() {
    println!("== Condvar ==");
    let ready = Mutex::new(Vec::new());
    let changed = Condvar::new();
    thread::scope(|s| {
        s.spawn(|| {
            for i in 0..3 {
                sleep_secs(0.1);
                ready.lock().expect("lock").push(i);
                changed.notify_one();
            }
        });
        // `wait_while` loops for us: it re-checks after every wake-up, spurious or not.
        let items = changed
            .wait_while(ready.lock().expect("lock"), |items| items.len() < 3)
            .expect("lock");
        say!("Condvar: consumer woke with {} items ready", items.len());
        assert_eq!(*items, [0, 1, 2]);
    });
}

/// Atomics: no lock at all. `Ordering` says what *other* memory the operation orders:
/// - `Relaxed`: only this variable is atomic (no ordering of other memory). Enough for a counter
///   read after `join`: joining a thread is a happens-before edge, it orders all that thread did
///   before whatever follows the join, including the final load.
/// - `Release` (store) + `Acquire` (load): everything written before the Release store is
///   visible to a thread whose Acquire load sees that store. This is how data is "published".
/// - `SeqCst`: Acquire/Release plus one global order of all `SeqCst` operations. Rarely needed
///   (when two threads each write one flag and read the other's); not a "safe default".
fn atomics_demo() {
    println!("== Atomics ==");
    let counter = AtomicU64::new(0);
    thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..10_000 {
                    counter.fetch_add(1, Ordering::Relaxed); // one indivisible read-modify-write
                }
            });
        }
    });
    // The scope joined the 4 threads: that join happens-before this load, so Relaxed sees all.
    let total = counter.load(Ordering::Relaxed);
    say!(
        "atomic counter: {total} (4 threads × 10000 fetch_add, Relaxed: joining the threads made every increment visible)"
    );
    assert_eq!(total, 40_000);

    let data = AtomicU64::new(0);
    let published = AtomicBool::new(false);
    let seen = thread::scope(|s| {
        let reader = s.spawn(|| {
            while !published.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
            data.load(Ordering::Relaxed) // guaranteed 42: the Acquire saw the Release
        });
        data.store(42, Ordering::Relaxed);
        published.store(true, Ordering::Release); // publishes the store above
        reader.join().expect("reader panicked")
    });
    say!("Release/Acquire: reader saw the data {seen} once the flag was set");
    assert_eq!(seen, 42);
    say!(
        "Orderings: Relaxed for counters read after join · Release/Acquire to publish data · SeqCst rarely needed (one total order across several atomics)"
    );
}

/// The same tools from `parking_lot`: `lock()` returns the guard directly (no poisoning, so no
/// `Result`), the types are one word, and there are extras such as `try_lock_for` (see `t24`).
fn parking_lot_demo() {
    println!("== parking_lot ==");
    let counter = parking_lot::Mutex::new(0_u32);
    let table = parking_lot::RwLock::new(vec![1, 2, 3]);
    let once = parking_lot::Once::new();
    let once_runs = AtomicUsize::new(0);
    let readers = Gauge::new();
    let barrier = Barrier::new(2);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                once.call_once(|| {
                    once_runs.fetch_add(1, Ordering::Relaxed);
                });
                for _ in 0..1000 {
                    *counter.lock() += 1;
                }
                let t = table.read();
                let _inside = readers.enter();
                barrier.wait(); // both readers hold the read lock here at the same time
                assert_eq!(t.len(), 3);
            });
        }
    });
    let (total, runs) = (*counter.lock(), once_runs.load(Ordering::Relaxed));
    say!(
        "parking_lot: counter {total}, readers {}, once ran {runs} time(s)",
        readers.max()
    );
    assert_eq!((total, readers.max(), runs), (2000, 2, 1));
}

fn main() {
    utilities::output::start_clock();
    rwlock_demo();
    barrier_demo();
    once_lock_demo();
    condvar_demo();
    atomics_demo();
    parking_lot_demo();
}
