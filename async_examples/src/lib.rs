//! Shared plumbing of the async examples: a ticker that proves the runtime is responsive, the
//! Python original's CPU job, and a small local HTTP API. (The in-flight gauge that proves a
//! limit is the course's one, [`utilities::gauge::Gauge`].)
//!
//! The examples themselves live in `src/bin/`; see the crate's `README.md` for the list.
#![warn(missing_docs)]

pub mod cpu;
pub mod fixture;
pub mod pool_bridge;
pub mod scrape;
pub mod ticker;
pub mod users_api;

pub use ticker::{TickReport, Ticker};
