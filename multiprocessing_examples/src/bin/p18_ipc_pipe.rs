//! IPC with a duplex pipe between exactly two processes: "Hello from child", and a reply.
//!
//! Python original: the course notebook, IPC "B) IPC using multiprocessing.Pipe" and its "Pipe vs Queue" notes.
//! `multiprocessing.Pipe()` is duplex by default; its Rust twin here is [`Duplex`], a connected
//! pair of Unix stream sockets carrying size-limited bincode frames. The parent keeps one end,
//! the child inherits the other. Unlike the Python original, the conversation goes both ways: the child
//! says hello, the parent answers, the child reports the answer.
//!
//! Pipe vs Queue: a pipe connects exactly two endpoints with the least overhead; a queue
//! (`p06`, `p10`) can have many producers. A one-way OS pipe (`std::io::pipe()`, Python's
//! `Pipe(duplex=False)`) is what `ProcessQueue` uses.
//!
//! Run: `cargo run --bin p18_ipc_pipe`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.004s] pid 1000    main         | Message: Hello from child
//! [   0.004s] pid 1001    main         | Child: parent replied "Hello from parent"
//! [   0.005s] pid 1000    main         | Child closed its end; pipe finished
//! ```

use std::time::Duration;

use multiprocessing_examples::frame::{Duplex, FrameError};
use multiprocessing_examples::spawn::{SelfCommand, child_role};
use utilities::say_pid;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if child_role().is_some() {
        // conn is the child's end of the pipe.
        let mut conn = Duplex::<String>::inherited(0)?;
        conn.send(&"Hello from child".to_owned())?; // send a message to the parent
        let reply = conn.recv()?; // and, since the pipe is duplex, receive one
        say_pid!("Child: parent replied {reply:?}");
        return Ok(()); // dropping `conn` closes this end
    }
    utilities::output::start_clock();

    let (mut parent_conn, child_conn) = Duplex::<String>::pair()?;
    let mut p = SelfCommand::new("worker").pass_fd(&child_conn)?.spawn()?;
    drop(child_conn); // the child's end lives in the child only
    parent_conn.set_read_timeout(Some(Duration::from_secs(60)))?; // never hang forever
    let msg = parent_conn.recv()?; // blocks until the child has sent
    say_pid!("Message: {msg}");
    parent_conn.send(&"Hello from parent".to_owned())?;
    // The child exits after reading our reply: our next recv sees the closed end.
    let end = parent_conn.recv();
    assert!(matches!(end, Err(FrameError::Closed)), "{end:?}");
    let status = p.wait()?;
    say_pid!("Child closed its end; pipe finished");
    assert!(status.success());
    assert_eq!(msg, "Hello from child");
    Ok(())
}
