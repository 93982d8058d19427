//! The quiet panic hook is process-wide, so it is tested alone in its own test binary (one test
//! function): another test panicking in parallel would see it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use utilities::output::{QuietPanics, panic_message, quiet_panics};

#[test]
fn quiet_hook_replaces_the_previous_one_and_restores_it() {
    // A recording hook stands for "the default report".
    let reports = Arc::new(AtomicUsize::new(0));
    let seen = Arc::clone(&reports);
    std::panic::set_hook(Box::new(move |_| {
        seen.fetch_add(1, Ordering::SeqCst);
    }));

    let payload = quiet_panics(|| std::thread::spawn(|| -> () { panic!("boom") }).join())
        .expect_err("the thread panicked");
    assert_eq!(panic_message(&*payload), "boom");
    assert_eq!(
        reports.load(Ordering::SeqCst),
        0,
        "inside quiet_panics the previous hook must not run"
    );

    // After the closure, the previous hook is back.
    let _ = std::thread::spawn(|| -> () { panic!("loud") }).join();
    assert_eq!(
        reports.load(Ordering::SeqCst),
        1,
        "the previous hook is restored"
    );

    // The guard form does the same, and restores on drop.
    {
        let _quiet = QuietPanics::install();
        let _ = std::thread::spawn(|| -> () { panic!("quiet") }).join();
    }
    assert_eq!(reports.load(Ordering::SeqCst), 1);
    let _ = std::thread::spawn(|| -> () { panic!("loud again") }).join();
    assert_eq!(reports.load(Ordering::SeqCst), 2);

    let _ = std::panic::take_hook();
}
