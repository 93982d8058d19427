//! Compile-fail checks: what the type system refuses (run with `TRYBUILD=overwrite` once to
//! refresh the `.stderr` snapshots after a compiler upgrade).

/// `p20_serialization_failure`: a `File` is not `Serialize`, so it cannot go into a queue.
#[test]
fn file_is_not_serialize() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/file_not_serialize.rs");
}
