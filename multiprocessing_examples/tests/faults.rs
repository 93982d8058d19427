//! The fault matrix of the process runtime: every way a task, a worker, the owner or a manager
//! client can misbehave, one row each. Every row asserts the precise error, that the pool (or
//! manager) still serves afterwards, and that no zombie, orphan or socket file is left.
//!
//! `harness = false`: this binary is also the pool's worker and the manager. It makes itself the
//! *subreaper* of its descendants (like `tests/no_zombies.rs`), so a worker orphaned by a killed
//! owner is re-parented to us: the harness then sees it and fails if it is left behind.

use std::io::{Read, Write};
use std::os::unix::net::UnixStream;
use std::time::{Duration, Instant};

use multiprocessing_examples::frame::{self, FrameError, MAX_FRAME};
use multiprocessing_examples::manager::{self, Manager, ManagerLimits, Value};
use multiprocessing_examples::pool::{self, PoolError, ProcessPool, Task};
use multiprocessing_examples::spawn::{self, SelfCommand, children_of, is_alive};

mod common;

fn square(x: u64) -> u64 {
    x * x
}
fn explode(msg: String) -> u8 {
    panic!("{msg}")
}
fn exit_with(code: i32) -> u8 {
    std::process::exit(code)
}
fn sleep_ms(ms: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(ms));
    ms
}
/// Writes raw bytes onto the worker's own socket (the only socket a worker has open), as a
/// buggy or hostile worker would, then returns normally.
fn raw_reply(bytes: Vec<u8>) -> u8 {
    let mut sock = worker_socket();
    sock.write_all(&bytes).expect("write raw bytes");
    0
}
fn len_of(bytes: Vec<u8>) -> usize {
    bytes.len()
}
fn make_bytes(n: usize) -> Vec<u8> {
    vec![7; n]
}

static TASKS: &[Task] = &[
    pool::task!("square", square),
    pool::task!("explode", explode),
    pool::task!("exit_with", exit_with),
    pool::task!("sleep_ms", sleep_ms),
    pool::task!("raw_reply", raw_reply),
    pool::task!("len_of", len_of),
    pool::task!("make_bytes", make_bytes),
];

/// The socket a pool worker talks to its driver on (found in `/proc/self/fd`).
fn worker_socket() -> std::fs::File {
    for entry in std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .flatten()
    {
        let is_socket = std::fs::read_link(entry.path())
            .is_ok_and(|target| target.to_string_lossy().starts_with("socket:"));
        if is_socket {
            return std::fs::OpenOptions::new()
                .write(true)
                .open(entry.path())
                .or_else(|_| {
                    let fd: i32 = entry.file_name().to_string_lossy().parse().expect("fd");
                    // A socket cannot be reopened through /proc: duplicate the descriptor.
                    // SAFETY: `fd` is open (listed just now); dup returns a new fd we own.
                    let dup = unsafe { libc::dup(fd) };
                    assert!(dup >= 0, "dup failed");
                    // SAFETY: `dup` is a fresh descriptor nobody else owns.
                    Ok::<_, std::io::Error>(unsafe {
                        <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(dup)
                    })
                })
                .expect("socket");
        }
    }
    panic!("a pool worker has a socket")
}

fn kill(pid: u32) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(pid).expect("pid"));
    let _ = nix::sys::signal::kill(pid, nix::sys::signal::SIGKILL);
}

/// Asserts the pool still answers and that none of `old` pids is still running or a zombie.
fn still_serves(pool: &ProcessPool) {
    assert_eq!(
        pool.apply::<u64, u64>("square", 12).expect("pool serves"),
        144
    );
}

fn assert_no_child_left_except(pool_pids: &[u32]) {
    let left: Vec<_> = children_of(std::process::id())
        .into_iter()
        .filter(|c| !pool_pids.contains(&c.pid))
        .collect();
    assert!(left.is_empty(), "children left behind: {left:?}");
}

/// Socket files of managers started by this test process or its children.
fn manager_socket_files() -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) {
        for e in dir.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("course-manager-") && name.ends_with(".sock") {
                found.push(name);
            }
        }
    }
    found
}

// ---------------------------------------------------------------- the pool's rows

