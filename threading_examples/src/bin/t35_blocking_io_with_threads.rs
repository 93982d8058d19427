//! Blocking I/O in threads while main computes: 4 network calls of 1 s finish in ≈ 1 s together.
//!
//! Python original: Effective Python (ch. 5), "Use threads for blocking I/O" ("threading makes it possible to do blocking io and
//! computation at the same time"; fairness). A local TCP server on 127.0.0.1 (port 0 = any free
//! port) answers each connection after 1 s. Four client threads each make one *blocking* call
//! (connect, write, `read_to_string`), so each thread sleeps in the kernel until its answer
//! comes. Meanwhile main keeps computing (counting primes in chunks) and checks
//! `JoinHandle::is_finished` between chunks, so it is never blocked. In Rust the compute and
//! the I/O run truly in parallel; in Python the GIL is released during the blocking call, which
//! is why this pattern works there too.
//!
//! Run: `cargo run --bin t35_blocking_io_with_threads`
//!
//! Expected output (abridged):
//! ```text
//! [   0.000s] main         | server listening on 127.0.0.1:41234
//! [   0.000s] client-1     | request sent, blocking in read…
//! ...
//! [   1.002s] client-3     | got "reply to client-3" after 1.002 s
//! [   1.004s] main         | computed 123 chunks (primes found: 45678) while the 4 calls were in flight
//! Timeline: …   (four client bars side by side; main's bar spans them)
//! each call takes 1 s; one after another the 4 calls would take 4 s
//! all 4 calls: Time taken: 1.004 s
//! ```

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use utilities::{Stopwatch, Timeline, say, sleep_secs, timing::time_taken_line};

const CALLS: usize = 4;

/// A slow server: for each of `CALLS` connections, read one line, wait 1 s, answer.
fn serve(listener: &TcpListener) {
    thread::scope(|s| {
        for _ in 0..CALLS {
            let Ok((stream, _)) = listener.accept() else {
                continue;
            };
            s.spawn(move || {
                let mut line = String::new();
                let mut reader = BufReader::new(&stream).take(1024); // bounded read
                if reader.read_line(&mut line).is_ok() {
                    sleep_secs(1.0); // the slow part of the "remote" service
                    let _ = (&stream).write_all(format!("reply to {}", line.trim()).as_bytes());
                }
            });
        }
    });
}

/// One blocking call: the calling thread waits in the kernel until the answer arrives.
fn call(addr: std::net::SocketAddr, me: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.write_all(format!("{me}\n").as_bytes())?;
    stream.shutdown(std::net::Shutdown::Write)?;
    say!("request sent, blocking in read…");
    let mut answer = String::new();
    stream.take(64 * 1024).read_to_string(&mut answer)?;
    Ok(answer)
}

/// One chunk of real computation: count the primes in `[from, from + 2000)`.
fn count_primes(from: u64) -> u64 {
    let is_prime = |n: u64| {
        n >= 2
            && (2..)
                .take_while(|d| d * d <= n)
                .all(|d| !n.is_multiple_of(d))
    };
    (from..from + 2000).map(|n| u64::from(is_prime(n))).sum()
}

fn main() {
    utilities::output::start_clock();
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let addr = listener.local_addr().expect("local address");
    say!("server listening on {addr}");
    let sw = Stopwatch::start();
    let timeline = Timeline::with_origin(sw.started_at());

    thread::scope(|s| {
        let server = s.spawn(|| serve(&listener));
        let clients: Vec<_> = (1..=CALLS)
            .map(|i| {
                let timeline = &timeline;
                thread::Builder::new()
                    .name(format!("client-{i}"))
                    .spawn_scoped(s, move || {
                        let me = format!("client-{i}");
                        let call_sw = Stopwatch::start();
                        let answer = timeline
                            .record(format!("{me}: blocking call (1 s)"), || call(addr, &me));
                        let answer = answer.expect("the local server answers");
                        say!(
                            "got {answer:?} after {:.3} s",
                            call_sw.elapsed().as_secs_f64()
                        );
                        assert_eq!(answer, format!("reply to {me}"));
                    })
                    .expect("spawn client")
            })
            .collect();

        // Main is free: compute until every call has come back.
        let compute = timeline.span("main: computes primes meanwhile");
        let (mut chunks, mut primes) = (0_u64, 0_u64);
        while !clients.iter().all(thread::ScopedJoinHandle::is_finished) {
            primes += count_primes(chunks * 2000);
            chunks += 1;
        }
        drop(compute);
        let io_time = sw.elapsed();
        say!(
            "computed {chunks} chunks (primes found: {primes}) while the {CALLS} calls were in flight"
        );
        for c in clients {
            c.join().expect("client panicked");
        }
        server.join().expect("server panicked");
        timeline.print("Four blocking calls in threads while main computes");
        println!("each call takes 1 s; one after another the {CALLS} calls would take {CALLS} s");
        println!(
            "{}",
            time_taken_line(&format!("all {CALLS} calls"), io_time)
        );
        assert!(chunks > 0, "main computed while waiting");
    });
}
