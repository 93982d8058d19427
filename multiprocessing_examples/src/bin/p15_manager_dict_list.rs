//! A manager server process owns a list and a dict; children change them by sending it requests.
//!
//! Python original: the course notebook, Pools "Using a Manager for Complex Shared Objects" (a child appends `"data"` to
//! `manager.list()`) and Grokking Concurrency (ch. 4), "Using a Manager" (a child sets `new_key` and increments `counter`
//! in `manager.dict({'counter': 0})`).
//!
//! [`Manager::start`] starts a real server process (this program again, with the manager
//! role). It holds the data; every other process holds only a [`ManagerClient`], a connection
//! to a Unix socket. `dict_incr` is executed *inside* the server, under its lock, so two
//! children incrementing at once lose nothing (Python's proxy `d['counter'] += 1` is a get and
//! a set: two requests, and it *can* lose updates). Each request is one size-limited bincode
//! frame, so a broken client cannot make the server allocate without bound.
//!
//! The price: every access is a round trip through the kernel to another process. The end of
//! the program times the same increments through the manager and on an atomic in shared memory
//! (`SharedValue`, `p05`): the manager is thousands of times slower per update.
//!
//! Run: `cargo run --bin p15_manager_dict_list`
//!
//! Expected output (pids and times vary):
//! ```text
//! [   0.003s] pid 1000    main         | Manager server running as pid 1001
//! [   0.007s] pid 1002    main         | Child: appending 'data' to the shared list
//! [   0.008s] pid 1000    main         | ['data']
//! [   0.012s] pid 1003    main         | Child: setting new_key and incrementing counter
//! [   0.013s] pid 1000    main         | {'counter': 1, 'new_key': 'added by child'}
//! [   0.030s] pid 1000    main         | 4 children × 250 increments through the manager: counter = 1001
//! Manager: 2000 increments: Time taken: 0.071 s
//!   (35.5 µs per update)
//! Shared memory: 2000 increments: Time taken: 0.000 s
//!   (10 ns per update)
//! Manager / shared memory per update: 3500×
//! ```

use std::sync::atomic::{AtomicI64, Ordering};

use multiprocessing_examples::manager::{self, Manager, ManagerClient, Value};
use multiprocessing_examples::shared::SharedValue;
use multiprocessing_examples::spawn::{Reaped, SelfCommand, child_role};
use utilities::{Stopwatch, format_duration, print_time_taken, say_pid};

fn child(role: &multiprocessing_examples::spawn::Role) -> Result<(), Box<dyn std::error::Error>> {
    // The manager's address (a socket path) is this child's first argument.
    let mut m = ManagerClient::connect(role.parse_arg::<String>(0)?)?;
    match role.name.as_str() {
        "add_item" => {
            say_pid!("Child: appending 'data' to the shared list");
            m.list_append(Value::from("data"))?;
        }
        "modify_dict" => {
            say_pid!("Child: setting new_key and incrementing counter");
            m.dict_set("new_key", Value::from("added by child"))?;
            m.dict_incr("counter", 1)?;
        }
        "hammer" => {
            let n: u32 = role.parse_arg(1)?;
            for _ in 0..n {
                m.dict_incr("counter", 1)?;
            }
        }
        other => return Err(format!("unknown role {other}").into()),
    }
    Ok(())
}

fn run_child(role: &str, mgr: &Manager, extra: &[&str]) -> std::io::Result<()> {
    let c = SelfCommand::new(role)
        .arg(mgr.address())
        .args(extra)
        .spawn()?;
    let status = Reaped::new(c).wait()?;
    if status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(format!(
            "child {role} failed: {status}"
        )))
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    manager::serve_if_manager(); // the manager server process never returns from here
    if let Some(role) = child_role() {
        return child(&role);
    }
    utilities::output::start_clock();

    let mgr = Manager::start()?; // `with multiprocessing.Manager() as manager:`
    say_pid!("Manager server running as pid {}", mgr.pid());
    let mut m = mgr.client()?;

    // the course notebook: shared_list = manager.list(); a child appends "data".
    run_child("add_item", &mgr, &[])?;
    let list = m.list()?;
    say_pid!("{}", manager::format_list(&list));
    assert_eq!(list, [Value::from("data")]);

    // Grokking Concurrency (ch. 4): shared_dict = manager.dict({'counter': 0}); a child changes it.
    m.dict_set("counter", Value::Int(0))?;
    run_child("modify_dict", &mgr, &[])?;
    let dict = m.dict()?;
    say_pid!("{}", manager::format_dict(&dict));
    assert_eq!(
        manager::format_dict(&dict),
        "{'counter': 1, 'new_key': 'added by child'}"
    );

    // Four children increment at the same time: the server applies each request atomically.
    let per_child = 250u32;
    let kids = (0..4)
        .map(|_| {
            SelfCommand::new("hammer")
                .arg(mgr.address())
                .arg(per_child.to_string())
                .spawn()
                .map(Reaped::new)
        })
        .collect::<Result<Vec<_>, _>>()?;
    for k in kids {
        assert!(k.wait()?.success());
    }
    let counter = m.dict_get("counter")?;
    let shown = counter
        .as_ref()
        .map_or_else(|| "missing".to_owned(), ToString::to_string);
    say_pid!("4 children × {per_child} increments through the manager: counter = {shown}");
    assert_eq!(counter, Some(Value::Int(1 + 4 * i64::from(per_child))));

    // The cost of one update: manager round trip vs an atomic in shared memory.
    let n = 2000u32;
    let sw = Stopwatch::start();
    for _ in 0..n {
        m.dict_incr("cost", 1)?;
    }
    let via_manager = sw.elapsed();
    let shared = SharedValue::new(AtomicI64::new(0))?;
    let sw = Stopwatch::start();
    for _ in 0..n {
        shared.fetch_add(1, Ordering::SeqCst);
    }
    let via_shm = sw.elapsed();
    assert_eq!(shared.load(Ordering::SeqCst), i64::from(n));
    let per = |d: std::time::Duration| format_duration(d / n);
    print_time_taken(&format!("Manager: {n} increments"), via_manager);
    println!("  ({} per update)", per(via_manager));
    print_time_taken(&format!("Shared memory: {n} increments"), via_shm);
    println!("  ({} per update)", per(via_shm));
    let ratio = via_manager.as_secs_f64() / via_shm.as_secs_f64().max(1e-9);
    println!("Manager / shared memory per update: {ratio:.0}×");
    drop(m);
    drop(mgr); // stops the server, reaps it, removes the socket file
    Ok(())
}
