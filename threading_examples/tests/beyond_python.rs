//! Lessons Python's threading has no equivalent for, each a rule Rust enforces or a tool it
//! gives: `Send` and `Sync` (t38), compare-and-swap (t39), thread parking (t40), memory ordering
//! (t41), a lock guard that lives too long (t42). Runs the real binaries and checks the claim
//! each one prints. The compile errors these lessons mention are in `tests/ui/t38_*.rs`
//! (`tests/compile_fail.rs`); the memory-ordering claims are also model-checked in
//! `tests/loom.rs`.

mod common;

use utilities::testkit::{assert_order, numbers_after, run_ok as run};

#[test]
fn t38_cell_moves_atomic_and_mutex_are_shared_guard_stays() {
    let out = run(env!("CARGO_BIN_EXE_t38_send_vs_sync"), 0.1);
    let s = &out.stdout;
    assert!(
        s.contains("moved a Cell into this thread: counted to 3"),
        "{s}"
    );
    // The counting line comes from the spawned thread, not main.
    let line = s
        .lines()
        .find(|l| l.contains("counted to 3"))
        .expect("counting line");
    assert!(!line.contains("main "), "{line}");
    assert_eq!(numbers_after(s, "Cell moved in and back out:"), [3], "{s}");
    assert_eq!(
        numbers_after(s, "AtomicU32 shared by 4 threads:"),
        [4000],
        "{s}"
    );
    assert_eq!(
        numbers_after(s, "Mutex<Vec> shared by 4 threads:"),
        [4],
        "{s}"
    );
    assert!(
        s.contains("the worker got the value 7, not the guard"),
        "{s}"
    );
    assert_order(s, "Cell moved in and back out", "AtomicU32 shared");
}

#[test]
fn t39_compare_and_swap_loses_nothing_and_one_thread_takes_the_last_ticket() {
    let out = run(env!("CARGO_BIN_EXE_t39_compare_and_swap"), 1.0); // the 0.1 s of "work"
    let s = &out.stdout;
    assert_eq!(numbers_after(s, "compare_exchange loop:"), [200_000], "{s}");
    assert_eq!(numbers_after(s, "fetch_update:"), [200_000], "{s}");
    // Both threads read 0 before either wrote: one write fails and is redone, none is lost.
    assert!(
        s.contains("compare_exchange: end value 2 (t32 got 1; 1 thread retried)"),
        "{s}"
    );
    assert!(s.contains("1 winner every round, 0 rounds with 2"), "{s}");
}

#[test]
fn t40_park_returns_for_the_token_and_the_loop_rechecks() {
    let scale = 0.2; // the 1 s wait becomes 200 ms; park_timeout 0.1 s becomes 20 ms
    let out = run(env!("CARGO_BIN_EXE_t40_thread_parking"), scale);
    let s = &out.stdout;
    // The token: unpark before park makes park return at once (far below the 1 s wait).
    let token = common::float_after(s, "the token made park() return after");
    assert!(
        token < 0.5 * scale,
        "park waited {token} s despite the token\n{s}"
    );
    assert_order(s, "waiting for the data", "data stored, flag set");
    assert_order(s, "data stored, flag set", "flag set after");
    let line = s
        .lines()
        .find(|l| l.contains("flag set after"))
        .expect("waiter's line");
    assert!(
        line.contains("waiter") && line.ends_with("data = 42"),
        "{line}"
    );
    let wakeups = numbers_after(line, "flag set after")[0];
    let early = numbers_after(line, "wake-ups,")[0];
    // Woken every 20 ms for 200 ms: several wake-ups found the flag still false, and the loop
    // went back to sleep each time; the last one found it set.
    assert!(early >= 1 && wakeups == early + 1, "{line}");
    assert!(
        s.contains("would have read data = 0"),
        "an early wake-up must be shown to see no data\n{s}"
    );
}

#[test]
fn t41_release_acquire_always_sees_the_data_and_relaxed_counter_is_exact() {
    let out = run(env!("CARGO_BIN_EXE_t41_memory_ordering"), 0.1);
    let s = &out.stdout;
    assert_order(
        s,
        "saw the flag, then data = 42",
        "Release/Acquire: the reader saw",
    );
    assert!(
        s.contains("Release/Acquire: 1000 rounds, the reader saw data 42 every time"),
        "{s}"
    );
    // Relaxed is reported honestly (x86 never shows the failure; loom does, in tests/loom.rs).
    assert!(s.contains("Relaxed flag: 1000 rounds, "), "{s}");
    assert_eq!(
        numbers_after(s, "Relaxed counter read after join:"),
        [400_000],
        "{s}"
    );
}

#[test]
fn t42_scrutinee_guard_blocks_the_second_lock_and_the_fix_does_not() {
    let scale = 0.2; // patience 1 s becomes 200 ms
    let out = run(env!("CARGO_BIN_EXE_t42_guard_lives_too_long"), scale);
    let s = &out.stdout;
    let gave_up: Vec<f64> = s
        .lines()
        .filter(|l| l.contains("gave up after"))
        .map(|l| common::float_after(l, "gave up after"))
        .collect();
    assert_eq!(gave_up.len(), 2, "match and if let both block\n{s}");
    for waited in gave_up {
        let units = waited / scale;
        assert!(
            (0.95..3.0).contains(&units),
            "gave up after {units}× the patience\n{s}"
        );
    }
    assert_order(
        s,
        "the None arm locks again",
        "scrutinee's guard is still alive",
    );
    assert_order(
        s,
        "the then-block locks again",
        "guard lives through the then-block",
    );
    assert_order(
        s,
        "square(7) = 49, computed and cached",
        "square(7) = 49, from the cache",
    );
    assert!(s.contains("entry API): square(8) = 64"), "{s}");
}
