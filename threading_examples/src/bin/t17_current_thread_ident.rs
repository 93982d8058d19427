//! Who is running? `thread::current()` gives the name and a unique `ThreadId`; the OS has its own id.
//!
//! Python original: the course notebook, Essentials "Getting the Current Thread" (`current_thread().name`, `.ident`).
//! `thread::current().id()` is an opaque `ThreadId`, unique for the life of the process and
//! never reused (Python's `ident` may be reused after a thread ends). The kernel's thread id
//! (what `top -H` and `ps -L` show) comes from `gettid()`; for the main thread it equals the
//! process id. Unnamed spawned threads have no name (`None`), the main thread is "main".
//!
//! Run: `cargo run --bin t17_current_thread_ident`
//!
//! Expected output (ids vary):
//! ```text
//! [   0.000s] main         | name = Some("main"), id = ThreadId(1), OS tid = 4242 (pid 4242)
//! [   0.000s] ThreadId(2)  | name = None, id = ThreadId(2), OS tid = 4243 (pid 4242)
//! [   0.000s] ThreadId(3)  | name = None, id = ThreadId(3), OS tid = 4244 (pid 4242)
//! [   0.001s] helper       | name = Some("helper"), id = ThreadId(4), OS tid = 4245 (pid 4242)
//! [   0.001s] main         | Distinct ThreadIds: 4 of 4, distinct OS tids: 4 of 4
//! [   0.001s] main         | Main thread's OS tid equals the process id: true
//! ```

use std::collections::HashSet;
use std::thread::{self, ThreadId};
use threading_examples::spawn_named;
use utilities::say;

/// Prints and returns who is running this code.
fn whoami() -> (ThreadId, i32) {
    let me = thread::current();
    let tid = nix::unistd::gettid().as_raw();
    say!(
        "name = {:?}, id = {:?}, OS tid = {tid} (pid {})",
        me.name(),
        me.id(),
        std::process::id()
    );
    (me.id(), tid)
}

fn main() {
    utilities::output::start_clock();
    let main_ids = whoami();

    let mut all = vec![main_ids];
    for _ in 0..2 {
        all.push(thread::spawn(whoami).join().expect("thread panicked"));
    }
    all.push(
        spawn_named("helper", whoami)
            .join()
            .expect("helper panicked"),
    );

    let ids: HashSet<ThreadId> = all.iter().map(|(id, _)| *id).collect();
    let tids: HashSet<i32> = all.iter().map(|(_, tid)| *tid).collect();
    say!(
        "Distinct ThreadIds: {} of {}, distinct OS tids: {} of {}",
        ids.len(),
        all.len(),
        tids.len(),
        all.len()
    );
    let main_is_pid = u32::try_from(main_ids.1).is_ok_and(|t| t == std::process::id());
    say!("Main thread's OS tid equals the process id: {main_is_pid}");
    assert_eq!(ids.len(), all.len());
}
