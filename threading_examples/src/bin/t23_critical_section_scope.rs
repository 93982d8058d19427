//! Critical sections: hold a lock only around the shared update, not across slow work.
//!
//! Python original: the course notebook, Thread-safe "Critical Sections" and "Rule #2: Minimize Lock Scope". Three threads
//! each do 1 s of slow work and then add their result to a shared total. If the lock guard lives
//! across the slow work, the threads take turns (≈ 3 s). If the guard lives only around the
//! update (a block `{ }` or `drop(guard)` ends it), the work overlaps (≈ 1 s). Same total both
//! ways. "Rule #3: Avoid Nested Locks": two values that change together go in *one*
//! `Mutex<(A, B)>`, so there is no second lock to order.
//!
//! Run: `cargo run --bin t23_critical_section_scope`
//!
//! Expected output (abridged):
//! ```text
//! lock held over the work: Time taken: 3.004 s (total 6)
//! Timeline: 0 → 3.004 s, one column = 0.075 s
//! worker 1: slow work, lock held |█████████████                           | ...
//! worker 2: slow work, lock held |             █████████████              | ...
//! worker 3: slow work, lock held |                          ██████████████| ...
//! lock held only for the update: Time taken: 1.002 s (total 6)
//! (three bars side by side)
//! auditor saw a wrong sum 0 times
//! transfer under one Mutex<(checking, savings)>: sum stays 100
//! ```

use std::sync::Mutex;
use std::thread;
use utilities::{Stopwatch, Timeline, say, sleep_secs, timing::time_taken_line};

const WORKERS: u64 = 3;

/// The slow part: 1 s of simulated work that touches no shared data.
fn slow_work(id: u64) -> u64 {
    sleep_secs(1.0);
    id
}

/// Runs the three workers; `wide` chooses where the guard lives. Returns the total.
fn run(wide: bool, label: &str) -> u64 {
    let total = Mutex::new(0_u64);
    let sw = Stopwatch::start();
    let timeline = Timeline::with_origin(sw.started_at());
    thread::scope(|s| {
        for id in 1..=WORKERS {
            let (total, timeline) = (&total, &timeline);
            s.spawn(move || {
                if wide {
                    // Too wide: the guard lives to the end of this block, over the slow work.
                    let mut guard = total.lock().expect("lock");
                    let _span = timeline.span(format!("worker {id}: slow work, lock held"));
                    let result = slow_work(id);
                    *guard += result;
                } else {
                    let _span = timeline.span(format!("worker {id}: slow work, no lock"));
                    let result = slow_work(id); // no lock held here
                    *total.lock().expect("lock") += result; // the whole critical section
                }
            });
        }
    });
    let total = total.into_inner().expect("no worker panicked");
    say!("{} (total {total})", time_taken_line(label, sw.elapsed()));
    timeline.print(label);
    if wide {
        // The lock is held over each bar: the bars cannot overlap.
        assert_eq!(
            timeline.max_overlap(),
            1,
            "two workers held the lock at once"
        );
    }
    total
}

fn main() {
    utilities::output::start_clock();
    let wide = run(true, "lock held over the work");
    let narrow = run(false, "lock held only for the update");
    assert_eq!(wide, narrow, "same result both ways");
    assert_eq!(wide, 1 + 2 + 3);

    // Rule #3: one lock for values that must change together, instead of two nested locks.
    // Two threads move money back and forth while an auditor checks the sum: it never sees
    // the half-done state, because a transfer changes both fields under the same guard.
    let accounts = Mutex::new((60_i64, 40_i64)); // (checking, savings)
    let mut bad_sums = 0;
    thread::scope(|s| {
        for step in [1_i64, -1] {
            let accounts = &accounts;
            s.spawn(move || {
                for _ in 0..10_000 {
                    let mut acc = accounts.lock().expect("lock");
                    acc.0 -= step; // from one account…
                    acc.1 += step; // …to the other
                }
            });
        }
        for _ in 0..10_000 {
            let acc = accounts.lock().expect("lock");
            if acc.0 + acc.1 != 100 {
                bad_sums += 1;
            }
        }
    });
    say!("auditor saw a wrong sum {bad_sums} times");
    assert_eq!(bad_sums, 0);
    let (checking, savings) = accounts.into_inner().expect("no panics");
    say!(
        "transfer under one Mutex<(checking, savings)>: sum stays {}",
        checking + savings
    );
    assert_eq!(checking + savings, 100);
}
