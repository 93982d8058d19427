//! Many GETs through one `reqwest::Client`: 20 requests to a 1 s server finish in ≈ 1 s.
//!
//! Many GETs through one HTTP client: 20 requests to a server that takes 1 s per answer finish
//! in ≈ 1 s when awaited together, against ≈ 3 s for just 3 of them one after another.
//!
//! Python original: the python-threads project, `asyncio_examples/async_web_requests.py` (aiohttp: one `ClientSession`, many
//! `session.get` gathered). Here: one `reqwest::Client` (it owns a connection pool; create it
//! once and clone it freely, clones share the pool) and `join_all`. The server is the crate's
//! small axum API, started by this program on `127.0.0.1` with an OS-assigned port, so no
//! internet is needed; it counts how many requests it was serving at once.
//!
//! The timeline at the end shows the three sequential requests end to end, then the twenty
//! concurrent ones side by side.
//!
//! Run: `cargo run --bin a14_async_http_requests`
//!
//! Expect: `server latency: 1.000 s`; `Sequential (3 requests): Time taken: 3.0… s`;
//! `Concurrent (20 requests): Time taken: 1.0… s`; `statuses: 20 × 200 OK`; the server saw 20
//! requests at once.

use std::collections::BTreeMap;

use async_examples::users_api::{User, UsersApi, local_client};
use futures::future::join_all;
use reqwest::StatusCode;
use utilities::{Stopwatch, Timeline, print_time_taken, say, secs};

const CONCURRENT: u32 = 20;
const SEQUENTIAL: u32 = 3;

/// One GET: the status, and the user when the answer was a 200.
async fn get_user(
    client: &reqwest::Client,
    url: String,
) -> reqwest::Result<(StatusCode, Option<User>)> {
    let response = client.get(url).send().await?;
    let status = response.status();
    let user = if status.is_success() {
        Some(response.json::<User>().await?)
    } else {
        None
    };
    Ok((status, user))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    utilities::output::start_clock();
    let latency = secs(1.0);
    let api = UsersApi::start(latency).await?;
    say!(
        "server at {}, latency: {:.3} s",
        api.base_url(),
        latency.as_secs_f64()
    );
    let client = local_client()?; // one client, one connection pool, for every request
    let tl = Timeline::new();

    // One after another: each request waits for the previous answer.
    let sw = Stopwatch::start();
    for id in 1..=SEQUENTIAL {
        let get = get_user(&client, api.user_url(id));
        let (status, user) = tl
            .record_async(format!("sequential: GET user {id}"), get)
            .await?;
        say!("sequential: user {id} → {status} {user:?}");
    }
    let sequential = sw.elapsed();
    print_time_taken("Sequential (3 requests)", sequential);

    // All at once: the 20 waits overlap.
    let sw = Stopwatch::start();
    let results = join_all((1..=CONCURRENT).map(|id| {
        let get = get_user(&client, api.user_url(id));
        tl.record_async(format!("concurrent: GET user {id}"), get)
    }))
    .await;
    let concurrent = sw.elapsed();
    print_time_taken("Concurrent (20 requests)", concurrent);

    let mut statuses: BTreeMap<StatusCode, usize> = BTreeMap::new();
    let mut names = Vec::new();
    for result in results {
        let (status, user) = result?;
        *statuses.entry(status).or_default() += 1;
        names.extend(user.map(|u| u.name));
    }
    tl.print("Three 1 s GETs one after another, then twenty at once, through one client");
    for (status, count) in &statuses {
        say!("statuses: {count} × {status}");
    }
    say!(
        "first and last user: {:?} … {:?}",
        names.first(),
        names.last()
    );
    say!(
        "the server handled {} requests, at most {} at once",
        api.requests(),
        api.max_concurrent()
    );

    drop(client);
    let (served, at_once) = (api.requests(), api.max_concurrent());
    api.stop().await;

    assert_eq!(statuses.get(&StatusCode::OK), Some(&(CONCURRENT as usize)));
    assert_eq!(served, (SEQUENTIAL + CONCURRENT) as usize);
    // Normally all 20 are in flight together; on a very busy machine at a tiny time scale the
    // first answers may come back before the last requests arrive, so claim only "many".
    assert!(
        at_once > SEQUENTIAL as usize,
        "the requests were in flight together"
    );
    assert!(
        concurrent < sequential,
        "20 overlapping requests beat 3 sequential ones"
    );
    Ok(())
}