fn task_that_panics() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    common::assert_task_panic_is_reported_and_worker_survives(&pool);
    still_serves(&pool);
    assert_no_child_left_except(&pool.worker_pids());
}

fn task_that_exits() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    let err = pool.apply::<i32, u8>("exit_with", 3).unwrap_err();
    match &err {
        PoolError::WorkerDied { task, pid, status } => {
            assert_eq!((task.as_str(), vec![*pid]), ("exit_with", before.clone()));
            assert!(status.contains("exit status: 3"), "{status}");
        }
        other => panic!("expected WorkerDied, got {other}"),
    }
    still_serves(&pool);
    assert_ne!(pool.worker_pids(), before, "the dead worker was replaced");
    assert_no_child_left_except(&pool.worker_pids());
}

fn worker_sigkilled_mid_task() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let pid = pool.worker_pids()[0];
    let h = pool.apply_async::<u64, u64>("sleep_ms", 60_000).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    kill(pid);
    let err = h.get_timeout(Duration::from_secs(20)).unwrap_err();
    assert!(
        matches!(err, PoolError::WorkerDied { ref task, pid: p, ref status } if task == "sleep_ms" && p == pid && status.contains("SIGKILL")),
        "{err}"
    );
    still_serves(&pool);
    assert_no_child_left_except(&pool.worker_pids());
}

fn task_that_hangs_past_its_deadline() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    let started = Instant::now();
    let hung = pool
        .submit_within::<u64, u64>("sleep_ms", 60_000, Some(Duration::from_millis(300)))
        .unwrap();
    // Queued behind the hung task on the only worker: it must still run.
    let next = pool.submit::<u64, u64>("square", 5).unwrap();
    let err = hung.get().unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(err, PoolError::Timeout { ref task, killed_worker: Some(pid), .. } if task == "sleep_ms" && vec![pid] == before),
        "{err}"
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(5),
        "{took:?}"
    );
    assert_eq!(
        next.get().expect("the queued task runs on the replacement"),
        25
    );
    assert!(!is_alive(before[0]), "the hung worker was killed");
    assert_ne!(pool.worker_pids(), before, "and replaced");
    // The same through map with a pool-wide limit: one slow item fails the map, fast ones run.
    let pool = pool.task_timeout(Duration::from_millis(300));
    let err = pool
        .map::<u64, u64>("sleep_ms", vec![1, 60_000, 1])
        .unwrap_err();
    assert!(
        matches!(
            err,
            PoolError::Timeout {
                killed_worker: Some(_),
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(
        pool.map_within::<u64, u64>("sleep_ms", vec![1, 2], Duration::from_secs(20))
            .unwrap(),
        [1, 2]
    );
    still_serves(&pool);
    assert_no_child_left_except(&pool.worker_pids());
}

fn cancel_stops_a_running_or_queued_task() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    let running = pool.submit::<u64, u64>("sleep_ms", 60_000).unwrap();
    let queued = pool.submit::<u64, u64>("sleep_ms", 60_000).unwrap();
    let after = pool.submit::<u64, u64>("square", 3).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    assert!(queued.cancel(), "a queued task is cancelled");
    assert!(running.cancel(), "a running task is cancelled");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(after.get().unwrap(), 9, "the pool keeps serving");
    assert!(!is_alive(before[0]), "the running task's worker was killed");
    let done = pool.submit::<u64, u64>("square", 4).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert!(!done.cancel(), "a finished task cannot be cancelled");
    still_serves(&pool);
    assert_no_child_left_except(&pool.worker_pids());
}

fn idle_worker_death_is_not_blamed_on_the_next_task() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let old = pool.worker_pids()[0];
    kill(old);
    // The next task never reached the dead worker: it runs on the replacement instead.
    let started = Instant::now();
    assert_eq!(pool.apply::<u64, u64>("square", 7).expect("not blamed"), 49);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The replacement is listed without waiting for another job.
    let deadline = Instant::now() + Duration::from_secs(3);
    while pool.worker_pids().is_empty() || pool.worker_pids().contains(&old) {
        assert!(Instant::now() < deadline, "pids {:?}", pool.worker_pids());
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(!is_alive(old));
    assert_no_child_left_except(&pool.worker_pids());
}

fn garbage_reply_is_a_protocol_error_at_once() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    // A plausible length (4) and four bytes that are no reply at all.
    let mut bytes = 4u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0xFF; 4]);
    let started = Instant::now();
    let err = pool.apply::<Vec<u8>, u8>("raw_reply", bytes).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_protocol(&err, "raw_reply");
    still_serves(&pool);
    assert_ne!(
        pool.worker_pids(),
        before,
        "the out-of-sync worker was replaced"
    );
    assert_no_child_left_except(&pool.worker_pids());
}

