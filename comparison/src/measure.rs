//! Contention-aware measurement: every sample carries the CPU time the work got beside its wall
//! time, modes run interleaved in rounds (A B C, A B C, …), each ratio comes from the pair taken
//! in the same round, and every ratio is reported with its p10–p90 spread.
//!
//! Why: on a shared machine other programs take cores away at random moments. A speedup that
//! divides two medians taken minutes apart compares two different machines; one taken from
//! pairs in the same round compares the same one. And CPU time ÷ wall time says whether the
//! work got the cores it needed: when it did not, the honest answer is "inconclusive (machine
//! busy: got 0.7 of 2 cores)", never a confident "missed" (or an impossible 121 % efficiency).
//!
//! "Got fewer cores than it could use" has two causes, and only one is the machine's fault. A
//! process pool fed with large payloads leaves its workers idle while the parent copies the next
//! job: it *uses* 1.5 of 2 cores on a quiet machine, and that is its result, not noise. So each
//! sample also records how long runnable tasks on the machine waited for a CPU (Linux's CPU
//! pressure, `/proc/pressure/cpu`, "some"). A sample short of cores while nothing waited for a
//! CPU left the cores idle itself and is judged; only one short of cores while tasks queued for
//! a CPU is "machine busy". Without pressure information every short sample counts as busy.
//!
//! Pressure alone is not enough: it counts *every* runnable task, this program's own too. A pool
//! of two workers plus the parent copying their payloads is three runnable things on two cores,
//! so it waits on itself. So each sample also records the CPU the whole machine spent
//! (`/proc/stat`), and what is left after this program's own CPU is what *other programs* used.
//! "Machine busy" needs all three: short of cores, tasks waited, and other programs used at
//! least [`OTHERS_BUSY`] cores. Without a `/proc/stat` reading the sample stays cautious (busy).

use std::fmt;
use std::time::Instant;

use anyhow::{Result, bail};
use serde::Serialize;

/// A sample's CPU time must reach this fraction of the cores the mode needs; below it the
/// machine was busy (other programs held the cores) and the sample cannot judge a speedup.
pub const CORES_GOT_ENOUGH: f64 = 0.85;

/// A speedup above `cores × IMPOSSIBLE_MARGIN` means the baseline was slowed down by other
/// programs (no program runs faster than its cores allow).
pub const IMPOSSIBLE_MARGIN: f64 = 1.03;

/// Below this share of the wall time spent with a runnable task waiting for a CPU, nothing on
/// the machine was short of cores: a mode that used fewer cores than it could left them idle
/// itself (waiting for its own pipes, its own parent), and its figure can be judged.
pub const QUIET_WAIT: f64 = 0.10;

/// Below this many cores' worth of CPU used by *other programs* (the whole machine's busy CPU
/// time from `/proc/stat` minus this program's own) during a sample, nobody else held the cores:
/// tasks that waited for a CPU were this program's own (a pool's workers and the parent copying
/// their payloads), and a mode short of cores is judged on its own figure. 0.15 is above an
/// idle machine's background (kernel threads, shells, a terminal: about 0.01–0.05 cores) plus
/// the reading's error over its window (at most 0.1 cores, see [`STAT_WINDOW`]), and well below
/// what a competing program takes from a 2-core machine (a compiler, a test run: 0.5 cores and
/// more; such a machine reads busy whatever the error).
pub const OTHERS_BUSY: f64 = 0.15;

/// One timed run: wall seconds and the CPU seconds spent by this process (every thread), its
/// reaped children and the named worker processes during it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Sample {
    /// Wall time, seconds.
    pub wall: f64,
    /// CPU time, seconds (user + system).
    pub cpu: f64,
    /// Seconds during which at least one runnable task on the machine waited for a CPU (CPU
    /// pressure "some"); `None` where the kernel does not report it.
    pub waited: Option<f64>,
    /// CPU seconds that *other programs* used meanwhile: the machine's busy CPU time
    /// (`/proc/stat`) minus `cpu`; may be slightly negative (the machine's is counted in ticks);
    /// `None` where `/proc/stat` is unreadable.
    pub others: Option<f64>,
}

impl Sample {
    /// A sample without CPU-pressure information.
    pub fn new(wall: f64, cpu: f64) -> Self {
        Self {
            wall,
            cpu,
            waited: None,
            others: None,
        }
    }

    /// Cores' worth of CPU the run got: CPU ÷ wall.
    pub fn cores(&self) -> f64 {
        if self.wall > 0.0 {
            self.cpu / self.wall
        } else {
            0.0
        }
    }

    /// Share of the wall time during which some runnable task waited for a CPU.
    pub fn wait_share(&self) -> Option<f64> {
        let w = self.waited?;
        (self.wall > 0.0).then(|| (w / self.wall).max(0.0))
    }

    /// Cores' worth of CPU that other programs used during the sample (≥ 0).
    pub fn others_cores(&self) -> Option<f64> {
        let o = self.others?;
        (self.wall > 0.0).then(|| (o / self.wall).max(0.0))
    }
}

/// Seconds of CPU the whole machine has spent busy so far: `/proc/stat`'s first `cpu` line
/// (see [`parse_stat_busy`]); `None` where it is unreadable.
pub fn machine_cpu_now() -> Option<f64> {
    // SAFETY: sysconf has no preconditions; _SC_CLK_TCK is a valid name.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz <= 0 {
        return None;
    }
    let ticks = parse_stat_busy(&std::fs::read_to_string("/proc/stat").ok()?)?;
    Some(ticks as f64 / hz as f64)
}

/// Busy ticks (`USER_HZ`) of the machine from `/proc/stat`'s first `cpu` line: user + nice +
/// system + irq + softirq + steal. Idle and iowait are not busy; guest time is already inside
/// user; steal is time a hypervisor gave the CPU to someone else, so it counts as others'.
pub fn parse_stat_busy(text: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with("cpu "))?;
    let f: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice]
    let &[user, nice, system, _idle, _iowait, irq, softirq, steal, ..] = f.as_slice() else {
        return None;
    };
    Some(user + nice + system + irq + softirq + steal)
}

