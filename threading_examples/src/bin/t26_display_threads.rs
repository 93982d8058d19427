//! Count live threads from `/proc/self/task` (Linux): 1 before starting 5 workers, 6 after.
//!
//! Python original: Grokking Concurrency (ch. 4), "Multithreading Example" (`multithreading.py`: `cpu_water`, `display_threads`).
//! Python's `threading.active_count()` and `threading.enumerate()` list the threads the
//! `threading` module knows about. Rust's standard library has **no** such list: a
//! `JoinHandle` is the only record of a thread. The honest equivalent on Linux is to ask the
//! kernel, which lists every thread of this process as a directory in `/proc/self/task/<tid>`,
//! with the thread's name in `comm` (Rust sets it from `Builder::name`, cut to 15 bytes). This
//! works on Linux only, and it also counts threads that libraries start behind your back.
//!
//! The Python starts 5 threads and never joins them, relying on non-daemon threads keeping the
//! program alive. Rust threads don't keep a process alive (see `t05`, `t20`), so main joins them.
//!
//! The timeline at the end shows main counting while the five threads' bars overlap.
//!
//! Run: `cargo run --bin t26_display_threads`
//!
//! Expected output (abridged; pid and tids vary):
//! ```text
//! ----------------------------------------
//! Current process ID: 4242
//! Active threads count: 1
//! Thread details:
//!   tid 4242 "t26_display_thr"
//! [   0.000s] main         | [main]Starting 5 CPU water threads.
//! [   0.000s] Thread-1     | Thread Thread-1 with ID 0 starting.
//! ... (×5)
//! Active threads count: 6
//! ...
//! [   3.001s] main         | all joined; Active threads count: 1
//! ```

use std::fs;
use std::sync::Arc;
use std::thread;
use utilities::{Timeline, say, sleep_secs};

/// (tid, name) of every thread of this process, read from the kernel.
fn live_threads() -> Vec<(u32, String)> {
    let Ok(dir) = fs::read_dir("/proc/self/task") else {
        return Vec::new(); // not Linux: there is nothing to read
    };
    let mut threads: Vec<(u32, String)> = dir
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let tid = entry.file_name().to_str()?.parse().ok()?;
            let comm = fs::read_to_string(entry.path().join("comm")).unwrap_or_default();
            Some((tid, comm.trim_end().to_owned()))
        })
        .collect();
    threads.sort();
    threads
}

fn display_threads() -> usize {
    let threads = live_threads();
    println!("{}", "-".repeat(40));
    println!("Current process ID: {}", std::process::id());
    println!("Active threads count: {}", threads.len());
    println!("Thread details:");
    for (tid, name) in &threads {
        println!("  tid {tid} {name:?}");
    }
    threads.len()
}

fn cpu_water(id: usize, tl: &Timeline) {
    let name = utilities::thread_label();
    let _span = tl.span(format!("{name}: cpu_water (sleep 3 s)"));
    say!("Thread {name} with ID {id} starting.");
    sleep_secs(3.0); // "CPU water" is simulated with a sleep, as in the Python original
}

fn main() {
    utilities::output::start_clock();
    if !std::path::Path::new("/proc/self/task").exists() {
        println!("/proc/self/task is missing: this example needs Linux");
        return;
    }
    let before = display_threads();
    let num_threads = 5;
    let tl = Arc::new(Timeline::new());
    say!("[main]Starting {num_threads} CPU water threads.");
    let handles: Vec<_> = (0..num_threads)
        .map(|i| {
            thread::Builder::new()
                .name(format!("Thread-{}", i + 1)) // Python's default names
                .spawn({
                    let tl = Arc::clone(&tl);
                    move || cpu_water(i, &tl)
                })
                .expect("spawn")
        })
        .collect();
    let during = tl.record("main: counts live threads", display_threads);

    for h in handles {
        h.join().expect("worker panicked");
    }
    // `join` returns once the thread has finished; the kernel may need a moment more to remove
    // its /proc entry, so look again briefly before reporting.
    let mut after = live_threads().len();
    for _ in 0..100 {
        if after == before {
            break;
        }
        thread::sleep(std::time::Duration::from_millis(1));
        after = live_threads().len();
    }
    say!("all joined; Active threads count: {after}");
    tl.print("Five threads alive at once, counted while they sleep");
    assert_eq!((before, during, after), (1, 1 + num_threads, 1));
}
