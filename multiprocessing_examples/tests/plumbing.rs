//! The spawn + frame plumbing through real re-executed children.
//!
//! `harness = false`: this test binary is its own child. `main` first checks for a role (like
//! every example does), so `SelfCommand` can re-execute it.

#[allow(dead_code, reason = "this binary uses only start_owner")]
mod common;

use std::io::Write;
use std::time::Duration;

use multiprocessing_examples::frame::{Duplex, FrameError, ProcessQueue, QueueSender};
use multiprocessing_examples::manager::{self, Manager, ManagerClient, Value};
use multiprocessing_examples::spawn::{
    SelfCommand, child_role, children_of, is_alive, wait_or_kill,
};

fn child(role: &multiprocessing_examples::spawn::Role) -> Result<(), Box<dyn std::error::Error>> {
    match role.name.as_str() {
        "producer" => {
            let n: u32 = role.parse_arg(0)?;
            let mut tx = QueueSender::<u32>::inherited(0)?;
            for i in 0..n {
                tx.put(&i)?;
            }
        }
        "hostile-prefix" => {
            let mut f = std::fs::File::from(multiprocessing_examples::spawn::inherited_fd(0)?);
            // A length prefix of 4 GiB − 1, then garbage.
            f.write_all(&u32::MAX.to_le_bytes())?;
            f.write_all(b"garbage garbage garbage")?;
        }
        "garbage" => {
            let mut f = std::fs::File::from(multiprocessing_examples::spawn::inherited_fd(0)?);
            // A plausible length, the right type tag, and 9 bytes that are not a valid String
            // (bad UTF-8 + junk).
            f.write_all(&17u32.to_le_bytes())?;
            f.write_all(&multiprocessing_examples::frame::type_tag::<String>().to_le_bytes())?;
            f.write_all(&[8, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8])?;
        }
        "echo" => {
            let mut end = Duplex::<String>::inherited(0)?;
            end.send(&"Hello from child".to_owned())?;
            let reply = end.recv()?;
            end.send(&format!("child got: {reply}"))?;
        }
        "incr" => {
            let mut c = ManagerClient::connect(&role.args[0])?;
            let n: u32 = role.parse_arg(1)?;
            for i in 0..n {
                c.dict_incr("counter", 1)?;
                c.list_append(Value::Int(i64::from(i)))?;
            }
        }
        "manager-owner" => {
            // Start a manager, tell the test its pid, then die without stopping it.
            let mgr = Manager::start()?;
            println!("{}", mgr.pid());
            std::io::stdout().flush()?;
            std::process::abort();
        }
        "stuck" => std::thread::sleep(Duration::from_secs(60)),
        other => return Err(format!("unknown role {other}").into()),
    }
    Ok(())
}

fn queue_moves_100_items_from_a_child() {
    let (tx, mut rx) = ProcessQueue::<u32>::new().unwrap().split();
    let mut c = SelfCommand::new("producer")
        .arg("100")
        .pass_fd(&tx)
        .unwrap()
        .spawn()
        .unwrap();
    drop(tx);
    let got: Vec<u32> = rx.iter().map(Result::unwrap).collect();
    assert!(c.wait().unwrap().success());
    assert_eq!(got, (0..100).collect::<Vec<_>>());
}