/// Seconds of CPU pressure so far: the `some … total=` microseconds of `/proc/pressure/cpu`
/// (time during which at least one runnable task waited for a CPU); `None` without PSI.
pub fn cpu_waited_now() -> Option<f64> {
    parse_pressure(&std::fs::read_to_string("/proc/pressure/cpu").ok()?)
}

/// The `some` line's `total=` of a pressure file, in seconds.
pub fn parse_pressure(text: &str) -> Option<f64> {
    let line = text.lines().find(|l| l.starts_with("some "))?;
    let us: f64 = line
        .split_whitespace()
        .find_map(|f| f.strip_prefix("total="))?
        .parse()
        .ok()?;
    Some(us * 1e-6)
}

/// CPU time (seconds) of this process so far, plus its reaped children, plus the live processes
/// `pids` (read from `/proc/<pid>/schedstat`, nanoseconds on the CPU).
pub fn cpu_now(pids: &[u32]) -> f64 {
    let own = utilities::timing::process_cpu_time().as_secs_f64();
    own + children_cpu() + pids.iter().map(|&p| pid_cpu(p)).sum::<f64>()
}

/// CPU seconds of the children this process has reaped (`getrusage(RUSAGE_CHILDREN)`).
pub fn children_cpu() -> f64 {
    // SAFETY: an all-zero rusage is a valid value; getrusage only writes into it.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `ru` is a valid, writable rusage; RUSAGE_CHILDREN is a valid `who`.
    if unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &raw mut ru) } != 0 {
        return 0.0;
    }
    let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 * 1e-6;
    tv(ru.ru_utime) + tv(ru.ru_stime)
}

/// CPU seconds of a live process's main thread, from `/proc/<pid>/schedstat` (nanoseconds on a
/// CPU; 0 when gone). A pool worker runs its tasks on its main thread, so this is all of its
/// work; unlike `getrusage`, it sees a process that is not (yet) reaped.
pub fn pid_cpu(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|t| {
            t.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |ns| ns * 1e-9)
}

/// Times `f` once, with its CPU time (including the processes `pids`).
///
/// # Errors
/// Whatever `f` returns.
pub fn sample<T>(pids: &[u32], f: impl FnOnce() -> Result<T>) -> Result<(T, Sample)> {
    let machine0 = machine_cpu_now();
    let waited0 = cpu_waited_now();
    let cpu0 = cpu_now(pids);
    let start = Instant::now();
    let value = f()?;
    let wall = start.elapsed().as_secs_f64();
    let cpu = (cpu_now(pids) - cpu0).max(0.0);
    let waited = waited0.zip(cpu_waited_now()).map(|(a, b)| (b - a).max(0.0));
    // the machine's busy CPU minus our own: what other programs used (the rest of the machine)
    let others = machine0
        .zip(machine_cpu_now())
        .map(|(a, b)| (b - a).max(0.0) - cpu);
    Ok((
        value,
        Sample {
            wall,
            cpu,
            waited,
            others,
        },
    ))
}

/// One mode of an interleaved measurement.
pub struct Mode<'a> {
    /// Stable key (`threads`, `rayon`, …).
    pub key: String,
    /// Cores the mode can use at most (1 for sequential, the worker count capped by the cores).
    pub needs: f64,
    /// Processes whose CPU time counts for this mode (pool workers); read before every sample.
    pub pids: Box<dyn Fn() -> Vec<u32> + 'a>,
    /// The work; returns its checksum.
    pub run: Box<dyn FnMut() -> Result<u64> + 'a>,
}

impl<'a> Mode<'a> {
    /// A mode with no worker processes.
    pub fn new(key: &str, needs: f64, run: impl FnMut() -> Result<u64> + 'a) -> Self {
        Self {
            key: key.to_owned(),
            needs,
            pids: Box::new(Vec::new),
            run: Box::new(run),
        }
    }

    /// The CPU time of these processes (read before each sample) counts for this mode.
    #[must_use]
    pub fn with_pids(mut self, pids: impl Fn() -> Vec<u32> + 'a) -> Self {
        self.pids = Box::new(pids);
        self
    }
}

/// What one mode measured over all rounds.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    /// The mode's key.
    pub key: String,
    /// Cores the mode can use at most.
    pub needs: f64,
    /// One sample per round, in round order.
    pub samples: Vec<Sample>,
    /// The checksum every run agreed on.
    pub checksum: u64,
}

impl Series {
    /// Wall times, seconds.
    pub fn walls(&self) -> Vec<f64> {
        self.samples.iter().map(|s| s.wall).collect()
    }

    /// Median wall time.
    pub fn median(&self) -> f64 {
        crate::stats::median(&self.walls())
    }

    /// Median cores got (CPU ÷ wall).
    pub fn cores_got(&self) -> f64 {
        crate::stats::median(&self.samples.iter().map(Sample::cores).collect::<Vec<_>>())
    }

    /// Why this series cannot be judged: `Some` when most of its samples were short of the
    /// cores it needs while the machine was busy (see [`got_enough`]); the figures are those of
    /// the short samples.
    pub fn busy(&self, of: usize) -> Option<Busy> {
        let short: Vec<&Sample> = self
            .samples
            .iter()
            .filter(|s| !got_enough(s, self.needs))
            .collect();
        (!short.is_empty() && short.len() * 2 > self.samples.len())
            .then(|| Busy::of_samples(&short, self.needs, of))
    }
}

