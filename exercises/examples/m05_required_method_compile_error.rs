//! A type that lacks a required method is rejected — by the compiler, not at run time.
//!
//! Python original: the course notebook, Module 3 "Enforcing Rules at Class Creation Time" (`RequireMethodMeta`) and the course notebook
//! "Enforcement of the Contract" (PushNotification): Python raises
//! `TypeError: Classes must define a 'process' method` when the class statement runs (or when an
//! ABC subclass is instantiated). In Rust a trait method without a body is *required*; an `impl`
//! that leaves it out does not compile:
//!
//! ```text
//! error[E0046]: not all trait items implemented, missing: `process`
//!   |
//!   | impl Notification for PushNotification {}
//!   | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ missing `process` in implementation
//! ```
//!
//! That invalid type lives in `exercises/tests/ui/m05_missing_process.rs`; the test
//! `cargo test --test m3_compile_errors` compiles it and compares the error with the
//! checked-in `m05_missing_process.stderr`. Here, only valid types: they run.
//!
//! Run: `cargo run --example m05_required_method_compile_error`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | EmailNotification processed: Welcome
//! [   0.000s] main         | SmsNotification processed: Your OTP is 1234
//! [   0.000s] main         | a type without `process` does not compile (tests/ui/m05_missing_process.rs); rustc says, …
//! [   0.000s] main         |     error[E0046]: not all trait items implemented, missing: `process`
//! …
//! ```

/// The rule: every notification must define `process`. No body, so no way to skip it.
trait Notification {
    fn process(&self, message: &str) -> String;
}

struct EmailNotification;
struct SmsNotification;

impl Notification for EmailNotification {
    fn process(&self, message: &str) -> String {
        format!("EmailNotification processed: {message}")
    }
}

impl Notification for SmsNotification {
    fn process(&self, message: &str) -> String {
        format!("SmsNotification processed: {message}")
    }
}

/// Runs every valid notification type.
fn process_all() -> Vec<String> {
    let services: [(&dyn Notification, &str); 2] = [
        (&EmailNotification, "Welcome"),
        (&SmsNotification, "Your OTP is 1234"),
    ];
    services.iter().map(|(s, m)| s.process(m)).collect()
}

fn main() {
    utilities::output::start_clock();
    for line in process_all() {
        utilities::say!("{line}");
    }
    show_compiler_error();
}

/// The compiler's real error for the invalid program of this lesson: the snapshot
/// `tests/ui/m05_missing_process.stderr`, which `cargo test --test m3_compile_errors` compares with what
/// rustc prints today (so it cannot go stale). To watch rustc print it live:
/// `cargo test --test m3_compile_errors`, after changing the snapshot, shows the difference.
const COMPILER_ERROR: &str = include_str!("../tests/ui/m05_missing_process.stderr");

/// Prints [`COMPILER_ERROR`] line by line.
fn show_compiler_error() {
    utilities::say!(
        "a type without `process` does not compile (tests/ui/m05_missing_process.rs); rustc says, as `cargo test --test m3_compile_errors` checks:"
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
        assert_eq!(
            process_all(),
            [
                "EmailNotification processed: Welcome",
                "SmsNotification processed: Your OTP is 1234"
            ]
        );
        // The invalid type is checked by tests/m3_compile_errors.rs (E0046).
    }
}