fn huge_length_prefix_is_a_protocol_error_at_once() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let started = Instant::now();
    let err = pool
        .apply::<Vec<u8>, u8>("raw_reply", u32::MAX.to_le_bytes().to_vec())
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_protocol(&err, "raw_reply");
    assert!(err.to_string().contains("exceeds the maximum"), "{err}");
    still_serves(&pool);
    assert_no_child_left_except(&pool.worker_pids());
}

fn assert_protocol(err: &PoolError, task: &str) {
    assert!(
        matches!(err, PoolError::Protocol { task: t, .. } if t == task),
        "expected a Protocol error for {task:?}, got {err}"
    );
}

fn oversize_argument_is_refused_without_killing_anyone() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    // The argument alone fits in a frame; with the request's envelope it does not.
    let err = pool
        .apply::<Vec<u8>, usize>("len_of", vec![1; MAX_FRAME - 8])
        .unwrap_err();
    assert!(
        matches!(err, PoolError::TooLarge { ref task, what: "argument", .. } if task == "len_of"),
        "{err}"
    );
    assert_eq!(pool.worker_pids(), before, "nobody was killed");
    // A big argument that does fit still works.
    assert_eq!(
        pool.apply::<Vec<u8>, usize>("len_of", vec![1; 1 << 20])
            .unwrap(),
        1 << 20
    );
    assert_eq!(pool.worker_pids(), before);
}

fn oversize_result_is_refused_without_killing_anyone() {
    let pool = ProcessPool::new(1, TASKS).unwrap();
    let before = pool.worker_pids();
    let err = pool
        .apply::<usize, Vec<u8>>("make_bytes", MAX_FRAME - 8)
        .unwrap_err();
    assert!(
        matches!(err, PoolError::TooLarge { ref task, what: "result", .. } if task == "make_bytes"),
        "{err}"
    );
    assert_eq!(pool.worker_pids(), before, "nobody was killed");
    still_serves(&pool);
}

// ---------------------------------------------------------------- the owner's death

/// Role `pool-owner`: starts a pool of 2 and a manager, keeps both workers busy, prints
/// `<worker> <worker> <manager> <socket path>` and waits to be killed.
fn pool_owner() {
    let pool = ProcessPool::new(2, TASKS).unwrap();
    let mgr = Manager::start().unwrap();
    let _busy: Vec<_> = (0..2)
        .map(|_| pool.apply_async::<u64, u64>("sleep_ms", 60_000).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200)); // both tasks are running
    let pids = pool.worker_pids();
    println!(
        "{} {} {} {}",
        pids[0],
        pids[1],
        mgr.pid(),
        mgr.address().display()
    );
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

fn owner_sigkilled_while_workers_are_busy() {
    let (mut owner, line) = common::start_owner("pool-owner");
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(fields.len(), 4, "{line:?}");
    let pids: Vec<u32> = fields[..3].iter().map(|p| p.parse().unwrap()).collect();
    let socket = std::path::PathBuf::from(fields[3]);
    assert!(socket.exists());
    kill(owner.id());
    let killed = Instant::now();
    owner.wait().unwrap();
    // Busy workers and the manager are re-parented to us (the subreaper): wait for each one.
    let deadline = killed + Duration::from_secs(1);
    let mut late = Vec::new();
    for &pid in &pids {
        while is_alive(pid) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        if is_alive(pid) {
            late.push(pid);
        }
    }
    let took = killed.elapsed();
    for &pid in &pids {
        kill(pid); // clean up after a failure; harmless otherwise (zombie or gone)
        let _ = nix::sys::wait::waitpid(
            nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
            None,
        );
    }
    assert!(
        late.is_empty(),
        "still running 1 s after the owner's SIGKILL: {late:?} (of {pids:?})"
    );
    let gone = Instant::now() + Duration::from_millis(500);
    while socket.exists() && Instant::now() < gone {
        std::thread::sleep(Duration::from_millis(10));
    }
    let left = socket.exists();
    let _ = std::fs::remove_file(&socket);
    assert!(
        !left,
        "the manager left its socket file {} ({took:?})",
        socket.display()
    );
}