/// Runs every mode `warmup` times, then `rounds` rounds of every mode in turn (A B C, A B C, …),
/// so that each round's samples saw the same machine.
///
/// # Errors
/// A failing mode, or a checksum that changes between runs (the work would not be the same).
pub fn rounds(
    warmup: usize,
    rounds: usize,
    modes: &mut [Mode<'_>],
    mut on_round: impl FnMut(usize),
) -> Result<Vec<Series>> {
    let mut out: Vec<Series> = modes
        .iter()
        .map(|m| Series {
            key: m.key.clone(),
            needs: m.needs,
            samples: Vec::new(),
            checksum: 0,
        })
        .collect();
    let mut seen: Vec<Option<u64>> = vec![None; modes.len()];
    for round in 0..warmup + rounds.max(1) {
        on_round(round);
        for (i, m) in modes.iter_mut().enumerate() {
            let pids = (m.pids)();
            let (value, s) = sample(&pids, || (m.run)())?;
            match seen[i] {
                Some(c) if c != value => {
                    bail!("{}: checksum changed between runs: {c} then {value}", m.key)
                }
                _ => seen[i] = Some(value),
            }
            if round >= warmup {
                out[i].samples.push(s);
            }
        }
    }
    for (o, c) in out.iter_mut().zip(seen) {
        o.checksum = c.unwrap_or_default();
    }
    let skip: Vec<bool> = modes.iter().map(|m| m.key == PYTHON_KEY).collect();
    share_short_readings(&mut out, &skip);
    Ok(out)
}

/// The key of the Python mode of a table's rounds (its interpreter and process pool start up
/// inside each sample, so its CPU pressure says nothing about the machine; its CPU, the
/// interpreter's and its pool workers', reaped inside the sample, counts as this program's, so
/// its reading of other programs' CPU is as good as any).
pub const PYTHON_KEY: &str = "python";

/// Below this wall time a sample's own CPU-pressure reading is too coarse to use: the kernel
/// brings the `total` up to date only every few milliseconds (steps of about 8 ms here).
pub const PRESSURE_WINDOW: f64 = 0.04;

/// Below this wall time a sample's own `/proc/stat` reading is too coarse to use: the machine's
/// busy time is shown in ticks of 10 ms (`USER_HZ`, and charged a whole kernel tick at a time),
/// so a reading can be off by a tick or two: 0.1 cores over 0.2 s, but 0.5 cores over 40 ms.
/// A table's readings add up like one reading over the whole table (consecutive samples nearly
/// touch, so their rounding errors cancel: 12 samples of 10 ms summed to within one tick of a
/// single reading around them, in 5 tries out of 5 on this machine).
pub const STAT_WINDOW: f64 = 0.2;

/// One of the two readings of the machine a sample carries, each a number of seconds over the
/// sample's wall time, and each too coarse below its own window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Seconds during which some task waited for a CPU ([`Sample::waited`]).
    Waited,
    /// CPU seconds other programs used ([`Sample::others`]).
    Others,
}

impl Reading {
    /// The shortest total wall time over which the reading is precise enough to use.
    pub fn window(self) -> f64 {
        match self {
            Self::Waited => PRESSURE_WINDOW,
            Self::Others => STAT_WINDOW,
        }
    }

    fn of(self, s: &Sample) -> Option<f64> {
        match self {
            Self::Waited => s.waited,
            Self::Others => s.others,
        }
    }

    fn slot(self, s: &mut Sample) -> &mut Option<f64> {
        match self {
            Self::Waited => &mut s.waited,
            Self::Others => &mut s.others,
        }
    }
}

/// The reading per second of `samples`' total wall time (a share of the time for
/// [`Reading::Waited`], cores for [`Reading::Others`]), when every sample has one and they add
/// up to at least the reading's window; else `None`.
pub fn reading_share<'s>(samples: impl IntoIterator<Item = &'s Sample>, r: Reading) -> Option<f64> {
    let (mut sum, mut wall, mut known) = (0.0, 0.0, true);
    for x in samples {
        match r.of(x) {
            Some(v) => (sum, wall) = (sum + v, wall + x.wall),
            None => known = false,
        }
    }
    (known && wall >= r.window()).then(|| sum / wall)
}

/// The share of `samples`' total wall time during which tasks waited for a CPU, when every
/// sample has a reading and they add up to at least [`PRESSURE_WINDOW`]; else `None`.
pub fn pressure_share(samples: &[Sample]) -> Option<f64> {
    reading_share(samples, Reading::Waited)
}

/// Cores' worth of CPU other programs used over `samples`, when every sample has a reading and
/// they add up to at least [`STAT_WINDOW`]; else `None`.
pub fn others_share(samples: &[Sample]) -> Option<f64> {
    reading_share(samples, Reading::Others).map(|o| o.max(0.0))
}

/// Whether the machine may have held back work measured by `samples`: tasks waited for a CPU
/// (≥ [`QUIET_WAIT`] of the time) *and* other programs used CPU (≥ [`OTHERS_BUSY`] cores), a
/// missing or too short reading counting as yes (the cautious answer).
pub fn machine_busy(samples: &[Sample]) -> bool {
    pressure_share(samples).is_none_or(|w| w >= QUIET_WAIT)
        && others_share(samples).is_none_or(|o| o >= OTHERS_BUSY)
}

/// Gives every sample shorter than a reading's window the reading of its whole table (its
/// samples summed: the machine during those rounds, see [`reading_share`]), when they add up to
/// at least the window; otherwise such a sample has no reading (and counts as busy when short
/// of cores). Longer samples keep their own. Done for both readings: CPU pressure (window
/// [`PRESSURE_WINDOW`]; the modes in `skip_waited` left out of the table) and others' CPU
/// ([`STAT_WINDOW`]; every mode).
pub fn share_short_readings(out: &mut [Series], skip_waited: &[bool]) {
    for r in [Reading::Waited, Reading::Others] {
        let table = reading_share(
            out.iter()
                .enumerate()
                .filter(|(i, _)| {
                    r == Reading::Others || !skip_waited.get(*i).copied().unwrap_or(false)
                })
                .flat_map(|(_, se)| &se.samples),
            r,
        );
        for se in out.iter_mut() {
            for x in &mut se.samples {
                if x.wall < r.window() {
                    *r.slot(x) = table.map(|per_s| per_s * x.wall);
                }
            }
        }
    }
}

/// The `p`-th percentile (0–100) of `xs`, interpolated linearly between the two nearest ranks;
/// NaN when empty.
pub fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let rank = (p.clamp(0.0, 100.0) / 100.0) * (v.len() - 1) as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (rank - lo as f64)
}

/// A figure with its spread: p10, median and p90 of its samples.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Spread {
    /// 10th percentile.
    pub p10: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// Number of values it was computed from.
    pub n: usize,
}

impl Spread {
    /// The spread of `xs`.
    pub fn of(xs: &[f64]) -> Self {
        Self {
            p10: percentile(xs, 10.0),
            p50: percentile(xs, 50.0),
            p90: percentile(xs, 90.0),
            n: xs.len(),
        }
    }

