//! # Exercise 7: safe access without deadlock
//!
//! Two shared resources (bank accounts), each protected by its own lock. A transfer needs both
//! locks. Threads transfer in *both* directions at the same time. If a transfer locks "from"
//! then "to", thread 1 (0 → 1) can hold account 0 while thread 2 (1 → 0) holds account 1: each
//! waits for the other forever. That is a deadlock.
//!
//! Write `Bank::transfer` so that every thread takes the locks in the **same global order**,
//! whatever the direction. `hold` is simulated work done while holding the first lock: it makes a
//! wrong order deadlock within milliseconds.
//!
//! Done when: many transfers in both directions finish (the test's watchdog fails the test after
//! a few seconds if they hang, instead of hanging forever); every transfer is applied (the final
//! balances are exact); an auditor that locks every account in index order *while the transfers
//! run* always sees the same total (money never sits in neither account); a transfer from an
//! account to itself is a no-op.
//!
//! Builds on: `t08_deadlock_opposite_order`, `t23_critical_section_scope`, `t25_deadlock_demo`.
//!
//! Check: `cargo run --bin exercises -- check 7`
#![allow(unused, unreachable_code, clippy::all)]

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

/// Accounts, each behind its own lock.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<i64>>,
    /// How long a transfer holds its first lock before taking the second.
    hold: Duration,
}

fn lock(m: &Mutex<i64>) -> MutexGuard<'_, i64> {
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

    /// The sum of all balances, read while holding *every* lock, taken in index order (given).
    /// The test's auditor calls it while transfers run: money in flight shows as a wrong total.
    pub fn total(&self) -> i64 {
        let guards: Vec<MutexGuard<'_, i64>> = self.accounts.iter().map(lock).collect();
        guards.iter().map(|g| **g).sum()
    }

    /// Moves `amount` from account `from` to account `to` (balances may go negative).
    /// Lock one account, `std::thread::sleep(self.hold)`, lock the other, move the money.
    pub fn transfer(&self, from: usize, to: usize, amount: i64) {
        todo!("lock both accounts in one global order, then move the money")
    }
}
