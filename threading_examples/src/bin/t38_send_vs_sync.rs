//! Send vs Sync: a `Cell` may move into a thread but not be shared by two; a `MutexGuard` stays put.
//!
//! Python has no such rules: any object can be handed to any thread, and a mistake shows up, if
//! ever, as a wrong number at run time. Rust puts two marker traits on every type and checks
//! them when a thread is spawned:
//! * **`Send`**: a value of this type may be *moved* to another thread. Almost everything is
//!   `Send`; `Rc` is not (t13: its count is updated without atomics).
//! * **`Sync`**: a `&T` may be *shared* with other threads, i.e. several threads may use the
//!   same value at once. `Cell<T>` and `RefCell<T>` are `Send` but not `Sync`: they change their
//!   contents through a `&` without any lock, so two threads at once would race.
//!
//! So a `Cell` *moved* into one thread is fine (one owner, one thread), and this program does
//! it. The same `Cell` *borrowed* by two scoped threads does not compile (error E0277, "`Cell<u32>`
//! cannot be shared between threads safely"): `tests/ui/t38_cell_shared_between_threads.rs`.
//! The thread-safe versions are an `AtomicU32` (for a number) or a `Mutex<T>` (for anything).
//!
//! **Why a `MutexGuard` is not `Send`.** The guard *is* the locked state. Some operating systems
//! (POSIX `pthread_mutex_unlock`, Windows `SRWLOCK`) require the thread that locked a mutex to
//! be the one that unlocks it, and the guard unlocks when dropped. If the guard could move to
//! another thread, it would be dropped (unlocked) there. So the compiler rejects it (E0277,
//! "`MutexGuard<'_, u32>` cannot be sent between threads safely"):
//! `tests/ui/t38_mutex_guard_not_send.rs`. Send the *data* (or an `Arc<Mutex<_>>`), never the guard.
//!
//! Run: `cargo run --bin t38_send_vs_sync`
//!
//! Expected output:
//! ```text
//! [   0.001s] ThreadId(2)  | moved a Cell into this thread: counted to 3
//! [   0.001s] main         | Cell moved in and back out: 3 (Send: one owner at a time)
//! [   0.002s] main         | AtomicU32 shared by 4 threads: 4000 (Sync: many users at once)
//! [   0.002s] main         | Mutex<Vec> shared by 4 threads: 4 entries (Sync, with a lock)
//! [   0.002s] main         | guard dropped on its own thread; the worker got the value 7, not the guard
//! [   0.002s] main         | Send: Cell yes, Rc no, MutexGuard no | Sync: Cell no, AtomicU32 yes, Mutex yes
//! ```

use std::cell::Cell;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;
use utilities::say;

/// Compiles only for `Send` types: the check `thread::spawn` makes on what it moves.
fn is_send<T: Send>() {}
/// Compiles only for `Sync` types: the check `Scope::spawn` makes on what its closure borrows.
fn is_sync<T: Sync>() {}

fn main() {
    utilities::output::start_clock();

    // 1. Moving a Cell into a thread: Cell<u32> is Send, so this compiles.
    let cell = Cell::new(0_u32);
    let cell = thread::spawn(move || {
        for _ in 0..3 {
            cell.set(cell.get() + 1); // only this thread can reach it now
        }
        say!("moved a Cell into this thread: counted to {}", cell.get());
        cell // and moved back out through join()
    })
    .join()
    .expect("the counting thread panicked");
    say!(
        "Cell moved in and back out: {} (Send: one owner at a time)",
        cell.get()
    );
    assert_eq!(cell.get(), 3);

    // 2. Sharing: the scoped threads below all borrow `hits` at once, which needs Sync.
    // A Cell here would not compile (tests/ui/t38_cell_shared_between_threads.rs).
    let hits = AtomicU32::new(0);
    let log = Mutex::new(Vec::new());
    thread::scope(|s| {
        for i in 0..4 {
            let (hits, log) = (&hits, &log);
            s.spawn(move || {
                for _ in 0..1000 {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
                log.lock().expect("no panics while locked").push(i);
            });
        }
    });
    // Relaxed is enough: the scope joined the threads, and a join makes all their writes visible.
    let hits = hits.load(Ordering::Relaxed);
    let entries = log.into_inner().expect("no panics while locked").len();
    say!("AtomicU32 shared by 4 threads: {hits} (Sync: many users at once)");
    say!("Mutex<Vec> shared by 4 threads: {entries} entries (Sync, with a lock)");
    assert_eq!((hits, entries), (4000, 4));

    // 3. A MutexGuard must be dropped on the thread that locked. Copy the value out instead.
    let shared = Mutex::new(7_u32);
    let value = {
        let guard = shared.lock().expect("no panics while locked");
        *guard
    }; // guard dropped here, on this thread: unlocked by the thread that locked it
    let got = thread::scope(|s| s.spawn(move || value).join().expect("no panic"));
    say!("guard dropped on its own thread; the worker got the value {got}, not the guard");
    assert_eq!(got, 7);

    // The rules themselves, checked at compile time (each line compiles only if the bound holds).
    is_send::<Cell<u32>>();
    is_sync::<AtomicU32>();
    is_sync::<Mutex<Vec<u32>>>();
    say!("Send: Cell yes, Rc no, MutexGuard no | Sync: Cell no, AtomicU32 yes, Mutex yes");
}
