//! Exercise 2 tests (solution by default; your starter via `cargo run --bin exercises -- check 2`).
use ex::{Cents, CreditCard, PaymentError, PaymentGateway, Wallet, checkout};
exercises::subject!(ex02_payment_gateway);

#[test]
fn cents_are_formatted_as_dollars() {
    assert_eq!(ex::format_cents(1999), "$19.99");
    assert_eq!(ex::format_cents(5), "$0.05");
    assert_eq!(ex::format_cents(100_000), "$1000.00");
}

#[test]
fn a_card_pays_through_the_client_function() {
    let mut card = CreditCard::new("4242");
    assert_eq!(
        checkout(&mut card, 1999).as_deref(),
        Ok("Paid $19.99 by credit card ending 4242")
    );
    checkout(&mut card, 1).unwrap();
    assert_eq!(card.charged(), 2000);
}

#[test]
fn a_wallet_pays_what_it_can_and_refuses_the_rest() {
    let mut wallet = Wallet::new(5000);
    assert_eq!(
        checkout(&mut wallet, 1999).as_deref(),
        Ok("Paid $19.99 from wallet, balance $30.01")
    );
    assert_eq!(wallet.balance(), 3001);
    assert_eq!(
        checkout(&mut wallet, 5000),
        Err(PaymentError::InsufficientFunds {
            balance: 3001,
            amount: 5000
        })
    );
    assert_eq!(
        wallet.balance(),
        3001,
        "a refused payment must not change the balance"
    );
    // Exactly the balance is fine.
    checkout(&mut wallet, 3001).unwrap();
    assert_eq!(wallet.balance(), 0);
}

#[test]
fn zero_is_not_a_payment() {
    assert_eq!(
        checkout(&mut CreditCard::new("0000"), 0),
        Err(PaymentError::InvalidAmount)
    );
    assert_eq!(
        checkout(&mut Wallet::new(10), 0),
        Err(PaymentError::InvalidAmount)
    );
}

/// A gateway the client has never heard of: `checkout` must work with it unchanged.
struct GiftCard {
    code: &'static str,
    used: bool,
}

impl PaymentGateway for GiftCard {
    fn process(&mut self, amount: Cents) -> Result<String, PaymentError> {
        if self.used {
            return Err(PaymentError::InsufficientFunds { balance: 0, amount });
        }
        self.used = true;
        Ok(format!(
            "Paid {} with gift card {}",
            ex::format_cents(amount),
            self.code
        ))
    }
}

#[test]
fn a_new_gateway_works_without_changing_the_client() {
    let mut gateways: Vec<Box<dyn PaymentGateway>> = vec![
        Box::new(CreditCard::new("1111")),
        Box::new(Wallet::new(1000)),
        Box::new(GiftCard {
            code: "XMAS",
            used: false,
        }),
    ];
    let receipts: Vec<String> = gateways
        .iter_mut()
        .map(|g| checkout(g.as_mut(), 250).unwrap())
        .collect();
    assert_eq!(
        receipts,
        [
            "Paid $2.50 by credit card ending 1111",
            "Paid $2.50 from wallet, balance $7.50",
            "Paid $2.50 with gift card XMAS",
        ]
    );
    assert!(checkout(gateways[2].as_mut(), 250).is_err());
}
