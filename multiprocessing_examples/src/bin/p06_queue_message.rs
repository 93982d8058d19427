//! A child process sends a message back to its parent through a process-safe queue.
//!
//! Python original: the course notebook, 4B "F) Use multiprocessing.Queue for messages/results" and the course notebook, "Returning Results
//! From a Process" / "Using a Queue for Inter-Process Communication".
//!
//! [`ProcessQueue<T>`] is `multiprocessing.Queue` for one type `T`: an OS pipe carrying
//! length-prefixed bincode frames. The child inherits the write end (passed on purpose, as
//! an inherited descriptor), `put`s a `String`, and exits; the parent `get`s it, then waits for the child.
//! A third child sends 100 items: they arrive complete and in order, and the reader learns
//! that there are no more when the child's end closes. The reader checks every frame's length against a maximum before allocating, so a confused
//! or hostile child cannot make the parent allocate gigabytes.
//!
//! Run: `cargo run --bin p06_queue_message`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.004s] pid 1001    main         | Child: putting a message in the queue
//! [   0.005s] pid 1000    main         | Received: Hello from child process
//! [   0.009s] pid 1000    main         | Result from process
//! [   0.013s] pid 1000    main         | Received 100 items from one child: Some("item 0") … Some("item 99")
//! ```

use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
use multiprocessing_examples::spawn::{SelfCommand, child_role};
use utilities::say_pid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        // The Python original's `worker(q)`: `q.put(...)`. The queue is descriptor #0 passed to us.
        let mut q = QueueSender::<String>::inherited(0)?;
        match role.name.as_str() {
            "hello" => {
                say_pid!("Child: putting a message in the queue");
                q.put(&"Hello from child process".to_owned())?;
            }
            "result" => q.put(&"Result from process".to_owned())?,
            "hundred" => {
                for i in 0..100 {
                    q.put(&format!("item {i}"))?;
                }
            }
            other => return Err(format!("unknown role {other}").into()),
        }
        return Ok(());
    }
    utilities::output::start_clock();

    for (role, expected) in [
        ("hello", "Hello from child process"),
        ("result", "Result from process"),
    ] {
        let (tx, mut rx) = ProcessQueue::<String>::new()?.split();
        let mut child = SelfCommand::new(role).pass_fd(&tx)?.spawn()?; // p.start()
        drop(tx); // the child holds the only write end now
        let msg = rx.get()?; // blocks until the child has put something
        let status = child.wait()?; // p.join()
        assert!(status.success(), "child failed: {status}");
        if role == "hello" {
            say_pid!("Received: {msg}");
        } else {
            say_pid!("{msg}"); // the second Python original prints the bare message
        }
        assert_eq!(msg, expected);
    }

    // A queue is a stream: 100 items arrive complete and in order, then the end (the child
    // exited, so its write end closed).
    let (tx, mut rx) = ProcessQueue::<String>::new()?.split();
    let mut child = SelfCommand::new("hundred").pass_fd(&tx)?.spawn()?;
    drop(tx);
    let items = rx.iter().collect::<Result<Vec<_>, _>>()?;
    assert!(child.wait()?.success());
    say_pid!(
        "Received {} items from one child: {:?} … {:?}",
        items.len(),
        items.first(),
        items.last()
    );
    assert!(
        items
            .iter()
            .enumerate()
            .all(|(i, s)| *s == format!("item {i}"))
    );
    assert_eq!(items.len(), 100);
    Ok(())
}