    /// `1.95× (1.90–1.98)`.
    pub fn times(&self) -> String {
        if self.p50.is_finite() {
            format!("{:.2}× ({:.2}–{:.2})", self.p50, self.p10, self.p90)
        } else {
            "-".into()
        }
    }
}

/// Same-round ratios `base.wall / mode.wall` (how many times faster the mode was than the
/// baseline, round by round), from the rounds where both got the cores they need (`clean`),
/// or from every round when `clean` is false.
pub fn paired_ratios(base: &Series, mode: &Series, clean: bool) -> Vec<f64> {
    base.samples
        .iter()
        .zip(&mode.samples)
        .filter(|(b, m)| !clean || (got_enough(b, base.needs) && got_enough(m, mode.needs)))
        .filter(|(_, m)| m.wall > 0.0)
        .map(|(b, m)| b.wall / m.wall)
        .collect()
}

/// True when a sample can judge its mode: it got at least [`CORES_GOT_ENOUGH`] of the cores
/// the mode needs, or it got fewer but nothing on the machine waited for a CPU meanwhile (wait
/// share below [`QUIET_WAIT`]), or other programs used less than [`OTHERS_BUSY`] cores (the
/// tasks that waited were this program's own): the mode left the cores idle, or queued on
/// them, itself. A missing reading clears nothing (the cautious answer).
pub fn got_enough(s: &Sample, needs: f64) -> bool {
    s.cores() >= CORES_GOT_ENOUGH * needs
        || s.wait_share().is_some_and(|w| w < QUIET_WAIT)
        || s.others_cores().is_some_and(|o| o < OTHERS_BUSY)
}

/// Same-round pairs of `base` and `mode` that cannot judge a speedup: `None` when at least half
/// of the rounds had both sides judgeable; else why (the mode's reason first, then the
/// baseline's, else the short samples of the unclean rounds), and whether the baseline itself
/// was short in most rounds (which makes a speedup look too good).
pub fn pairs_busy(base: &Series, mode: &Series, of: usize) -> Option<(Busy, bool)> {
    let rounds = mode.samples.len().min(base.samples.len());
    let clean = paired_ratios(base, mode, true).len();
    if clean > 0 && clean * 2 >= rounds.max(1) {
        return None;
    }
    let base_busy = base.busy(of);
    let busy = mode.busy(of).or(base_busy).unwrap_or_else(|| {
        let short = |se: &Series| -> Vec<Sample> {
            se.samples
                .iter()
                .filter(|s| !got_enough(s, se.needs))
                .copied()
                .collect()
        };
        let (m, b) = (short(mode), short(base));
        if m.is_empty() {
            Busy::of_samples(&b.iter().collect::<Vec<_>>(), base.needs, of)
        } else {
            Busy::of_samples(&m.iter().collect::<Vec<_>>(), mode.needs, of)
        }
    });
    Some((busy, base_busy.is_some()))
}

/// Why a figure cannot be judged: the program got `got` cores' worth of CPU where it needed
/// `needed` of the machine's `of`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Busy {
    /// Cores' worth of CPU the work got (median CPU ÷ wall).
    pub got: f64,
    /// Cores it needed.
    pub needed: f64,
    /// Cores of the machine.
    pub of: usize,
    /// Share of the time during which some runnable task waited for a CPU (`None`: unknown).
    pub waited: Option<f64>,
    /// Cores' worth of CPU other programs used meanwhile (`None`: unknown).
    pub others: Option<f64>,
}

impl Busy {
    /// The reason from the short samples of a mode that needs `needs` cores: their median cores
    /// got, median wait share and median cores other programs used.
    pub fn of_samples(short: &[&Sample], needs: f64, of: usize) -> Self {
        let got = crate::stats::median(&short.iter().map(|s| s.cores()).collect::<Vec<_>>());
        let median = |xs: Vec<f64>| (!xs.is_empty()).then(|| crate::stats::median(&xs));
        Self {
            got: if got.is_nan() { 0.0 } else { got },
            needed: needs.min(of as f64).max(0.0),
            of,
            waited: median(short.iter().filter_map(|s| s.wait_share()).collect()),
            others: median(short.iter().filter_map(|s| s.others_cores()).collect()),
        }
    }
}

impl fmt::Display for Busy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.needed.round();
        let unit = if (n - 1.0).abs() < f64::EPSILON {
            "core"
        } else {
            "cores"
        };
        write!(f, "machine busy: got {:.1} of {n} {unit}", self.got)?;
        match self.others {
            Some(o) => write!(f, "; other programs used {o:.1} cores"),
            None => Ok(()),
        }
    }
}

/// The contention classifier: `Some(Busy)` when work that needs `needed` cores got fewer than
/// [`CORES_GOT_ENOUGH`] of them (`got` = CPU ÷ wall), on a machine of `of` cores.
pub fn classify(got: f64, needed: f64, of: usize) -> Option<Busy> {
    let needed = needed.min(of as f64).max(0.0);
    (got < CORES_GOT_ENOUGH * needed).then_some(Busy {
        got,
        needed,
        of,
        waited: None,
        others: None,
    })
}

/// How a target came out on this run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Status {
    /// The goal was reached.
    Met,
    /// The goal was not reached although the machine gave the work its cores.
    Missed,
    /// The run cannot say: the reason is printed (machine busy, impossible figure).
    Inconclusive {
        /// Why, e.g. `machine busy: got 0.7 of 2 cores`.
        reason: String,
    },
}

impl Status {
    /// Judges a goal: inconclusive when `busy` says the work did not get its cores, else met or
    /// missed. A met goal stays met even on a busy machine (contention only slows work down),
    /// unless the figure is impossible (`impossible`: e.g. a speedup above the core count).
    pub fn judge(met: bool, busy: Option<Busy>, impossible: Option<String>) -> Self {
        if let Some(reason) = impossible {
            return Self::Inconclusive { reason };
        }
        match (met, busy) {
            (true, _) => Self::Met,
            (false, None) => Self::Missed,
            (false, Some(b)) => Self::Inconclusive {
                reason: b.to_string(),
            },
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Met => f.write_str("met"),
            Self::Missed => f.write_str("MISSED"),
            Self::Inconclusive { reason } => write!(f, "inconclusive ({reason})"),
        }
    }
}

