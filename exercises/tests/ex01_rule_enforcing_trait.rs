//! Exercise 1 tests: run against the solution by default, against your starter through
//! `cargo run --bin exercises -- check 1`.
use ex::Rule;
exercises::subject!(ex01_rule_enforcing_trait);

#[test]
fn the_valid_type_runs() {
    assert_eq!(ex::ValidRule.run(), "ValidRule is running");
}

#[test]
fn the_valid_type_is_announced_exactly_once() {
    let lines = ex::announcements();
    let mentions = lines
        .iter()
        .filter(|l| l.as_str() == "Defined rule type: ValidRule")
        .count();
    assert_eq!(mentions, 1, "announcements: {lines:?}");
}

#[test]
fn registered_types_can_be_built_by_name() {
    let rule = ex::make("ValidRule").expect("ValidRule is registered");
    assert_eq!(rule.run(), "ValidRule is running");
    assert!(ex::make("NoSuchRule").is_none());
}

/// The invalid type: an impl without `run` must not compile, with E0046 naming `run`.
#[test]
fn a_type_without_run_is_rejected_at_compile_time() {
    trybuild::TestCases::new().compile_fail("tests/ui/ex01_missing_run.rs");
}
