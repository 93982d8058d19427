//! Ten threads: start all, then join all; every worker runs.
//!
//! Python original: the threads-vs-processes notes, "Multithreading" (10 threads × `square_it`). Bug in the Python original: the Python appends each new
//! thread to `processes` (the list of the cell before), so its `threads` list stays empty and
//! the start/join loops do nothing: no thread ever runs. Ported as meant: the handles go into
//! `threads`, all are started, then all are joined. (The the threads-vs-processes notes, process cell has a twin bug,
//! `p.join()` instead of `i.join()`; see `multiprocessing_examples`.)
//!
//! Run: `cargo run --bin t31_ten_threads`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | started 10 threads
//! [   0.000s] square-0     | square_it done (sum of squares below 1000 = 332833500)
//! ... (×10, any order)
//! [   0.001s] main         | joined 10 threads; workers that ran: 10
//! end main
//! ```

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use utilities::say;

fn square_it() -> u64 {
    // `black_box` keeps the compiler from deleting a loop whose result is unused (the Python original
    // computes `i*i` and throws it away).
    (0..1000_u64).map(|i| black_box(i * i)).sum()
}

fn main() {
    utilities::output::start_clock();
    let number_threads = 10;
    let ran = Arc::new(AtomicUsize::new(0));
    let mut threads = Vec::new(); // the Python original's `threads` list, this time actually filled

    for i in 0..number_threads {
        let ran = Arc::clone(&ran);
        let t = thread::Builder::new()
            .name(format!("square-{i}"))
            .spawn(move || {
                let sum = square_it();
                ran.fetch_add(1, Ordering::SeqCst);
                say!("square_it done (sum of squares below 1000 = {sum})");
                sum
            })
            .expect("spawn"); // Rust threads start when created: no separate start loop
        threads.push(t);
    }
    say!("started {} threads", threads.len());

    for t in threads {
        let sum = t.join().expect("worker panicked");
        assert_eq!(sum, 332_833_500);
    }
    let n = ran.load(Ordering::SeqCst);
    say!("joined {number_threads} threads; workers that ran: {n}");
    println!("end main");
    assert_eq!(n, number_threads);
}
