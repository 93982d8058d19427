//! The list of exercises (the course's `info.toml`): number, name, title, track, two levels of
//! hints, and the examples each builds on.
//!
//! File layout, derived from the name (`ex05_basic_thread_management`):
//! - learner's code: `exercises/starters/<name>.rs`
//! - reference solution: `exercises/solutions/<name>.rs`
//! - tests (the same file checks both): `exercises/tests/<name>.rs`

/// The two tracks of exercises; `list` shows them apart, concurrency first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// Threads → processes → async → the capstone → data structures (exercises 4–17).
    Concurrency,
    /// Module 3: traits, interfaces and registries (exercises 1–3).
    Traits,
}

impl Track {
    /// Both tracks, in the order a learner takes them.
    pub const ORDER: [Track; 2] = [Track::Concurrency, Track::Traits];

    /// The heading `list` prints.
    pub fn title(self) -> &'static str {
        match self {
            Track::Concurrency => {
                "Concurrency: threads → processes → async → capstone → data structures"
            }
            Track::Traits => "Module 3, traits (a track of its own, take it any time)",
        }
    }
}

/// One exercise.
#[derive(Debug, Clone, Copy)]
pub struct Exercise {
    /// Number (1-based); [`in_order`] gives the order a learner takes them.
    pub number: u8,
    /// Full name: `ex` + two-digit number + `_` + topic, e.g. `ex07_safe_access_no_deadlock`.
    pub name: &'static str,
    /// One-line title shown by `list`.
    pub title: &'static str,
    /// Which track it belongs to.
    pub track: Track,
    /// First-level hint, shown after a failing `check` and by the first `hint`: a question that
    /// points at the idea without giving the code.
    pub nudge: &'static str,
    /// The course's examples it builds on (`t07` is `cargo run --bin t07_…`).
    pub builds_on: &'static [&'static str],
    /// Second-level hint, shown by `hint` once the nudge was seen: the approach.
    pub approach: &'static str,
}

impl Exercise {
    /// The topic part of the name (`safe_access_no_deadlock`).
    pub fn topic(&self) -> &'static str {
        self.name.split_once('_').map_or(self.name, |(_, t)| t)
    }
    /// Path of the learner's file, relative to the workspace root.
    pub fn starter_path(&self) -> String {
        format!("exercises/starters/{}.rs", self.name)
    }
    /// Path of the reference solution, relative to the workspace root.
    pub fn solution_path(&self) -> String {
        format!("exercises/solutions/{}.rs", self.name)
    }
    /// Path of the test file, relative to the workspace root.
    pub fn test_path(&self) -> String {
        format!("exercises/tests/{}.rs", self.name)
    }
}

