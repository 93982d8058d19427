//! Politeness: the per-host gate (minimum delay, `AutoThrottle`, `Retry-After`), and the rule
//! that the course's time scale never makes us faster against somebody else's server.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;

/// `host:port` of a URL: the unit of politeness (delay, robots.txt, allowed redirect targets).
/// Two ports of one machine count as two hosts, so a second local server can stand in for
/// another site.
pub fn origin(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

/// Is the URL's host this machine (`localhost`, 127.0.0.0/8, `::1`)?
pub fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The factor for timeouts, delays and backoff against `url`: the course time scale for a
/// server on this machine (our own fixture), but never below 1 for anyone else's. A scale of
/// 0.01 makes a demo fast; it must not make us 100× less polite to a real site.
pub fn politeness_scale(url: &Url, course_scale: f64) -> f64 {
    if is_loopback(url) {
        course_scale
    } else {
        course_scale.max(1.0)
    }
}

/// A `Retry-After` value as a wait from `now`: delay-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`; a date in the past means "now"). `None` when unreadable.
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[derive(Debug, Clone, Copy)]
struct Host {
    /// The next free turn: each waiter reserves one, in the order they come.
    next: Instant,
    /// Current delay between two starts.
    delay: Duration,
    /// When the last request to this host really started (Scrapy's `lastseen`).
    last_start: Option<Instant>,
    /// No request starts before this (a `Retry-After`), whatever turn it reserved earlier.
    not_before: Instant,
}

#[derive(Debug)]
struct Inner {
    floor: Duration,
    hosts: HashMap<String, Host>,
}

impl Inner {
    /// `url`'s host; one seen for the first time is free `now`, at the floor's delay.
    fn host(&mut self, url: &Url, now: Instant) -> &mut Host {
        let floor = self.floor;
        self.hosts.entry(origin(url)).or_insert(Host {
            next: now,
            delay: floor,
            last_start: None,
            not_before: now,
        })
    }
}

/// Spaces the starts of requests to one host by its delay, as Scrapy's `DOWNLOAD_DELAY` does:
/// each request reserves the host's next free turn under a short (never awaited) lock and sleeps
/// until it; then it starts only if the request that really started last did so a full delay
/// ago (and no `Retry-After` forbids it), else it sleeps again. So a waiter woken late by a busy
/// machine pushes the next one back instead of squeezing it: two starts to one host are never
/// closer than the delay, as the request leaves.
#[derive(Debug)]
pub(crate) struct HostGate {
    inner: Mutex<Inner>,
    /// `AutoThrottle`'s target concurrency, when on.
    target: Option<f64>,
    max_delay: Duration,
}

impl HostGate {
    pub(crate) fn new(floor: Duration, target: Option<f64>, max_delay: Duration) -> Self {
        Self {
            inner: Mutex::new(Inner {
                floor,
                hosts: HashMap::new(),
            }),
            target: target.filter(|t| t.is_finite() && *t > 0.0),
            max_delay: max_delay.max(floor),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Raises the floor (a `Crawl-delay`) for every host.
    pub(crate) fn raise_floor(&self, at_least: Duration) {
        let mut inner = self.lock();
        inner.floor = inner.floor.max(at_least);
        let floor = inner.floor;
        for host in inner.hosts.values_mut() {
            host.delay = host.delay.max(floor);
        }
    }

    /// The floor (our `--delay-ms`, or a larger `Crawl-delay`).
    pub(crate) fn floor(&self) -> Duration {
        self.lock().floor
    }

    /// The current delay for `url`'s host.
    #[cfg(test)]
    pub(crate) fn delay(&self, url: &Url) -> Duration {
        let inner = self.lock();
        inner
            .hosts
            .get(&origin(url))
            .map_or(inner.floor, |h| h.delay)
    }

    /// The largest delay any host reached.
    pub(crate) fn largest_delay(&self) -> Duration {
        let inner = self.lock();
        inner
            .hosts
            .values()
            .map(|h| h.delay)
            .max()
            .unwrap_or(inner.floor)
            .max(inner.floor)
    }

    /// Waits for `url`'s host's turn; returning marks the start of a request to it.
    pub(crate) async fn wait(&self, url: &Url) {
        let mut at = {
            let mut inner = self.lock();
            let now = Instant::now();
            let host = inner.host(url, now);
            let slot = host.next.max(now);
            host.next = slot + host.delay;
            slot
        };
        loop {
            tokio::time::sleep_until(at.into()).await;
            let mut inner = self.lock();
            let now = Instant::now();
            let host = inner.host(url, now);
            let earliest = host
                .last_start
                .map_or(now, |last| last + host.delay)
                .max(host.not_before);
            if earliest <= now {
                host.last_start = Some(now);
                host.next = host.next.max(now + host.delay);
                return;
            }
            at = earliest;
        }
    }

    /// `AutoThrottle` (Scrapy's algorithm): after a response that took `latency`, move the host's
    /// delay halfway towards `latency / target`, never below that target delay's half-way point
    /// nor the floor, never above the maximum; an error response may raise it but not lower it.
    pub(crate) fn observe(&self, url: &Url, latency: Duration, success: bool) {
        let Some(target) = self.target else {
            return;
        };
        let max_delay = self.max_delay;
        let mut inner = self.lock();
        let floor = inner.floor;
        let host = inner.host(url, Instant::now());
        let target_delay = latency.div_f64(target);
        let new = ((host.delay + target_delay) / 2)
            .max(target_delay)
            .max(floor)
            .min(max_delay);
        if !success && new <= host.delay {
            return;
        }
        host.delay = new;
    }

    /// A `Retry-After` from `url`'s host: nobody starts a request to it before `wait` has passed,
    /// and its delay rises to at least `wait` (at most the maximum delay) for the rest of the run.
    pub(crate) fn back_off(&self, url: &Url, wait: Duration) {
        let max_delay = self.max_delay;
        let mut inner = self.lock();
        let now = Instant::now();
        let host = inner.host(url, now);
        host.next = host.next.max(now + wait);
        host.not_before = host.not_before.max(now + wait);
        host.delay = host.delay.max(wait.min(max_delay));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_480); // 07:28:00
        assert_eq!(retry_after("2", now), Some(Duration::from_secs(2)));
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn the_time_scale_never_shrinks_politeness_towards_other_hosts() {
        let real = Url::parse("https://quotes.toscrape.com/").unwrap();
        let local = Url::parse("http://127.0.0.1:8080/").unwrap();
        assert!((politeness_scale(&real, 0.01) - 1.0).abs() < f64::EPSILON);
        assert!((politeness_scale(&real, 3.0) - 3.0).abs() < f64::EPSILON);
        assert!((politeness_scale(&local, 0.01) - 0.01).abs() < f64::EPSILON);
        assert!(is_loopback(&Url::parse("http://localhost:1/").unwrap()));
        assert!(is_loopback(&Url::parse("http://[::1]:1/").unwrap()));
        assert!(!is_loopback(&Url::parse("http://10.0.0.1/").unwrap()));
    }

    /// Turns reserved, then one waiter woken late: the next start must not squeeze in behind
    /// it (the delay counts from the last real start), nor may a Retry-After that came after
    /// a turn was reserved be jumped.
    #[tokio::test]
    async fn starts_are_a_delay_apart_even_after_a_late_wakeup_and_retry_after_holds() {
        let url = Url::parse("http://127.0.0.1:1/").unwrap();
        let delay = Duration::from_millis(100);
        // (Maximum delay = the floor: a Retry-After below cannot raise the delay, only forbid
        // starts until it has passed.)
        let gate = HostGate::new(delay, None, delay);
        gate.wait(&url).await; // the first start: now
        let first = Instant::now();
        let late = gate.wait(&url); // reserves first + 100 ms
        let next = gate.wait(&url); // reserves first + 200 ms
        tokio::pin!(late, next);
        assert!(futures::poll!(&mut late).is_pending());
        assert!(futures::poll!(&mut next).is_pending());
        // The runtime gets to `late` 60 ms after its turn (a busy machine).
        tokio::time::sleep_until((first + Duration::from_millis(160)).into()).await;
        late.await;
        let late_start = Instant::now();
        next.await;
        let gap = late_start.elapsed();
        // (1 ms: `late_start` is read just after the gate recorded the start.)
        assert!(
            gap >= delay - Duration::from_millis(1),
            "started {gap:?} after the late one"
        );

        // A Retry-After of 300 ms arrives after a turn 100 ms ahead was reserved.
        let reserved = gate.wait(&url);
        tokio::pin!(reserved);
        assert!(futures::poll!(&mut reserved).is_pending());
        let told = Instant::now();
        gate.back_off(&url, Duration::from_millis(300));
        reserved.await;
        assert!(
            told.elapsed() >= Duration::from_millis(300),
            "{:?}",
            told.elapsed()
        );
    }

    #[test]
    fn autothrottle_follows_latency_and_never_drops_below_the_floor() {
        let url = Url::parse("http://127.0.0.1:1/").unwrap();
        let gate = HostGate::new(
            Duration::from_millis(50),
            Some(1.0),
            Duration::from_secs(60),
        );
        for _ in 0..10 {
            gate.observe(&url, Duration::from_millis(400), true);
        }
        assert_eq!(gate.delay(&url), Duration::from_millis(400));
        for _ in 0..20 {
            gate.observe(&url, Duration::from_millis(1), true);
        }
        assert_eq!(
            gate.delay(&url),
            Duration::from_millis(50),
            "the floor holds"
        );
        // An error response never lowers the delay.
        gate.observe(&url, Duration::from_millis(400), true);
        let before = gate.delay(&url);
        gate.observe(&url, Duration::from_millis(1), false);
        assert_eq!(gate.delay(&url), before);
    }
}
