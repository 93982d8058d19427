//! Producer-consumer with a channel: A, B, C arrive in FIFO order, then the consumer stops.
//!
//! Python original: the course notebook, Module 4A "11) Queue (best for producer-consumer patterns)" and Thread-safe
//! "Avoiding Shared State When Possible". Python's `queue.Queue` becomes `std::sync::mpsc`: the
//! producer owns the `Sender`, the consumer the `Receiver`, and the items move from one thread
//! to the other, so no data is shared and no lock is needed in user code. Two ways to say
//! "no more items":
//! 1. the Python original's `None` marker, as an `Option` message (`Some(item)` … `None`);
//! 2. the idiomatic one: the producer drops its `Sender`, and the consumer's `for` loop ends
//!    when the channel is empty and every sender is gone.
//!
//! Produced and consumed lines may interleave; the consumed ones are always in FIFO order, and
//! "Consumed: X" never comes before "Produced: X". That is why the producer prints *before* it
//! sends: the print finishes before `send`, and the consumer's `recv` returns only after that
//! `send`, so the two lines are ordered. Printing after `send` races the consumer, which may
//! already be printing "Consumed: X" (run it often enough and you see it).
//!
//! Run: `cargo run --bin t11_queue_producer_consumer`
//!
//! Expected output (the interleaving varies):
//! ```text
//! --- 1. a None marker ends the stream ---
//! [   0.000s] producer     | Produced: A
//! [   0.000s] producer     | Produced: B
//! [   0.000s] producer     | Produced: C
//! [   0.000s] consumer     | Consumed: A
//! [   0.000s] consumer     | Consumed: B
//! [   0.000s] consumer     | Consumed: C
//! [   0.000s] consumer     | Consumer: stopping
//! --- 2. dropping the Sender ends the stream ---
//! ... the same seven lines ...
//! ```

use std::sync::mpsc;
use threading_examples::spawn_named;
use utilities::say;

const ITEMS: [&str; 3] = ["A", "B", "C"];

fn main() {
    utilities::output::start_clock();

    println!("--- 1. a None marker ends the stream ---");
    let (tx, rx) = mpsc::channel::<Option<&str>>();
    let producer = spawn_named("producer", move || {
        for item in ITEMS {
            say!("Produced: {item}"); // before the send: once sent, the consumer may print
            tx.send(Some(item)).expect("consumer is alive");
        }
        tx.send(None).expect("consumer is alive"); // the special marker
    });
    let consumer = spawn_named("consumer", move || {
        let mut seen = Vec::new();
        // `recv` waits for the next item, like `q.get()`; it fails only if the producer is gone.
        while let Ok(Some(item)) = rx.recv() {
            say!("Consumed: {item}");
            seen.push(item);
        }
        say!("Consumer: stopping");
        seen
    });
    producer.join().expect("producer panicked");
    assert_eq!(consumer.join().expect("consumer panicked"), ITEMS);

    println!("--- 2. dropping the Sender ends the stream ---");
    let (tx, rx) = mpsc::channel::<&str>();
    let producer = spawn_named("producer", move || {
        for item in ITEMS {
            say!("Produced: {item}");
            tx.send(item).expect("consumer is alive");
        }
        // `tx` is dropped here, at the end of the closure: that is the "end of stream" signal.
    });
    let consumer = spawn_named("consumer", move || {
        let seen: Vec<&str> = rx.iter().inspect(|item| say!("Consumed: {item}")).collect();
        say!("Consumer: stopping");
        seen
    });
    producer.join().expect("producer panicked");
    assert_eq!(consumer.join().expect("consumer panicked"), ITEMS);
}
