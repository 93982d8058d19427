//! [`SimultaneityProbe`]: proof that threads computed at the same instant, which a GIL forbids.
//! It measures real threads, so it uses std's atomics even under `--cfg loom`. With it,
//! [`best_of_3`]: a best time and the cores the process got for it.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};
use utilities::{Stopwatch, cores_used, process_cpu_time};

/// Proof that threads *computed at the same instant* (on different cores), which a GIL forbids.
///
/// Wall-clock speedups need idle cores; on a busy machine the OS may hand a program one core's
/// worth of time however many threads it runs. This probe needs only a few moments of overlap.
/// Each worker calls [`SimultaneityProbe::tick`] after every small slice of work. A tick
/// publishes the worker's progress, then looks at the other workers' progress: if it moved since
/// this worker's previous tick, and that tick was less than [`SimultaneityProbe::GAP`] ago (so
/// this worker was running all along, not paused by the OS while another took its core), then
/// another thread made progress *while this one was running*: a sighting. With a global lock
/// held while computing, or on one core, there are no sightings. (It uses std's atomics even
/// under `--cfg loom`: it measures real threads and is not model-checked.)
#[derive(Debug)]
pub struct SimultaneityProbe {
    progress: Vec<AtomicU64>,
    sightings: AtomicU64,
}

/// One worker's memory between its ticks (see [`SimultaneityProbe::cursor`]).
#[derive(Debug)]
pub struct ProbeCursor {
    me: usize,
    /// Time just before this worker's previous look at the others; `None` before its first
    /// tick (the time between making the cursor and the first tick may include waiting, so it
    /// proves nothing).
    last: Option<Instant>,
    others: u64,
}

impl SimultaneityProbe {
    /// Two ticks closer than this mean the worker was not paused in between. An OS time slice
    /// is about a millisecond or more, so a pause is much longer than this.
    pub const GAP: Duration = Duration::from_micros(50);

    /// A probe for `workers` threads, numbered `0..workers`.
    pub fn new(workers: usize) -> Self {
        Self {
            progress: (0..workers).map(|_| AtomicU64::new(0)).collect(),
            sightings: AtomicU64::new(0),
        }
    }

    /// The cursor worker `me` passes to every [`Self::tick`].
    pub fn cursor(&self, me: usize) -> ProbeCursor {
        ProbeCursor {
            me,
            last: None,
            others: self.others(me),
        }
    }

    fn others(&self, me: usize) -> u64 {
        self.progress
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != me)
            .map(|(_, p)| p.load(Relaxed))
            .sum()
    }

    /// Records one slice of work by `cursor`'s worker and checks the others' progress.
    pub fn tick(&self, cursor: &mut ProbeCursor) {
        self.progress[cursor.me].fetch_add(1, Relaxed);
        // The clock is read on both sides of the look at the others: the window judged runs
        // from *before* the previous look to *after* this one, so a pause anywhere in it (even
        // between a look and its clock reading) makes it longer than GAP and proves nothing.
        let before = Instant::now();
        let others = self.others(cursor.me);
        let after = Instant::now();
        let ran_all_along = cursor
            .last
            .is_some_and(|last| after.duration_since(last) < Self::GAP);
        if others != cursor.others && ran_all_along {
            self.sightings.fetch_add(1, Relaxed);
        }
        cursor.last = Some(before);
        cursor.others = others;
    }

    /// How many times a worker saw another one progress while it was running itself.
    pub fn sightings(&self) -> u64 {
        self.sightings.load(Relaxed)
    }
}

/// The best (shortest) of 3 timed runs of `f`, with the cores the process used in that run
/// (CPU time ÷ wall time, `utilities::cores_used`): the measure t14 and t15 print next to
/// their times, so that a run starved of cores by a busy machine shows it.
pub fn best_of_3(f: impl Fn()) -> (Duration, f64) {
    (0..3)
        .map(|_| {
            let cpu = process_cpu_time();
            let sw = Stopwatch::start();
            f();
            let wall = sw.elapsed();
            (wall, cores_used(process_cpu_time() - cpu, wall))
        })
        .min_by_key(|&(wall, _)| wall)
        .unwrap_or_default()
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::thread;

    #[test]
    fn probe_sees_nothing_with_one_worker_or_a_global_lock() {
        // One worker: nobody else can progress.
        let probe = SimultaneityProbe::new(1);
        let mut c = probe.cursor(0);
        for _ in 0..1000 {
            probe.tick(&mut c);
        }
        assert_eq!(probe.sightings(), 0);
        // Two workers that only tick while holding one lock, with slices much longer than GAP.
        let probe = SimultaneityProbe::new(2);
        let gil = Mutex::new(());
        thread::scope(|s| {
            for me in 0..2 {
                let (probe, gil) = (&probe, &gil);
                s.spawn(move || {
                    let mut c = probe.cursor(me);
                    for _ in 0..20 {
                        let _held = gil.lock().unwrap();
                        let t = Instant::now();
                        while t.elapsed() < 2 * SimultaneityProbe::GAP {
                            probe.tick(&mut c);
                        }
                    }
                });
            }
        });
        assert_eq!(probe.sightings(), 0);
    }
}
