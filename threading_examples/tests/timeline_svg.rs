//! `COURSE_TIMELINE_DIR`: a real example writes its timeline as an SVG picture (for the course
//! book) while its terminal chart stays as it was.

use std::path::PathBuf;
use utilities::testkit::run_with_env;
use utilities::timeline::TIMELINE_DIR_VAR;

/// A fresh, empty directory under the system temp dir.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn t00_writes_its_timeline_as_svg_and_still_prints_it() {
    let dir = fresh_dir("t00-timeline-svg");
    let exe = env!("CARGO_BIN_EXE_t00_sequential_vs_threads");
    let dir_s = dir.to_string_lossy();
    let out = run_with_env(
        exe,
        &[],
        &[("COURSE_TIME_SCALE", "0.05"), (TIMELINE_DIR_VAR, &dir_s)],
    );
    out.assert_success();
    // The terminal chart is unchanged: header and four bars.
    out.assert_contains("Timeline: 0 → ");
    assert_eq!(
        out.stdout.matches(" (sleep 2 s) ").count(),
        4,
        "{}",
        out.stdout
    );
    // One picture, named after the binary, with a title and the four labelled bars.
    let files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the directory was created")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files, ["t00_sequential_vs_threads.svg"]);
    let svg = std::fs::read_to_string(dir.join(&files[0])).expect("readable");
    assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains(">Two 2-second tasks: one after the other, then in two threads</text>"));
    for label in [
        "sequential: task 1",
        "sequential: task 2",
        "threaded: task 1",
        "threaded: task 2",
    ] {
        assert!(
            svg.contains(&format!(">{label} (sleep 2 s)</text>")),
            "{label}: {svg}"
        );
    }
    assert!(svg.contains("at most 2 at the same time"), "{svg}");
    assert!(
        svg.contains("COURSE_TIME_SCALE=0.05"),
        "the picture states the scale"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn an_unwritable_timeline_dir_is_reported_but_does_not_stop_the_lesson() {
    let dir = fresh_dir("t00-timeline-blocked");
    std::fs::write(&dir, "a file, not a directory").expect("write");
    let exe = env!("CARGO_BIN_EXE_t00_sequential_vs_threads");
    let out = run_with_env(
        exe,
        &[],
        &[
            ("COURSE_TIME_SCALE", "0.05"),
            (TIMELINE_DIR_VAR, &dir.to_string_lossy()),
        ],
    );
    out.assert_success().assert_contains("Timeline: 0 → ");
    assert!(
        out.stderr.contains("timeline: cannot write"),
        "{}",
        out.stderr
    );
    std::fs::remove_file(&dir).expect("cleanup");
}

#[test]
fn a_second_timeline_of_the_same_run_gets_numbered() {
    let dir = fresh_dir("t23-timeline-svg");
    let exe = env!("CARGO_BIN_EXE_t23_critical_section_scope");
    let out = run_with_env(
        exe,
        &[],
        &[
            ("COURSE_TIME_SCALE", "0.05"),
            (TIMELINE_DIR_VAR, &dir.to_string_lossy()),
        ],
    );
    out.assert_success();
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    // Printed first: the lock held over the work; second: only over the update.
    assert!(
        read("t23_critical_section_scope.svg").contains(">worker 1: slow work, lock held</text>")
    );
    assert!(
        read("t23_critical_section_scope-2.svg").contains(">worker 1: slow work, no lock</text>")
    );
    assert_eq!(
        std::fs::read_dir(&dir).expect("dir").count(),
        2,
        "two timelines, two files"
    );
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

/// The course book shows a recorded timeline for at least 40 examples. Count the example files
/// that print one with `Timeline::print` (the book's recorder checks that each run really writes
/// its SVG).
#[test]
fn at_least_forty_examples_print_a_timeline() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace root");
    let mut drawing = Vec::new();
    for krate in [
        "threading_examples",
        "multiprocessing_examples",
        "async_examples",
        "comparison",
    ] {
        let bins = std::fs::read_dir(root.join(krate).join("src/bin")).expect("src/bin");
        for entry in bins {
            let path = entry.expect("entry").path();
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let prints = text.contains(".print(") || text.contains(".print_width(");
            if text.contains("Timeline") && prints {
                drawing.push(
                    path.file_stem()
                        .expect("a name")
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
    }
    drawing.sort();
    assert!(
        drawing.len() >= 40,
        "only {} examples print a timeline: {drawing:?}",
        drawing.len()
    );
}
