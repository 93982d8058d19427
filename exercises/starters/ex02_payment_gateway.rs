//! # Exercise 2: one payment interface, many implementations
//!
//! Python: an abstract base class `PaymentGateway` with an abstract method `process(amount)`,
//! two implementations (credit card, wallet), and one function that accepts *any* gateway.
//! Rust: a trait, two structs, and a client function over `&mut dyn PaymentGateway`.
//!
//! Money is integer cents ([`Cents`]): `0.1 + 0.2 != 0.3` in floating point.
//!
//! Done when:
//! - `format_cents(1999) == "$19.99"` and `format_cents(5) == "$0.05"`;
//! - a card pays anything above zero: `"Paid $19.99 by credit card ending 4242"`, and remembers
//!   the total charged;
//! - a wallet pays what its balance covers: `"Paid $19.99 from wallet, balance $30.01"`; more than
//!   the balance is `Err(PaymentError::InsufficientFunds { balance, amount })` and leaves the
//!   balance unchanged;
//! - zero is `Err(PaymentError::InvalidAmount)` for both;
//! - `checkout` works for both and for a third gateway that the test defines.
//!
//! Builds on: `m07_notification_interface`, `m08_interface_demo`, `m09_default_method_validate`.
//!
//! Check: `cargo run --bin exercises -- check 2`
#![allow(unused, unreachable_code, clippy::all)]

/// An amount of money in cents (`1999` = $19.99).
pub type Cents = u64;

/// Why a payment was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// Zero is not a payment.
    #[error("invalid amount: a payment must be more than $0.00")]
    InvalidAmount,
    /// The wallet holds less than the amount.
    #[error("insufficient funds: balance {balance} cents, amount {amount} cents")]
    InsufficientFunds {
        /// What the wallet holds.
        balance: Cents,
        /// What was asked.
        amount: Cents,
    },
}

/// The contract every payment method fulfils.
pub trait PaymentGateway {
    /// Takes `amount` and describes the payment, or refuses it.
    fn process(&mut self, amount: Cents) -> Result<String, PaymentError>;
}

/// `$19.99` from `1999`.
pub fn format_cents(amount: Cents) -> String {
    todo!()
}

/// Pays with a credit card; it records what was charged.
#[derive(Debug)]
pub struct CreditCard {
    last4: String,
    charged: Cents,
}

impl CreditCard {
    /// A card whose number ends with `last4`.
    pub fn new(last4: &str) -> Self {
        Self {
            last4: last4.to_owned(),
            charged: 0,
        }
    }
    /// Total charged so far.
    pub fn charged(&self) -> Cents {
        self.charged
    }
}

impl PaymentGateway for CreditCard {
    fn process(&mut self, amount: Cents) -> Result<String, PaymentError> {
        todo!()
    }
}

/// Pays from a prepaid balance; refuses what it cannot cover.
#[derive(Debug)]
pub struct Wallet {
    balance: Cents,
}

impl Wallet {
    /// A wallet holding `balance`.
    pub fn new(balance: Cents) -> Self {
        Self { balance }
    }
    /// What is left.
    pub fn balance(&self) -> Cents {
        self.balance
    }
}

impl PaymentGateway for Wallet {
    fn process(&mut self, amount: Cents) -> Result<String, PaymentError> {
        todo!()
    }
}

/// The client: pays `amount` through any gateway.
pub fn checkout(gateway: &mut dyn PaymentGateway, amount: Cents) -> Result<String, PaymentError> {
    todo!()
}
