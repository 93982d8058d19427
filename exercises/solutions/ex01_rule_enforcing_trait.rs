//! # Exercise 1: a rule-enforcing trait (reference solution)
//!
//! Python: a metaclass whose `__new__` rejects any class without a `run()` method and prints the
//! class name when the class is created. Rust: a trait with a *required* method (no body), so an
//! impl without `run` is a compile error (E0046), and a registry that every type joins where it
//! is defined (`inventory::submit!`), walked once to announce them.
//!
//! `tests/ui/ex01_missing_run.rs` is the invalid type; its expected compiler error is in
//! `tests/ui/ex01_missing_run.stderr`.

/// Every rule type must say how it runs. No default body: an impl that forgets `run` does not
/// compile ("error\[E0046\]: not all trait items implemented, missing: `run`").
pub trait Rule {
    /// Runs the rule and describes what it did.
    fn run(&self) -> String;
}

/// One registered type: its name and how to make one.
pub struct Registration {
    /// The type's name, as announced.
    pub name: &'static str,
    /// Builds an instance.
    pub make: fn() -> Box<dyn Rule>,
}

inventory::collect!(Registration);

/// The valid type of the exercise.
pub struct ValidRule;

impl Rule for ValidRule {
    fn run(&self) -> String {
        "ValidRule is running".to_owned()
    }
}

// Registration sits next to the definition: adding a type is adding these lines, nothing else.
inventory::submit! {
    Registration { name: "ValidRule", make: || Box::new(ValidRule) }
}

/// One line per registered type, `"Defined rule type: <name>"`, sorted by name (link order is not
/// specified, and sorting makes the output reproducible).
pub fn announcements() -> Vec<String> {
    let mut names: Vec<&str> = inventory::iter::<Registration>
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort_unstable();
    names
        .into_iter()
        .map(|n| format!("Defined rule type: {n}"))
        .collect()
}

/// An instance of the registered type called `name`.
pub fn make(name: &str) -> Option<Box<dyn Rule>> {
    inventory::iter::<Registration>
        .into_iter()
        .find(|r| r.name == name)
        .map(|r| (r.make)())
}
