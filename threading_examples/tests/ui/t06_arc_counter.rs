// t06: sharing the counter through an `Arc` instead. An `Arc` hands out shared references only,
// and a shared reference to a plain integer cannot assign (E0594). It needs an atomic or a Mutex.
use std::sync::Arc;

fn main() {
    let counter = Arc::new(0_u64);
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let counter = Arc::clone(&counter);
            std::thread::spawn(move || {
                for _ in 0..100_000 {
                    *counter += 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    println!("Counter: {counter}");
}
