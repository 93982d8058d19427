//! Channels: a bounded one blocks a fast producer, `sync_channel(0)` is a rendezvous, `select!`.
//!
//! Python original: the python-threads project, `threading_examples/communication.py` and the course notebook, Sync "Choosing the Right
//! Synchronization Tool". Three behaviours, each measured:
//!
//! 1. `mpsc::sync_channel(2)`: a queue with room for 2. The third `send` **blocks** until the
//!    slow consumer takes an item (Python: `Queue(maxsize=2).put`). This is back-pressure.
//! 2. `mpsc::sync_channel(0)`: no room at all. `send` returns only when a receiver takes the item
//!    at that moment: a rendezvous (hand-over) between two threads.
//! 3. `crossbeam::channel::select!`: wait on two channels and take whichever is ready first.
//!    Python's `queue` has nothing like it (you would poll with timeouts).
//!
//! The timeline at the end shows the third `send` blocked until the consumer starts, the
//! rendezvous `send` lasting as long as the receiver's sleep, and the two `select!` senders.
//!
//! Run: `cargo run --bin t28_thread_communication`
//!
//! Expected output (abridged):
//! ```text
//! == 1. bounded channel (capacity 2), consumer starts after 1 s ==
//! [   0.000s] producer     | sent 0 after waiting 0.000 s
//! [   0.000s] producer     | sent 1 after waiting 0.000 s
//! [   1.001s] producer     | sent 2 after waiting 1.001 s
//! ...
//! bounded: first two sends waited 0.000 s and 0.000 s; the 3rd send blocked 1.001 s (until the consumer made room)
//! == 2. rendezvous: sync_channel(0), receiver arrives after 1 s ==
//! rendezvous: send returned after 1.001 s, when the receiver took the item
//! == 3. select! over two channels ==
//! select! picked: fast (after 0.500 s)
//! then: slow (after 1.500 s)
//! ```

use crossbeam::channel::{after, never, select, unbounded};
use std::sync::mpsc;
use std::thread;
use utilities::{Stopwatch, Timeline, say, secs, sleep_secs};

fn bounded_blocks_producer(tl: &Timeline) {
    println!("== 1. bounded channel (capacity 2), consumer starts after 1 s ==");
    let (tx, rx) = mpsc::sync_channel::<u32>(2);
    let waits = thread::scope(|s| {
        let producer = thread::Builder::new()
            .name("producer".into())
            .spawn_scoped(s, move || {
                let mut waits = Vec::new();
                for i in 0..4 {
                    let sw = Stopwatch::start();
                    tl.record(format!("1. producer: send({i})"), || tx.send(i))
                        .expect("consumer alive");
                    let waited = sw.elapsed().as_secs_f64();
                    say!("sent {i} after waiting {waited:.3} s");
                    waits.push(waited);
                }
                waits
            })
            .expect("spawn producer");
        thread::Builder::new()
            .name("consumer".into())
            .spawn_scoped(s, move || {
                tl.record("1. consumer: slow start (sleep 1 s)", || sleep_secs(1.0)); // the queue fills up
                for item in rx {
                    say!("received {item}");
                    let _span = tl.span(format!("1. consumer: handle {item} (0.2 s)"));
                    sleep_secs(0.2);
                }
            })
            .expect("spawn consumer");
        producer.join().expect("producer panicked")
    });
    println!(
        "bounded: first two sends waited {:.3} s and {:.3} s; the 3rd send blocked {:.3} s (until the consumer made room)",
        waits[0], waits[1], waits[2]
    );
    assert!(
        waits[2] > 5.0 * waits[0].max(waits[1]),
        "only the 3rd send waited"
    );
}

fn rendezvous(tl: &Timeline) {
    println!("== 2. rendezvous: sync_channel(0), receiver arrives after 1 s ==");
    let (tx, rx) = mpsc::sync_channel::<&str>(0);
    let sw = Stopwatch::start();
    let got = thread::scope(|s| {
        let receiver = s.spawn(move || {
            tl.record("2. receiver: sleep 1 s, then recv()", || {
                sleep_secs(1.0);
                rx.recv().expect("sender alive")
            })
        });
        tl.record("2. main: send() blocks until recv() takes it", || {
            tx.send("hand-over").expect("receiver alive");
        });
        say!(
            "rendezvous: send returned after {:.3} s, when the receiver took the item",
            sw.elapsed().as_secs_f64()
        );
        receiver.join().expect("receiver panicked")
    });
    assert_eq!(got, "hand-over");
    assert!(sw.elapsed() >= secs(1.0));
}

fn select_ready_first(tl: &Timeline) {
    println!("== 3. select! over two channels ==");
    let (fast_tx, fast_rx) = unbounded();
    let (slow_tx, slow_rx) = unbounded();
    let sw = Stopwatch::start();
    thread::scope(|s| {
        s.spawn(move || {
            tl.record("3. slow sender: sleep 1.5 s, send", || sleep_secs(1.5));
            slow_tx.send("slow").expect("main alive");
        });
        s.spawn(move || {
            tl.record("3. fast sender: sleep 0.5 s, send", || sleep_secs(0.5));
            fast_tx.send("fast").expect("main alive");
        });
        let (mut fast_rx, mut slow_rx) = (fast_rx, slow_rx);
        let give_up = after(secs(10.0)); // never wait forever
        let mut order = Vec::new();
        while order.len() < 2 {
            // Each round blocks until one of the channels has something or is closed. A channel
            // whose sender is gone is always "ready" with an error: swap in `never()` to stop
            // watching it.
            let got = select! {
                recv(fast_rx) -> msg => msg.map_err(|_| fast_rx = never()).ok(),
                recv(slow_rx) -> msg => msg.map_err(|_| slow_rx = never()).ok(),
                recv(give_up) -> _ => panic!("nothing arrived within 10 s"),
            };
            if let Some(msg) = got {
                let step = if order.is_empty() {
                    "select! picked"
                } else {
                    "then"
                };
                println!("{step}: {msg} (after {:.3} s)", sw.elapsed().as_secs_f64());
                order.push(msg);
            }
        }
        assert_eq!(order, ["fast", "slow"]);
    });
}

fn main() {
    utilities::output::start_clock();
    let tl = Timeline::new();
    bounded_blocks_producer(&tl);
    rendezvous(&tl);
    select_ready_first(&tl);
    tl.print("Channels: a full queue blocks send(), a rendezvous waits, select! takes the first");
}