/// A speedup compared with what `cores` cores allow: the reason it is impossible (the baseline
/// was slowed by other programs), or `None` when it is possible.
pub fn impossible_speedup(speedup: f64, cores: f64) -> Option<String> {
    (speedup > cores * IMPOSSIBLE_MARGIN).then(|| {
        format!(
            "impossible {speedup:.2}× on {cores:.0} cores: the baseline was slowed by other programs"
        )
    })
}

/// Cores the whole machine can give right now: `threads` threads spin for `for_ms` ms and
/// CPU ÷ wall is measured (about `threads` on an idle machine, less when other programs run).
pub fn probe_cores(threads: usize, for_ms: u64) -> f64 {
    let limit = std::time::Duration::from_millis(for_ms);
    let (_, s) = sample(&[], || {
        std::thread::scope(|sc| {
            for _ in 0..threads.max(1) {
                sc.spawn(|| {
                    let start = Instant::now();
                    let mut x = 0u64;
                    while start.elapsed() < limit {
                        for i in 0..1000 {
                            x = x.wrapping_add(std::hint::black_box(i));
                        }
                    }
                    x
                });
            }
        });
        Ok(())
    })
    .unwrap_or(((), Sample::new(1.0, 0.0)));
    s.cores()
}

/// How many times faster this machine runs `copies` copies of plain CPU work (a sum of `n`
/// numbers, one thread each) at once than one copy, right now
/// ([`utilities::timing::parallel_capacity`]). A process can *get* two cores (CPU ÷ wall ≈ 2)
/// and still not get two cores' worth of work (two hyperthreads of one physical core, or a
/// hypervisor that takes the virtual CPUs away); this sees it, CPU ÷ wall does not.
pub fn capacity(copies: usize, n: u64) -> f64 {
    utilities::timing::parallel_capacity(copies.max(1), None, &|| {
        std::hint::black_box(crate::cpu::sum_range(0, n));
    })
}

/// Why a missed speedup goal cannot be blamed on the code: the machine, in the same rounds,
/// ran `copies` copies of plain CPU work only `median(capacity)`× faster than one, below `goal`.
/// `None` when it could deliver the goal (then a miss is the code's).
pub fn capacity_short(goal: f64, copies: usize, capacity: &[f64]) -> Option<String> {
    let c = crate::stats::median(capacity);
    (c.is_finite() && c < goal).then(|| {
        format!(
            "machine cannot deliver it: {copies} copies of plain CPU work ran only {c:.2}× faster than one in the same rounds"
        )
    })
}

impl Status {
    /// A missed goal becomes inconclusive when `short` says the machine itself could not reach
    /// it (see [`capacity_short`]); met and inconclusive stay as they are.
    #[must_use]
    pub fn unless_machine_short(self, short: Option<String>) -> Self {
        match (self, short) {
            (Self::Missed, Some(reason)) => Self::Inconclusive { reason },
            (status, _) => status,
        }
    }
}

/// Microsecond figures of one tiny operation.
#[derive(Debug, Clone, Serialize)]
pub struct Micro {
    /// Number of samples.
    pub samples: usize,
    /// Median, µs.
    pub p50: f64,
    /// 90th percentile, µs.
    pub p90: f64,
    /// 99th percentile, µs.
    pub p99: f64,
    /// Cores the machine gave around the measurement (the smaller of a short spin on every core
    /// just before and just after it).
    pub machine_cores: f64,
    /// Share of the measurement during which some runnable task waited for a CPU (`None`:
    /// unknown).
    pub waited: Option<f64>,
    /// Set when the machine was busy: the probes were short of cores and, where the kernel
    /// reports them, tasks waited for a CPU during the samples themselves and other programs
    /// used ≥ [`OTHERS_BUSY`] cores.
    pub busy: Option<Busy>,
}

