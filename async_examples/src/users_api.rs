//! A small JSON API served by axum on `127.0.0.1` with an OS-assigned port, started by the example
//! that needs it (a04, a14) and stopped when it is done. No internet is involved.
//!
//! `GET /users/{id}` answers `{"id": 1, "name": "User1"}` after a simulated latency (the Python original's
//! "pretend network wait"); id 0 is `404 Not Found`. The server counts requests and how many it
//! was serving at once, which proves from the server's side that the client really was concurrent.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use utilities::gauge::Gauge;

/// What `GET /users/{id}` returns (the Python original's `{"id": user_id, "name": "User" + str(user_id)}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// The id asked for.
    pub id: u32,
    /// `"User<id>"`.
    pub name: String,
}

#[derive(Debug)]
struct ApiState {
    latency: Duration,
    requests: AtomicUsize,
    in_flight: Gauge,
}

/// A running server; call [`UsersApi::stop`] to shut it down and wait for it.
#[derive(Debug)]
pub struct UsersApi {
    addr: SocketAddr,
    state: Arc<ApiState>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

// axum 0.8 writes path parameters as `{id}`; the old `:id` syntax panics when the route is added.
async fn get_user(
    State(state): State<Arc<ApiState>>,
    Path(id): Path<u32>,
) -> Result<Json<User>, StatusCode> {
    let _serving = state.in_flight.enter();
    state.requests.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(state.latency).await; // the "network wait" of every call
    if id == 0 {
        return Err(StatusCode::NOT_FOUND);
    }
    Ok(Json(User {
        id,
        name: format!("User{id}"),
    }))
}

impl UsersApi {
    /// Binds `127.0.0.1:0` (the OS picks a free port) and serves in a background task of the
    /// current runtime; every answer takes `latency`.
    ///
    /// # Errors
    /// When the socket cannot be bound.
    pub async fn start(latency: Duration) -> std::io::Result<Self> {
        let state = Arc::new(ApiState {
            latency,
            requests: AtomicUsize::new(0),
            in_flight: Gauge::new(),
        });
        let app = Router::new()
            .route("/users/{id}", get(get_user))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (shutdown, stop_signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let served = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stop_signal.await;
            });
            if let Err(e) = served.await {
                eprintln!("users API stopped with an error: {e}");
            }
        });
        Ok(Self {
            addr,
            state,
            shutdown,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The URL of one user.
    pub fn user_url(&self, id: u32) -> String {
        format!("{}/users/{id}", self.base_url())
    }

    /// Requests served so far.
    pub fn requests(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The most requests the server was handling at the same moment.
    pub fn max_concurrent(&self) -> usize {
        self.state.in_flight.max()
    }

    /// Stops accepting, lets running requests finish (at most 2 s), and ends the server task.
    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let mut task = self.task;
        if tokio::time::timeout(Duration::from_secs(2), &mut task)
            .await
            .is_err()
        {
            task.abort(); // an idle keep-alive connection held it open: cut it
        }
    }
}

/// The HTTP client the examples share: one `reqwest::Client` (its connection pool is reused by
/// every request, like one aiohttp `ClientSession`). It ignores proxy variables, because every
/// request of the course goes to `127.0.0.1`.
///
/// # Errors
/// When the client cannot be built (TLS backend initialisation).
pub fn local_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(30))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn serves_users_and_404() {
        let api = UsersApi::start(Duration::from_millis(1)).await.unwrap();
        let client = local_client().unwrap();
        let user: User = client
            .get(api.user_url(7))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(
            user,
            User {
                id: 7,
                name: "User7".into()
            }
        );
        let missing = client.get(api.user_url(0)).send().await.unwrap();
        assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
        assert_eq!(api.requests(), 2);
        drop(client);
        api.stop().await;
    }
}
