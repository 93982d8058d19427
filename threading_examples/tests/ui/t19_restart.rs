// t19: Python raises RuntimeError("threads can only be started once") at run time.
// In Rust, `Builder::spawn(self)` consumes the builder, so a second start does not compile.
use std::thread;

fn main() {
    let builder = thread::Builder::new().name("Worker-1".into());
    let first = builder.spawn(|| println!("Worker started")).unwrap();
    first.join().unwrap();
    let _again = builder.spawn(|| println!("Worker started again"));
}
