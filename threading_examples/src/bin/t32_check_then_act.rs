//! Check-then-act: a logical race Rust allows ("end value 1"); one guard fixes it ("end value 2").
//!
//! Python original: the threads-vs-processes notes, "we can share data between threads" (`database_value`, a local copy, `sleep(0.1)`)
//! and its Lock fix; the course notebook, Thread-safe "Thread-Safe Data Structures" (compound operations).
//! Rust forbids *data races* (two threads touching memory unsynchronised), so the Python original's global
//! `database_value += …` would not compile. But the type system cannot see *logical* races: here
//! every access is locked, yet the lock is taken once for the read and again for the write. Both
//! threads read 0, both write 1: one update is lost. The fix holds **one** guard across
//! read–sleep–write, so the second thread waits (≈ 0.2 s instead of 0.1 s).
//!
//! The same trap with a shared queue (Python's `deque`): "if it is not empty, pop" as two locked
//! steps lets two threads both see one item; `lock().pop_front()` is one step and returns an
//! `Option`, so nobody can act on a stale check.
//!
//! Without a lock at all: t39 does both with compare-and-swap (write only if the value is still
//! what was read, else redo the work), and takes the last item with `fetch_update`.
//!
//! Each run ends with a timeline: unprotected, both updates overlap (both read 0); with one
//! guard, the second waits for the first.
//!
//! Run: `cargo run --bin t32_check_then_act`
//!
//! Expected output:
//! ```text
//! start value 0
//! unprotected (lock per step): end value 1
//! unprotected: Time taken: 0.101 s
//! start value 0
//! locked (one guard): end value 2
//! locked: Time taken: 0.202 s
//! deque check-then-pop: 1 item, 2 threads saw it, 1 found it gone
//! deque pop_front(): 1 item, exactly 1 thread got it
//! end main
//! ```

use std::collections::VecDeque;
use std::sync::{Barrier, Mutex};
use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, sleep_secs};

/// The Python original's `increase()`: read into a local copy, "process", write back.
/// Each step is locked, so this compiles and has no data race, yet the result is wrong.
fn increase_unprotected(db: &Mutex<i64>, tl: &Timeline, i: usize) {
    let _span = tl.span(format!(
        "thread {i}: read, +1, sleep 0.1 s, write (lock per step)"
    ));
    let mut local_copy = *db.lock().expect("lock"); // guard dropped at the end of this line
    local_copy += 1;
    sleep_secs(0.1); // the other thread reads the old value meanwhile
    *db.lock().expect("lock") = local_copy;
}

/// The fix: one guard from the read to the write (`with lock:` around the whole body).
fn increase_locked(db: &Mutex<i64>, tl: &Timeline, i: usize) {
    let mut value = db.lock().expect("lock");
    let _span = tl.span(format!(
        "thread {i}: holds the lock: read, +1, sleep 0.1 s, write"
    ));
    let mut local_copy = *value;
    local_copy += 1;
    sleep_secs(0.1);
    *value = local_copy;
}

fn run(label: &str, increase: fn(&Mutex<i64>, &Timeline, usize)) -> (i64, usize) {
    let database_value = Mutex::new(0);
    println!("start value {}", *database_value.lock().expect("lock"));
    let start_together = Barrier::new(2); // both threads start at the same moment
    let tl = Timeline::new();
    let sw = Stopwatch::start();
    thread::scope(|s| {
        for i in 1..=2 {
            let (start_together, database_value, tl) = (&start_together, &database_value, &tl);
            s.spawn(move || {
                start_together.wait();
                increase(database_value, tl, i);
            });
        }
    });
    let end = database_value.into_inner().expect("no panics");
    println!("{label}: end value {end}");
    print_time_taken(label.split(' ').next().unwrap_or(label), sw.elapsed());
    tl.print(&format!("Check-then-act, {label}: end value {end}"));
    (end, tl.max_overlap())
}

fn deque_demo() {
    // Check, then act, as two locked steps: both threads can pass the check.
    let queue = Mutex::new(VecDeque::from([1]));
    let both_checked = Barrier::new(2);
    let (mut saw, mut gone) = (0, 0);
    thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    let non_empty = !queue.lock().expect("lock").is_empty(); // check
                    both_checked.wait(); // (the unlucky timing, made certain)
                    let item = non_empty.then(|| queue.lock().expect("lock").pop_front()); // act
                    (non_empty, item.flatten().is_none())
                })
            })
            .collect();
        for h in handles {
            let (checked, found_gone) = h.join().expect("panic");
            saw += usize::from(checked);
            gone += usize::from(checked && found_gone);
        }
    });
    println!("deque check-then-pop: 1 item, {saw} threads saw it, {gone} found it gone");
    assert_eq!((saw, gone), (2, 1));

    // One step: `pop_front` checks and takes under the same guard.
    let queue = Mutex::new(VecDeque::from([1]));
    let got: usize = thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| queue.lock().expect("lock").pop_front().is_some()))
            .collect();
        handles
            .into_iter()
            .map(|h| usize::from(h.join().expect("panic")))
            .sum()
    });
    println!("deque pop_front(): 1 item, exactly {got} thread got it");
    assert_eq!(got, 1);
}

fn main() {
    utilities::output::start_clock();
    let (lost, lost_overlap) = run("unprotected (lock per step)", increase_unprotected);
    let (right, right_overlap) = run("locked (one guard)", increase_locked);
    // One guard over the whole read-modify-write: the two updates can never overlap.
    assert_eq!(
        right_overlap, 1,
        "two threads inside the locked update at once"
    );
    println!("updates at the same time: unprotected {lost_overlap}, locked {right_overlap}");
    deque_demo();
    println!("end main");
    assert_eq!((lost, right), (1, 2));
}
