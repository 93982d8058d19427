//! The guard that lives too long: a `lock()` in a `match` scrutinee stays locked through every arm.
//!
//! In Python, `with lock:` shows exactly where the lock is held. In Rust the lock is held as long
//! as the *guard* lives, and a guard that is never given a name is a temporary. A temporary in
//! the expression a `match` looks at (its *scrutinee*) lives until the end of the whole `match`:
//!
//! ```text
//! match cache.lock().unwrap().get(&key) {   // guard created here...
//!     Some(v) => v.clone(),
//!     None => {
//!         let v = compute(key);
//!         cache.lock().unwrap().insert(key, v);   // ...still alive: locks a second time
//!         v
//!     }
//! }                                          // ...and dropped only here
//! ```
//!
//! A std `Mutex` is not reentrant (t15): the second `lock()` on the same thread waits for a
//! guard that its own thread holds, forever (the docs allow a panic instead; on Linux it hangs).
//! Nothing looks wrong, and the first run with a cold cache freezes. An `if let` does the same
//! in its `then` block (Rust 2024 drops the guard before `else`; Rust 2021 held it there too).
//!
//! This program never hangs: its second lock is a `try_lock` retried until a deadline, which
//! reports what a `lock()` would have done. The fix: end the guard's life before the second
//! lock, by reading into a variable in its own statement (`let hit = cache.lock()...cloned();`,
//! the guard dies at that `;`), or by one guard for the whole check-and-insert (`entry` API).
//! Clippy's `significant_drop_in_scrutinee` lint (in `nursery`) warns about the pattern.
//!
//! Run: `cargo run --bin t42_guard_lives_too_long`
//!
//! Expected output:
//! ```text
//! [   0.001s] main         | match on cache.lock(): the None arm locks again...
//! [   1.002s] main         | ...and gave up after 1.001 s: the scrutinee's guard is still alive (lock() would wait forever)
//! [   1.002s] main         | if let on cache.lock(): the then-block locks again...
//! [   2.003s] main         | ...and gave up after 1.001 s: the guard lives through the then-block too
//! [   2.003s] main         | fixed (read, then match): square(7) = 49, computed and cached
//! [   2.003s] main         | fixed (read, then match): square(7) = 49, from the cache
//! [   2.003s] main         | fixed (one guard, entry API): square(8) = 64
//! ```

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};
use utilities::{say, secs};

type Cache = Mutex<HashMap<u64, u64>>;

/// Locks `m` like `lock()` would, but gives up after `patience` instead of waiting forever; the
/// `Err` holds how long it waited. (What a deadlock detector would tell you, without the hang.)
fn lock_before<T>(m: &Mutex<T>, patience: Duration) -> Result<MutexGuard<'_, T>, Duration> {
    let start = Instant::now();
    loop {
        match m.try_lock() {
            Ok(guard) => return Ok(guard),
            Err(TryLockError::Poisoned(p)) => return Ok(p.into_inner()),
            Err(TryLockError::WouldBlock) if start.elapsed() < patience => {
                std::thread::sleep(Duration::from_millis(1));
            }
            Err(TryLockError::WouldBlock) => return Err(start.elapsed()),
        }
    }
}

fn square(key: u64) -> u64 {
    key * key
}

/// The bug, with `match`: the guard from the scrutinee is alive in every arm.
fn cached_square_match(cache: &Cache, key: u64, patience: Duration) -> Result<u64, Duration> {
    say!("match on cache.lock(): the None arm locks again...");
    match cache.lock().expect("not poisoned").get(&key) {
        Some(v) => Ok(*v),
        None => {
            let v = square(key);
            lock_before(cache, patience)?.insert(key, v); // `cache.lock()` here would hang
            Ok(v)
        }
    }
}

/// The bug, with `if let`: the guard is alive in the then-block.
fn cached_square_if_let(cache: &Cache, key: u64, patience: Duration) -> Result<u64, Duration> {
    say!("if let on cache.lock(): the then-block locks again...");
    if let Some(v) = cache.lock().expect("not poisoned").get(&key).copied() {
        // Refresh the entry: a second lock while the scrutinee's guard is still alive.
        lock_before(cache, patience)?.insert(key, v);
        return Ok(v);
    }
    Ok(square(key))
}

/// The fix: the read is its own statement, so its guard dies at the `;`.
fn cached_square_fixed(cache: &Cache, key: u64) -> (u64, &'static str) {
    let hit = cache.lock().expect("not poisoned").get(&key).copied(); // guard dropped here
    match hit {
        Some(v) => (v, "from the cache"),
        None => {
            let v = square(key);
            cache.lock().expect("not poisoned").insert(key, v); // free again: no deadlock
            (v, "computed and cached")
        }
    }
}

fn main() {
    utilities::output::start_clock();
    let patience = secs(1.0);
    let cache: Cache = Mutex::new(HashMap::new());

    match cached_square_match(&cache, 7, patience) {
        Err(waited) => say!(
            "...and gave up after {:.3} s: the scrutinee's guard is still alive (lock() would wait forever)",
            waited.as_secs_f64()
        ),
        Ok(v) => panic!("the second lock succeeded ({v}): the guard was not alive?"),
    }

    cache.lock().expect("not poisoned").insert(9, 81);
    match cached_square_if_let(&cache, 9, patience) {
        Err(waited) => say!(
            "...and gave up after {:.3} s: the guard lives through the then-block too",
            waited.as_secs_f64()
        ),
        Ok(v) => panic!("the second lock succeeded ({v}): the guard was not alive?"),
    }

    for _ in 0..2 {
        let (v, how) = cached_square_fixed(&cache, 7);
        say!("fixed (read, then match): square(7) = {v}, {how}");
        assert_eq!(v, 49);
    }

    // Or hold ONE guard for the whole check-and-insert, on purpose, with the entry API.
    let v = *cache
        .lock()
        .expect("not poisoned")
        .entry(8)
        .or_insert_with(|| square(8));
    say!("fixed (one guard, entry API): square(8) = {v}");
    assert_eq!(v, 64);
}