/// Role `manager-owner`: starts a manager from a thread that ends at once (the trap of
/// `PR_SET_PDEATHSIG`, which follows the thread), checks that the manager still serves, prints
/// `<manager pid> <socket path>` and waits to be killed.
fn manager_owner() {
    let mgr = std::thread::spawn(|| {
        let mgr = Manager::start().unwrap();
        std::thread::sleep(Duration::from_millis(100)); // the manager is up: then this ends
        mgr
    })
    .join()
    .unwrap();
    std::thread::sleep(Duration::from_millis(200)); // the starting thread is long gone
    let mut c = mgr.client().unwrap();
    c.dict_set("alive", Value::Bool(true)).unwrap();
    println!("{} {}", mgr.pid(), mgr.address().display());
    std::io::stdout().flush().unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

fn manager_dies_with_its_owner_whatever_thread_started_it() {
    let (mut owner, line) = common::start_owner("manager-owner");
    let (pid, socket) = line.trim().split_once(' ').unwrap_or_else(|| {
        kill(owner.id());
        let _ = owner.wait();
        panic!("the owner could not use its manager: {line:?}")
    });
    let pid: u32 = pid.parse().unwrap();
    let socket = std::path::PathBuf::from(socket);
    assert!(is_alive(pid) && socket.exists());
    kill(owner.id());
    let killed = Instant::now();
    owner.wait().unwrap();
    // The manager is re-parented to us (the subreaper): a zombie once it has exited.
    let deadline = killed + Duration::from_secs(1);
    while (is_alive(pid) || socket.exists()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let (alive, left, took) = (is_alive(pid), socket.exists(), killed.elapsed());
    kill(pid); // clean up after a failure; harmless otherwise
    let _ = nix::sys::wait::waitpid(
        nix::unistd::Pid::from_raw(i32::try_from(pid).unwrap()),
        None,
    );
    let _ = std::fs::remove_file(&socket);
    assert!(
        !alive && !left,
        "{took:?} after the owner's SIGKILL: manager running {alive}, socket file left {left}"
    );
}

// ---------------------------------------------------------------- the manager's rows

/// The variant number of the next reply frame on `s` (`Response::Dict` is 3, `Closed` 6),
/// read raw; `None` at end-of-file.
fn raw_reply_variant(s: &mut UnixStream) -> Option<u8> {
    let mut len = [0u8; 4];
    s.read_exact(&mut len).ok()?;
    let mut body = vec![0u8; u32::from_le_bytes(len) as usize];
    s.read_exact(&mut body).ok()?;
    body.get(8).copied()
}

/// A raw `Request::Dict` frame (variant 3, no payload), for clients that pace their bytes.
fn raw_dict_request() -> Vec<u8> {
    let tag = frame::type_tag_of("multiprocessing_examples::manager::Request");
    let mut bytes = 9u32.to_le_bytes().to_vec();
    bytes.extend_from_slice(&tag.to_le_bytes());
    bytes.push(3);
    bytes
}

fn manager_silent_peers_cannot_lock_out_a_client() {
    // 1. 40 peers connect and send nothing: more than the 32 slots. A real client still gets
    //    in at once (it takes the slot of the longest-idle peer), long before any idle deadline.
    let limits = ManagerLimits {
        idle_timeout: Duration::from_secs(20),
        ..ManagerLimits::default()
    };
    assert_eq!(limits.max_clients, 32);
    let mgr = Manager::start_with(limits).unwrap();
    let mut early = mgr.client().unwrap();
    early.dict_set("k", Value::Int(1)).unwrap(); // then idle: the first slot to be given away
    let silent: Vec<UnixStream> = (0..40)
        .map(|_| UnixStream::connect(mgr.address()).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200)); // all 40 accepted
    let mut real = mgr.client().unwrap();
    real.dict_incr("k", 1)
        .expect("a real client is not locked out");
    let closed = silent.iter().filter(|s| closed_by_server(s)).count();
    assert!(
        closed <= 10,
        "{closed} silent peers were closed: the client got in by eviction, not a deadline"
    );
    // 32 client threads at most (evicted ones end as soon as they are woken), plus its own.
    let threads = threads_settle(mgr.pid(), 32 + 3);
    assert!(threads <= 32 + 3, "manager threads: {threads}");
    // The early client's slot was given away while it was idle: it reconnects by itself.
    assert_eq!(early.dict_get("k").unwrap(), Some(Value::Int(2)));
    drop(silent);
    drop(mgr);

    // 2. The idle deadline itself, with a short one: a silent peer is closed after it (with a
    //    `Closed` notice), a client that pauses less than it between requests keeps its
    //    connection, and a `ManagerClient` idle for longer reconnects by itself.
    let idle = Duration::from_secs(1);
    let limits = ManagerLimits {
        idle_timeout: idle,
        read_timeout: Duration::from_secs(2),
        ..ManagerLimits::default()
    };
    let mgr = Manager::start_with(limits).unwrap();
    let mut client = mgr.client().unwrap();
    client.dict_set("a", Value::Int(1)).unwrap();
    let client_idle = Instant::now();
    let connected = Instant::now(); // before: the server's clock starts after this
    let mut mute = UnixStream::connect(mgr.address()).unwrap();
    // A slow but legitimate raw client on its own connection: a pause below the idle deadline
    // before each request, and a request sent in two halves (within the read deadline).
    let mut slow = UnixStream::connect(mgr.address()).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = raw_dict_request();
    for _ in 0..2 {
        std::thread::sleep(idle / 4);
        slow.write_all(&request[..6]).unwrap();
        std::thread::sleep(idle / 4);
        slow.write_all(&request[6..]).unwrap();
        assert_eq!(raw_reply_variant(&mut slow), Some(3), "a Dict reply");
    }
    mute.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    assert_eq!(raw_reply_variant(&mut mute), Some(6), "a Closed notice");
    let after = connected.elapsed();
    assert!(
        after >= idle && after < idle + Duration::from_secs(3),
        "the silent peer was closed after {after:?}"
    );
    assert_eq!(raw_reply_variant(&mut mute), None, "then end-of-file");
    // By now `client` has been idle for longer than the deadline too.
    std::thread::sleep(
        (client_idle + idle + Duration::from_millis(200)).saturating_duration_since(Instant::now()),
    );
    assert_eq!(client.dict_get("a").unwrap(), Some(Value::Int(1)));
}

/// Data-segment size (kB: every allocation, touched or not) and thread count of `pid`,
/// from `/proc/<pid>/status`.
fn rss_and_threads(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmData:"), field("Threads:"))
}

/// The thread count of `pid` once it is at most `max` (a thread woken to close its connection
/// may need a moment on a loaded machine), or after 3 s.
fn threads_settle(pid: u32, max: u64) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let (_, threads) = rss_and_threads(pid);
        if threads <= max || Instant::now() >= deadline {
            return threads;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Whether the server has answered or closed `s` by now (without waiting).
fn closed_by_server(s: &UnixStream) -> bool {
    s.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 256];
    let mut reader = s;
    let closed = match reader.read(&mut buf) {
        Ok(_) => true, // an error frame or end-of-file
        Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
    };
    s.set_nonblocking(false).unwrap();
    closed
}

fn manager_clients_that_stall() {
    let limits = ManagerLimits {
        read_timeout: Duration::from_millis(500),
        max_clients: 3,
        ..ManagerLimits::default()
    };
    let mgr = Manager::start_with(limits).unwrap();
    let mut good = mgr.client().unwrap(); // client 1 of 3
    good.dict_set("k", Value::Int(1)).unwrap();
    let (_, threads_before) = rss_and_threads(mgr.pid());
    // 8 clients announce a 16 MiB request and stall: the length is above the manager's
    // request limit, so each is answered and closed at once; nothing is allocated.
    let mut refused = Vec::new();
    for _ in 0..8 {
        let mut s = UnixStream::connect(mgr.address()).unwrap();
        // The server may have hung up already: this request, or the cap (the 3 slots may
        // still be taken by the previous ones), or a newcomer took this slot.
        let _ = s.write_all(&u32::try_from(MAX_FRAME).unwrap().to_le_bytes());
        let _ = s.write_all(&[0; 16]);
        refused.push(s);
    }
    std::thread::sleep(Duration::from_millis(150));
    assert!(
        refused.iter().all(closed_by_server),
        "oversized requests are refused at once"
    );
    // 4 clients start a small request and stall half-way. The first 2 fill the cap; the third
    // takes the slot of the good client, which is idle (it will reconnect); then all 3 slots
    // are in the middle of a request, and the fourth is turned away at once.
    let mut stalled = Vec::new();
    for _ in 0..4 {
        let mut s = UnixStream::connect(mgr.address()).unwrap();
        // A client over the cap may be hung up on before it writes: ignore write errors.
        let _ = s.write_all(&100u32.to_le_bytes());
        let _ = s.write_all(&[0; 16]);
        stalled.push(s);
    }
    std::thread::sleep(Duration::from_millis(150));
    let early = stalled.iter().filter(|s| closed_by_server(s)).count();
    assert_eq!(early, 1, "clients turned away by the cap of 3");
    let threads = threads_settle(mgr.pid(), threads_before + 2);
    let (data_kb, _) = rss_and_threads(mgr.pid());
    assert!(
        threads <= threads_before + 2,
        "manager threads {threads_before} → {threads}"
    );
    assert!(data_kb < 64 * 1024, "manager data {data_kb} kB");
    // The 2 admitted ones are dropped when their request's read deadline passes.
    let started = Instant::now();
    for s in &mut stalled {
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut sink = Vec::new();
        // Closed by the server: end-of-file, or a reset when our unread bytes were discarded.
        match s.read_to_end(&mut sink) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The well-behaved client is still served: its idle connection was given away, and it
    // reconnects by itself.
    assert_eq!(good.dict_get("k").unwrap(), Some(Value::Int(1)));
    let path = mgr.address().to_path_buf();
    drop(mgr);
    assert!(!path.exists());
}

fn manager_incr_overflow_is_an_error() {
    let mgr = Manager::start().unwrap();
    let mut c = mgr.client().unwrap();
    c.dict_set("n", Value::Int(i64::MAX)).unwrap();
    let err = c.dict_incr("n", 1).unwrap_err();
    assert!(err.to_string().contains("overflow"), "{err}");
    // The connection and the value survive.
    assert_eq!(c.dict_get("n").unwrap(), Some(Value::Int(i64::MAX)));
}

fn manager_shutdown_needs_the_owner_token() {
    let mgr = Manager::start().unwrap();
    let pid = mgr.pid();
    // A stranger sends a well-formed Shutdown request (variant 6) with a guessed token (0).
    let tag = frame::type_tag_of("multiprocessing_examples::manager::Request");
    let mut s = UnixStream::connect(mgr.address()).unwrap();
    s.write_all(&10u32.to_le_bytes()).unwrap();
    s.write_all(&tag.to_le_bytes()).unwrap();
    s.write_all(&[6, 0]).unwrap();
    let mut sink = Vec::new();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = s.read_to_end(&mut sink);
    std::thread::sleep(Duration::from_millis(200));
    assert!(is_alive(pid), "a stranger shut the manager down");
    let mut c = mgr.client().unwrap();
    c.dict_set("alive", Value::Bool(true)).unwrap();
    let path = mgr.address().to_path_buf();
    drop(mgr); // the owner can stop it
    assert!(!is_alive(pid));
    assert!(!path.exists(), "socket file left: {}", path.display());
}

// ---------------------------------------------------------------- spawn and frames

/// Role `spawn-probe`: spawns a missing program with two passed descriptors while fds 3 and 4
/// are free, so std's own exec-error pipe gets those numbers; prints what happened.
fn spawn_probe() {
    let placeholders = [
        std::fs::File::open("/dev/null").unwrap(),
        std::fs::File::open("/dev/null").unwrap(),
    ];
    let (r, w) = std::io::pipe().unwrap();
    let cmd = SelfCommand::with_program("/nonexistent/program", "x")
        .pass_fd(&w)
        .unwrap();
    let cmd = cmd.pass_fd(&w).unwrap();
    drop(placeholders); // 3 and 4 are free again
    let spawned = cmd.spawn();
    drop(w);
    let mut leaked = Vec::new();
    let mut r = r;
    r.read_to_end(&mut leaked).unwrap();
    match spawned {
        Ok(mut child) => {
            let _ = child.wait();
            println!("OK pid {} leaked {}", child.id(), leaked.len());
        }
        Err(e) => println!("ERR {:?} leaked {}", e.kind(), leaked.len()),
    }
}

fn spawn_error_with_passed_fds_is_an_err() {
    let out = SelfCommand::new("spawn-probe")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap()
        .wait_with_output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.trim(),
        "ERR NotFound leaked 0",
        "spawning a missing program"
    );
}

fn frame_of_the_wrong_type_is_an_error() {
    let mut wire = Vec::new();
    frame::write_frame(&mut wire, &5u64).unwrap();
    let got = frame::read_frame::<_, i64>(&mut wire.as_slice());
    assert!(
        matches!(got, Err(FrameError::WrongType { .. })),
        "a u64 frame read as i64 gave {got:?}"
    );
}

/// Role `forgetful-owner`: this program "forgot" `serve_if_worker` (env `FAULTS_FORGET_GUARD`),
/// so its pool workers run `main` again and reach `ProcessPool::new` themselves. Each process
/// that runs this `main` reports what it saw to the file `FAULTS_REPORT_FILE`.
fn forgetful_main() -> ! {
    report("started");
    // Nesting depth (owner = 0), from the parents' records: a guard in case workers do start
    // pools of their own. (Not the number of starts: the pool restarts workers that die.)
    let depth = nesting_depth(std::process::id());
    if depth > 3 {
        report(&format!("recursion at depth {depth}"));
        std::process::exit(4);
    }
    let in_worker = spawn::child_role().is_some_and(|r| r.name == pool::WORKER_ROLE);
    if in_worker && let Err(e) = Manager::start() {
        report(&format!("manager-refused {e}"));
    }
    match ProcessPool::new(1, TASKS) {
        Err(e) => {
            report(&format!("refused {e}"));
            std::process::exit(3)
        }
        Ok(pool) => {
            let r = pool.apply::<u64, u64>("square", 2);
            report(&format!("applied {r:?}"));
            drop(pool);
            std::process::exit(0)
        }
    }
}

/// Appends `<pid> <ppid> <event>` to the report file in ONE `write` call. Several of these
/// processes write at once (the owner reports while its driver starts a replacement worker),
/// and `writeln!`/`eprintln!` issue one write(2) per formatted piece: another process's text
/// can land between two pieces. That is how the owner's "APPLIED: Err" once read
/// "APPLIED: MANAGER REFUSED: … Err(…)" on a loaded machine, when this row read a shared stderr.
/// With `O_APPEND`, the kernel appends one write as a whole.
fn report(event: &str) {
    let path = std::env::var("FAULTS_REPORT_FILE").unwrap();
    let record = format!(
        "{} {} {}\n",
        std::process::id(),
        nix::unistd::getppid(),
        event.replace('\n', " ")
    );
    std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
        .unwrap()
        .write_all(record.as_bytes())
        .unwrap();
}

/// The report file as `(pid, ppid, event)` records.
fn reports(path: &std::path::Path) -> Vec<(u32, u32, String)> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ' ');
            let mut num = || parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
            let (pid, ppid) = (num(), num());
            (pid, ppid, parts.next().unwrap_or_default().to_owned())
        })
        .collect()
}

