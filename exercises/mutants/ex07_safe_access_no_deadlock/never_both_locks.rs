//! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! Exercise 7, a transfer that never holds both locks: debit under one lock, release it, credit
//! under the other. No deadlock and the final balances are right, but the money vanishes
//! mid-transfer.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Accounts, each behind its own lock.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<i64>>,
    /// How long a transfer holds its locks (simulated work; it makes a wrong lock order deadlock
    /// quickly instead of once in a million runs).
    hold: Duration,
}

fn lock(m: &Mutex<i64>) -> MutexGuard<'_, i64> {
    // A balance is one integer: a panic elsewhere cannot leave it half-written.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Bank {
    /// One account per balance; each transfer holds its locks for `hold`.
    pub fn new(balances: &[i64], hold: Duration) -> Self {
        Self {
            accounts: balances.iter().map(|&b| Mutex::new(b)).collect(),
            hold,
        }
    }

    /// Current balances (each read under its lock).
    pub fn balances(&self) -> Vec<i64> {
        self.accounts.iter().map(|a| *lock(a)).collect()
    }

    /// The sum of all balances, read while holding *every* lock, taken in index order.
    /// The test's auditor calls it while transfers run: money in flight shows as a wrong total.
    pub fn total(&self) -> i64 {
        let guards: Vec<MutexGuard<'_, i64>> = self.accounts.iter().map(lock).collect();
        guards.iter().map(|g| **g).sum()
    }

    /// Moves `amount` from account `from` to account `to`. Balances may go negative (this
    /// exercise is about locks, not overdrafts).
    ///
    /// # Panics
    /// When an index is out of range.
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        if from == to {
            // Locking the same Mutex twice on one thread deadlocks (std's Mutex is not
            // re-entrant); a transfer to oneself changes nothing anyway.
            return;
        }
        // The global order: lower index first.
        // One lock at a time: no deadlock possible.
        {
            let mut src = lock(&self.accounts[from]);
            std::thread::sleep(self.hold);
            *src -= amount;
        }
        *lock(&self.accounts[to]) += amount;
    }
}
