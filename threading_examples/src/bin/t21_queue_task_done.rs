//! Queue `task_done()` / `join()`: wait until every item was *processed*, not just received.
//!
//! Python original: the course notebook, Sync "Basic Queue Usage" (5 items, one every 0.5 s, daemon consumer, `task_done`)
//! and the the threads-vs-processes notes, Queue cell (put 1, 2, 3 → the first get returns 1). Rust channels have no
//! `task_done`/`join`, so this uses the crate's small `JoinableQueue` (a `Mutex<VecDeque>` and a
//! count of unfinished tasks with two `Condvar`s). The consumer is not a daemon: `close()` ends
//! its loop and main joins it.
//!
//! Bug in the Python original (the threads-vs-processes notes): `print(q.empty)` and `q.task_done` are written without `()`, so they only
//! name the methods; `task_done` never runs and `q.join()` hangs (the notebook ends in
//! `KeyboardInterrupt`). Even with the `()` the join would hang, because items 2 and 3 were never
//! taken. Ported as meant: call the methods and mark every item done.
//!
//! The producer prints "Produced i" *before* it puts the item: once the item is in the queue the
//! consumer may take it and print first, so printing after `put` could show "Consumed 0" above
//! "Produced 0". A timeline at the end draws one bar per item made and per item handled: the
//! consumer (0.8 s an item) falls behind the producer (0.5 s an item), and `join` waits for it.
//!
//! Run: `cargo run --bin t21_queue_task_done`
//!
//! Expected output (abridged; "Produced"/"Consumed" lines interleave):
//! ```text
//! First get: 1
//! q.empty() = false, unfinished tasks = 3
//! after 1 task_done: join would still wait for 2 unfinished task(s)
//! end
//! [   0.552s] producer     | Produced 0
//! [   0.552s] consumer     | Consumed 0
//! [   1.053s] producer     | Produced 1
//! ...
//! [   4.557s] main         | join returned: 5 of 5 items processed
//! Timeline: 0 → 4.505 s, one column = 0.113 s        (0 = when the producer started)
//! producer: make 0   |█████                                   | 0.000 → 0.501 s
//! producer: make 1   |    █████                               | 0.501 → 1.002 s
//! consumer: handle 0 |    ████████                            | 0.501 → 1.302 s
//! ...
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;
use threading_examples::joinable_queue::JoinableQueue;
use utilities::{Timeline, say, sleep_secs};

fn notes_queue_cell() {
    let q = JoinableQueue::new();
    q.put(1);
    q.put(2);
    q.put(3);
    let first = q.get().expect("three items were put");
    println!("First get: {first}"); // FIFO: 1 went in first
    println!(
        "q.empty() = {}, unfinished tasks = {}",
        q.is_empty(),
        q.unfinished()
    );
    q.task_done(); // the Python original wrote `q.task_done` (no call)
    let done = q.join_timeout(Duration::from_millis(50));
    println!(
        "after 1 task_done: join would still wait for {} unfinished task(s)",
        q.unfinished()
    );
    assert!(!done);
    while let Some(_rest) = q.try_get() {
        q.task_done();
    }
    q.join(); // returns now: every item put was marked done
    println!("end");
    assert_eq!(first, 1);
}

fn main() {
    utilities::output::start_clock();
    notes_queue_cell();

    let q = JoinableQueue::new();
    let processed = AtomicUsize::new(0);
    let timeline = Timeline::new();
    thread::scope(|s| {
        let consumer = thread::Builder::new()
            .name("consumer".into())
            .spawn_scoped(s, || {
                while let Some(item) = q.get() {
                    timeline.record(format!("consumer: handle {item}"), || {
                        say!("Consumed {item}");
                        sleep_secs(0.8); // processing takes longer than producing
                    });
                    processed.fetch_add(1, Ordering::SeqCst);
                    q.task_done();
                }
                say!("consumer: queue closed, stopping");
            })
            .expect("spawn consumer");
        let producer = thread::Builder::new()
            .name("producer".into())
            .spawn_scoped(s, || {
                for i in 0..5 {
                    timeline.record(format!("producer: make {i}"), || {
                        sleep_secs(0.5); // making an item takes time
                        say!("Produced {i}"); // before `put`: after it, the consumer may print first
                    });
                    q.put(i);
                }
            })
            .expect("spawn producer");
        producer.join().expect("producer panicked");
        say!("producer done; join() waits for the consumer to finish every item");
        q.join();
        let n = processed.load(Ordering::SeqCst);
        say!("join returned: {n} of 5 items processed");
        assert_eq!(n, 5, "join must return only after every task_done");
        q.close(); // replaces the daemon flag: the consumer's loop ends
        consumer.join().expect("consumer panicked");
    });
    timeline.print("t21: the producer makes an item every 0.5 s, the consumer needs 0.8 s");
}
