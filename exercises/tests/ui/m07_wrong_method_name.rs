// Module 3, m07: an implementation that names its method `deliver` while the contract says
// `send`. Python would fail only when `service.send(...)` runs; Rust rejects it at compile time.
trait NotificationService {
    fn send(&self, message: &str) -> String;
}

struct SmsNotification;

impl NotificationService for SmsNotification {
    fn deliver(&self, message: &str) -> String {
        format!("SMS sent: {message}")
    }
}

fn main() {}
