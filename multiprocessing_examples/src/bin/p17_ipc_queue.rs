//! IPC with a queue: a child computes 10 × 10 and sends the result to the parent.
//!
//! Python original: the course notebook, IPC "A) IPC using multiprocessing.Queue". The child cannot return a value to the
//! parent (separate memory), so it `put`s it into a [`ProcessQueue`] (the same type as `p06`):
//! the value is serialized with bincode, framed with its length, written into a pipe, and
//! decoded by the parent with a size limit. `get` blocks until the frame arrives.
//!
//! Run: `cargo run --bin p17_ipc_queue`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.003s] pid 1001    main         | Child: computed 10 * 10 = 100, sending it
//! [   0.004s] pid 1000    main         | Received from child: 100
//! ```

use multiprocessing_examples::frame::{ProcessQueue, QueueSender};
use multiprocessing_examples::spawn::{SelfCommand, child_role};
use utilities::say_pid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if child_role().is_some() {
        // The Python original's worker(out_q): runs inside the child process.
        let result: i32 = 10 * 10; // do some work in the child
        say_pid!("Child: computed 10 * 10 = {result}, sending it");
        QueueSender::<i32>::inherited(0)?.put(&result)?; // send the result to main
        return Ok(());
    }
    utilities::output::start_clock();
    let (out_q, mut results) = ProcessQueue::<i32>::new()?.split(); // safe between processes
    let mut p = SelfCommand::new("worker").pass_fd(&out_q)?.spawn()?; // give the queue to the child
    drop(out_q);
    let value = results.get()?; // main waits and receives data
    let status = p.wait()?; // ensure the child has finished (and reap it)
    assert!(status.success());
    say_pid!("Received from child: {value}");
    assert_eq!(value, 100);
    Ok(())
}
