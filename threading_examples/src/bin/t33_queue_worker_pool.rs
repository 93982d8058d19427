//! Ten workers drain a queue; main waits until every item was handled (`WaitGroup`), then "endmain".
//!
//! Python original: the threads-vs-processes notes, "Example" (10 daemon workers, items 1..19, `q.join()`, then "endmain"). Python's
//! workers loop forever and are daemons, so the program can end while they block on `q.get()`;
//! `q.join()` waits for one `task_done()` per item. In Rust each item travels with a clone of a
//! `crossbeam::sync::WaitGroup`: a worker drops it when the item is handled, and
//! `wg.wait()` returns when every clone is gone, which is `task_done` + `join`. (`t21` shows the
//! same with the crate's `JoinableQueue`.) Then main drops the `Sender`: the channel closes, the
//! workers' loops end, and main joins them, so no daemons are needed.
//!
//! Run: `cargo run --bin t33_queue_worker_pool`
//!
//! The timeline at the end shows ten items handled at once, then the other nine, and main's
//! `wg.wait()` bar ending only after the last item.
//!
//! Expected output (abridged; which worker gets which item varies):
//! ```text
//! [   0.000s] Thread-1     | in Thread-1 got 1
//! [   0.000s] Thread-2     | in Thread-2 got 2
//! ...
//! [   0.500s] main         | all 19 items handled
//! endmain
//! [   0.500s] main         | workers joined: 10 (channel closed, no daemon threads needed)
//! ```

use crossbeam::channel::unbounded;
use crossbeam::sync::WaitGroup;
use std::sync::Mutex;
use std::thread;
use utilities::{Timeline, say, sleep_secs};

fn main() {
    utilities::output::start_clock();
    let (q, rx) = unbounded::<(u32, WaitGroup)>();
    let handled = Mutex::new(Vec::new());
    let num_threads = 10;
    let tl = Timeline::new();

    thread::scope(|s| {
        let workers: Vec<_> = (1..=num_threads)
            .map(|i| {
                let (rx, handled, tl) = (rx.clone(), &handled, &tl);
                thread::Builder::new()
                    .name(format!("Thread-{i}"))
                    .spawn_scoped(s, move || {
                        for (value, done) in rx {
                            let name = utilities::thread_label();
                            say!("in {name} got {value}");
                            tl.record(format!("{name}: item {value} (0.2 s)"), || {
                                sleep_secs(0.2); // processing
                            });
                            handled.lock().expect("lock").push(value);
                            drop(done); // task_done()
                        }
                    })
                    .expect("spawn worker")
            })
            .collect();

        let wg = WaitGroup::new();
        for i in 1..20 {
            q.send((i, wg.clone())).expect("workers alive");
        }
        tl.record("main: wg.wait()", || wg.wait()); // q.join(): every item was handled
        let n = handled.lock().expect("lock").len();
        say!("all {n} items handled");
        println!("endmain");

        drop(q); // close the queue: each worker's `for` loop ends
        let joined = workers
            .into_iter()
            .map(|w| w.join().expect("worker panicked"))
            .count();
        say!("workers joined: {joined} (channel closed, no daemon threads needed)");
    });

    tl.print("Ten workers drain 19 items; main waits for the last one");
    // q.join() returned only after the last item was done: main's wait is the last bar to end.
    let wait = tl
        .find("main: wg.wait()")
        .expect("main's wait was recorded");
    assert_eq!(
        wait.end,
        tl.end(),
        "main stopped waiting before every item was handled"
    );
    let mut handled = handled.into_inner().expect("no panics");
    handled.sort_unstable();
    assert_eq!(
        handled,
        (1..20).collect::<Vec<_>>(),
        "each item exactly once"
    );
}
