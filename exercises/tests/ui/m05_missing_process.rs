// Module 3, m05: PushNotification implements the trait but forgets the required `process`.
// Python: "TypeError: Classes must define a 'process' method". Rust: error E0046, at compile time.
trait Notification {
    fn process(&self, message: &str) -> String;
}

struct PushNotification;

impl Notification for PushNotification {}

fn main() {}
