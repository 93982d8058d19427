//! Tests of the Module 3 examples (`exercises/examples/m01_…` to `m12_…`).
//!
//! Each example file is compiled into this test as a module, so the `claims` test at the bottom of
//! each example checks its functions directly (this always runs). Each example binary is also run and its output checked, when
//! cargo built it: a plain `cargo test` builds every example before running tests, while
//! `cargo test --test m3_examples` alone does not (then only the function checks run, and a note
//! says so).
#![allow(dead_code)]

use std::path::PathBuf;
use utilities::testkit::{assert_order, run_example};

macro_rules! example {
    ($m:ident, $file:literal) => {
        #[path = $file]
        mod $m;
    };
}
example!(m01, "../examples/m01_types_are_not_values.rs");
example!(m02, "../examples/m02_dynamic_type_table.rs");
example!(m03, "../examples/m03_method_call_is_function_call.rs");
example!(m04, "../examples/m04_definition_time_hook.rs");
example!(m05, "../examples/m05_required_method_compile_error.rs");
example!(m06, "../examples/m06_plugin_registry.rs");
example!(m07, "../examples/m07_notification_interface.rs");
example!(m08, "../examples/m08_interface_demo.rs");
example!(m09, "../examples/m09_default_method_validate.rs");
example!(m10, "../examples/m10_backend_registry.rs");
example!(m11, "../examples/m11_orm_backend_framework_demo.rs");
example!(m12, "../examples/m12_macro_generated_impls.rs");

/// Runs the example binary `name` and returns its stdout, or `None` when cargo did not build it
/// (or built it before its source last changed).
fn run(name: &str) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let examples_dir: PathBuf = exe.parent()?.parent()?.join("examples");
    let bin = examples_dir.join(name);
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("examples/{name}.rs"));
    let fresh = match (bin.metadata(), source.metadata()) {
        (Ok(b), Ok(s)) => b.modified().ok()? >= s.modified().ok()?,
        _ => false,
    };
    if !fresh {
        eprintln!("note: {name} was not built by this cargo command; checked its functions only");
        return None;
    }
    let out = run_example(bin.to_str()?, &[], 1.0);
    out.assert_success();
    Some(out.stdout)
}

#[test]
fn m01_types_are_not_values_runs() {
    let Some(out) = run("m01_types_are_not_values") else {
        return;
    };
    assert!(out.contains("<class 'type'>"), "{out}");
    assert!(
        out.contains("type_name::<A>() = \"m01_types_are_not_values::A\""),
        "{out}"
    );
    assert!(
        out.contains("TypeId of A == TypeId of A: true; A == B: false"),
        "{out}"
    );
}

#[test]
fn m02_dynamic_type_table_runs() {
    let Some(out) = run("m02_dynamic_type_table") else {
        return;
    };
    assert!(out.contains("static Person.greet() -> Hello"), "{out}");
    assert!(
        out.contains("runtime-built Person.greet() -> Hello"),
        "{out}"
    );
}

#[test]
fn m03_method_call_is_function_call_runs() {
    let Some(out) = run("m03_method_call_is_function_call") else {
        return;
    };
    assert_eq!(out.matches("-> Hello").count(), 4, "{out}");
}

#[test]
fn m04_definition_time_hook_runs() {
    let Some(out) = run("m04_definition_time_hook") else {
        return;
    };
    assert_eq!(out.matches("Creating class: Sample").count(), 1, "{out}");
    assert_order(&out, "Creating class: Sample", "made an instance of Sample");
}

#[test]
fn m05_required_method_compile_error_runs() {
    let Some(out) = run("m05_required_method_compile_error") else {
        return;
    };
    assert!(
        out.contains("error[E0046]: not all trait items implemented"),
        "{out}"
    );
    assert!(out.contains("missing `process` in implementation"), "{out}");
}

#[test]
fn m06_plugin_registry_runs() {
    let Some(out) = run("m06_plugin_registry") else {
        return;
    };
    assert!(
        out.contains(r#"registry (inventory): ["PluginA", "PluginB"]"#),
        "{out}"
    );
}

#[test]
fn m07_notification_interface_runs() {
    let Some(out) = run("m07_notification_interface") else {
        return;
    };
    assert_order(&out, "Email sent: Welcome", "SMS sent: Your OTP is 1234");
    assert!(
        out.contains("error[E0407]: method `deliver` is not a member"),
        "{out}"
    );
}

#[test]
fn m08_interface_demo_runs() {
    let Some(out) = run("m08_interface_demo") else {
        return;
    };
    assert_order(
        &out,
        "Exporting data to CSV: [1, 2, 3]",
        "Exporting data to JSON:",
    );
}

#[test]
fn m09_default_method_validate_runs() {
    let Some(out) = run("m09_default_method_validate") else {
        return;
    };
    assert!(out.contains("[] -> error: No data to export"), "{out}");
}

#[test]
fn m10_backend_registry_runs() {
    let Some(out) = run("m10_backend_registry") else {
        return;
    };
    assert_order(&out, "Connecting to SQLite", "Closing SQLite connection");
    assert!(out.contains("Unsupported backend"), "{out}");
}

#[test]
fn m11_orm_backend_framework_demo_runs() {
    let Some(out) = run("m11_orm_backend_framework_demo") else {
        return;
    };
    assert_order(&out, "SQLite connected", "SQLite closed");
    assert_order(&out, "MySQL connected", "MySQL closed (by Drop)");
    assert!(
        !out.contains("SQLite closed (by Drop)"),
        "closed explicitly: no second close"
    );
}

#[test]
fn m12_macro_generated_impls_runs() {
    let Some(out) = run("m12_macro_generated_impls") else {
        return;
    };
    assert!(
        out.contains("CREATE TABLE products (id INTEGER, title TEXT, price REAL)"),
        "{out}"
    );
    assert!(
        out.contains("error[E0080]"),
        "the compiler's error for the invalid model: {out}"
    );
}