impl Micro {
    /// Figures of `us` (microseconds), judged by the probe (`probe` cores of `cores`), by the
    /// share of the measurement during which tasks waited for a CPU (`waited`) and by the cores'
    /// worth of CPU other programs used meanwhile (`others`): a low probe means a busy machine
    /// only if, during the samples themselves, tasks waited *and* other programs used the CPU.
    /// A pool's own processes can wait on each other, and its idle workers can take a probe's
    /// core: neither is the machine being busy.
    pub fn new(
        us: Vec<f64>,
        probe: f64,
        cores: usize,
        waited: Option<f64>,
        others: Option<f64>,
    ) -> Self {
        let busy = classify(probe, cores as f64, cores)
            .filter(|_| waited.is_none_or(|w| w >= QUIET_WAIT))
            .filter(|_| others.is_none_or(|o| o >= OTHERS_BUSY))
            .map(|b| Busy {
                waited,
                others,
                ..b
            });
        Self {
            samples: us.len(),
            p50: percentile(&us, 50.0),
            p90: percentile(&us, 90.0),
            p99: percentile(&us, 99.0),
            machine_cores: probe,
            waited,
            busy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(wall: f64, cpu: f64) -> Sample {
        Sample::new(wall, cpu)
    }

    /// A sample with CPU pressure: `waited` seconds during which some task waited for a CPU.
    fn sw(wall: f64, cpu: f64, waited: f64) -> Sample {
        Sample {
            wall,
            cpu,
            waited: Some(waited),
            others: None,
        }
    }

    /// A sample with CPU pressure and with `others` CPU seconds used by other programs.
    fn swo(wall: f64, cpu: f64, waited: f64, others: f64) -> Sample {
        Sample {
            others: Some(others),
            ..sw(wall, cpu, waited)
        }
    }

    fn series(key: &str, needs: f64, samples: Vec<Sample>) -> Series {
        Series {
            key: key.into(),
            needs,
            samples,
            checksum: 0,
        }
    }

    #[test]
    fn point_seven_cores_of_two_is_inconclusive() {
        let sample = s(1.0, 0.7);
        let busy = classify(sample.cores(), 2.0, 2).expect("0.7 of 2 cores is busy");
        assert_eq!(busy.to_string(), "machine busy: got 0.7 of 2 cores");
        let status = Status::judge(false, Some(busy), None);
        assert_eq!(
            status.to_string(),
            "inconclusive (machine busy: got 0.7 of 2 cores)"
        );
        // the same figure with the cores it needed is a confident miss
        assert_eq!(classify(1.95, 2.0, 2), None);
        assert_eq!(
            Status::judge(false, classify(1.95, 2.0, 2), None),
            Status::Missed
        );
        // a sequential mode needs one core: 0.95 of it is enough
        assert_eq!(classify(0.95, 1.0, 2), None);
        // a mode cannot need more cores than the machine has
        assert_eq!(classify(1.9, 4.0, 2), None);
    }

    #[test]
    fn a_met_goal_stays_met_but_an_impossible_one_is_inconclusive() {
        let busy = classify(0.7, 2.0, 2);
        assert_eq!(Status::judge(true, busy, None), Status::Met);
        let why = impossible_speedup(2.42, 2.0).expect("2.42× on 2 cores is impossible");
        assert!(why.contains("impossible 2.42×"), "{why}");
        assert!(matches!(
            Status::judge(true, None, Some(why)),
            Status::Inconclusive { .. }
        ));
        assert_eq!(impossible_speedup(1.98, 2.0), None);
    }

    #[test]
    fn percentiles_interpolate_between_ranks() {
        let xs: Vec<f64> = (1..=11).map(f64::from).collect(); // 1..=11
        assert!((percentile(&xs, 50.0) - 6.0).abs() < 1e-12);
        assert!((percentile(&xs, 10.0) - 2.0).abs() < 1e-12);
        assert!((percentile(&xs, 90.0) - 10.0).abs() < 1e-12);
        assert!((percentile(&[1.0, 2.0], 50.0) - 1.5).abs() < 1e-12);
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 0.0) - 1.0).abs() < 1e-12);
        assert!((percentile(&[4.0, 1.0, 3.0, 2.0], 100.0) - 4.0).abs() < 1e-12);
        assert!(percentile(&[], 50.0).is_nan());
        let sp = Spread::of(&xs);
        assert_eq!((sp.p10, sp.p50, sp.p90, sp.n), (2.0, 6.0, 10.0, 11));
        assert_eq!(sp.times(), "6.00× (2.00–10.00)");
    }

    #[test]
    fn ratios_pair_samples_of_the_same_round_and_drop_busy_rounds() {
        // round 2: the baseline was slowed (0.5 of 1 core): a 4× "speedup" that is not real
        let base = series("seq", 1.0, vec![s(2.0, 2.0), s(4.0, 2.0), s(2.2, 2.2)]);
        let mode = series("thr", 2.0, vec![s(1.0, 2.0), s(1.0, 2.0), s(1.1, 2.2)]);
        let all = paired_ratios(&base, &mode, false);
        assert_eq!(all.len(), 3);
        assert!((all[1] - 4.0).abs() < 1e-12);
        let clean = paired_ratios(&base, &mode, true);
        assert_eq!(clean.len(), 2, "{clean:?}");
        assert!(clean.iter().all(|r| (r - 2.0).abs() < 1e-12));
        // pairs are by round, not by sorted medians: mode samples swapped give other ratios
        let swapped = series("thr", 2.0, vec![s(1.1, 2.2), s(1.0, 2.0), s(1.0, 2.0)]);
        assert_ne!(paired_ratios(&base, &swapped, false), all);
    }

    #[test]
    fn rounds_interleave_the_modes_and_check_checksums() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut modes = vec![
            Mode::new("a", 1.0, || {
                order.borrow_mut().push('a');
                Ok(1)
            }),
            Mode::new("b", 1.0, || {
                order.borrow_mut().push('b');
                Ok(2)
            }),
        ];
        let out = rounds(1, 2, &mut modes, |_| {}).unwrap();
        drop(modes);
        assert_eq!(order.into_inner(), ['a', 'b', 'a', 'b', 'a', 'b']);
        assert_eq!(out[0].samples.len(), 2, "warm-up round not kept");
        assert_eq!((out[0].checksum, out[1].checksum), (1, 2));
        let mut n = 0;
        let mut changing = vec![Mode::new("c", 1.0, || {
            n += 1;
            Ok(n)
        })];
        let err = rounds(0, 2, &mut changing, |_| {}).unwrap_err();
        assert!(err.to_string().contains("checksum changed"), "{err}");
    }

    #[test]
    fn cpu_time_is_counted_for_the_sample() {
        let (_, s) = sample(&[], || Ok(crate::cpu::sum_range(0, 20_000_000))).unwrap();
        assert!(s.cpu > 0.0 && s.wall > 0.0, "{s:?}");
    }

    #[test]
    fn reads_cpu_pressure_totals() {
        let text = "some avg10=0.16 avg60=1.46 avg300=7.44 total=3517326603\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n";
        assert_eq!(parse_pressure(text), Some(3517.326603));
        assert_eq!(parse_pressure("full avg10=0.00 total=5\n"), None);
        assert_eq!(parse_pressure(""), None);
    }

    #[test]
    fn a_mode_that_leaves_cores_idle_on_a_quiet_machine_is_judged_not_busy() {
        // The published run's process pool with 1 KiB payloads: 1.5 of 2 cores, because the
        // parent copies one job at a time, while nothing on the machine waited for a CPU.
        let pool = series("process_pool", 2.0, vec![sw(1.0, 1.5, 0.01); 5]);
        assert!(got_enough(&pool.samples[0], 2.0));
        assert_eq!(pool.busy(2), None);
        // The same figure while tasks queued for a CPU 40 % of the time: the machine was busy.
        let busy = series("process_pool", 2.0, vec![sw(1.0, 1.5, 0.4); 5]);
        let why = busy.busy(2).expect("short of cores while tasks waited");
        assert_eq!(why.to_string(), "machine busy: got 1.5 of 2 cores");
        assert_eq!(why.waited, Some(0.4));
        // Without pressure information a short sample stays busy (the cautious answer).
        let unknown = series("process_pool", 2.0, vec![s(1.0, 1.5); 5]);
        assert!(unknown.busy(2).is_some());
    }

    #[test]
    fn a_one_core_mode_is_never_busy_for_getting_its_one_core() {
        for cpu in [0.86, 0.95, 1.0, 1.2] {
            let seq = series("sequential", 1.0, vec![s(1.0, cpu); 5]);
            assert_eq!(seq.busy(2), None, "{cpu} of 1 core");
            let pool1 = series("process_pool_1", 1.0, vec![s(1.0, cpu); 5]);
            assert_eq!(pairs_busy(&seq, &pool1, 2), None, "{cpu} of 1 core");
        }
        // and when it is short, the reason says what it got, below its one core
        let slow = series("sequential", 1.0, vec![s(1.0, 0.5); 5]);
        assert_eq!(
            slow.busy(2).map(|b| b.to_string()).as_deref(),
            Some("machine busy: got 0.5 of 1 core")
        );
    }

    #[test]
    fn pairs_name_the_short_side_even_when_neither_is_short_in_most_rounds() {
        // rounds 1-2: the mode was short, rounds 3-4 the baseline: no clean majority of pairs
        let base = series(
            "seq",
            1.0,
            vec![s(1.0, 1.0), s(1.0, 1.0), s(2.0, 0.5), s(2.0, 0.5)],
        );
        let mode = series(
            "thr",
            2.0,
            vec![s(1.0, 0.8), s(1.0, 0.8), s(0.5, 1.0), s(0.5, 1.0)],
        );
        let (why, base_busy) = pairs_busy(&base, &mode, 2).expect("no clean majority");
        assert!(!base_busy);
        assert_eq!(why.to_string(), "machine busy: got 0.8 of 2 cores");
        let slow = series("seq", 1.0, vec![s(2.0, 0.5); 4]);
        let (why, base_busy) = pairs_busy(&slow, &mode, 2).expect("baseline short");
        assert!(base_busy);
        assert_eq!(why.to_string(), "machine busy: got 0.2 of 1 core");
    }

    #[test]
    fn micro_figures_are_busy_only_when_tasks_waited_during_the_samples() {
        let us = vec![10.0; 100];
        assert!(Micro::new(us.clone(), 1.0, 2, None, None).busy.is_some());
        assert!(
            Micro::new(us.clone(), 1.0, 2, Some(0.3), None)
                .busy
                .is_some()
        );
        assert!(
            Micro::new(us.clone(), 1.0, 2, Some(0.02), None)
                .busy
                .is_none()
        );
        assert!(
            Micro::new(us.clone(), 1.95, 2, Some(0.3), None)
                .busy
                .is_none()
        );
        // A pool of 2 plus its parent wait on each other (the published pool map per item: a
        // probe of 1.5 cores, 30 % waited), but no other program used the CPU: not busy.
        assert!(
            Micro::new(us.clone(), 1.5, 2, Some(0.3), Some(0.02))
                .busy
                .is_none()
        );
        let crowded = Micro::new(us, 1.0, 2, Some(0.3), Some(0.8)).busy;
        assert_eq!(crowded.and_then(|b| b.others), Some(0.8));
    }

    #[test]
    fn a_miss_on_a_machine_that_cannot_run_two_copies_faster_is_inconclusive() {
        // CI's figures: two threads got 1.99 cores but ran at about half speed each
        let short = capacity_short(1.9, 2, &[1.12, 1.10, 1.15]);
        let why = short.clone().expect("1.12× capacity cannot deliver 1.9×");
        assert!(why.contains("ran only 1.12× faster"), "{why}");
        assert!(matches!(
            Status::Missed.unless_machine_short(short),
            Status::Inconclusive { .. }
        ));
        // a capable machine: the miss is the code's
        let none = capacity_short(1.9, 2, &[1.97, 1.99, 2.0]);
        assert_eq!(none, None);
        assert_eq!(Status::Missed.unless_machine_short(none), Status::Missed);
        assert_eq!(
            Status::Met.unless_machine_short(Some("x".into())),
            Status::Met
        );
        assert_eq!(capacity_short(1.9, 2, &[]), None);
    }

    #[test]
    fn short_samples_take_the_wait_share_of_their_whole_table() {
        // 5 ms samples: their own pressure readings are too coarse (0 or one 8 ms step)
        let short = |w: f64| sw(0.005, 0.0075, w);
        let mut table = vec![
            series("seq", 1.0, vec![short(0.0), short(0.0)]),
            series("pool", 2.0, vec![short(0.0), short(0.0)]),
            series("long", 2.0, vec![sw(0.1, 0.2, 0.001)]),
            series(PYTHON_KEY, 0.0, vec![sw(0.5, 0.5, 0.5)]),
        ];
        // the table (Python left out): 0.001 s waited over 0.12 s
        share_short_readings(&mut table, &[false, false, false, true]);
        let share = table[1].samples[0].wait_share().unwrap();
        assert!((share - 0.001 / 0.12).abs() < 1e-9, "{share}");
        assert!(
            got_enough(&table[1].samples[0], 2.0),
            "quiet table: 1.5 of 2 is its own"
        );
        assert_eq!(
            table[2].samples[0].waited,
            Some(0.001),
            "long samples keep theirs"
        );
        assert_eq!(table[3].samples[0].waited, Some(0.5));
        // a busy table: every short sample is short of cores while tasks waited
        let mut busy = vec![
            series("pool", 2.0, vec![short(0.0); 4]),
            series("long", 2.0, vec![sw(0.1, 0.1, 0.08)]),
        ];
        share_short_readings(&mut busy, &[false, false]);
        assert!(busy[0].busy(2).is_some());
        // too little time in the whole table to read the pressure: no reading at all
        let mut tiny = vec![series("pool", 2.0, vec![short(0.0); 2])];
        share_short_readings(&mut tiny, &[false]);
        assert_eq!(tiny[0].samples[0].waited, None);
        assert!(tiny[0].busy(2).is_some(), "cautious without a reading");
    }

    #[test]
    fn a_pool_that_waits_on_itself_is_not_busy_but_one_that_others_crowd_is() {
        // The published run's "process pool (copy)" at 12 MiB: 1.7 of 2 cores while tasks waited
        // 30 % of the time, but other programs used 0.02 cores: two workers plus the parent
        // copying their payloads are three runnable things on two cores; they waited on
        // themselves, and the loss is the copying's own cost.
        let own = series("process_pool", 2.0, vec![swo(1.0, 1.66, 0.3, 0.02); 5]);
        assert!(
            own.samples[0].cores() < CORES_GOT_ENOUGH * 2.0,
            "short of cores"
        );
        assert!(got_enough(&own.samples[0], 2.0));
        assert_eq!(own.busy(2), None);
        assert!(!machine_busy(&own.samples));
        // The same figures while other programs used 0.7 cores: the machine was busy.
        let crowded = series("process_pool", 2.0, vec![swo(1.0, 1.3, 0.3, 0.7); 5]);
        let why = crowded
            .busy(2)
            .expect("short of cores, tasks waited, others ran");
        assert_eq!(
            why.to_string(),
            "machine busy: got 1.3 of 2 cores; other programs used 0.7 cores"
        );
        assert!(machine_busy(&crowded.samples));
        // Others ran but nothing waited: still the mode's own figure.
        let quiet = series("process_pool", 2.0, vec![swo(1.0, 1.3, 0.01, 0.7); 5]);
        assert_eq!(quiet.busy(2), None);
        // Without /proc/stat (no reading of others), today's cautious answer: busy.
        let unknown = series("process_pool", 2.0, vec![sw(1.0, 1.66, 0.3); 5]);
        assert_eq!(
            unknown.busy(2).map(|b| b.to_string()).as_deref(),
            Some("machine busy: got 1.7 of 2 cores")
        );
        assert!(machine_busy(&unknown.samples));
    }

    #[test]
    fn reads_the_machines_busy_ticks_from_proc_stat() {
        // a real first line (this machine, guest and guest_nice last)
        let text = "cpu  1630467 1493 500295 728321 12310 0 2897 1339 0 0\ncpu0 809228 761 246598 376327 4069 0 537 663 0 0\n";
        // user + nice + system + irq + softirq + steal; not idle, not iowait
        assert_eq!(
            parse_stat_busy(text),
            Some(1_630_467 + 1493 + 500_295 + 2897 + 1339)
        );
        // steal counts (a hypervisor gave the CPU to someone else)
        assert_eq!(parse_stat_busy("cpu  0 0 0 50 0 0 0 7 0 0\n"), Some(7));
        // an old kernel's line without steal, a per-CPU line only, nothing: no reading
        assert_eq!(parse_stat_busy("cpu  1 2 3 4 5 6 7\n"), None);
        assert_eq!(parse_stat_busy("cpu0 1 2 3 4 5 6 7 8\n"), None);
        assert_eq!(parse_stat_busy(""), None);
        // and this machine's own file reads, and only grows
        if let Some(a) = machine_cpu_now() {
            let b = machine_cpu_now().expect("read once, reads again");
            assert!(a > 0.0 && b >= a, "{a} then {b}");
        }
    }

    #[test]
    fn short_samples_take_the_others_share_of_their_whole_table() {
        // 23 ms samples (the 1 MiB pool copy): their own tick-counted readings are too coarse
        let short = |o: f64| swo(0.023, 0.035, 0.005, o);
        let mut table = vec![
            series("seq", 1.0, vec![short(0.01); 10]),
            series("pool", 2.0, vec![short(0.0); 10]),
            series(PYTHON_KEY, 0.0, vec![swo(0.3, 0.3, 0.3, 0.05)]),
        ];
        // others: the whole table, Python too (its CPU is counted as ours): 0.15 s over 0.76 s
        share_short_readings(&mut table, &[false, false, true]);
        let o = table[1].samples[0].others_cores().unwrap();
        assert!((o - 0.15 / 0.76).abs() < 1e-9, "{o}");
        // waits: Python left out, as before: 0.1 s over 0.46 s
        let w = table[1].samples[0].wait_share().unwrap();
        assert!((w - 0.1 / 0.46).abs() < 1e-9, "{w}");
        assert!(
            table[1].busy(2).is_some(),
            "short, tasks waited, others 0.2 cores"
        );
        assert_eq!(
            table[2].samples[0].others,
            Some(0.05),
            "long samples keep theirs"
        );
        // the same table with others at 0.01 cores: the pool's shortfall is its own
        let mut quiet = vec![
            series("seq", 1.0, vec![swo(0.023, 0.023, 0.005, 0.0); 10]),
            series("pool", 2.0, vec![swo(0.023, 0.035, 0.005, 0.0046); 10]),
        ];
        share_short_readings(&mut quiet, &[false, false]);
        assert_eq!(quiet[1].busy(2), None);
        // under the window in all: no reading at all, and cautious
        let mut tiny = vec![series("pool", 2.0, vec![short(0.0); 4])];
        share_short_readings(&mut tiny, &[false]);
        assert_eq!(tiny[0].samples[0].others, None);
        assert!(tiny[0].busy(2).is_some());
        // ... unless the Python samples of the same rounds bring the table over the window
        let mut with_py = vec![
            series("pool", 2.0, vec![short(0.0); 4]),
            series(PYTHON_KEY, 0.0, vec![swo(0.3, 0.3, 0.3, 0.003)]),
        ];
        share_short_readings(&mut with_py, &[false, true]);
        assert_eq!(with_py[0].busy(2), None, "quiet over 0.39 s");
    }

    #[test]
    fn pressure_over_several_samples() {
        let quiet = [sw(0.03, 0.03, 0.0), sw(0.03, 0.03, 0.001)];
        assert!((pressure_share(&quiet).unwrap() - 0.001 / 0.06).abs() < 1e-12);
        assert!(!machine_busy(&quiet));
        assert!(machine_busy(&[sw(0.03, 0.03, 0.01), sw(0.03, 0.03, 0.01)]));
        assert_eq!(
            pressure_share(&[sw(0.01, 0.01, 0.0)]),
            None,
            "too short to read"
        );
        assert!(machine_busy(&[s(1.0, 1.0)]), "no reading: cautious");
    }
}