fn hostile_length_prefix_is_a_clear_error() {
    let (tx, mut rx) = ProcessQueue::<Vec<u8>>::new().unwrap().split();
    let mut c = SelfCommand::new("hostile-prefix")
        .pass_fd(&tx)
        .unwrap()
        .spawn()
        .unwrap();
    drop(tx);
    let err = rx.get().unwrap_err();
    assert!(c.wait().unwrap().success());
    assert!(
        matches!(
            err,
            FrameError::TooLarge {
                len: 4_294_967_295,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("exceeds the maximum"), "{err}");
}

fn garbage_is_a_decode_error() {
    let (tx, mut rx) = ProcessQueue::<String>::new().unwrap().split();
    let mut c = SelfCommand::new("garbage")
        .pass_fd(&tx)
        .unwrap()
        .spawn()
        .unwrap();
    drop(tx);
    let err = rx.get().unwrap_err();
    assert!(c.wait().unwrap().success());
    assert!(matches!(err, FrameError::Decode(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("cannot decode the frame"),
        "{err}"
    );
}

fn duplex_pipe_talks_both_ways() {
    let (mut parent, child_end) = Duplex::<String>::pair().unwrap();
    let mut c = SelfCommand::new("echo")
        .pass_fd(&child_end)
        .unwrap()
        .spawn()
        .unwrap();
    drop(child_end);
    parent
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    assert_eq!(parent.recv().unwrap(), "Hello from child");
    parent.send(&"hi".to_owned()).unwrap();
    assert_eq!(parent.recv().unwrap(), "child got: hi");
    assert!(matches!(parent.recv(), Err(FrameError::Closed)));
    assert!(c.wait().unwrap().success());
}

fn stuck_child_is_killed_and_reaped() {
    let mut c = SelfCommand::new("stuck").spawn().unwrap();
    let waited = wait_or_kill(&mut c, Duration::from_millis(200)).unwrap();
    assert!(waited.timed_out());
    use std::os::unix::process::ExitStatusExt;
    assert_eq!(waited.status().signal(), Some(9));
}

fn unknown_fd_index_is_an_error_in_the_parent() {
    // The parent was not started by SelfCommand: taking an inherited fd must fail, not guess.
    assert!(multiprocessing_examples::spawn::inherited_fd(0).is_err());
}

fn manager_counts_every_increment_from_many_processes() {
    let mgr = Manager::start().unwrap();
    let server = mgr.pid();
    let mut kids: Vec<_> = (0..4)
        .map(|_| {
            SelfCommand::new("incr")
                .arg(mgr.address())
                .arg("50")
                .spawn()
                .unwrap()
        })
        .collect();
    for k in &mut kids {
        assert!(k.wait().unwrap().success());
    }
    let mut c = mgr.client().unwrap();
    assert_eq!(c.dict_get("counter").unwrap(), Some(Value::Int(200)));
    assert_eq!(c.list().unwrap().len(), 200);
    drop(c);
    drop(mgr);
    assert!(
        !children_of(std::process::id())
            .iter()
            .any(|e| e.pid == server)
    );
}

fn manager_survives_a_hostile_client() {
    let mgr = Manager::start().unwrap();
    let mut raw = std::os::unix::net::UnixStream::connect(mgr.address()).unwrap();
    raw.write_all(&u32::MAX.to_le_bytes()).unwrap();
    raw.write_all(b"garbage").unwrap();
    // The server answers with one error frame and hangs up on this client only (it may reset
    // the connection: we sent bytes it never read, so read exactly one frame).
    let mut prefix = [0u8; 4];
    std::io::Read::read_exact(&mut raw, &mut prefix).unwrap();
    let mut reply = vec![
        0u8;
        usize::try_from(u32::from_le_bytes(prefix))
            .unwrap()
            .min(4096)
    ];
    std::io::Read::read_exact(&mut raw, &mut reply).unwrap();
    let text = String::from_utf8_lossy(&reply);
    assert!(text.contains("exceeds the maximum"), "{text}");
    let mut c = mgr.client().unwrap();
    c.dict_set("still", Value::Bool(true)).unwrap();
    assert_eq!(c.dict_get("still").unwrap(), Some(Value::Bool(true)));
}

fn manager_exits_when_its_owner_dies() {
    let (mut owner, line) = common::start_owner("manager-owner");
    let server: u32 = line.trim().parse().unwrap();
    assert!(!owner.wait().unwrap().success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while is_alive(server) {
        if std::time::Instant::now() > deadline {
            // Do not leave it behind even when the check fails.
            let pid = nix::unistd::Pid::from_raw(i32::try_from(server).unwrap());
            let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
            panic!("orphaned manager {server} still running 10 s after its owner died");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    manager::serve_if_manager();
    if let Some(role) = child_role() {
        if let Err(e) = child(&role) {
            eprintln!("child {}: {e}", role.name);
            std::process::exit(1);
        }
        return;
    }
    multiprocessing_examples::harness::run(multiprocessing_examples::harness::tests![
        queue_moves_100_items_from_a_child,
        hostile_length_prefix_is_a_clear_error,
        garbage_is_a_decode_error,
        duplex_pipe_talks_both_ways,
        stuck_child_is_killed_and_reaped,
        unknown_fd_index_is_an_error_in_the_parent,
        manager_counts_every_increment_from_many_processes,
        manager_survives_a_hostile_client,
        manager_exits_when_its_owner_dies,
    ]);
}
