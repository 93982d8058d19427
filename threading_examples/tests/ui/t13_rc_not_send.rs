// t13: `Rc` counts its owners without atomics, so two threads updating the count could corrupt
// it. `Rc` is therefore not `Send`, and `thread::spawn` refuses to move one into a thread (E0277).
// `Arc` is the thread-safe version.
use std::rc::Rc;

fn main() {
    let shared = Rc::new(5);
    let clone = Rc::clone(&shared);
    let handle = std::thread::spawn(move || *clone + 1);
    println!("{}", handle.join().unwrap());
}
