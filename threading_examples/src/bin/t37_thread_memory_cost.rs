//! What a thread costs: 2 MiB of reserved stack, a few KiB really used (RSS), and its spawn time.
//!
//! Python original: Effective Python (ch. 5), "Consider coroutines…" ("threads require a lot of memory (~8 MB per thread)"; "the
//! main cost is starting them") and the course notebook, "Resource Usage Comparison". The 8 MB is the *main*
//! thread's stack limit on Linux (`ulimit -s`), which is also what glibc gives new threads by
//! default. A thread spawned by Rust gets a **2 MiB** stack unless you ask otherwise
//! (`thread::Builder::stack_size`, or the `RUST_MIN_STACK` environment variable). And that
//! stack is only *reserved* address space (`VmSize` grows by ≈ the stack size per thread): the
//! kernel gives it real memory one 4 KiB page at a time when it is touched, so the resident
//! memory (`VmRSS`) of an idle thread is a few KiB. Both numbers come from `/proc/self/status`
//! (Linux). The numbers are measured in a child run of this program with two glibc caches
//! switched off (see `TUNABLES`), so that they show the stacks alone. The full sweep against
//! processes and async tasks is in `comparison` `c05`/`c06`.
//!
//! Run: `cargo run --bin t37_thread_memory_cost`
//!
//! Expected output (numbers vary by machine):
//! ```text
//! main thread stack limit (ulimit -s): 8192 KiB; Rust's default for spawned threads: 2048 KiB
//! 200 idle threads, default stack (2048 KiB): VmSize +2064 KiB/thread, VmRSS +8 KiB/thread, spawn 43 µs/thread
//! 200 idle threads, stack_size(64 KiB): VmSize +80 KiB/thread, VmRSS +8 KiB/thread, spawn 44 µs/thread
//! an idle thread keeps 0.4% of the 2048 KiB it reserves in memory
//! ```

use crossbeam::channel::unbounded;
use std::fs;
use std::thread;
use std::time::Instant;

/// Rust's default stack for spawned threads (documented in `std::thread`, "Stack size").
const RUST_DEFAULT_STACK_KIB: u64 = 2048;

/// A `kB` field of `/proc/self/status`, e.g. `VmRSS`.
fn status_kib(field: &str) -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
}

/// The soft "Max stack size" of this process in KiB (what `ulimit -s` shows).
fn stack_limit_kib() -> Option<u64> {
    let limits = fs::read_to_string("/proc/self/limits").ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max stack size"))?;
    let bytes: u64 = line.split_whitespace().nth(3)?.parse().ok()?;
    Some(bytes / 1024)
}

/// Spawns `n` idle threads (with `stack` bytes of stack, or the default), measures, stops them.
/// Returns (`VmSize` KiB per thread, `VmRSS` KiB per thread, spawn µs per thread).
fn measure(n: u64, stack: Option<usize>) -> (f64, f64, f64) {
    let (size0, rss0) = (status_kib("VmSize"), status_kib("VmRSS"));
    let (stop_tx, stop_rx) = unbounded::<()>();
    let start = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let stop_rx = stop_rx.clone();
            let mut builder = thread::Builder::new();
            if let Some(bytes) = stack {
                builder = builder.stack_size(bytes);
            }
            // Idle: blocked until the channel closes.
            builder
                .spawn(move || stop_rx.recv().is_err())
                .expect("spawn")
        })
        .collect();
    let spawn_us = start.elapsed().as_secs_f64() * 1e6 / n as f64;
    let (size1, rss1) = (status_kib("VmSize"), status_kib("VmRSS"));
    drop(stop_tx); // wake everyone: recv() returns Err(Disconnected)
    for h in handles {
        assert!(h.join().expect("idle thread panicked"));
    }
    let per_thread = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => b.saturating_sub(a) as f64 / n as f64,
        _ => f64::NAN, // not Linux
    };
    (per_thread(size0, size1), per_thread(rss0, rss1), spawn_us)
}

/// glibc settings for the measuring child: one malloc arena (otherwise each new thread may get
/// its own, 64 MiB of address space) and no cache of old thread stacks (otherwise freed stacks
/// are reused). Both would blur the per-thread numbers; neither changes what a stack costs.
const TUNABLES: &str = "glibc.malloc.arena_max=1:glibc.pthread.stack_cache_size=0";

fn report(n: u64) {
    let (size, rss, us) = measure(n, None);
    println!(
        "{n} idle threads, default stack ({RUST_DEFAULT_STACK_KIB} KiB): VmSize +{size:.0} KiB/thread, VmRSS +{rss:.0} KiB/thread, spawn {us:.0} µs/thread"
    );
    let (small_size, small_rss, small_us) = measure(n, Some(64 * 1024));
    println!(
        "{n} idle threads, stack_size(64 KiB): VmSize +{small_size:.0} KiB/thread, VmRSS +{small_rss:.0} KiB/thread, spawn {small_us:.0} µs/thread"
    );
    println!(
        "an idle thread keeps {:.1}% of the {RUST_DEFAULT_STACK_KIB} KiB it reserves in memory",
        rss / size * 100.0
    );
    if size.is_finite() {
        assert!(
            rss < size / 4.0,
            "resident memory is a small part of the reserved stack"
        );
        assert!(small_size < size, "a smaller stack reserves less");
    }
}

fn main() {
    utilities::output::start_clock();
    let n: u64 = if utilities::fast_mode() { 50 } else { 200 };
    if std::env::args().nth(1).as_deref() == Some("--measure") {
        report(n);
        return;
    }
    let limit = stack_limit_kib().map_or("unknown".to_owned(), |k| format!("{k} KiB"));
    let min_stack = std::env::var("RUST_MIN_STACK").ok();
    println!(
        "main thread stack limit (ulimit -s): {limit}; Rust's default for spawned threads: {RUST_DEFAULT_STACK_KIB} KiB{}",
        min_stack.map_or(String::new(), |v| format!(
            " (but RUST_MIN_STACK={v} is set)"
        ))
    );
    // Measure in a fresh child process of this same program, with glibc's caches switched off.
    let tunables = match std::env::var("GLIBC_TUNABLES") {
        Ok(mine) if !mine.is_empty() => format!("{mine}:{TUNABLES}"),
        _ => TUNABLES.to_owned(),
    };
    let exe = std::env::current_exe().expect("path of this program");
    let status = std::process::Command::new(exe)
        .arg("--measure")
        .env("GLIBC_TUNABLES", tunables)
        .status() // the child prints straight to our stdout; `status` reaps it
        .expect("run the measuring child");
    assert!(status.success(), "the measurement failed: {status}");
}
