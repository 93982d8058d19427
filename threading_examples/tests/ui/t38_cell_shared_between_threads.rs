// t38: a `Cell` changes its contents through a shared `&` without any lock, so it is not `Sync`:
// two scoped threads borrowing the same `Cell` is rejected (E0277, "cannot be shared between
// threads safely"). Moving it into ONE thread is fine (t38 does that); sharing needs an atomic
// or a Mutex.
use std::cell::Cell;

fn main() {
    let counter = Cell::new(0_u32);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| counter.set(counter.get() + 1));
        }
    });
    println!("{}", counter.get());
}
