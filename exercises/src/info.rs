//! The ordered list of exercises (the course's `info.toml`): number, name, title, hint.
//!
//! File layout, derived from the name (`ex05_basic_thread_management`):
//! - learner's code: `exercises/starters/<name>.rs`
//! - reference solution: `exercises/solutions/<name>.rs`
//! - tests (the same file checks both): `exercises/tests/<name>.rs`

/// One exercise.
#[derive(Debug, Clone, Copy)]
pub struct Exercise {
    /// Number in the course (1-based, in course order).
    pub number: u8,
    /// Full name: `ex` + two-digit number + `_` + topic, e.g. `ex07_safe_access_no_deadlock`.
    pub name: &'static str,
    /// One-line title shown by `list`.
    pub title: &'static str,
    /// Shown by `hint` and after a failing `check`.
    pub hint: &'static str,
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

/// Every exercise, in course order.
pub static EXERCISES: &[Exercise] = &[
    Exercise {
        number: 1,
        name: "ex01_rule_enforcing_trait",
        title: "a trait whose required method every type must provide; types announce themselves",
        hint: "Two jobs. (1) A method with a body in a trait is a *default*: types may skip it. \
               Remove the body of `run` so the compiler rejects any impl without it (E0046). \
               (2) Register each type with `inventory::submit! { Registration { name: \"ValidRule\", \
               make: || Box::new(ValidRule) } }`, then `announcements()` walks \
               `inventory::iter::<Registration>` and formats one line per entry.",
    },
    Exercise {
        number: 2,
        name: "ex02_payment_gateway",
        title: "one PaymentGateway trait, two implementations, one client function",
        hint: "`checkout` takes `&mut dyn PaymentGateway`, so it works for any gateway, even one \
               written after it. Money is integer cents (`u64`): format with `cents / 100` and \
               `cents % 100` (`{:02}`), never floats. The wallet checks the balance *before* \
               subtracting and returns `Err(PaymentError::InsufficientFunds { .. })` otherwise.",
    },
    Exercise {
        number: 3,
        name: "ex03_mini_orm_storage",
        title: "StorageEngine trait, self-registering engines, factory by name, atomic file writes",
        hint: "Registration: `inventory::submit! { EngineRegistration { name: \"memory\", make: .. } }` \
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
        hint: "Use `std::thread::scope` and spawn one thread per task; collect the results by \
               joining the handles in spawn order. Both workloads speed up with threads in Rust: \
               waits overlap, and CPU work runs on several cores at once because there is no GIL.",
    },
    Exercise {
        number: 5,
        name: "ex05_basic_thread_management",
        title: "three named threads with different sleeps; main joins them, then reports",
        hint: "`std::thread::Builder::new().name(name.to_string()).spawn(..)` names a thread; \
               `log.say(..)` records the current thread's name. Spawn all three first, then join \
               them all: joining inside the spawn loop would run them one after another.",
    },
    Exercise {
        number: 6,
        name: "ex06_synchronization_in_practice",
        title: "Mutex counter, an Event to start, a Semaphore cap, a queue of tasks",
        hint: "Event and Semaphore are both a `Mutex` + `Condvar`: the event guards a `bool`, the \
               semaphore a count of free permits (wait while it is 0). Workers: wait for the \
               event, then loop `while let Ok(task) = rx.recv()` on a crossbeam channel (or pop \
               from a `Mutex<VecDeque>`), take a permit, call `process(task)`, release the permit \
               (a guard with `Drop` cannot forget), add 1 to the counter.",
    },
    Exercise {
        number: 7,
        name: "ex07_safe_access_no_deadlock",
        title: "transfers in both directions between two locked accounts, without deadlock",
        hint: "Always lock the account with the smaller index first, whatever the direction of \
               the transfer; then both threads take the locks in one global order and neither can \
               hold one lock while waiting for the other. A transfer from an account to itself \
               must not lock twice (std's Mutex is not re-entrant).",
    },
    Exercise {
        number: 8,
        name: "ex08_parallel_squares_pool",
        title: "squares of 1..=10 in a process pool, with the child-role guard",
        hint: "Call `child_guard()` first thing in `main`-like code: in a worker process it does \
               the worker's job and never returns. Then create the pool, `map` the numbers, and \
               let the pool shut down (it joins and reaps its workers).",
    },
    Exercise {
        number: 9,
        name: "ex09_pool_shared_manager_list",
        title: "pool workers append squares to a list held by a manager process",
        hint: "Start the manager first and give each task a handle (a proxy) to its list; a worker \
               appends through the proxy. Read the list after the pool is done, sort it (workers \
               finish in any order), then shut the manager down and check it exited cleanly.",
    },
    Exercise {
        number: 10,
        name: "ex10_choose_the_right_tool",
        title: "classify five tasks, then do each with the right model",
        hint: "Waiting (downloads, log files on a slow disk, API calls) → threads or async: the \
               waits overlap. Computing (primes, resizing) → rayon: the work spreads over cores. \
               In Rust the CPU answer is threads/rayon, not processes: there is no GIL to escape.",
    },
    Exercise {
        number: 11,
        name: "ex11_own_async_tasks",
        title: "three async fns with different waits, spawned as tasks and gathered",
        hint: "`tokio::spawn(brew_coffee())` starts a task at once and returns a `JoinHandle`; \
               spawn all three, then await the handles in spawn order (or `futures::future::\
               join_all`). Awaiting each future right after creating it runs them one by one.",
    },
    Exercise {
        number: 12,
        name: "ex12_api_async_thinking",
        title: "three simulated API calls with start/end messages, all concurrent",
        hint: "Build one future per API (`call_api(..)`) and await them together with \
               `futures::future::join_all`, which keeps argument order in its result. \
               `tokio::time::sleep` waits without blocking; `std::thread::sleep` would block.",
    },
    Exercise {
        number: 13,
        name: "ex13_hybrid_concurrency",
        title: "async tasks + spawn_blocking + a CPU job in a process pool, in one program",
        hint: "`tokio::task::spawn_blocking(move || blocking_read(..))` for the blocking call; the \
               CPU job goes to the process pool from inside `spawn_blocking` too (the pool's call \
               blocks until the result is back). Start everything, then `tokio::join!` the handles; \
               the ticker keeps ticking only if nothing blocks the runtime's thread.",
    },
    Exercise {
        number: 14,
        name: "ex14_async_web_scraper",
        title: "the capstone: a polite concurrent scraper of the fixture's quote pages",
        hint: "One `reqwest::Client` built with `.timeout(..)` and a User-Agent; a `Semaphore` of \
               `concurrency` permits, acquired before each request; one task per page in a \
               `JoinSet`; every page gives a `PageReport` (status and bytes, or the error text), \
               so a timeout is a line of output, not a crash.",
    },
    Exercise {
        number: 15,
        name: "ex15_web_scraping",
        title: "scrape the same pages with threads and with async; compare",
        hint: "Threads: `std::thread::scope`, a shared `AtomicUsize` index or a channel of URLs, and \
               `limit` workers (that *is* the bound). Async: a `Semaphore` with `limit` permits and \
               one task per URL. `http_get` (blocking) and `reqwest` (async) are given.",
    },
    Exercise {
        number: 16,
        name: "ex16_data_processing",
        title: "word counts of a generated data set with rayon; equal to the sequential result",
        hint: "`lines.par_iter().fold(HashMap::new, |mut m, line| { ..count.. ; m })\
               .reduce(HashMap::new, merge)`: each rayon worker counts into its own map, and maps \
               are merged at the end (no lock in the hot loop).",
    },
    Exercise {
        number: 17,
        name: "ex17_thread_safe_structures",
        title: "a bounded blocking queue from Mutex + Condvar, with close",
        hint: "State = `Mutex<(VecDeque<T>, closed: bool)>` plus two `Condvar`s, `not_full` and \
               `not_empty`. Wait in a `while` loop (wake-ups can be spurious), notify the other side \
               after each change, and `notify_all` both on close.",
    },
];

/// The exercise called `query`: a full name (`ex07_safe_access_no_deadlock`), a topic
/// (`safe_access_no_deadlock`) or a number (`7`, `07`).
///
/// # Errors
/// A message naming the closest names when nothing matches.
pub fn find(query: &str) -> Result<&'static Exercise, String> {
    let q = query.trim().to_ascii_lowercase();
    let by_number = q.parse::<u8>().ok();
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
    Err(if close.is_empty() {
        format!("no exercise named {query:?}; `list` shows all of them")
    } else {
        format!(
            "no exercise named {query:?}; did you mean: {}?",
            close.join(", ")
        )
    })
}

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
    }

    #[test]
    fn unknown_names_suggest_close_matches() {
        let err = find("safe_acess_no_deadlok").unwrap_err();
        assert!(
            err.contains("did you mean: ex07_safe_access_no_deadlock"),
            "{err}"
        );
        let err = find("payment").unwrap_err();
        assert!(err.contains("ex02_payment_gateway"), "{err}");
        let err = find("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz").unwrap_err();
        assert!(err.contains("`list`"), "{err}");
    }
}
