//! Getting results back from threads: through a channel (Python's `Queue`) or from `join()`.
//!
//! Python original: the course notebook, Module 4A "3) Getting results back from threads". Python threads cannot return a
//! value, so the Python original passes a `Queue` to each thread. An `mpsc` channel plays that role here:
//! every worker gets a clone of the `Sender`, main reads from the `Receiver`. The results arrive
//! in the order the threads finish, which may vary. Rust also has a shortcut Python lacks:
//! `JoinHandle<T>::join()` returns the thread's return value, in the order you join.
//!
//! Run: `cargo run --bin t03_results_from_threads`
//!
//! Expected output (the first line may read "16 9"):
//! ```text
//! [   0.001s] main         | Results: 9 16
//! [   0.001s] main         | Results via join(): 9 16
//! ```

use std::sync::mpsc;
use std::thread;
use utilities::say;

fn square(n: u64, out: &mpsc::Sender<u64>) {
    // `send` fails only if the receiver is gone; then nobody wants the result anyway.
    let _ = out.send(n * n);
}

fn main() {
    utilities::output::start_clock();

    // 1. The Python original's way: a thread-safe queue that every worker writes into.
    let (tx, rx) = mpsc::channel();
    let workers: Vec<_> = [3, 4]
        .into_iter()
        .map(|n| {
            let tx = tx.clone();
            thread::spawn(move || square(n, &tx))
        })
        .collect();
    drop(tx); // keep no Sender here, so `rx` ends once the workers are done
    for w in workers {
        w.join().expect("a worker panicked");
    }
    let results: Vec<u64> = rx.iter().collect();
    let shown: Vec<String> = results.iter().map(u64::to_string).collect();
    say!("Results: {}", shown.join(" "));

    // 2. The Rust shortcut: a thread's return value comes back through `join()`.
    let handles: Vec<thread::JoinHandle<u64>> = [3_u64, 4]
        .into_iter()
        .map(|n| thread::spawn(move || n * n))
        .collect();
    let joined: Vec<u64> = handles
        .into_iter()
        .map(|h| h.join().expect("a worker panicked"))
        .collect();
    say!("Results via join(): {} {}", joined[0], joined[1]);

    let mut sorted = results;
    sorted.sort_unstable();
    assert_eq!(sorted, [9, 16]);
    assert_eq!(joined, [9, 16], "join order is the spawn order");
}
