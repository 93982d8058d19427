//! A named shared-memory block: a re-executed child opens an 8 MB array by name, no copy made.
//!
//! Python original: the course notebook, IPC "Shared Memory vs Serialization" (`multiprocessing.shared_memory`, "advanced";
//! "use shared memory for large numeric data") and the python-threads project, `multiprocessing_examples/shared_memory.py`.
//!
//! Python: `SharedMemory(name=…, create=True, size=…)` in the parent, `SharedMemory(name=…)`
//! in the child, an array view over `shm.buf` on both sides, then `shm.close()` and
//! `shm.unlink()`. Here: `SharedArray::create_named` (POSIX `shm_open` + `ftruncate` + `mmap`,
//! visible as `/dev/shm/<name>`), `SharedArray::open_named` in the child, and `Drop`, which
//! unmaps and, in the creating process only, unlinks the name.
//!
//! The child is a re-executed copy of this program, so it inherits no memory at all: all it
//! gets is the block's *name* on its command line (a few bytes). It sums the 1 000 000 numbers
//! (reading the parent's pages), then doubles each one in place. The parent then sees the new
//! values in its own mapping: 8 MB shared, zero bytes serialized or copied.
//!
//! Run: `cargo run --bin p29_named_shared_memory`
//!
//! Expected output (pids vary):
//! ```text
//! [   0.000s] pid 1000    main         | Created /dev/shm/course-p29-1000: 1000000 × i64 = 8000000 bytes, values 0..999999
//! [   0.020s] pid 1000    main         | Sent the child only the name (15 bytes)
//! [   0.031s] pid 1001    main         | Child opened "course-p29-1000" by name: 1000000 values
//! [   0.035s] pid 1001    main         | Child: sum = 499999500000
//! [   0.045s] pid 1001    main         | Child: doubled every value in place
//! [   0.046s] pid 1000    main         | Parent sees the child's writes: a[1] = 2, a[999999] = 1999998
//! [   0.046s] pid 1000    main         | Dropped: /dev/shm/course-p29-1000 exists = false
//! ```

use std::sync::atomic::AtomicI64;
use std::sync::atomic::Ordering::SeqCst;

use multiprocessing_examples::shared::SharedArray;
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use utilities::say_pid;

const LEN: i64 = 1_000_000;

/// The child's job: open by name, read everything, write everything back doubled.
fn child(name: &str) -> std::io::Result<()> {
    let a = SharedArray::<AtomicI64>::open_named(name)?; // SharedMemory(name=…)
    say_pid!("Child opened {name:?} by name: {} values", a.len());
    let sum: i64 = a.iter().map(|x| x.load(SeqCst)).sum();
    say_pid!("Child: sum = {sum}");
    for x in a.iter() {
        // Only this process writes now, so a load and a store are enough (see p21).
        x.store(x.load(SeqCst) * 2, SeqCst);
    }
    say_pid!("Child: doubled every value in place");
    Ok(()) // drop: unmapped; the name stays, since this process did not create it
}

fn main() -> std::io::Result<()> {
    if let Some(role) = child_role() {
        if let (true, Some(name)) = (role.name == "child", role.args.first()) {
            child(name)?;
        }
        return Ok(());
    }
    utilities::output::start_clock();

    let name = format!("course-p29-{}", std::process::id());
    let path = format!("/dev/shm/{name}");
    let a = SharedArray::create_named(&name, (0..LEN).map(AtomicI64::new))?;
    say_pid!(
        "Created {path}: {} × i64 = {} bytes, values 0..{}",
        a.len(),
        a.len() * size_of::<AtomicI64>(),
        LEN - 1
    );

    let started = SelfCommand::new("child").arg(&name).spawn()?;
    say_pid!("Sent the child only the name ({} bytes)", name.len());
    let status = Reaped::new(started).wait()?; // reaped even if we returned early
    assert!(status.success(), "child failed: {status}");

    let (first, last) = (a[1].load(SeqCst), a[a.len() - 1].load(SeqCst));
    say_pid!(
        "Parent sees the child's writes: a[1] = {first}, a[{}] = {last}",
        a.len() - 1
    );
    assert!(a.iter().zip(0..LEN).all(|(x, i)| x.load(SeqCst) == 2 * i));

    drop(a); // shm.close() + shm.unlink()
    let exists = std::path::Path::new(&path).exists();
    say_pid!("Dropped: {path} exists = {exists}");
    assert!(!exists);
    Ok(())
}
