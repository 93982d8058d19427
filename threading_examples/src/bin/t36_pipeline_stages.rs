//! Three-stage pipeline over bounded channels: items pass in order; a fast stage cannot run ahead.
//!
//! Python original: Effective Python (ch. 5), "Use Queue to coordinate work between threads" (producer–consumer pipelines).
//! Stage 1 produces items instantly, stage 2 "fetches" each one (1 s), stage 3 "stores" it
//! (0.5 s). The stages are threads joined by `sync_channel(1)`: when the queue to stage 2 is
//! full, stage 1's `send` blocks (back-pressure), so it stays at most a couple of items ahead
//! instead of filling memory. End of input needs no sentinel: when a stage finishes, its `Sender`
//! is dropped, the next stage's `for` loop ends, and the closing travels downstream. The same
//! pipeline with an unbounded `channel()` is run for contrast: stage 1 races all the way ahead.
//!
//! Run: `cargo run --bin t36_pipeline_stages`
//!
//! Expected output (abridged):
//! ```text
//! == bounded queues (capacity 1) ==
//! [   3.004s] stage1-make  | all 5 items made; dropping my sender closes stage 2's input
//! [   5.507s] stage3-store | input closed: pipeline drained
//! bounded: stage 3 got [0, 1, 2, 3, 4] (each item through every stage once, in order)
//! bounded: stage 1 ran at most 2 items ahead of stage 2
//! Timeline: …   (store item 0 runs while fetch item 1 runs, and so on)
//! bounded: Time taken: 5.507 s
//! == unbounded queues ==
//! [   5.508s] stage1-make  | all 5 items made; dropping my sender closes stage 2's input
//! …
//! unbounded: stage 1 ran at most 5 items ahead of stage 2
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::thread;
use utilities::{Stopwatch, Timeline, print_time_taken, say, sleep_secs};

const ITEMS: usize = 5;

/// The sending half of either kind of channel.
trait Put<T> {
    fn put(&self, item: T);
}
impl<T> Put<T> for SyncSender<T> {
    fn put(&self, item: T) {
        self.send(item).expect("next stage alive"); // blocks while the queue is full
    }
}
impl<T> Put<T> for Sender<T> {
    fn put(&self, item: T) {
        self.send(item).expect("next stage alive"); // never blocks
    }
}

/// Runs the three stages; returns what stage 3 received and how far stage 1 got ahead.
fn pipeline<S1, S2>(
    label: &str,
    (tx1, rx1): (S1, Receiver<String>),
    (tx2, rx2): (S2, Receiver<String>),
    timeline: &Timeline,
) -> (Vec<usize>, usize)
where
    S1: Put<String> + Send,
    S2: Put<String> + Send,
{
    let produced = AtomicUsize::new(0);
    let taken_by_stage2 = AtomicUsize::new(0);
    let max_ahead = AtomicUsize::new(0);
    let done = thread::scope(|s| {
        let (produced, taken, max_ahead) = (&produced, &taken_by_stage2, &max_ahead);
        thread::Builder::new()
            .name("stage1-make".into())
            .spawn_scoped(s, move || {
                for i in 0..ITEMS {
                    tx1.put(format!("item {i}"));
                    let p = produced.fetch_add(1, Ordering::SeqCst) + 1;
                    max_ahead.fetch_max(p - taken.load(Ordering::SeqCst), Ordering::SeqCst);
                }
                say!("all {ITEMS} items made; dropping my sender closes stage 2's input");
            })
            .expect("spawn stage 1");
        thread::Builder::new()
            .name("stage2-fetch".into())
            .spawn_scoped(s, move || {
                for item in rx1 {
                    taken.fetch_add(1, Ordering::SeqCst);
                    timeline.record(format!("fetch  {item}"), || sleep_secs(1.0));
                    tx2.put(format!("{item} fetched"));
                }
            })
            .expect("spawn stage 2");
        let stage3 = thread::Builder::new()
            .name("stage3-store".into())
            .spawn_scoped(s, move || {
                let mut order = Vec::new();
                for item in rx2 {
                    let n: usize = item
                        .split(' ')
                        .nth(1)
                        .and_then(|n| n.parse().ok())
                        .expect("items are named `item N`");
                    timeline.record(format!("store  item {n}"), || sleep_secs(0.5));
                    order.push(n);
                }
                say!("input closed: pipeline drained");
                order
            })
            .expect("spawn stage 3");
        stage3.join().expect("stage 3 panicked")
    });
    let ahead = max_ahead.load(Ordering::SeqCst);
    println!("{label}: stage 3 got {done:?} (each item through every stage once, in order)");
    println!("{label}: stage 1 ran at most {ahead} items ahead of stage 2");
    (done, ahead)
}

fn main() {
    utilities::output::start_clock();
    println!("== bounded queues (capacity 1) ==");
    let sw = Stopwatch::start();
    let timeline = Timeline::with_origin(sw.started_at());
    let (order, ahead_bounded) = pipeline(
        "bounded",
        mpsc::sync_channel(1),
        mpsc::sync_channel(1),
        &timeline,
    );
    timeline.print("Three-stage pipeline: each stage works on the next item at once");
    print_time_taken("bounded", sw.elapsed());
    assert_eq!(order, (0..ITEMS).collect::<Vec<_>>());
    // One item in the queue + one in stage 2's hands (+ one counted a moment early).
    assert!(ahead_bounded <= 3, "the bounded queue held stage 1 back");

    println!("== unbounded queues ==");
    let (order, ahead_unbounded) = pipeline(
        "unbounded",
        mpsc::channel(),
        mpsc::channel(),
        &Timeline::new(),
    );
    assert_eq!(order, (0..ITEMS).collect::<Vec<_>>());
    assert!(
        ahead_unbounded > ahead_bounded,
        "nothing holds an unbounded stage 1 back"
    );
}
