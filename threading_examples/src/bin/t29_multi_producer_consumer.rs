//! Several producers and consumers on one crossbeam MPMC channel: each item consumed once.
//!
//! Python original: the python-threads project, `threading_examples/producer_consumer.py` and the course notebook, Sync "Why Queues Are Preferred
//! Over Manual Locks". `std::sync::mpsc` has many senders but a single receiver, so several
//! consumers would need `Arc<Mutex<Receiver>>`. `crossbeam::channel` is multi-producer
//! multi-consumer: clone the `Receiver` too. Shutdown needs no sentinel per consumer: when every
//! `Sender` is dropped (each producer drops its clone when it returns, main drops the original),
//! each consumer's `for item in rx` loop ends after the channel is drained.
//!
//! Each producer prints "put N" *before* it sends N: once sent, a consumer may take it and print
//! "got N" first, so printing after the send could show "got 100" above "put 100". A timeline
//! draws one bar per thread: producers and consumers run at the same time, and the producers
//! (10 items, 0.05 s apart: 0.5 s) take ≈ 0.85 s, because the channel holds only 4 items and
//! the consumers (0.1 s an item) are slower: a full bounded channel makes `send` wait.
//!
//! Run: `cargo run --bin t29_multi_producer_consumer`
//!
//! Expected output (abridged; which consumer gets which item varies):
//! ```text
//! [   0.000s] producer-1   | put 100
//! [   0.000s] consumer-2   | got 100
//! ...
//! consumer-1 handled 10, consumer-2 handled 11, consumer-3 handled 9
//! produced 30 items (sum 6135), consumed 30 (sum 6135): every item exactly once: true
//! Timeline: 0 → 1.004 s, one column = 0.025 s
//! producer-1 |███████████████████████████████████     | 0.000 → 0.854 s
//! producer-3 |███████████████████████████████         | 0.000 → 0.754 s
//! producer-2 |███████████████████████████████████     | 0.000 → 0.854 s
//! consumer-1 |████████████████████████████████████████| 0.000 → 1.004 s
//! consumer-2 |████████████████████████████████████████| 0.000 → 1.004 s
//! consumer-3 |████████████████████████████████████████| 0.000 → 1.004 s
//! ```

use crossbeam::channel::bounded;
use std::collections::BTreeSet;
use std::thread;
use utilities::{Timeline, say, sleep_secs};

const PRODUCERS: u32 = 3;
const CONSUMERS: u32 = 3;
const PER_PRODUCER: u32 = 10;

fn main() {
    utilities::output::start_clock();
    let (tx, rx) = bounded::<u32>(4);
    let timeline = Timeline::new();
    let timeline = &timeline; // each `move` closure copies the reference
    let (produced, consumed) = thread::scope(|s| {
        let producers: Vec<_> = (1..=PRODUCERS)
            .map(|p| {
                let tx = tx.clone();
                thread::Builder::new()
                    .name(format!("producer-{p}"))
                    .spawn_scoped(s, move || {
                        let _bar = timeline.span(format!("producer-{p}"));
                        let mine: Vec<u32> = (0..PER_PRODUCER).map(|i| p * 100 + i).collect();
                        for &item in &mine {
                            say!("put {item}"); // before the send: once sent, a consumer may print
                            tx.send(item).expect("consumers alive");
                            sleep_secs(0.05);
                        }
                        mine
                    })
                    .expect("spawn producer")
            })
            .collect();
        drop(tx); // main's sender: now only the producers keep the channel open

        let consumers: Vec<_> = (1..=CONSUMERS)
            .map(|c| {
                let rx = rx.clone();
                thread::Builder::new()
                    .name(format!("consumer-{c}"))
                    .spawn_scoped(s, move || {
                        let _bar = timeline.span(format!("consumer-{c}"));
                        let mut got = Vec::new();
                        for item in rx {
                            say!("got {item}");
                            sleep_secs(0.1); // consuming is slower than producing
                            got.push(item);
                        }
                        got
                    })
                    .expect("spawn consumer")
            })
            .collect();

        let produced: Vec<u32> = producers
            .into_iter()
            .flat_map(|h| h.join().expect("producer panicked"))
            .collect();
        let consumed: Vec<Vec<u32>> = consumers
            .into_iter()
            .map(|h| h.join().expect("consumer panicked"))
            .collect();
        (produced, consumed)
    });

    let counts: Vec<String> = consumed
        .iter()
        .enumerate()
        .map(|(i, got)| format!("consumer-{} handled {}", i + 1, got.len()))
        .collect();
    println!("{}", counts.join(", "));
    let all: Vec<u32> = consumed.into_iter().flatten().collect();
    let unique: BTreeSet<u32> = all.iter().copied().collect();
    let (p_sum, c_sum) = (produced.iter().sum::<u32>(), all.iter().sum::<u32>());
    let exactly_once = unique.len() == all.len() && unique == produced.iter().copied().collect();
    println!(
        "produced {} items (sum {p_sum}), consumed {} (sum {c_sum}): every item exactly once: {exactly_once}",
        produced.len(),
        all.len()
    );
    assert!(exactly_once && p_sum == c_sum);
    assert_eq!(all.len(), (PRODUCERS * PER_PRODUCER) as usize);
    timeline.print("t29: three producers and three consumers on one channel, overlapping");
}