/// Every exercise, by number. [`in_order`] gives the order a learner takes them.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        number: 1,
        name: "ex01_rule_enforcing_trait",
        title: "a trait whose required method every type must provide; types announce themselves",
        track: Track::Traits,
        nudge: "A method with a body in a trait is optional for implementors. Which of `Rule`'s methods must every type write itself?",
        builds_on: &["m04", "m05", "m06"],
        approach: "Two jobs. (1) A method with a body in a trait is a *default*: types may skip it. \
               Remove the body of `run` so the compiler rejects any impl without it (E0046). \
               (2) Register each type with `inventory::submit! { Registration { name: \"ValidRule\", \
               make: || Box::new(ValidRule) } }`, then `announcements()` walks \
               `inventory::iter::<Registration>` and formats one line per entry.",
    },
    Exercise {
        number: 2,
        name: "ex02_payment_gateway",
        title: "one PaymentGateway trait, two implementations, one client function",
        track: Track::Traits,
        nudge: "`checkout` should work for any gateway, even one written after it: what type lets one function take either implementation?",
        builds_on: &["m07", "m08", "m09"],
        approach: "`checkout` takes `&mut dyn PaymentGateway`, so it works for any gateway, even one \
               written after it. Money is integer cents (`u64`): format with `cents / 100` and \
               `cents % 100` (`{:02}`), never floats. The wallet checks the balance *before* \
               subtracting and returns `Err(PaymentError::InsufficientFunds { .. })` otherwise.",
    },
    Exercise {
        number: 3,
        name: "ex03_mini_orm_storage",
        title: "StorageEngine trait, self-registering engines, factory by name, atomic file writes",
        track: Track::Traits,
        nudge: "Two separate jobs: engines that announce themselves (a registry), and a save that never leaves a half-written file.",
        builds_on: &["m06", "m10", "m11"],
        approach: "Registration: `inventory::submit! { EngineRegistration { name: \"memory\", make: .. } }` \
               next to each engine; `engine_names` and `create_engine` iterate \
               `inventory::iter::<EngineRegistration>`. Atomic save: write to a temporary file in \
               the same directory, `sync_all`, then `std::fs::rename` over the target (a rename \
               within one file system replaces the file in one step). A load that fails to parse \
               returns `StorageError::Corrupt` with the path and serde's message.",
    },
    Exercise {
        number: 4,
        name: "ex04_thread_behavior_analysis",
        title: "time CPU work and blocking waits across threads; say which model is faster",
        track: Track::Concurrency,
        nudge: "Spawn every thread before you join any of them; a join waits for its thread.",
        builds_on: &["t00", "t14", "t15", "t16"],
        approach: "Use `std::thread::scope` and spawn one thread per task; collect the results by \
               joining the handles in spawn order. Both workloads speed up with threads in Rust: \
               waits overlap, and CPU work runs on several cores at once because there is no GIL.",
    },
    Exercise {
        number: 5,
        name: "ex05_basic_thread_management",
        title: "three named threads with different sleeps; main joins them, then reports",
        track: Track::Concurrency,
        nudge: "How many threads are running between your first spawn and your first join?",
        builds_on: &["t01", "t04", "t20"],
        approach: "`std::thread::Builder::new().name(name.to_string()).spawn(..)` names a thread; \
               `log.say(..)` records the current thread's name. Spawn all three first, then join \
               them all: joining inside the spawn loop would run them one after another.",
    },
    Exercise {
        number: 6,
        name: "ex06_synchronization_in_practice",
        title: "Mutex counter, an Event to start, a Semaphore cap, a queue of tasks",
        track: Track::Concurrency,
        nudge: "std has no Event and no Semaphore: each is a value behind a Mutex plus a Condvar to wait for it to change. And the counter: is `read, add 1, write` one step?",
        builds_on: &["t07", "t09", "t10", "t11"],
        approach: "Event and Semaphore are both a `Mutex` + `Condvar`: the event guards a `bool`, the \
               semaphore a count of free permits (wait while it is 0). Workers: wait for the \
               event, then loop `while let Ok(task) = rx.recv()` on a crossbeam channel (or pop \
               from a `Mutex<VecDeque>`), take a permit, call `process(task)`, release the permit \
               (a guard with `Drop` cannot forget), add 1 to the counter.",
    },
    Exercise {
        number: 7,
        name: "ex07_safe_access_no_deadlock",
        title: "transfers in both directions between two locked accounts, without deadlock",
        track: Track::Concurrency,
        nudge: "Two locks taken in opposite orders by two threads is the classic deadlock. Is there an order both directions could agree on? And does the money ever sit in neither account?",
        builds_on: &["t08", "t23", "t25"],
        approach: "Always lock the account with the smaller index first, whatever the direction of \
               the transfer; then both threads take the locks in one global order and neither can \
               hold one lock while waiting for the other. A transfer from an account to itself \
               must not lock twice (std's Mutex is not re-entrant).",
    },
    Exercise {
        number: 8,
        name: "ex08_parallel_squares_pool",
        title: "squares of 1..=10 in a process pool, with the child-role guard",
        track: Track::Concurrency,
        nudge: "The test's `main` already calls your `child_guard()`: make it serve tasks in a worker. Then ask the pool for all ten squares in one call.",
        builds_on: &["p03", "p07", "p12"],
        approach: "`child_guard()` is one line: `pool::serve_if_worker(TASKS)` (in a worker it \
               serves tasks and exits; in the parent it returns). In `parallel_squares`, create \
               the pool and call `pool.map(\"square\", 1..=10u64)` once: `map` sends every task \
               before it waits for the first result, so the workers compute at the same time (a \
               loop of `apply` waits for each square in turn). Drop the pool before returning: \
               that joins and reaps the workers.",
    },
    Exercise {
        number: 9,
        name: "ex09_pool_shared_manager_list",
        title: "pool workers append squares to a list held by a manager process",
        track: Track::Concurrency,
        nudge: "This program starts two kinds of child process. Does your guard recognise both?",
        builds_on: &["p03", "p07", "p15"],
        approach: "Start the manager first and give each task a handle (a proxy) to its list; a worker \
               appends through the proxy. Read the list after the pool is done, sort it (workers \
               finish in any order), then shut the manager down and check it exited cleanly.",
    },
    Exercise {
        number: 10,
        name: "ex10_choose_the_right_tool",
        title: "classify five tasks, then do each with the right model",
        track: Track::Concurrency,
        nudge: "For each task ask: does it spend its time waiting, or computing? Then: what does Rust have that Python's GIL takes away?",
        builds_on: &["t00", "t16", "p13", "a01", "c02"],
        approach: "Waiting (downloads, log files on a slow disk, API calls) → threads or async: the \
               waits overlap. Computing (primes, resizing) → rayon: the work spreads over cores. \
               In Rust the CPU answer is threads/rayon, not processes: there is no GIL to escape.",
    },
    Exercise {
        number: 11,
        name: "ex11_own_async_tasks",
        title: "three async fns with different waits, spawned as tasks and gathered",
        track: Track::Concurrency,
        nudge: "A future does nothing until it is awaited or spawned. When does each of your three start?",
        builds_on: &["a01", "a02", "a03"],
        approach: "`tokio::spawn(brew_coffee())` starts a task at once and returns a `JoinHandle`; \
               spawn all three, then await the handles in spawn order (or `futures::future::\
               join_all`). Awaiting each future right after creating it runs them one by one.",
    },
    Exercise {
        number: 12,
        name: "ex12_api_async_thinking",
        title: "three simulated API calls with start/end messages, all concurrent",
        track: Track::Concurrency,
        nudge: "Awaiting inside a loop waits for each call before starting the next. How do you await several futures at once?",
        builds_on: &["a01", "a04", "a05"],
        approach: "Build one future per API (`call_api(..)`) and await them together with \
               `futures::future::join_all`, which keeps argument order in its result. \
               `tokio::time::sleep` waits without blocking; `std::thread::sleep` would block.",
    },
    Exercise {
        number: 13,
        name: "ex13_hybrid_concurrency",
        title: "async tasks + spawn_blocking + a CPU job in a process pool, in one program",
        track: Track::Concurrency,
        nudge: "Which parts would stop the runtime's only thread if they ran on it? Those go to `spawn_blocking`.",
        builds_on: &["a05", "a06", "a07", "a08"],
        approach: "`tokio::task::spawn_blocking(move || blocking_read(..))` for the blocking call; the \
               CPU job goes to the process pool from inside `spawn_blocking` too (the pool's call \
               blocks until the result is back). Start everything, then `tokio::join!` the handles; \
               the ticker keeps ticking only if nothing blocks the runtime's thread.",
    },
    Exercise {
        number: 14,
        name: "ex14_async_web_scraper",
        title: "the capstone: a polite concurrent scraper of the fixture's quote pages",
        track: Track::Concurrency,
        nudge: "One client, a limit on requests in flight, one task per page: which tokio type is the limit?",
        builds_on: &["a09", "a10", "a11", "a14"],
        approach: "One `reqwest::Client` built with `.timeout(..)` and a User-Agent; a `Semaphore` of \
               `concurrency` permits, acquired before each request; one task per page in a \
               `JoinSet`; every page gives a `PageReport` (status and bytes, or the error text), \
               so a timeout is a line of output, not a crash.",
    },
    Exercise {
        number: 15,
        name: "ex15_web_scraping",
        title: "scrape the same pages with threads and with async; compare",
        track: Track::Concurrency,
        nudge: "With threads, the number of threads is the limit; with async tasks, something else must be.",
        builds_on: &["t35", "a09", "a14", "a16"],
        approach: "Threads: `std::thread::scope`, a shared `AtomicUsize` index or a channel of URLs, and \
               `limit` workers (that *is* the bound). Async: a `Semaphore` with `limit` permits and \
               one task per URL. `http_get` (blocking) and `reqwest` (async) are given.",
    },
    Exercise {
        number: 16,
        name: "ex16_data_processing",
        title: "word counts of a generated data set with rayon; equal to the sequential result",
        track: Track::Concurrency,
        nudge: "Each rayon worker can count into its own map; what remains is combining the maps.",
        builds_on: &["t14", "t30", "c02"],
        approach: "`lines.par_iter().fold(HashMap::new, |mut m, line| { ..count.. ; m })\
               .reduce(HashMap::new, merge)`: each rayon worker counts into its own map, and maps \
               are merged at the end (no lock in the hot loop).",
    },
    Exercise {
        number: 17,
        name: "ex17_thread_safe_structures",
        title: "a bounded blocking queue from Mutex + Condvar, with close",
        track: Track::Concurrency,
        nudge: "A wake-up is a hint, not a promise: when a waiting thread wakes, is its condition still true?",
        builds_on: &["t09", "t10", "t11", "t29"],
        approach: "State = `Mutex<(VecDeque<T>, closed: bool)>` plus two `Condvar`s, `not_full` and \
               `not_empty`. Wait in a `while` loop (wake-ups can be spurious), notify the other side \
               after each change, and `notify_all` both on close.",
    },
];

