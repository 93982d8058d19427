//! Pipes to a child's stdin and stdout (`sort`), and three children run in parallel.
//!
//! Python original: Effective Python (ch. 5), "This module also contains tools for managing the input and output streams for the
//! child process" and "Real world use cases: running other stuff on that computer, maybe git,
//! ffmpeg" (`subprocess.Popen(..., stdin=PIPE, stdout=PIPE)` + `communicate(input)`).
//!
//! 1. `sort` gets five words on stdin and returns them sorted on stdout.
//! 2. 1 MiB through `cat`. A pipe holds only 64 KiB. Writing everything before reading
//!    would deadlock: `cat` blocks writing to its full stdout, so it stops reading its stdin,
//!    and we block writing to that. So a thread writes stdin while the main thread reads stdout.
//!    `Child::wait_with_output` reads stdout and stderr to the end and reaps the child
//!    (Python's `communicate` does the same with threads or `select`).
//! 3. Three `sh` children sleep at the same time and exit with codes 0, 1, 2. All are started
//!    first, then all are waited for, so the whole batch takes about one sleep, not three.
//!
//! Only programs found on every Debian machine are used: `sort`, `cat`, `sh`, `sleep`.
//!
//! The timeline at the end shows the three children's bars side by side.
//!
//! Run: `cargo run --bin p37_subprocess_pipes`
//!
//! Expected output (scale 1.0):
//! ```text
//! [   0.000s] main         | sort input:  ["pear", "apple", "fig", "banana", "cherry"]
//! [   0.003s] main         | sort output: ["apple", "banana", "cherry", "fig", "pear"]
//! [   0.010s] main         | cat returned 1048576 bytes, identical to what we sent
//! [   0.010s] main         | Started 3 children in parallel, each sleeping 0.500 s
//! [   0.513s] main         | Exit codes: [0, 1, 2]
//! Parallel children: Time taken: 0.503 s
//! Three sleeps in a row would take 1.500 s
//! ```

use std::io::Write;
use std::process::{Command, Output, Stdio};

use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

/// Runs `program args…`, writes `input` to its stdin from a separate thread, and returns what
/// it printed once it has exited (the child is reaped).
fn communicate(mut cmd: Command, input: Vec<u8>) -> std::io::Result<Output> {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    let mut stdin = child.stdin.take().expect("stdin was set to piped");
    let writer = std::thread::spawn(move || {
        let result = stdin.write_all(&input);
        drop(stdin); // close the pipe: the child sees end-of-input
        result
    });
    let output = child.wait_with_output()?; // reads stdout to the end, then waits
    writer
        .join()
        .map_err(|_| std::io::Error::other("stdin writer panicked"))??;
    Ok(output)
}

fn main() -> std::io::Result<()> {
    utilities::output::start_clock();

    // 1. sort. LC_ALL=C: byte order, the same on every machine whatever its language settings.
    let words = ["pear", "apple", "fig", "banana", "cherry"];
    say!("sort input:  {words:?}");
    let mut sort = Command::new("sort");
    sort.env("LC_ALL", "C");
    let out = communicate(sort, format!("{}\n", words.join("\n")).into_bytes())?;
    let text = String::from_utf8_lossy(&out.stdout);
    let sorted: Vec<&str> = text.lines().collect();
    say!("sort output: {sorted:?}");
    assert!(out.status.success());
    assert_eq!(sorted, ["apple", "banana", "cherry", "fig", "pear"]);

    // 2. More data than a pipe can hold, both ways at once.
    let data: Vec<u8> = (0..1 << 20).map(|i: u32| (i % 251) as u8).collect();
    let out = communicate(Command::new("cat"), data.clone())?;
    assert!(out.status.success());
    assert_eq!(out.stdout, data);
    say!(
        "cat returned {} bytes, identical to what we sent",
        out.stdout.len()
    );

    // 3. Three children at once: start all, then collect all exit codes.
    let nap = secs(0.5);
    let tl = Timeline::new();
    let sw = Stopwatch::start();
    let mut children = Vec::new();
    for code in 0..3 {
        let span = tl.span(format!("child sh: sleep, exit {code} (start → reaped)"));
        // The values go in as positional parameters ($1, $2), never pasted into the script.
        let child = Command::new("sh")
            .args(["-c", r#"sleep "$1"; exit "$2""#, "sh"])
            .arg(format!("{:.3}", nap.as_secs_f64()))
            .arg(code.to_string())
            .spawn()?;
        children.push((span, child));
    }
    say!(
        "Started {} children in parallel, each sleeping {:.3} s",
        children.len(),
        nap.as_secs_f64()
    );
    let mut codes = Vec::new();
    for (span, mut child) in children {
        codes.push(child.wait()?.code().unwrap_or(-1)); // reaps each one
        drop(span);
    }
    let took = sw.elapsed();
    say!("Exit codes: {codes:?}");
    print_time_taken("Parallel children", took);
    println!(
        "Three sleeps in a row would take {:.3} s",
        (nap * 3).as_secs_f64()
    );
    tl.print("Three shell children sleeping in parallel");
    assert_eq!(
        tl.max_overlap(),
        3,
        "the three children were not alive together"
    );
    assert_eq!(codes, [0, 1, 2]);
    Ok(())
}