/// How many `started` ancestors `pid` has in the report file.
fn nesting_depth(pid: u32) -> usize {
    let path = std::env::var("FAULTS_REPORT_FILE").unwrap();
    let started: Vec<(u32, u32)> = reports(path.as_ref())
        .into_iter()
        .filter(|r| r.2 == "started")
        .map(|r| (r.0, r.1))
        .collect();
    let parent = |p: u32| started.iter().find(|r| r.0 == p).map(|r| r.1);
    let mut depth = 0;
    let mut p = parent(pid);
    while let Some(pp) = p.filter(|pp| parent(*pp).is_some()) {
        depth += 1;
        p = parent(pp);
    }
    depth
}

fn pool_inside_a_worker_role_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports");
    let owner_run = std::process::Command::new(std::env::current_exe().unwrap())
        .arg(spawn::ROLE_FLAG)
        .arg("forgetful-owner")
        .env("FAULTS_FORGET_GUARD", "1")
        .env("FAULTS_REPORT_FILE", &file)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let owner = owner_run.id();
    let out = owner_run.wait_with_output().unwrap();
    // Stderr only for the failure messages: several processes write it at once.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let records = reports(&file);
    let all = format!("{records:#?}\n{stderr}");
    let by = |pid: u32, prefix: &str| {
        records
            .iter()
            .any(|r| r.0 == pid && r.2.starts_with(prefix))
    };
    let workers: Vec<u32> = records
        .iter()
        .filter(|r| r.2 == "started" && r.0 != owner)
        .map(|r| r.0)
        .collect();
    assert!(!workers.is_empty(), "no worker reported: {all}");
    // Every process that ran the pool-creating main is the owner or one of its own workers:
    // never a worker's worker.
    let nested: Vec<_> = records
        .iter()
        .filter(|r| r.0 != owner && r.1 != owner)
        .collect();
    assert!(
        nested.is_empty(),
        "workers started pools of their own: {nested:?}\n{all}"
    );
    assert!(
        records
            .iter()
            .any(|r| r.2.starts_with("refused") && r.2.contains("serve_if_worker")),
        "a worker's pool is refused, naming the fix: {all}"
    );
    assert!(
        records.iter().any(|r| r.2.starts_with("manager-refused")),
        "a worker cannot start a manager either: {all}"
    );
    assert!(
        by(owner, "applied Err(WorkerDied"),
        "the owner sees its worker fail: {all}"
    );
}

