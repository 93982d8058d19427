// t19: `JoinHandle::join(self)` consumes the handle, so a thread cannot be joined twice.
fn main() {
    let handle = std::thread::spawn(|| 42);
    let first = handle.join().unwrap();
    let second = handle.join().unwrap();
    assert_eq!(first, second);
}
