// t38: the guard is the locked state, and the thread that locked a mutex must be the one that
// unlocks it (dropping the guard). So `MutexGuard` is not `Send`: moving it into another thread
// is rejected (E0277, "cannot be sent between threads safely"). Send the data, not the guard.
use std::sync::Mutex;

fn main() {
    let shared = Mutex::new(7_u32);
    std::thread::scope(|s| {
        let guard = shared.lock().unwrap();
        s.spawn(move || println!("{}", *guard));
    });
}
