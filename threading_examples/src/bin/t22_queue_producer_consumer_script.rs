//! Producer–consumer script: 3 items one second apart, end of input by dropping the sender.
//!
//! Python original: the course notebook, `queue_producer_consumer.py`. The Python producer puts `None` as an "end" marker;
//! in Rust the producer simply finishes and its `SyncSender` is dropped, which closes the
//! channel, so the consumer's `for item in rx` loop ends by itself. (`t11` shows the `Option`
//! sentinel too.) `sync_channel(1)` is a bounded queue: the producer could run at most one item
//! ahead.
//!
//! The timeline at the end shows the producer's three sends one second apart and the
//! consumer's loop, which ends right after the producer drops its sender.
//!
//! Run: `cargo run --bin t22_queue_producer_consumer_script`
//!
//! Expected output:
//! ```text
//! [   0.000s] producer     | Producing 0
//! [   0.000s] consumer     | Consuming 0
//! [   1.001s] producer     | Producing 1
//! [   1.001s] consumer     | Consuming 1
//! [   2.002s] producer     | Producing 2
//! [   2.002s] consumer     | Consuming 2
//! [   3.003s] consumer     | channel closed: consumer stops
//! Producer-consumer: Time taken: 3.003 s
//! ```

use std::sync::mpsc;
use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

fn main() {
    utilities::output::start_clock();
    let sw = Stopwatch::start();
    let (tx, rx) = mpsc::sync_channel::<u32>(1);
    let tl = std::sync::Arc::new(Timeline::new());
    let (tl_p, tl_c) = (tl.clone(), tl.clone());

    let producer = thread::Builder::new()
        .name("producer".into())
        .spawn(move || {
            for i in 0..3 {
                let _span = tl_p.span(format!("producer: send {i}, sleep 1 s"));
                say!("Producing {i}");
                tx.send(i).expect("the consumer is still receiving");
                sleep_secs(1.0);
            }
            // `tx` is dropped here: that is the end-of-input signal (Python's `q.put(None)`).
        })
        .expect("spawn producer");

    let consumer = thread::Builder::new()
        .name("consumer".into())
        .spawn(move || {
            let _span = tl_c.span("consumer: for item in rx (ends when tx is dropped)");
            let mut got = Vec::new();
            for item in rx {
                say!("Consuming {item}");
                got.push(item);
            }
            say!("channel closed: consumer stops");
            got
        })
        .expect("spawn consumer");

    producer.join().expect("producer panicked");
    let got = consumer.join().expect("consumer panicked");
    print_time_taken("Producer-consumer", sw.elapsed());
    tl.print("Producer-consumer: the consumer's loop ends when the producer is done");
    assert_eq!(got, [0, 1, 2], "FIFO, every item once");
}