fn main() {
    if std::env::var_os("FAULTS_FORGET_GUARD").is_some() {
        forgetful_main();
    }
    pool::serve_if_worker(TASKS);
    manager::serve_if_manager();
    match spawn::child_role().map(|r| r.name) {
        Some(r) if r == "pool-owner" => return pool_owner(),
        Some(r) if r == "spawn-probe" => return spawn_probe(),
        Some(r) if r == "manager-owner" => return manager_owner(),
        _ => {}
    }
    spawn::become_subreaper().expect("prctl(PR_SET_CHILD_SUBREAPER)");
    let sockets_before = manager_socket_files();
    let started = Instant::now();
    multiprocessing_examples::harness::run_then(
        multiprocessing_examples::harness::tests![
            task_that_panics,
            task_that_exits,
            worker_sigkilled_mid_task,
            task_that_hangs_past_its_deadline,
            cancel_stops_a_running_or_queued_task,
            idle_worker_death_is_not_blamed_on_the_next_task,
            garbage_reply_is_a_protocol_error_at_once,
            huge_length_prefix_is_a_protocol_error_at_once,
            oversize_argument_is_refused_without_killing_anyone,
            oversize_result_is_refused_without_killing_anyone,
            owner_sigkilled_while_workers_are_busy,
            manager_dies_with_its_owner_whatever_thread_started_it,
            manager_clients_that_stall,
            manager_silent_peers_cannot_lock_out_a_client,
            manager_incr_overflow_is_an_error,
            manager_shutdown_needs_the_owner_token,
            spawn_error_with_passed_fds_is_an_err,
            frame_of_the_wrong_type_is_an_error,
            pool_inside_a_worker_role_is_an_error,
        ],
        move || {
            let new: Vec<String> = manager_socket_files()
                .into_iter()
                .filter(|f| !sockets_before.contains(f))
                .collect();
            println!("fault matrix took {:.1} s", started.elapsed().as_secs_f64());
            if new.is_empty() {
                Ok(())
            } else {
                Err(format!("socket files left: {new:?}").into())
            }
        },
    );
}
