//! Several child processes write into one queue; the parent collects every result, in any order.
//!
//! Python original: the course notebook, "Multiple Processes Using a Queue" (five children put `i*i`) and the threads-vs-processes notes, "using Queue
//! as process safe data exchange" (one child puts squares of 1..5, another their negatives).
//!
//! All children share one pipe. That is safe because a frame here is a few bytes and the kernel
//! writes up to `PIPE_BUF` (4096) bytes to a pipe atomically, so frames from different children
//! never interleave. (For bigger messages give each child its own queue.)
//!
//! **Subtlety of the Python original:** both Python originals drain with `while not q.empty(): q.get()`. `empty()` is only a
//! snapshot: a result still in flight (Python's queue has a feeder thread) is missed, and the
//! loop stops early. Here the parent drops its own write end and reads until *every* writer
//! has closed (`recv()` returns `None`), so it gets exactly all results, then reaps the children.
//!
//! The timeline after the first part shows the five producers alive together and the parent
//! reading until the last one closed its end of the queue.
//!
//! Run: `cargo run --bin p10_queue_many_producers`
//!
//! Expected output (the order of results varies):
//! ```text
//! [   0.006s] pid 1000    main         | Received 5 results in arrival order: [0, 1, 4, 16, 9]
//! [   0.006s] pid 1000    main         | Sorted: [0, 1, 4, 9, 16]
//! --- the threads-vs-processes notes: square and make_negative into one queue ---
//! [   0.012s] pid 1000    main         | Received: [1, 4, 9, 16, 25, -1, -2, -3, -4, -5]
//! [   0.012s] pid 1000    main         | As a multiset: [-5, -4, -3, -2, -1, 1, 4, 9, 16, 25]
//! ```

use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use utilities::{Timeline, say_pid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        let mut q = QueueSender::<i64>::inherited(0)?;
        match role.name.as_str() {
            "square_one" => {
                let num: i64 = role.parse_arg(0)?;
                q.put(&(num * num))?;
            }
            // the threads-vs-processes notes's `square(numbers, queue)` and `make_negative(numbers, queue)`.
            "square" => (1..=5).try_for_each(|i| q.put(&(i * i)))?,
            "make_negative" => (1..=5).try_for_each(|i| q.put(&(-i)))?,
            other => return Err(format!("unknown role {other}").into()),
        }
        return Ok(());
    }
    utilities::output::start_clock();

    // the course notebook: five children, one result each.
    let tl = Timeline::new();
    let (tx, mut rx) = ProcessQueue::<i64>::new()?.split();
    let mut children = Vec::new();
    for i in 0..5 {
        let span = tl.span(format!("child square_one({i}): start → reaped"));
        let c = SelfCommand::new("square_one")
            .arg(i.to_string())
            .pass_fd(&tx)?
            .spawn()?;
        children.push((span, Reaped::new(c)));
    }
    drop(tx); // otherwise our own write end keeps the pipe open forever
    let results = tl.record("parent: reads the queue until it closes", || {
        rx.iter().collect::<Result<Vec<i64>, _>>()
    })?; // until every child closed it
    for (span, c) in children {
        assert!(c.wait()?.success());
        drop(span);
    }
    tl.print("Five producer processes, one queue, one reader");
    say_pid!(
        "Received {} results in arrival order: {results:?}",
        results.len()
    );
    let mut sorted = results.clone();
    sorted.sort_unstable();
    say_pid!("Sorted: {sorted:?}");
    assert_eq!(sorted, [0, 1, 4, 9, 16]);

    // the threads-vs-processes notes: two producers with five results each.
    println!("--- the threads-vs-processes notes: square and make_negative into one queue ---");
    let (tx, mut rx) = ProcessQueue::<i64>::new()?.split();
    let p1 = Reaped::new(SelfCommand::new("square").pass_fd(&tx)?.spawn()?);
    let p2 = Reaped::new(SelfCommand::new("make_negative").pass_fd(&tx)?.spawn()?);
    drop(tx);
    let results = rx.iter().collect::<Result<Vec<i64>, _>>()?;
    assert!(p1.wait()?.success() && p2.wait()?.success());
    say_pid!("Received: {results:?}");
    let mut multiset = results;
    multiset.sort_unstable();
    say_pid!("As a multiset: {multiset:?}");
    assert_eq!(multiset, [-5, -4, -3, -2, -1, 1, 4, 9, 16, 25]);
    Ok(())
}
