// "can't pickle a file handle", in Rust: an open `File` is not `Serialize`, so it cannot be
// turned into a frame (or put into a `ProcessQueue`) at all. The compiler says so.
fn main() {
    let file = std::fs::File::open("/dev/null").unwrap();
    let _bytes = multiprocessing_examples::frame::encode(&file);
}
