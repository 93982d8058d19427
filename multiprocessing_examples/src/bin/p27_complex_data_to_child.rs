//! A dict and a list, as typed structs, sent to a child that computes a result and prints it as JSON.
//!
//! Python original: Grokking Concurrency (ch. 4), "Example: Sending Complex Data to Child Processes" (`process_data(user_data,
//! settings)`). The Python dict `{'name': 'Alice', 'age': 30, 'email': …}` becomes a struct
//! `User` (a misspelt key is a compile error, not a `KeyError` in the child), the list of
//! settings a `Vec<String>`. Both go to the child as one bincode frame on its stdin; the child
//! prints what it received and its result, serialized with `serde_json` like the Python original's
//! `json.dumps(result)`.
//!
//! Run: `cargo run --bin p27_complex_data_to_child`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.003s] pid 1001    main         | Child process 1001 received:
//! [   0.003s] pid 1001    main         |   User: Alice, Age: 30
//! [   0.003s] pid 1001    main         |   Settings: debug=True, log_level=info, max_connections=100
//! [   0.003s] pid 1001    main         | Processing result: {"processed_by":1001,"user_age_in_months":360,"settings_count":3}
//! [   0.004s] pid 1000    main         | Parent: child finished with exit status: 0
//! ```

use std::io::Write;
use std::process::Stdio;

use multiprocessing_examples::frame::{read_frame, write_frame};
use multiprocessing_examples::spawn::{SelfCommand, child_role};
use serde::{Deserialize, Serialize};
use utilities::say_pid;

#[derive(Debug, Serialize, Deserialize)]
struct User {
    name: String,
    age: u32,
    email: String,
}

/// `args=(user, app_settings)`.
#[derive(Debug, Serialize, Deserialize)]
struct Job {
    user: User,
    settings: Vec<String>,
}

#[derive(Debug, Serialize)]
struct ProcessingResult {
    processed_by: u32,
    user_age_in_months: u32,
    settings_count: usize,
}

/// The Python original's `process_data(user_data, settings)`.
fn process_data(user: &User, settings: &[String]) -> serde_json::Result<()> {
    say_pid!("Child process {} received:", std::process::id());
    say_pid!("  User: {}, Age: {}", user.name, user.age);
    say_pid!("  Settings: {}", settings.join(", "));
    let result = ProcessingResult {
        processed_by: std::process::id(),
        user_age_in_months: user.age * 12,
        settings_count: settings.len(),
    };
    say_pid!("Processing result: {}", serde_json::to_string(&result)?);
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if child_role().is_some() {
        let job: Job = read_frame(&mut std::io::stdin().lock())?; // size-limited decode
        process_data(&job.user, &job.settings)?;
        return Ok(());
    }
    utilities::output::start_clock();
    let job = Job {
        user: User {
            name: "Alice".into(),
            age: 30,
            email: "alice@example.com".into(),
        },
        settings: ["debug=True", "log_level=info", "max_connections=100"]
            .map(String::from)
            .to_vec(),
    };
    let mut p = SelfCommand::new("process_data")
        .stdin(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = p.stdin.take() {
        write_frame(&mut stdin, &job)?;
        stdin.flush()?;
    }
    let status = p.wait()?; // p.join()
    say_pid!("Parent: child finished with {status}");
    assert!(status.success());
    Ok(())
}
