//! Exercise 7 tests (solution by default; your starter via `cargo run --bin exercises -- check 7`).
//!
//! A deadlock would hang the test forever. Each scenario runs under a watchdog instead: if it has
//! not finished in time, the test fails with a message naming the probable cause.
exercises::subject!(ex07_safe_access_no_deadlock);
use ex::Bank;
use exercises::support::with_timeout;
use std::sync::Arc;
use std::time::Duration;

const WATCHDOG: Duration = Duration::from_secs(8);

/// Runs `rounds` transfers of `amount` in each listed direction, one thread per direction, all
/// at once; returns the final balances.
fn run(balances: &[i64], directions: &[(usize, usize, i64)], rounds: usize) -> Vec<i64> {
    let bank = Arc::new(Bank::new(balances, Duration::from_millis(1)));
    let directions = directions.to_vec();
    let b = Arc::clone(&bank);
    with_timeout(
        WATCHDOG,
        "transfers in both directions (deadlock: do all threads lock the accounts in the same order?)",
        move || {
            std::thread::scope(|s| {
                for &(from, to, amount) in &directions {
                    let bank = &b;
                    s.spawn(move || {
                        for _ in 0..rounds {
                            bank.transfer(from, to, amount);
                        }
                    });
                }
            });
        },
    );
    bank.balances()
}

#[test]
fn transfers_both_ways_finish_and_are_all_applied() {
    // 0 → 1: 100 × 3, 1 → 0: 100 × 1.
    let end = run(&[1000, 1000], &[(0, 1, 3), (1, 0, 1)], 100);
    assert_eq!(
        end,
        vec![800, 1200],
        "every transfer must be applied exactly once"
    );
    assert_eq!(end.iter().sum::<i64>(), 2000, "money must be conserved");
}

#[test]
fn four_threads_over_three_accounts() {
    // Per round: account 0: -1 +5 +2 = +6; account 1: +1 -3 -2 = -4; account 2: +3 -5 = -2.
    let end = run(
        &[0, 0, 0],
        &[(0, 1, 1), (1, 2, 3), (2, 0, 5), (1, 0, 2)],
        40,
    );
    assert_eq!(end, vec![240, -160, -80]);
}

#[test]
fn a_transfer_to_the_same_account_is_a_no_op() {
    let bank = Arc::new(Bank::new(&[50, 50], Duration::from_millis(1)));
    let b = Arc::clone(&bank);
    with_timeout(
        Duration::from_secs(5),
        "a transfer from account 0 to account 0 (locking one Mutex twice deadlocks)",
        move || b.transfer(0, 0, 10),
    );
    assert_eq!(bank.balances(), vec![50, 50]);
}

/// The final balances hide a transfer that never holds both locks (debit under one lock,
/// release it, credit under the other): the money is right at the end, but vanishes in between.
/// An auditor locks every account in index order (the global order, so it cannot deadlock with
/// a correct transfer) and checks the total while the transfers run.
#[test]
fn an_auditor_never_sees_money_in_flight() {
    let bank = Arc::new(Bank::new(&[1000, 1000, 1000], Duration::from_millis(1)));
    let b = Arc::clone(&bank);
    let (audits, wrong) = with_timeout(
        WATCHDOG,
        "transfers with an auditor (deadlock: do all threads lock the accounts in the same order?)",
        move || {
            let done = std::sync::atomic::AtomicBool::new(false);
            std::thread::scope(|s| {
                let auditor = s.spawn(|| {
                    let (mut audits, mut wrong) = (0, Vec::new());
                    while !done.load(std::sync::atomic::Ordering::SeqCst) {
                        let total = b.total();
                        audits += 1;
                        if total != 3000 {
                            wrong.push(total);
                        }
                    }
                    (audits, wrong)
                });
                let movers: Vec<_> = [(0, 1, 7), (1, 0, 3), (1, 2, 5), (2, 1, 2), (2, 0, 1)]
                    .into_iter()
                    .map(|(from, to, amount)| {
                        let bank = &b;
                        s.spawn(move || {
                            for _ in 0..60 {
                                bank.transfer(from, to, amount);
                            }
                        })
                    })
                    .collect();
                for m in movers {
                    m.join().expect("a transfer thread panicked");
                }
                done.store(true, std::sync::atomic::Ordering::SeqCst);
                auditor.join().expect("the auditor panicked")
            })
        },
    );
    assert!(audits > 0);
    assert!(
        wrong.is_empty(),
        "{} of {audits} audits saw a total other than 3000 (e.g. {:?}): money left one account \
         before it reached the other. Hold both locks for the whole transfer.",
        wrong.len(),
        &wrong[..wrong.len().min(5)]
    );
    // Per round: 0: -7 +3 +1 = -3; 1: +7 -3 -5 +2 = +1; 2: +5 -2 -1 = +2.
    assert_eq!(bank.balances(), vec![1000 - 180, 1000 + 60, 1000 + 120]);
}
