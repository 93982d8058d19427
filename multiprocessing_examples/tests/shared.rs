//! Unit tests of `multiprocessing_examples::shared`: shared values and arrays really are shared
//! with a forked child, named objects open by name and are unlinked by their creator only, and
//! bad names, sizes and duplicates are errors rather than undefined behaviour.

use std::os::fd::AsFd;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::atomic::{AtomicI32, AtomicI64, AtomicU8, AtomicU64};

use multiprocessing_examples::shared::{
    AtomicF64, ProcessLock, SharedArray, SharedValue, wait_child,
};
use nix::unistd::{ForkResult, fork};

/// A name no other test (or test run) uses.
fn unique_name(tag: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "course-test-{tag}-{}-{}",
        std::process::id(),
        N.fetch_add(1, SeqCst)
    )
}

/// Runs `f` in a forked child and waits for it; panics unless the child exited with 0.
///
/// The test harness runs tests on several threads, so the child may only do async-signal-safe
/// things: `f` must stick to atomic operations on shared memory (no printing, no locks).
fn in_forked_child(f: impl FnOnce()) {
    // SAFETY: the child runs only `f` (atomic operations, see above) and `_exit`, both
    // async-signal-safe, so locks held by other threads at the time of the fork do not matter.
    match unsafe { fork() }.expect("fork") {
        ForkResult::Child => {
            let code = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
                Ok(()) => 0,
                Err(_) => 101,
            };
            // SAFETY: leave the child at once, never returning into the test harness.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => {
            assert_eq!(wait_child(child).expect("wait for the child"), 0);
        }
    }
}

#[test]
fn a_forked_child_changes_the_parents_value_and_array() {
    let value = SharedValue::new(AtomicI32::new(10)).unwrap();
    let array = SharedArray::new([0, 1, 2].map(AtomicI32::new)).unwrap();
    in_forked_child(|| {
        value.fetch_add(5, SeqCst);
        array[0].fetch_add(1, SeqCst);
    });
    // A private (copy-on-write) mapping would still show 10 and [0, 1, 2] here.
    assert_eq!(value.get(), 15);
    assert_eq!(array.snapshot(), vec![1, 1, 2]);
    assert_eq!(format!("{value:?}"), "SharedValue(15)");
    assert_eq!(format!("{array:?}"), "[1, 1, 2]");
}

#[test]
fn a_plain_variable_is_copied_into_a_forked_child() {
    // The contrast: memory that is not MAP_SHARED is copy-on-write after fork.
    let plain = AtomicI32::new(0);
    in_forked_child(|| {
        plain.fetch_add(1, SeqCst);
    });
    assert_eq!(plain.load(SeqCst), 0);
}

#[test]
fn atomic_f64_adds_without_losing_updates() {
    let x = AtomicF64::new(1.5);
    assert!((x.load(SeqCst) - 1.5).abs() < f64::EPSILON);
    x.store(0.0, SeqCst);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..1000 {
                    x.fetch_add(0.5, SeqCst);
                }
            });
        }
    });
    // 0.5 and every partial sum up to 2000 are exact in binary floating point.
    assert_eq!(x.load(SeqCst).to_bits(), 2000.0_f64.to_bits());
    assert_eq!(format!("{x:?}"), "2000.0");
}

#[test]
fn shared_f64_array_is_updated_by_two_processes() {
    let array = SharedArray::new([0.0, 100.0, 200.0].map(AtomicF64::new)).unwrap();
    for _ in 0..2 {
        in_forked_child(|| {
            for cell in array.iter() {
                cell.fetch_add(1.0, SeqCst);
            }
        });
    }
    assert_eq!(array.snapshot(), vec![2.0, 102.0, 202.0]);
}

#[test]
fn many_forked_children_increment_without_losing_updates() {
    let counter = SharedValue::new(AtomicI64::new(0)).unwrap();
    // Start all children, then wait for all: they run at the same time.
    let children: Vec<_> = (0..4)
        .map(|_| {
            // SAFETY: as in `in_forked_child`: the child only does atomics and `_exit`.
            match unsafe { fork() }.expect("fork") {
                ForkResult::Child => {
                    for _ in 0..10_000 {
                        counter.fetch_add(1, SeqCst);
                    }
                    // SAFETY: leave at once, never returning into the harness.
                    unsafe { libc::_exit(0) }
                }
                ForkResult::Parent { child } => child,
            }
        })
        .collect();
    for child in children {
        assert_eq!(wait_child(child).unwrap(), 0);
    }
    assert_eq!(counter.get(), 40_000);
}

#[test]
fn empty_array_is_allowed() {
    let empty = SharedArray::<AtomicI32>::new([]).unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.snapshot(), Vec::<i32>::new());
}

#[test]
fn an_inherited_descriptor_maps_the_same_memory() {
    let value = SharedValue::new(AtomicU64::new(7)).unwrap();
    // What a re-executed child does with `inherited_fd(0)`: map the passed memfd again.
    let fd = value.as_fd().try_clone_to_owned().unwrap();
    let again = SharedValue::<AtomicU64>::from_fd(fd).unwrap();
    again.store(99, SeqCst);
    assert_eq!(value.get(), 99);

    let array = SharedArray::new([1, 2, 3].map(AtomicU8::new)).unwrap();
    let fd = array.as_fd().try_clone_to_owned().unwrap();
    // Three bytes are not one i32, nor a whole number of them.
    let err = SharedValue::<AtomicI32>::from_fd(fd).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
}

