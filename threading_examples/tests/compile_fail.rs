//! Programs that must NOT compile, each with the compiler's message checked in next to it
//! (`tests/ui/<name>.stderr`). They show where Rust rejects at compile time what Python only
//! gets wrong at run time: the unsynchronised counter of t06 (E0499, E0594), `Rc` sent to a
//! thread in t13 (E0277), and the cases of t19 onwards.
//!
//! After an intended change, regenerate the snapshots with
//! `TRYBUILD=overwrite cargo test -p threading_examples --test compile_fail`, read them, commit them.

#[test]
fn programs_rust_refuses_to_compile() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
