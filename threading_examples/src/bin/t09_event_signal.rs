//! Event: one thread waits until another sets a flag (Python's `threading.Event`).
//!
//! Python original: the course notebook, Module 4A "9) Event" and Sync "Event: Signaling Between Threads" / "Using an Event".
//! The standard library has no `Event`, so this crate's lib builds one from a `Mutex<bool>` and
//! a `Condvar` (see `threading_examples::Event`): `set` stores `true` and wakes every waiter,
//! `wait` sleeps until the flag is `true`. It re-checks the flag after every wake-up, because a
//! `Condvar` may wake a thread spuriously, without a `notify`. An event is for *signalling*, not
//! for protecting data. The timeline at the end shows each waiting bar ending at the moment the
//! other thread calls `set`.
//!
//! Run: `cargo run --bin t09_event_signal`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] worker       | Worker: waiting for signal
//! [   1.000s] main         | Main: sending signal
//! [   1.000s] worker       | Worker: got signal, starting work
//! [   1.001s] waiter       | Waiting for event
//! [   3.001s] waiter       | Event received
//! Event wait: Time taken: 2.000 s
//! ```

use std::thread;
use threading_examples::{Event, spawn_scoped_named};
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

fn main() {
    utilities::output::start_clock();
    let tl = Timeline::new();

    // 4A "9) Event": main is the signaller.
    let ready = Event::new();
    thread::scope(|s| {
        spawn_scoped_named(s, "worker", || {
            say!("Worker: waiting for signal");
            tl.record("worker: ready.wait()", || ready.wait()); // blocks until the event is set
            say!("Worker: got signal, starting work");
        });
        tl.record("main: sleep 1 s, then ready.set()", || {
            sleep_secs(1.0);
            say!("Main: sending signal");
            ready.set();
        });
    });

    // Sync "Using an Event": two threads, the trigger sets it after 2 s.
    let event = Event::new();
    let waited = thread::scope(|s| {
        let waiter = spawn_scoped_named(s, "waiter", || {
            say!("Waiting for event");
            let sw = Stopwatch::start();
            tl.record("waiter: event.wait()", || event.wait());
            say!("Event received");
            sw.elapsed()
        });
        spawn_scoped_named(s, "trigger", || {
            tl.record("trigger: sleep 2 s, then event.set()", || {
                sleep_secs(2.0);
                event.set();
            });
        });
        waiter.join().expect("waiter panicked")
    });
    print_time_taken("Event wait", waited);
    tl.print("Event: each wait ends when the other thread calls set()");
    assert!(event.is_set());
}
