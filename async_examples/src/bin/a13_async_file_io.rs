//! Files and sockets without blocking: `tokio::fs` round trips and a local TCP echo server.
//!
//! Files and sockets without blocking the runtime: five files written and read back
//! concurrently with `tokio::fs`, and a local TCP echo server talking to three clients at once.
//!
//! Python original: the python-threads project, `asyncio_examples/async_io_operations.py` ("asynchronous I/O operations").
//! Two facts worth knowing:
//! - `tokio::fs` is not "true" async I/O: Linux regular files are always ready, so tokio runs
//!   each file operation on its blocking pool (`spawn_blocking`) and awaits the result. It keeps
//!   the runtime free, which is the point; for many small files, one `spawn_blocking` that does
//!   them all with `std::fs` is often faster.
//! - A `tokio::fs::File` buffers writes in the background: call `flush().await` (or
//!   `sync_all().await`) before dropping it, or the last write may not reach the file yet.
//!
//! Sockets are truly asynchronous: the echo server (on `127.0.0.1`, port chosen by the OS) is
//! one task per connection; waiting for bytes costs no thread.
//!
//! Run: `cargo run --bin a13_async_file_io`
//!
//! Expect: `wrote file-N.txt` and `read file-N.txt` for N = 1..5, `files round-trip: 5/5
//! identical`, three `client N: sent … got back …` lines with equal strings, and `echo
//! round-trip: 3/3 identical`.

use std::path::{Path, PathBuf};

use futures::future::try_join_all;
use tokio::fs::File;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use utilities::{say, secs};

const FILES: usize = 5;

fn content(n: usize) -> String {
    format!("file {n}\n{}", "async file I/O line\n".repeat(n * 100))
}

async fn write_file(path: PathBuf, text: String) -> std::io::Result<()> {
    let mut file = File::create(&path).await?;
    file.write_all(text.as_bytes()).await?;
    file.flush().await?; // see the header: without it the tail may still be in flight
    say!("wrote {} ({} bytes)", file_name(&path), text.len());
    Ok(())
}

async fn read_file(path: PathBuf) -> std::io::Result<String> {
    let mut text = String::new();
    File::open(&path).await?.read_to_string(&mut text).await?;
    say!("read {} ({} bytes)", file_name(&path), text.len());
    Ok(text)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Echo server: every connection gets its own task that copies what it reads back.
async fn serve_echo(listener: TcpListener) {
    loop {
        let Ok((mut socket, peer)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(async move {
            let (mut reader, mut writer) = socket.split();
            match tokio::io::copy(&mut reader, &mut writer).await {
                Ok(bytes) => say!("server: echoed {bytes} bytes to {peer}"),
                Err(e) => say!("server: connection {peer} failed: {e}"),
            }
        });
    }
}

/// One client: send a message, close our writing half, read everything that comes back.
async fn client(n: usize, addr: std::net::SocketAddr) -> std::io::Result<(String, String)> {
    let message = format!("hello from client {n}");
    let mut stream = TcpStream::connect(addr).await?;
    tokio::time::sleep(secs(0.1 * n as f64)).await; // clients overlap, each at its own pace
    stream.write_all(message.as_bytes()).await?;
    stream.shutdown().await?; // end-of-file for the server's `copy`
    let mut echo = String::new();
    stream.read_to_string(&mut echo).await?;
    say!("client {n}: sent {message:?}, got back {echo:?}");
    Ok((message, echo))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    utilities::output::start_clock();

    // 1. Files: all writes at once, then all reads at once.
    let dir = tempfile::tempdir()?;
    let paths: Vec<PathBuf> = (1..=FILES)
        .map(|n| dir.path().join(format!("file-{n}.txt")))
        .collect();
    try_join_all(
        paths
            .iter()
            .enumerate()
            .map(|(i, p)| write_file(p.clone(), content(i + 1))),
    )
    .await?;
    let texts = try_join_all(paths.iter().cloned().map(read_file)).await?;
    let same = texts
        .iter()
        .enumerate()
        .filter(|(i, t)| **t == content(i + 1))
        .count();
    say!("files round-trip: {same}/{FILES} identical");

    // 2. Sockets: an echo server on 127.0.0.1:0 and three clients at once.
    let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
    let addr = listener.local_addr()?;
    say!("echo server listening on {addr}");
    let server = tokio::spawn(serve_echo(listener));
    let pairs = try_join_all((1..=3).map(|n| client(n, addr))).await?;
    let echoed = pairs.iter().filter(|(sent, got)| sent == got).count();
    say!("echo round-trip: {echoed}/3 identical");
    server.abort(); // stop accepting; the runtime would drop it at exit anyway

    assert_eq!(same, FILES);
    assert_eq!(echoed, 3);
    Ok(())
}
