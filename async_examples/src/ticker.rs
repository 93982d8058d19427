//! A ticker task: the canary of an async runtime.
//!
//! It wakes up every `period` and writes down when it did. While the runtime is free the ticks
//! come `period` apart; when something blocks the thread the ticker runs on, no tick happens
//! and the gap between two ticks shows exactly how long the runtime was frozen.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

/// A running ticker task (started with [`Ticker::spawn`], stopped with [`Ticker::stop`]).
#[derive(Debug)]
pub struct Ticker {
    ticks: Arc<Mutex<Vec<Instant>>>,
    handle: JoinHandle<()>,
    started: Instant,
}

impl Ticker {
    /// Spawns a task on the current runtime that ticks every `period`; with `print` it says
    /// `tick N` on each tick (the timestamps of those lines show any gap).
    ///
    /// # Panics
    /// When called outside a tokio runtime.
    pub fn spawn(period: Duration, print: bool) -> Self {
        let ticks = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&ticks);
        let started = Instant::now();
        let handle = tokio::spawn(async move {
            for n in 1.. {
                tokio::time::sleep(period).await;
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Instant::now());
                if print {
                    utilities::say!("tick {n}");
                }
            }
        });
        Self {
            ticks,
            handle,
            started,
        }
    }

    /// Stops the ticker (aborting its task) and returns what it recorded.
    pub fn stop(self) -> TickReport {
        self.handle.abort();
        let ticks = self
            .ticks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        TickReport {
            started: self.started,
            stopped: Instant::now(),
            ticks,
        }
    }
}

/// The ticks a [`Ticker`] recorded.
#[derive(Debug, Clone)]
pub struct TickReport {
    /// When the ticker was spawned.
    pub started: Instant,
    /// When it was stopped.
    pub stopped: Instant,
    /// The instant of every tick.
    pub ticks: Vec<Instant>,
}

impl TickReport {
    /// Number of ticks that happened between `from` and `to`.
    pub fn count_between(&self, from: Instant, to: Instant) -> usize {
        self.ticks.iter().filter(|&&t| t >= from && t <= to).count()
    }

    /// The longest stretch without a tick between `from` and `to` (both ends count as edges).
    pub fn longest_gap_between(&self, from: Instant, to: Instant) -> Duration {
        let (start, end) = self.longest_silence_between(from, to);
        end.saturating_duration_since(start)
    }

    /// Where that longest stretch lies, as `(start, end)`: a timeline can draw it.
    pub fn longest_silence_between(&self, from: Instant, to: Instant) -> (Instant, Instant) {
        let mut edges = vec![from];
        edges.extend(self.ticks.iter().copied().filter(|&t| t > from && t < to));
        edges.push(to);
        edges
            .windows(2)
            .map(|w| (w[0], w[1]))
            .max_by_key(|(a, b)| b.saturating_duration_since(*a))
            .unwrap_or((from, from))
    }

    /// The longest stretch without a tick over the ticker's whole life.
    pub fn longest_gap(&self) -> Duration {
        self.longest_gap_between(self.started, self.stopped)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn ticks_while_the_runtime_is_free_and_not_while_it_is_blocked() {
        let ticker = Ticker::spawn(Duration::from_millis(10), false);
        tokio::time::sleep(Duration::from_millis(100)).await;
        let block_from = Instant::now();
        std::thread::sleep(Duration::from_millis(300)); // freezes this current-thread runtime
        let block_to = Instant::now();
        tokio::time::sleep(Duration::from_millis(30)).await;
        let report = ticker.stop();
        assert!(report.ticks.len() >= 3, "{report:?}");
        assert_eq!(report.count_between(block_from, block_to), 0);
        assert!(report.longest_gap() >= Duration::from_millis(300));
        // While free, ticks come every 10 ms (200 ms of slack for a busy machine).
        let free_gap = report.longest_gap_between(report.started, block_from);
        assert!(free_gap < Duration::from_millis(200), "{free_gap:?}");
        // The longest silence is the blocked stretch itself.
        let (quiet_from, quiet_to) = report.longest_silence_between(report.started, report.stopped);
        assert!(
            quiet_from <= block_from && quiet_to >= block_to,
            "{report:?}"
        );
    }
}