/// Every exercise in the order a learner takes them: the concurrency track (4–17), then the
/// traits track (1–3). "Next" and `watch` follow this order.
pub fn in_order() -> impl Iterator<Item = &'static Exercise> {
    Track::ORDER
        .into_iter()
        .flat_map(|t| EXERCISES.iter().filter(move |e| e.track == t))
}

/// The exercise called `query`: a full name (`ex07_safe_access_no_deadlock`), a topic
/// (`safe_access_no_deadlock`), a number (`7`, `07`) or the prefix (`ex07`, `ex7`). `check`,
/// `hint`, `reset`, `solution` and `watch` all take these forms.
///
/// # Errors
/// [`NotFound`], whose message names the closest names.
pub fn find(query: &str) -> Result<&'static Exercise, NotFound> {
    let q = query.trim().trim_end_matches(".rs").to_ascii_lowercase();
    let q = q.rsplit('/').next().unwrap_or(&q).to_owned();
    let by_number = q.strip_prefix("ex").unwrap_or(&q).parse::<u8>().ok();
    if let Some(ex) = EXERCISES
        .iter()
        .find(|e| e.name == q || e.topic() == q || Some(e.number) == by_number)
    {
        return Ok(ex);
    }
    let mut scored: Vec<(usize, &Exercise)> = EXERCISES
        .iter()
        .map(|e| {
            (
                edit_distance(&q, e.name).min(edit_distance(&q, e.topic())),
                e,
            )
        })
        .collect();
    scored.sort_by_key(|&(d, e)| (d, e.number));
    let close: Vec<&str> = scored
        .iter()
        .filter(|(d, e)| *d <= 4 + q.len() / 4 || e.name.contains(&q) && !q.is_empty())
        .take(3)
        .map(|(_, e)| e.name)
        .collect();
    Err(NotFound(if close.is_empty() {
        format!("no exercise named {query:?}; `list` shows all of them")
    } else {
        format!(
            "no exercise named {query:?}; did you mean: {}?",
            close.join(", ")
        )
    }))
}