#[test]
fn named_array_opens_by_name_and_creator_unlinks_on_drop() {
    let name = unique_name("named");
    let created = SharedArray::create_named(&name, (0..1000).map(AtomicI64::new)).unwrap();
    assert!(std::path::Path::new(&format!("/dev/shm/{name}")).exists());
    {
        let opened = SharedArray::<AtomicI64>::open_named(&name).unwrap();
        assert_eq!(opened.len(), 1000);
        assert_eq!(opened[999].load(SeqCst), 999);
        opened[0].store(-1, SeqCst);
    } // dropping an opened (not created) handle keeps the name
    assert_eq!(created[0].load(SeqCst), -1);
    assert!(SharedArray::<AtomicI64>::open_named(&name).is_ok());
    drop(created);
    let err = SharedArray::<AtomicI64>::open_named(&name).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
}

#[test]
fn a_forked_child_dropping_the_creators_handle_does_not_unlink() {
    let name = unique_name("forkdrop");
    let created = SharedValue::create_named(&name, AtomicI32::new(3)).unwrap();
    // SAFETY: the child drops its copy of `created` (munmap, getpid: async-signal-safe; the
    // name's CString is freed, and glibc's fork resets the allocator's locks in the child)
    // and leaves with `_exit`.
    match unsafe { fork() }.expect("fork") {
        ForkResult::Child => {
            drop(created);
            // SAFETY: leave at once, never returning into the harness.
            unsafe { libc::_exit(0) }
        }
        ForkResult::Parent { child } => assert_eq!(wait_child(child).unwrap(), 0),
    }
    let opened = SharedValue::<AtomicI32>::open_named(&name).unwrap();
    assert_eq!(opened.get(), 3);
    drop(created);
}

#[test]
fn duplicate_and_invalid_names_and_wrong_sizes_are_errors() {
    let name = unique_name("dup");
    let first = SharedValue::create_named(&name, AtomicI32::new(1)).unwrap();
    let err = SharedValue::create_named(&name, AtomicI32::new(2)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists, "{err}");
    assert_eq!(
        first.get(),
        1,
        "the failed create must not touch the existing object"
    );

    for bad in ["", "/", "a/b", "..", "nul\0byte", &"x".repeat(300)] {
        let err = SharedValue::create_named(bad, AtomicI32::new(0)).unwrap_err();
        assert_eq!(
            err.kind(),
            std::io::ErrorKind::InvalidInput,
            "{bad:?}: {err}"
        );
    }
    // A leading slash is accepted and means the same name.
    assert_eq!(
        SharedValue::<AtomicI32>::open_named(&format!("/{name}"))
            .unwrap()
            .get(),
        1
    );

    let bytes = unique_name("bytes");
    let three = SharedArray::create_named(&bytes, [1, 2, 3].map(AtomicU8::new)).unwrap();
    let err = SharedArray::<AtomicI32>::open_named(&bytes).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    let err = SharedValue::<AtomicU8>::open_named(&bytes).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData, "{err}");
    drop(three);

    let err = SharedValue::<AtomicI32>::open_named(&unique_name("missing")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound, "{err}");
}

#[test]
fn process_lock_makes_load_then_store_exact_across_processes() {
    let lock = SharedValue::new(ProcessLock::new()).unwrap();
    let counter = SharedValue::new(AtomicI64::new(0)).unwrap();
    let children: Vec<_> = (0..4)
        .map(|_| {
            // SAFETY: the child only takes the lock (atomics and futex system calls), does
            // atomic loads and stores, and leaves with `_exit`: all async-signal-safe.
            match unsafe { fork() }.expect("fork") {
                ForkResult::Child => {
                    for _ in 0..5_000 {
                        let _guard = lock.lock();
                        // A racy read-modify-write, made exact by the lock around it.
                        let seen = counter.load(SeqCst);
                        counter.store(seen + 1, SeqCst);
                    }
                    // SAFETY: leave at once, never returning into the harness.
                    unsafe { libc::_exit(0) }
                }
                ForkResult::Parent { child } => child,
            }
        })
        .collect();
    for child in children {
        assert_eq!(wait_child(child).unwrap(), 0);
    }
    assert_eq!(counter.get(), 20_000);
}

#[test]
fn process_lock_try_lock_and_guard_release() {
    let lock = ProcessLock::new();
    assert_eq!(format!("{lock:?}"), "ProcessLock(\"free\")");
    let guard = lock.lock();
    assert!(lock.try_lock().is_none(), "taken while the guard lives");
    assert_eq!(format!("{lock:?}"), "ProcessLock(\"taken\")");
    drop(guard);
    assert!(
        lock.try_lock().is_some(),
        "free again after the guard is dropped"
    );

    // Threads waiting on the lock are woken (the contended path: futex wait and wake).
    let counter = AtomicI64::new(0);
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for _ in 0..2_000 {
                    let _guard = lock.lock();
                    let seen = counter.load(SeqCst);
                    std::hint::spin_loop();
                    counter.store(seen + 1, SeqCst);
                }
            });
        }
    });
    assert_eq!(counter.load(SeqCst), 8_000);
}

/// What the types refuse: a plain `i32` in shared memory (`ShmSafe`), and a `SharedValue` as a
/// pool task argument (p16's bug in the Python original; it is not `Serialize`). Each case in
/// `tests/ui_shared_memory/` must fail with the error code and key phrase of its `.stderr` file
/// (refresh with `UPDATE_UI=1` after a compiler upgrade).
#[test]
fn compile_fail_shared_memory_misuse() {
    utilities::testkit::assert_compile_errors(
        env!("CARGO_MANIFEST_DIR"),
        "tests/ui_shared_memory",
        &["multiprocessing_examples"],
    );
}
