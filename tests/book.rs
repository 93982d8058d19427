//! Tests of the course book's sources (like the README course-table test): every example has a
//! page in `book/src/SUMMARY.md`, no hand-written page names an example that does not exist,
//! every `{{#include}}` and relative link resolves, every exercise sits in one chapter, and every
//! recording under `book/src/recorded/` is of the current version of its example file.
//!
//! Building the book needs mdBook (`scripts/book.sh install`); these tests do not: CI builds the
//! book and drives it in Chromium as separate steps (`scripts/book.sh build`, `… browser-test`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use course::CATALOGUE;
use course::book::{
    self, BOOK_CHAPTERS, EXAMPLES_DIR, EXERCISE_CHAPTERS, EXERCISES_DIR, GEN_DIR, GEN_FILES,
    RECORDED_DIR, RecordMeta,
};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn src() -> PathBuf {
    Path::new(ROOT).join(book::BOOK_DIR).join("src")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The hand-written pages: every `*.md` directly in `book/src/` (generated ones live in
/// `examples/`, `exercises/` and `gen/`).
fn hand_written_pages() -> Vec<PathBuf> {
    let mut pages: Vec<PathBuf> = std::fs::read_dir(src())
        .expect("book/src exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    assert!(
        pages.len() >= 9,
        "expected the hand-written pages, found {pages:?}"
    );
    pages
}

/// Paths (relative to `book/src/`) that `cargo run -- book` generates.
fn generated_pages() -> BTreeSet<String> {
    let mut set: BTreeSet<String> = CATALOGUE.iter().map(course::Entry::page_path).collect();
    for (chapter, _) in EXERCISE_CHAPTERS {
        set.insert(format!("{EXERCISES_DIR}/{chapter}.md"));
    }
    for file in GEN_FILES {
        set.insert(format!("{GEN_DIR}/{file}"));
    }
    set
}

/// A generated directory's file: it exists once the book was built, and only then.
fn is_generated(rel: &str) -> bool {
    let copied_chart = rel
        .strip_prefix(&format!("{GEN_DIR}/docs/"))
        .is_some_and(|f| Path::new(ROOT).join("comparison/docs").join(f).is_file());
    copied_chart || generated_pages().contains(rel)
}

/// Lexically normalised `base/rel` (`..` and `.` resolved), relative to `book/src/` when inside it.
fn resolve(base_dir: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for part in base_dir.join(rel).components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[test]
fn summary_lists_every_example_and_its_chapter_exercises() {
    let path = src().join("SUMMARY.md");
    let summary = read(&path);
    let fresh = book::refresh_summary(&summary).unwrap_or_else(|e| panic!("{e}"));
    if std::env::var_os("UPDATE_BOOK").is_some() {
        std::fs::write(&path, &fresh).expect("write SUMMARY.md");
        return;
    }
    assert!(
        summary == fresh,
        "book/src/SUMMARY.md does not list every example of the catalogue (or lists one that is gone): \
         run `UPDATE_BOOK=1 cargo test --test book` and commit book/src/SUMMARY.md"
    );
    for e in CATALOGUE {
        assert!(
            summary.contains(&format!("]({})", e.page_path())),
            "{} has no page in SUMMARY.md",
            e.name
        );
    }
}

#[test]
fn every_page_in_the_summary_exists_or_is_generated() {
    let summary = read(&src().join("SUMMARY.md"));
    let links = book::relative_links(&summary);
    assert!(links.len() > CATALOGUE.len(), "{links:?}");
    for link in links {
        let on_disk = src().join(&link).is_file();
        assert!(
            on_disk || is_generated(&link),
            "SUMMARY.md links {link}, which is neither a hand-written page nor a generated one"
        );
        if let Some(name) = link
            .strip_prefix(&format!("{EXAMPLES_DIR}/"))
            .and_then(|l| l.strip_suffix(".md"))
        {
            assert!(
                CATALOGUE.iter().any(|e| e.name == name),
                "SUMMARY.md has a page for {name}, which is not an example any more"
            );
        }
    }
}

/// Words that look like an example's name (`t07_lock_fixes_race`, `p02_cpu_sums_via_queue`).
fn example_like_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let bytes: Vec<char> = text.chars().collect();
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut i = 0;
    while i < bytes.len() {
        let starts_word = i == 0 || !is_word(bytes[i - 1]);
        if starts_word
            && matches!(bytes[i], 't' | 'p' | 'a' | 'c' | 'm')
            && bytes.get(i + 1).is_some_and(char::is_ascii_digit)
            && bytes.get(i + 2).is_some_and(char::is_ascii_digit)
            && bytes.get(i + 3) == Some(&'_')
        {
            let word: String = bytes[i..].iter().take_while(|&&c| is_word(c)).collect();
            i += word.len();
            out.push(word);
        } else {
            i += 1;
        }
    }
    out
}

#[test]
fn hand_written_pages_name_only_examples_that_exist() {
    let names: BTreeSet<&str> = CATALOGUE.iter().map(|e| e.name).collect();
    let mut checked = 0;
    for page in hand_written_pages() {
        let text = read(&page);
        for word in example_like_names(&text) {
            assert!(
                names.contains(word.as_str()),
                "{} names `{word}`, which is not an example (see `cargo run -- list`)",
                page.display()
            );
            checked += 1;
        }
        for link in book::relative_links(&text) {
            let target = resolve(Path::new(""), &link);
            let rel = target.to_string_lossy().replace('\\', "/");
            if let Some(name) = rel
                .strip_prefix(&format!("{EXAMPLES_DIR}/"))
                .and_then(|l| l.strip_suffix(".md"))
            {
                assert!(
                    names.contains(name),
                    "{} links {link}: no example is called {name}",
                    page.display()
                );
            } else {
                assert!(
                    src().join(&rel).exists() || is_generated(&rel),
                    "{} links {link}, which does not exist",
                    page.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 20, "only {checked} names and links checked");
}

#[test]
fn example_like_names_are_found() {
    assert_eq!(
        example_like_names("run `t07_lock_fixes_race`, then [p02](examples/p02_x.md); not at00_x"),
        ["t07_lock_fixes_race", "p02_x"]
    );
}

#[test]
fn every_include_resolves() {
    // Generated example pages include their real file from `book/src/examples/`.
    let mut checked = 0;
    for e in CATALOGUE {
        let source = read(&Path::new(ROOT).join(e.source_path()));
        let meta =
            std::fs::read_to_string(src().join(RECORDED_DIR).join(format!("{}.meta", e.name)))
                .ok()
                .map(|t| RecordMeta::parse(&t));
        let page = book::example_page(e, &source, meta.as_ref());
        let dir = src().join(EXAMPLES_DIR);
        for inc in book::include_paths(&page) {
            assert!(
                resolve(&dir, &inc).is_file(),
                "the page of {} includes {inc}, which does not exist",
                e.name
            );
            checked += 1;
        }
        for link in book::relative_links(&page) {
            let target = resolve(&dir, &link);
            assert!(
                target.is_file()
                    || target.starts_with(src())
                        && is_generated(
                            &target
                                .strip_prefix(src())
                                .unwrap_or(&target)
                                .to_string_lossy()
                        ),
                "the page of {} links {link}, which does not exist",
                e.name
            );
        }
    }
    // Hand-written pages include files relative to themselves.
    for page in hand_written_pages() {
        for inc in book::include_paths(&read(&page)) {
            let target = resolve(&src(), &inc);
            let rel = target
                .strip_prefix(src())
                .unwrap_or(&target)
                .to_string_lossy()
                .into_owned();
            assert!(
                target.is_file() || is_generated(&rel),
                "{} includes {inc}, which does not exist",
                page.display()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= CATALOGUE.len(),
        "only {checked} includes checked"
    );
}

#[test]
fn every_recording_is_of_the_current_file() {
    let dir = src().join(RECORDED_DIR);
    let mut stale = Vec::new();
    let mut missing = Vec::new();
    let mut failed = Vec::new();
    let mut with_timelines = 0;
    for e in CATALOGUE {
        let Ok(meta) = std::fs::read_to_string(dir.join(format!("{}.meta", e.name))) else {
            missing.push(e.name);
            continue;
        };
        let meta = RecordMeta::parse(&meta);
        let source = std::fs::read(Path::new(ROOT).join(e.source_path())).expect("source");
        if meta.hash != book::content_hash(&source) {
            stale.push(e.name);
        }
        if !meta.succeeded() {
            failed.push(format!("{} ({})", e.name, meta.status));
        }
        assert_eq!(meta.source, e.source_path(), "{}", e.name);
        assert!(
            dir.join(format!("{}.txt", e.name)).is_file(),
            "{}: the recorded output is missing",
            e.name
        );
        for n in 1..=meta.timelines {
            let svg = dir.join(book::timeline_file(e.name, n));
            let text = read(&svg);
            assert!(text.contains("<svg"), "{} is not an SVG", svg.display());
        }
        assert!(
            !dir.join(book::timeline_file(e.name, meta.timelines + 1))
                .exists(),
            "{}: a timeline beyond the {} recorded ones is left over",
            e.name,
            meta.timelines
        );
        with_timelines += usize::from(meta.timelines > 0);
    }
    assert!(
        missing.is_empty() && stale.is_empty(),
        "recordings missing for {missing:?} and older than their file for {stale:?}: \
         run `cargo run -- book --record` (it records just those) and commit book/src/recorded/"
    );
    println!(
        "{with_timelines} of {} examples have a recorded timeline",
        CATALOGUE.len()
    );
}

#[test]
fn every_exercise_is_on_exactly_one_chapter_page() {
    let info = read(&Path::new(ROOT).join("exercises/src/info.rs"));
    let exercises = book::parse_exercise_info(&info);
    assert!(
        exercises.len() >= 10,
        "read only {exercises:?} from info.rs"
    );
    for ex in &exercises {
        let homes: Vec<&str> = EXERCISE_CHAPTERS
            .iter()
            .filter(|(_, names)| names.contains(&ex.name.as_str()))
            .map(|(c, _)| *c)
            .collect();
        assert_eq!(
            homes.len(),
            1,
            "exercise {} must be on exactly one chapter page (EXERCISE_CHAPTERS in src/book.rs), is on {homes:?}",
            ex.name
        );
        assert!(!ex.title.is_empty(), "{} has no title", ex.name);
        assert!(
            Path::new(ROOT)
                .join(format!("exercises/starters/{}.rs", ex.name))
                .is_file(),
            "{} has no starter file",
            ex.name
        );
    }
    for (chapter, names) in EXERCISE_CHAPTERS {
        assert!(BOOK_CHAPTERS.iter().any(|(c, _, _)| c == chapter));
        for name in *names {
            assert!(
                exercises.iter().any(|ex| ex.name == *name),
                "EXERCISE_CHAPTERS places {name}, which the checker does not know"
            );
        }
    }
}

#[test]
fn book_command_rejects_bad_arguments_without_building() {
    let course = env!("CARGO_BIN_EXE_course");
    for args in [
        &["book", "--bogus"][..],
        &["book", "t00"],
        &["book", "--all"],
        &["book", "--record", "--scale"],
        &["book", "--record", "--scale", "0"],
        &["book", "--record", "definitely_not_an_example"],
    ] {
        eprintln!("args: {args:?}");
        utilities::testkit::run_example(course, args, 1.0).assert_usage_error();
    }
}
