//! One contract, two implementations: the client depends only on the trait.
//!
//! Python original: the course notebook, "Problem Statement Without an Interface", "Defining an Interface Using an Abstract
//! Base Class", "Creating Concrete Implementations" and "Using the Interface in Client Code":
//! `NotificationService` declares `send`; `EmailNotification` and `SMSNotification` implement
//! it; `notify(service, message)` works with either.
//!
//! Rust: `trait NotificationService`. The client comes in two forms: `notify(&dyn …)` (one
//! compiled function, a vtable call — Python's behaviour) and `notify_generic<S: …>(&S)` (one
//! copy per type, a direct call). Without the interface, two classes with *different* method
//! names (`send` vs `deliver`) make the client call a method that one of them lacks — Python
//! finds out when that line runs; Rust refuses to compile (see `tests/ui/m07_wrong_method_name.rs`).
//!
//! Run: `cargo run --example m07_notification_interface`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Email sent: Welcome
//! [   0.000s] main         | SMS sent: Your OTP is 1234
//! [   0.000s] main         | (generic) Email sent: Welcome
//! ```

/// The contract.
trait NotificationService {
    /// Sends `message`; returns what was done (the Python original prints it).
    fn send(&self, message: &str) -> String;
}

struct EmailNotification;
struct SmsNotification;

impl NotificationService for EmailNotification {
    fn send(&self, message: &str) -> String {
        format!("Email sent: {message}")
    }
}

impl NotificationService for SmsNotification {
    fn send(&self, message: &str) -> String {
        format!("SMS sent: {message}")
    }
}

/// The client, dynamic dispatch: works with any service, even ones written later.
fn notify(service: &dyn NotificationService, message: &str) -> String {
    service.send(message)
}

/// The client, static dispatch: the compiler makes one copy per service type.
fn notify_generic<S: NotificationService>(service: &S, message: &str) -> String {
    service.send(message)
}

fn main() {
    utilities::output::start_clock();
    let email = EmailNotification;
    let sms = SmsNotification;
    utilities::say!("{}", notify(&email, "Welcome"));
    utilities::say!("{}", notify(&sms, "Your OTP is 1234"));
    utilities::say!("(generic) {}", notify_generic(&email, "Welcome"));
    show_compiler_error();
}

/// The compiler's real error for the invalid program of this lesson: the snapshot
/// `tests/ui/m07_wrong_method_name.stderr`, which `cargo test --test m3_compile_errors` compares with what
/// rustc prints today (so it cannot go stale). To watch rustc print it live:
/// `cargo test --test m3_compile_errors`, after changing the snapshot, shows the difference.
const COMPILER_ERROR: &str = include_str!("../tests/ui/m07_wrong_method_name.stderr");

/// Prints [`COMPILER_ERROR`] line by line.
fn show_compiler_error() {
    utilities::say!(
        "a type that names its method `deliver` instead of `send` does not compile (tests/ui/m07_wrong_method_name.rs); rustc says, as `cargo test --test m3_compile_errors` checks:"
    );
    for line in COMPILER_ERROR.lines() {
        utilities::say!("    {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(notify(&EmailNotification, "Welcome"), "Email sent: Welcome");
        assert_eq!(
            notify(&SmsNotification, "Your OTP is 1234"),
            "SMS sent: Your OTP is 1234"
        );
        assert_eq!(notify_generic(&EmailNotification, "x"), "Email sent: x");
    }
}
