//! Cooperative cancellation: a thread can only be *asked* to stop (an `AtomicBool` flag, a channel).
//!
//! Python original: the threads-vs-processes notes, Threads disadvantages "Not interruptable/killable". Neither Python nor Rust can kill
//! a thread from outside (killing it mid-update would leave locks held and data half-written).
//! The worker must poll a shared `Arc<AtomicBool>` between slices of work, so it stops within
//! one poll interval after main sets the flag. A channel does better for waiting: the worker
//! sleeps with `recv_timeout`, which a stop message (or a dropped `Sender`) ends at once.
//! Processes *can* be killed from outside: see `multiprocessing` `p36`.
//!
//! The timeline at the end shows the worker's bar ending within one slice after main sets the
//! flag, and the waiter's 10 s timeout cut short at the stop message.
//!
//! Run: `cargo run --bin t34_cooperative_cancellation`
//!
//! Expected output (abridged):
//! ```text
//! [   0.000s] worker       | working in slices of 0.5 s, checking the flag between them
//! [   2.100s] main         | asking the worker to stop
//! [   2.501s] worker       | saw the stop flag after 5 slices: cleaning up
//! flag: stopped 0.401 s after the request (poll interval 0.500 s)
//! [   3.502s] main         | asking the waiting worker to stop
//! [   3.502s] waiter       | stop message received: leaving at once
//! channel: stopped 0.000 s after the request (its 10-second timeout was cut short)
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Instant;
use utilities::{Timeline, say, secs, sleep_secs};

const POLL: f64 = 0.5; // one slice of work, in simulated seconds

fn flag_demo(tl: &Arc<Timeline>) -> (f64, f64) {
    let stop = Arc::new(AtomicBool::new(false));
    let worker = {
        let (stop, tl) = (Arc::clone(&stop), Arc::clone(tl));
        thread::Builder::new()
            .name("worker".into())
            .spawn(move || {
                say!("working in slices of {POLL} s, checking the flag between them");
                let mut slices = 0;
                let _span = tl.span("flag: worker, 0.5 s slices until it sees the flag");
                while !stop.load(Ordering::Acquire) {
                    sleep_secs(POLL); // one slice of work; it cannot be interrupted midway
                    slices += 1;
                }
                let noticed = Instant::now();
                say!("saw the stop flag after {slices} slices: cleaning up");
                noticed
            })
            .expect("spawn worker")
    };
    tl.record("flag: main lets it work 2.1 s", || sleep_secs(2.1)); // not on a slice boundary
    say!("asking the worker to stop");
    let asked = Instant::now();
    stop.store(true, Ordering::Release);
    let noticed = tl
        .record("flag: flag set; main's join() waits", || worker.join())
        .expect("worker panicked");
    let latency = noticed.duration_since(asked).as_secs_f64();
    let poll = secs(POLL).as_secs_f64();
    println!("flag: stopped {latency:.3} s after the request (poll interval {poll:.3} s)");
    (latency, poll)
}

fn channel_demo(tl: &Arc<Timeline>) -> f64 {
    let (stop_tx, stop_rx) = mpsc::channel::<()>();
    let tl_waiter = Arc::clone(tl);
    let waiter = thread::Builder::new()
        .name("waiter".into())
        .spawn(move || {
            let _span = tl_waiter.span("channel: waiter, recv_timeout(10 s) cut short");
            // Wait up to 10 s for "something to do"; a stop message ends the wait at once.
            match stop_rx.recv_timeout(secs(10.0)) {
                Ok(()) | Err(RecvTimeoutError::Disconnected) => {
                    say!("stop message received: leaving at once");
                }
                Err(RecvTimeoutError::Timeout) => say!("timed out (nobody asked)"),
            }
            Instant::now()
        })
        .expect("spawn waiter");
    let waiting = tl.span("channel: main waits 1 s, then sends stop");
    sleep_secs(1.0);
    drop(waiting);
    say!("asking the waiting worker to stop");
    let asked = Instant::now();
    stop_tx.send(()).expect("waiter alive");
    let left = waiter.join().expect("waiter panicked");
    let latency = left.duration_since(asked).as_secs_f64();
    println!(
        "channel: stopped {latency:.3} s after the request (its 10-second timeout was cut short)"
    );
    latency
}

fn main() {
    utilities::output::start_clock();
    let tl = Arc::new(Timeline::new());
    let (latency, poll) = flag_demo(&tl);
    assert!(
        latency <= poll * 1.5,
        "stops within about one poll interval"
    );
    let latency = channel_demo(&tl);
    tl.print("Cooperative cancellation: asked to stop, the worker ends at its next check");
    assert!(
        latency < secs(10.0).as_secs_f64() / 2.0,
        "the message cut the wait short"
    );
}
