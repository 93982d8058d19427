//! Real async I/O: a local HTTP API and an SQLite file, 3 calls at once; each phase ≈ its slowest.
//!
//! Real async I/O: three calls to a local HTTP API at once, then three saves to an SQLite file at
//! once; each phase takes as long as its slowest call, not the sum.
//!
//! Python original: the course notebook, Module 4C "Integrating async I/O with APIs and databases" (`fake_api_call`,
//! `fake_db_save`, `asyncio.gather`), done for real:
//! - the API is an axum server that this program starts on `127.0.0.1` with an OS-assigned port
//!   (every answer takes 1 s, the Python original's "pretend network wait"), called through one
//!   `reqwest::Client` (aiohttp / httpx in the Python original);
//! - the database is a real SQLite file in a temporary directory, written with `rusqlite`
//!   (SQLite compiled in, `bundled`) inside `tokio::task::spawn_blocking`.
//!
//! Why rusqlite + `spawn_blocking` rather than an async driver (sqlx, the asyncpg of Rust)?
//! SQLite is a library inside this process, not a server: every call is a blocking function
//! call, and async SQLite drivers run those same calls on a background thread for you. Doing it
//! explicitly shows the Python original's rule, "if the library is blocking, it will block the event loop",
//! and its fix in one line, with no extra dependency. For a networked database (Postgres,
//! MySQL) an async driver is the better choice: it waits on sockets without holding a thread.
//! SQLite answers in microseconds, so each save also sleeps 1 s (blocking) to stand for the
//! Python original's DB round trip.
//!
//! Run: `cargo run --bin a04_api_and_db`
//!
//! Expect: `API: fetching user 1..3` (all three before any `DB: saving`), the server seeing 3
//! requests at once, `Saved: [true, true, true]` (Python prints `[True, True, True]`), the rows
//! read back from the file, and each phase ≈ 1 s (slowest call), total ≈ 2 s, not 6 s.

// "SQLite" is a product name in the prose above, not code.
#![allow(clippy::doc_markdown)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use async_examples::users_api::{User, UsersApi, local_client};
use futures::future::{join_all, try_join_all};
use rusqlite::{Connection, params};
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

/// `fake_api_call`: one GET through the shared client. Returns the user and how long it took.
async fn fetch_user(
    client: &reqwest::Client,
    api: &UsersApi,
    id: u32,
    timeline: &Timeline,
) -> anyhow::Result<(User, Duration)> {
    say!("API: fetching user {id}");
    let _span = timeline.span(format!("API: GET user {id} (1 s)"));
    let sw = Stopwatch::start();
    let user: User = client
        .get(api.user_url(id))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok((user, sw.elapsed()))
}

fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    // Three connections write at once; SQLite lets one write at a time, the others wait here.
    conn.busy_timeout(Duration::from_secs(10))?;
    Ok(conn)
}

/// The blocking part of a save: runs on a blocking-pool thread, never on the runtime.
fn save_user_blocking(path: &Path, user: &User) -> rusqlite::Result<bool> {
    let conn = open(path)?;
    utilities::sleep_secs(1.0); // the Python original's DB wait (a round trip to a DB server), blocking
    let rows = conn.execute(
        "INSERT INTO users (id, name) VALUES (?1, ?2)",
        params![user.id, user.name],
    )?;
    Ok(rows == 1)
}

/// `fake_db_save`: hands the blocking work to `spawn_blocking` and awaits it.
async fn db_save(
    path: PathBuf,
    user: User,
    timeline: &Timeline,
) -> anyhow::Result<(bool, Duration)> {
    say!("DB: saving {}", user.id);
    let _span = timeline.span(format!("DB: save user {} (1 s, spawn_blocking)", user.id));
    let sw = Stopwatch::start();
    let saved = tokio::task::spawn_blocking(move || save_user_blocking(&path, &user))
        .await
        .context("the save task panicked")??;
    Ok((saved, sw.elapsed()))
}

fn slowest_and_sum(times: &[Duration]) -> (Duration, Duration) {
    (
        times.iter().copied().max().unwrap_or_default(),
        times.iter().sum(),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    utilities::output::start_clock();

    let api = UsersApi::start(secs(1.0)).await?;
    say!("API listening on {}", api.base_url());
    let client = local_client()?; // one client for every request (aiohttp's shared session)

    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("users.db");
    let path = db_path.clone();
    tokio::task::spawn_blocking(move || {
        open(&path)?.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);",
        )
    })
    .await??;
    say!("DB: created {}", db_path.display());

    let timeline = Timeline::new();
    let total = Stopwatch::start();

    // users = await asyncio.gather(fake_api_call(1), fake_api_call(2), fake_api_call(3))
    let sw = Stopwatch::start();
    let fetched = try_join_all((1..=3).map(|id| fetch_user(&client, &api, id, &timeline))).await?;
    let api_phase = sw.elapsed();
    let (users, api_times): (Vec<User>, Vec<Duration>) = fetched.into_iter().unzip();
    say!("API: got {users:?}");
    say!(
        "API: the server handled at most {} requests at once",
        api.max_concurrent()
    );
    print_time_taken("API phase", api_phase);

    // saves = await asyncio.gather(*(fake_db_save(u) for u in users))
    let sw = Stopwatch::start();
    let saves = join_all(
        users
            .iter()
            .map(|u| db_save(db_path.clone(), u.clone(), &timeline)),
    )
    .await;
    let db_phase = sw.elapsed();
    let mut saved = Vec::new();
    let mut db_times = Vec::new();
    for s in saves {
        let (ok, took) = s?;
        saved.push(ok);
        db_times.push(took);
    }
    say!("Saved: {saved:?}");
    print_time_taken("DB phase", db_phase);
    print_time_taken("Total", total.elapsed());

    // Read the rows back from the file, to show the saves really happened.
    let path = db_path.clone();
    let rows: Vec<(u32, String)> = tokio::task::spawn_blocking(move || {
        let conn = open(&path)?;
        let mut stmt = conn.prepare("SELECT id, name FROM users ORDER BY id")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok::<_, rusqlite::Error>(rows)
    })
    .await??;
    say!("DB: rows in the file: {rows:?}");

    let (api_slowest, api_sum) = slowest_and_sum(&api_times);
    let (db_slowest, db_sum) = slowest_and_sum(&db_times);
    say!(
        "API calls: slowest {:.3} s, sum {:.3} s, phase {:.3} s",
        api_slowest.as_secs_f64(),
        api_sum.as_secs_f64(),
        api_phase.as_secs_f64()
    );
    say!(
        "DB saves: slowest {:.3} s, sum {:.3} s, phase {:.3} s",
        db_slowest.as_secs_f64(),
        db_sum.as_secs_f64(),
        db_phase.as_secs_f64()
    );
    println!();
    timeline.print_width("Three API calls at once, then three DB saves at once", 48);

    drop(client);
    api.stop().await;

    assert_eq!(saved, [true, true, true]);
    assert_eq!(
        rows,
        [
            (1, "User1".into()),
            (2, "User2".into()),
            (3, "User3".into())
        ]
    );
    assert!(api_phase < api_sum * 2 / 3, "the API calls should overlap");
    assert!(db_phase < db_sum * 2 / 3, "the DB saves should overlap");
    Ok(())
}
