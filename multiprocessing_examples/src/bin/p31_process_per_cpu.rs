//! One child process per available core, all of them waited for, then "end main".
//!
//! Ports the the threads-vs-processes notes, "process" cells: `num_process = os.cpu_count()` processes each run
//! `square_it()` (a small loop), are started, joined, and the notebook prints "end main".
//! `std::thread::available_parallelism()` is `os.cpu_count()` (it also respects CPU affinity
//! and cgroup limits, so in a container it can be smaller than the machine's core count).
//!
//! **Bug in the Python original:** the join loop is `for i in processes: p.join()`: it joins `p`, the *last*
//! process created, once per iteration, and never the others (Python leaves them to be reaped
//! at interpreter exit). Here every child is waited for, by the loop variable itself.
//!
//! The timeline at the end shows one bar per core, all alive together.
//!
//! Run: `cargo run --bin p31_process_per_cpu`
//!
//! Expected output (on 2 cores; pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | os.cpu_count() → available_parallelism() = 2
//! [   0.003s] pid 1001    main         | square_it done in child 0
//! [   0.003s] pid 1002    main         | square_it done in child 1
//! [   0.004s] pid 1000    main         | Joined child 0 (pid 1001): exit status: 0
//! [   0.004s] pid 1000    main         | Joined child 1 (pid 1002): exit status: 0
//! end main
//! ```

use std::hint::black_box;

use multiprocessing_examples::spawn::{SelfCommand, child_role, children_of};
use multiprocessing_examples::work::cpu_count;
use utilities::{Timeline, say_pid};

/// The Python original's `square_it()`: `for i in range(1000): i*i`.
fn square_it() {
    for i in 0..1000u64 {
        black_box(i * i);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if let Some(role) = child_role() {
        square_it();
        say_pid!("square_it done in child {}", role.parse_arg::<usize>(0)?);
        return Ok(());
    }
    utilities::output::start_clock();
    let num_process = cpu_count();
    say_pid!("os.cpu_count() → available_parallelism() = {num_process}");

    let tl = Timeline::new();
    let mut processes = Vec::new();
    for i in 0..num_process {
        let span = tl.span(format!("child {i}: square_it (start → reaped)"));
        processes.push((
            span,
            SelfCommand::new("square_it").arg(i.to_string()).spawn()?,
        ));
    }
    // Join *each* process: the loop variable is the one we wait for (the Python original waits on `p`).
    for (i, (span, mut p)) in processes.into_iter().enumerate() {
        let status = p.wait()?;
        drop(span);
        say_pid!("Joined child {i} (pid {}): {status}", p.id());
        assert!(status.success());
    }
    assert!(
        children_of(std::process::id()).is_empty(),
        "every child was reaped"
    );
    tl.print("One child process per core, all started, then all joined");
    assert_eq!(
        tl.max_overlap(),
        num_process,
        "every child was alive at once"
    );
    println!("end main");
    Ok(())
}
