//! # Exercise 1: a rule-enforcing trait
//!
//! Python enforces rules on classes with a metaclass: its `__new__` runs when a class is
//! *defined*, raises `TypeError` if the class has no `run()` method, and prints the class name.
//! Rust has no class creation at run time. The same two rules become:
//!
//! 1. **`run` is required.** A trait method *without* a body must be written by every type that
//!    implements the trait; forgetting it is a compile error (E0046). Right now `run` below has a
//!    default body, so a type can skip it. Fix the trait.
//! 2. **Types announce themselves.** Each type registers itself where it is defined, with
//!    `inventory::submit!`, and `announcements()` lists every registered type once.
//!
//! Done when: `ValidRule.run()` returns `"ValidRule is running"`; `announcements()` contains
//! `"Defined rule type: ValidRule"` exactly once; `make("ValidRule")` builds one; and an impl of
//! `Rule` without `run` is rejected by the compiler (the test `tests/ui/ex01_missing_run.rs`).
//!
//! Builds on: `m04_definition_time_hook`, `m05_required_method_compile_error`,
//!   `m06_plugin_registry`.
//!
//! Check: `cargo run --bin exercises -- check 1`
#![allow(unused, unreachable_code, clippy::all)]

/// Every rule type must say how it runs.
pub trait Rule {
    /// Runs the rule and describes what it did.
    // TODO: this default body lets a type skip `run`. Make `run` required.
    fn run(&self) -> String {
        todo!("make `run` a required method")
    }
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
        todo!("return \"ValidRule is running\"")
    }
}

// TODO: register ValidRule here with `inventory::submit! { Registration { .. } }`.

/// One line per registered type, `"Defined rule type: <name>"`, sorted by name.
pub fn announcements() -> Vec<String> {
    todo!("walk inventory::iter::<Registration>")
}

/// An instance of the registered type called `name`, or `None`.
pub fn make(name: &str) -> Option<Box<dyn Rule>> {
    todo!()
}
