//! # Exercise 2: one payment interface, many implementations (reference solution)
//!
//! Python: an ABC `PaymentGateway` with an abstract `process(amount)`, two subclasses and a
//! function that accepts any gateway. Rust: a trait, two structs, and a client function over
//! `&mut dyn PaymentGateway` that never names a concrete type — so a gateway written later (the
//! test writes one) works without touching it. Money is integer cents: floats cannot hold 0.10.

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
    ///
    /// # Errors
    /// [`PaymentError`] when the payment cannot be made.
    fn process(&mut self, amount: Cents) -> Result<String, PaymentError>;
}

/// `$19.99` from `1999`.
pub fn format_cents(amount: Cents) -> String {
    format!("${}.{:02}", amount / 100, amount % 100)
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
        if amount == 0 {
            return Err(PaymentError::InvalidAmount);
        }
        self.charged += amount;
        Ok(format!(
            "Paid {} by credit card ending {}",
            format_cents(amount),
            self.last4
        ))
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
        if amount == 0 {
            return Err(PaymentError::InvalidAmount);
        }
        // Check first, subtract after: a refused payment leaves the balance untouched.
        if amount > self.balance {
            return Err(PaymentError::InsufficientFunds {
                balance: self.balance,
                amount,
            });
        }
        self.balance -= amount;
        Ok(format!(
            "Paid {} from wallet, balance {}",
            format_cents(amount),
            format_cents(self.balance)
        ))
    }
}

/// The client: pays `amount` through any gateway, and never needs to change when a gateway is
/// added.
///
/// # Errors
/// Whatever the gateway refuses.
pub fn checkout(gateway: &mut dyn PaymentGateway, amount: Cents) -> Result<String, PaymentError> {
    gateway.process(amount)
}
