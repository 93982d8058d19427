//! Programs that must NOT compile, each with the compiler's message checked in next to it
//! (`tests/ui/<name>.stderr`). They show where Rust rejects at compile time what Python only
//! gets wrong at run time: the unsynchronised counter of t06 (E0499, E0594), `Rc` sent to a
//! thread in t13 (E0277), and the cases of t19 onwards.
//!
//! Checked by error code and key phrase, not by whole snapshot, so a newer stable Rust still
//! passes (see `utilities::testkit::assert_compile_errors`). Each case is compiled by `rustc`
//! alone and may use std only. Write or refresh the `.stderr` files with
//! `UPDATE_UI=1 cargo test -p threading_examples --test compile_fail`, read them, commit them.

#[test]
fn programs_rust_refuses_to_compile() {
    utilities::testkit::assert_compile_errors(env!("CARGO_MANIFEST_DIR"), "tests/ui", &[]);
}