/// No exercise answers to a name; the message says which names come closest.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotFound(pub String);

/// Levenshtein distance (for "did you mean").
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrency_track_comes_first() {
        let order: Vec<u8> = in_order().map(|e| e.number).collect();
        assert_eq!(order[0], 4);
        assert_eq!(order[13], 17);
        assert_eq!(&order[14..], &[1, 2, 3]);
        for e in EXERCISES {
            assert!(!e.nudge.is_empty() && !e.approach.is_empty(), "{}", e.name);
            assert!(!e.builds_on.is_empty(), "{} names no example", e.name);
        }
    }

    #[test]
    fn numbers_are_ordered_and_match_names() {
        for (i, e) in EXERCISES.iter().enumerate() {
            assert_eq!(usize::from(e.number), i + 1);
            assert!(
                e.name.starts_with(&format!("ex{:02}_", e.number)),
                "{}",
                e.name
            );
        }
    }

    #[test]
    fn finds_by_name_topic_and_number() {
        assert_eq!(find("ex07_safe_access_no_deadlock").unwrap().number, 7);
        assert_eq!(find("safe_access_no_deadlock").unwrap().number, 7);
        assert_eq!(find("7").unwrap().number, 7);
        assert_eq!(find("07").unwrap().number, 7);
        assert_eq!(find("ex07").unwrap().number, 7);
        assert_eq!(find("ex7").unwrap().number, 7);
        assert_eq!(
            find("exercises/starters/ex07_safe_access_no_deadlock.rs")
                .unwrap()
                .number,
            7
        );
    }

    #[test]
    fn unknown_names_suggest_close_matches() {
        let err = find("safe_acess_no_deadlok").unwrap_err().to_string();
        assert!(
            err.contains("did you mean: ex07_safe_access_no_deadlock"),
            "{err}"
        );
        let err = find("payment").unwrap_err().to_string();
        assert!(err.contains("ex02_payment_gateway"), "{err}");
        let err = find("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`list`"), "{err}");
    }
}
