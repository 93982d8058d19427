//! Tests of the `course` launcher: the catalogue lists every example, names are unique across
//! the workspace, bad input gets a clear error, and the README's course table is up to date.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use utilities::testkit::{run_example, run_with_env};

const COURSE: &str = env!("CARGO_BIN_EXE_course");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Every (package, target kind, target name) of the workspace, from `cargo metadata`.
fn workspace_targets() -> Vec<(String, String, String)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(ROOT)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .expect("run cargo metadata");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    let mut targets = Vec::new();
    for pkg in meta["packages"].as_array().expect("packages") {
        let pkg_name = pkg["name"].as_str().unwrap_or_default();
        for t in pkg["targets"].as_array().expect("targets") {
            let name = t["name"].as_str().unwrap_or_default().to_owned();
            for kind in t["kind"].as_array().expect("kind") {
                let kind = kind.as_str().unwrap_or_default().to_owned();
                targets.push((pkg_name.to_owned(), kind, name.clone()));
            }
        }
    }
    targets
}

#[test]
fn binary_and_example_names_are_unique_across_the_workspace() {
    let mut seen: BTreeMap<(String, String), String> = BTreeMap::new();
    for (pkg, kind, name) in workspace_targets() {
        if kind != "bin" && kind != "example" {
            continue;
        }
        if let Some(other) = seen.insert((kind.clone(), name.clone()), pkg.clone()) {
            panic!(
                "{kind} '{name}' is defined in both {other} and {pkg}: they would overwrite each other in target/"
            );
        }
    }
}

#[test]
fn catalogue_lists_every_example_program() {
    let listed = run_example(COURSE, &["list"], 1.0);
    listed.assert_success();
    let chapter_packages = [
        "threading_examples",
        "multiprocessing_examples",
        "async_examples",
        "comparison",
    ];
    let mut expected = BTreeSet::new();
    for (pkg, kind, name) in workspace_targets() {
        let is_chapter_bin = kind == "bin" && chapter_packages.contains(&pkg.as_str());
        let is_module3 = kind == "example" && pkg == "exercises";
        if is_chapter_bin || is_module3 {
            expected.insert(name);
        }
    }
    for name in &expected {
        assert!(
            listed
                .stdout
                .lines()
                .any(|l| l.split_whitespace().next() == Some(name)),
            "{name} is a program of the course but `cargo run -- list` does not list it"
        );
    }
    // …and nothing is listed that does not exist.
    let listed_names = course::CATALOGUE.iter().map(|e| e.name.to_owned());
    for name in listed_names {
        assert!(
            expected.contains(&name),
            "catalogue lists {name}, which cargo does not know"
        );
    }
}

#[test]
fn every_listed_example_has_a_summary_and_a_root_command() {
    for e in course::CATALOGUE {
        assert!(
            !e.summary.starts_with("(no summary"),
            "{} has no //! summary line",
            e.name
        );
        let cmd = e.command();
        assert!(
            cmd.starts_with("cargo run ") && !cmd.contains(" -p "),
            "{cmd}"
        );
    }
}

#[test]
fn unknown_example_is_a_clear_error_with_suggestions() {
    let out = run_example(COURSE, &["run", "definitely_not_an_example"], 1.0);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        out.stderr
            .contains("no example named 'definitely_not_an_example'"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);

    if let Some(e) = course::CATALOGUE.iter().find(|e| e.name.len() > 8) {
        // A typo (one letter dropped) suggests the real name.
        let typo: String = e.name.chars().take(e.name.len() - 1).collect::<String>() + "q";
        let out = run_example(COURSE, &["run", &typo], 1.0);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            out.stderr.contains("did you mean") && out.stderr.contains(e.name),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn bad_commands_and_flags_are_usage_errors() {
    for args in [
        &["frobnicate"][..],
        &["list", "--chapter"],
        &["list", "--chapter", "nope"],
        &["run-all", "--bogus"],
        &["run"],
    ] {
        eprintln!("args: {args:?}");
        run_example(COURSE, args, 1.0).assert_usage_error();
    }
}

#[test]
fn no_arguments_without_a_terminal_prints_the_list() {
    let out = run_example(COURSE, &[], 1.0);
    out.assert_success();
    for (chapter, _) in course::CHAPTERS {
        out.assert_contains(&format!("== {chapter} ("));
    }
}

#[test]
fn run_no_build_runs_the_example_and_passes_arguments_and_exit_code() {
    // Pick a plain threading example; its binary was built for the threading tests anyway.
    let Some(e) = course::CATALOGUE.iter().find(|e| e.chapter == "threading") else {
        return; // no threading example yet: nothing to run
    };
    let exe = Path::new(COURSE).with_file_name(e.name);
    if !exe.exists() {
        return; // `cargo test -p course` alone does not build other packages' binaries
    }
    let out = run_with_env(
        COURSE,
        &["run", "--no-build", e.number()],
        &[("COURSE_TIME_SCALE", "0.05")],
    );
    out.assert_success();
    assert!(!out.stdout.is_empty(), "the example printed nothing");
}

const START: &str = "<!-- course-table:start (generated by `cargo run -- list --markdown`; UPDATE_README=1 cargo test --test launcher rewrites it) -->";
const END: &str = "<!-- course-table:end -->";

#[test]
fn readme_course_table_matches_the_catalogue() {
    let path = Path::new(ROOT).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md");
    let (head, rest) = readme
        .split_once(START)
        .expect("README has the course-table start marker");
    let (_, tail) = rest
        .split_once(END)
        .expect("README has the course-table end marker");
    let fresh = format!("{head}{START}\n{}{END}{tail}", course::markdown_table());
    if std::env::var_os("UPDATE_README").is_some() {
        std::fs::write(&path, &fresh).expect("write README.md");
        return;
    }
    assert!(
        readme == fresh,
        "README's course table is out of date: run `UPDATE_README=1 cargo test --test launcher` and commit README.md"
    );
}
