//! Naming threads for logs: `thread::Builder::name`, read back with `thread::current().name()`.
//!
//! Python original: the course notebook, Module 4A "4) Naming threads" and Essentials "Thread Naming". Every line this course
//! prints already shows the thread's name after the time; here the threads also print it
//! themselves. Differences from Python: a thread spawned without a name has *no* name
//! (`name()` is `None`; Python invents "Thread-N"), so `say!` shows its `ThreadId` instead; the
//! main thread is called "main" (Python: "`MainThread`"). The name is also given to the OS, so it
//! shows up in `top -H`, `gdb` and panic messages.
//!
//! Run: `cargo run --bin t04_thread_names`
//!
//! Expected output:
//! ```text
//! [   0.000s] Worker-1     | Running in: Worker-1
//! [   0.500s] WorkerThread | WorkerThread
//! [   0.501s] ThreadId(4)  | Unnamed thread: name() = None, id = ThreadId(4)
//! [   0.501s] main         | Main thread's name: main
//! ```

use std::thread;
use utilities::{say, sleep_secs};

fn main() {
    utilities::output::start_clock();

    let t = thread::Builder::new()
        .name("Worker-1".into())
        .spawn(|| {
            let me = thread::current();
            say!("Running in: {}", me.name().unwrap_or("<unnamed>"));
            sleep_secs(0.5);
        })
        .expect("cannot spawn");
    t.join().expect("Worker-1 panicked");

    thread::Builder::new()
        .name("WorkerThread".into())
        .spawn(|| say!("{}", thread::current().name().unwrap_or("<unnamed>")))
        .expect("cannot spawn")
        .join()
        .expect("WorkerThread panicked");

    // No name given: Rust does not make one up.
    thread::spawn(|| {
        let me = thread::current();
        say!(
            "Unnamed thread: name() = {:?}, id = {:?}",
            me.name(),
            me.id()
        );
    })
    .join()
    .expect("unnamed thread panicked");

    let main_name = thread::current().name().map(str::to_owned);
    say!(
        "Main thread's name: {}",
        main_name.as_deref().unwrap_or("<unnamed>")
    );
    assert_eq!(main_name.as_deref(), Some("main"));
}
