//! Compile-fail checks: what the type system refuses. Each case in `tests/ui/` must be rejected
//! with the error codes and key phrases of its `.stderr` file (not the whole text, so a newer
//! stable Rust still passes; see `utilities::testkit::assert_compile_errors`). Refresh the files
//! with `UPDATE_UI=1 cargo test -p multiprocessing_examples --test compile_fail`.

/// `p20_serialization_failure`: a `File` is not `Serialize`, so it cannot go into a queue.
#[test]
fn file_is_not_serialize() {
    utilities::testkit::assert_compile_errors(
        env!("CARGO_MANIFEST_DIR"),
        "tests/ui",
        &["multiprocessing_examples"],
    );
}
