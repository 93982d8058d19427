//! The compile-time claims of Module 3: programs that must NOT compile, with the compiler's
//! error checked in next to each (`tests/ui/*.stderr`; regenerate with `TRYBUILD=overwrite`).
//!
//! - `m04_lowercase_class`: `define_class!(sample)` → the definition-time `const` check fails
//!   (`m04_…` example).
//! - `m05_missing_process`: a type without a required trait method → E0046 (`m05_…` example).
//! - `m07_wrong_method_name`: `deliver` instead of `send` → E0407 + E0046 (`m07_…` example).
//! - `m12_invalid_model`: a model with an invalid table name → a failed `const` assertion
//!   (`m12_…` example).

#[test]
fn module_3_invalid_programs_are_rejected() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/m04_lowercase_class.rs");
    t.compile_fail("tests/ui/m05_missing_process.rs");
    t.compile_fail("tests/ui/m07_wrong_method_name.rs");
    t.compile_fail("tests/ui/m12_invalid_model.rs");
}
