// t06: Python's race, ported literally with scoped threads. Both closures need `&mut counter`
// at the same time: two mutable borrows of one variable (E0499). Rust refuses the data race.
fn main() {
    let mut counter = 0_u64;
    std::thread::scope(|s| {
        s.spawn(|| {
            for _ in 0..100_000 {
                counter += 1;
            }
        });
        s.spawn(|| {
            for _ in 0..100_000 {
                counter += 1;
            }
        });
    });
    println!("Counter: {counter}");
}
