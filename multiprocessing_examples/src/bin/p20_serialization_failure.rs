//! What cannot be sent: a `File` is not `Serialize` (compile error); pass the descriptor instead.
//!
//! Python original: the course notebook, IPC "Not everything can be serialized (pickled)", "Example of a common
//! serialization failure" (`q.put(open("sample.txt", "w"))`) and Grokking Concurrency (ch. 4), "Pickling Limitation".
//!
//! 1. **Compile time.** `std::fs::File` does not implement `Serialize`, so
//!    `queue.put(&file)` does not compile at all (`tests/ui/file_not_serialize.rs` checks the
//!    error: "the trait bound `File: Serialize` is not satisfied"). A file handle is a number
//!    that means something only inside its own process; its bytes would be meaningless elsewhere.
//! 2. **Run time.** A type *can* implement `Serialize` and refuse at run time. `put` serializes
//!    in the calling thread, so the error comes back from that call and we print
//!    "Serialization failed: …". (Subtlety of the Python original: Python's `Queue.put` pickles later, in a feeder
//!    thread, so the Python original's `except` never runs and a traceback is printed instead.)
//! 3. **The right way** to give a child an open file: let it *inherit the descriptor*
//!    (`SelfCommand::pass_fd`). The child writes through it; the parent reads the file after
//!    waiting for the child.
//!
//! Run: `cargo run --bin p20_serialization_failure`
//!
//! Expected output (pids and paths vary):
//! ```text
//! [   0.000s] pid 1000    main         | Serialization failed: cannot serialize an open file handle (fd 3): pass it by inheritance instead
//! [   0.004s] pid 1001    main         | Child: writing through inherited descriptor 64
//! [   0.005s] pid 1000    main         | File now contains: "written by child 1001 through an inherited descriptor\n"
//! ```

use std::io::Write;
use std::os::fd::AsRawFd;

use bincode::error::EncodeError;
use multiprocessing_examples::frame::{FrameError, ProcessQueue};
use multiprocessing_examples::spawn::{SelfCommand, child_role, inherited_fd};
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use utilities::say_pid;

/// An open file that *claims* to be serializable, and refuses at run time.
struct OpenFile(std::fs::File);

impl Serialize for OpenFile {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom(format!(
            "cannot serialize an open file handle (fd {}): pass it by inheritance instead",
            self.0.as_raw_fd()
        )))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if child_role().is_some() {
        let fd = inherited_fd(0)?;
        say_pid!(
            "Child: writing through inherited descriptor {}",
            fd.as_raw_fd()
        );
        let mut file = std::fs::File::from(fd);
        writeln!(
            file,
            "written by child {} through an inherited descriptor",
            std::process::id()
        )?;
        return Ok(());
    }
    utilities::output::start_clock();
    let path = std::env::temp_dir().join(format!("p20-sample-{}.txt", std::process::id()));
    let f = std::fs::File::create(&path)?; // the Python original's open("sample.txt", "w")

    // 2. The runtime failure, caught at the call.
    let (mut q, _rx) = ProcessQueue::<OpenFile>::new()?.split();
    let handle = OpenFile(f);
    match q.put(&handle) {
        Err(FrameError::Encode(EncodeError::OtherString(msg))) => {
            say_pid!("Serialization failed: {msg}");
        }
        other => panic!("an open file must not serialize, got {other:?}"),
    }

    // 3. Inheritance: the child gets the open file itself (a duplicate descriptor).
    let mut child = SelfCommand::new("writer").pass_fd(&handle.0)?.spawn()?;
    let status = child.wait()?;
    assert!(status.success(), "child failed: {status}");
    drop(handle); // the Python original's f.close()
    let contents = std::fs::read_to_string(&path)?;
    std::fs::remove_file(&path)?;
    say_pid!("File now contains: {contents:?}");
    assert_eq!(
        contents,
        format!(
            "written by child {} through an inherited descriptor\n",
            child.id()
        )
    );
    Ok(())
}
