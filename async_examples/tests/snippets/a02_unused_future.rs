// a02's trap: calling an `async fn` on a line of its own builds a future and drops it unpolled.
// It compiles, with the `unused_must_use` warning (checked by tests/examples.rs).
async fn hello() -> &'static str {
    "Hello"
}

fn main() {
    hello();
}
