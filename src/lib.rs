//! The `course` launcher's library: the catalogue of every example (generated at build time from
//! the example files) and the pure functions behind `cargo run -- list`, `run` and `run-all`.
#![warn(missing_docs)]

use std::fmt::Write as _;

/// How an example is built and run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A binary in `<crate>/src/bin/`: `cargo run --bin NAME`.
    Bin,
    /// A Cargo example in `<crate>/examples/`: `cargo run --example NAME`.
    Example,
}

/// One runnable program of the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Chapter: threading, multiprocessing, async, comparison or exercises.
    pub chapter: &'static str,
    /// The crate (directory) it lives in.
    pub krate: &'static str,
    /// Binary or Cargo example.
    pub kind: Kind,
    /// Binary name, e.g. `t07_lock_fixes_race`.
    pub name: &'static str,
    /// First line of the file's `//!` doc comment.
    pub summary: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

pub mod book;

/// The chapters, in course order, with a one-line description.
pub const CHAPTERS: &[(&str, &str)] = &[
    (
        "threading",
        "threads, locks, events, semaphores, queues, deadlocks",
    ),
    (
        "multiprocessing",
        "child processes, shared memory, pipes, queues, pools, a manager",
    ),
    (
        "async",
        "tokio tasks, join, blocking and CPU offload, the quotes scraper",
    ),
    (
        "comparison",
        "threads vs processes vs async, measured (use --release)",
    ),
    (
        "exercises",
        "Module 3 traits examples; the exercises are in `cargo run --bin exercises`",
    ),
];

impl Entry {
    /// The chapter-prefixed number, e.g. `t07` (empty for unnumbered programs).
    pub fn number(&self) -> &'static str {
        match self.name.split_once('_') {
            Some((n, _)) if n.len() >= 2 && n[1..].chars().all(|c| c.is_ascii_digit()) => n,
            _ => "",
        }
    }

    /// The exact command that runs it from the workspace root.
    pub fn command(&self) -> String {
        let release = if self.chapter == "comparison" {
            "--release "
        } else {
            ""
        };
        match self.kind {
            Kind::Bin => format!("cargo run {release}--bin {}", self.name),
            Kind::Example => format!("cargo run --example {}", self.name),
        }
    }
}

/// Entries of one chapter (all when `chapter` is `None`).
pub fn entries(chapter: Option<&str>) -> Vec<&'static Entry> {
    CATALOGUE
        .iter()
        .filter(|e| chapter.is_none_or(|c| e.chapter == c))
        .collect()
}

/// `cargo run -- list`: every example grouped by chapter, with its command.
pub fn list_text(chapter: Option<&str>) -> String {
    let mut out = String::new();
    for &(ch, about) in CHAPTERS {
        if chapter.is_some_and(|c| c != ch) {
            continue;
        }
        let list = entries(Some(ch));
        let _ = writeln!(out, "== {ch} ({} examples): {about}", list.len());
        for e in list {
            let _ = writeln!(out, "  {:<34} {}", e.name, e.summary);
            let _ = writeln!(out, "  {:<34}   $ {}", "", e.command());
        }
        out.push('\n');
    }
    out
}

/// `cargo run -- list --markdown`: the course table kept in the README.
pub fn markdown_table() -> String {
    let mut out =
        String::from("| chapter | example | what it shows | run it |\n|---|---|---|---|\n");
    for e in CATALOGUE {
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | `{}` |",
            e.chapter,
            e.name,
            e.summary.replace('|', "\\|"),
            e.command()
        );
    }
    out
}

/// Finds an example by full name, number (`t07`) or name without its number (`lock_fixes_race`).
///
/// # Errors
/// [`NotFound`], whose message names the closest matches, when there is no single match.
pub fn find(query: &str) -> Result<&'static Entry, NotFound> {
    let q = query.trim().to_ascii_lowercase();
    let exact: Vec<_> = CATALOGUE
        .iter()
        .filter(|e| {
            e.name == q
                || e.number() == q
                || e.name.split_once('_').is_some_and(|(_, rest)| rest == q)
        })
        .collect();
    if let [one] = exact.as_slice() {
        return Ok(one);
    }
    let candidates: Vec<&Entry> = if exact.is_empty() {
        close_matches(&q)
    } else {
        exact
    };
    let mut msg = if candidates.len() > 1 && candidates.iter().all(|e| e.name.contains(&q)) {
        format!("'{query}' matches several examples")
    } else {
        format!("no example named '{query}'")
    };
    if candidates.is_empty() {
        msg.push_str(" (run `cargo run -- list` to see them all)");
    } else {
        msg.push_str("; did you mean:");
        for e in candidates.iter().take(5) {
            let _ = write!(msg, "\n  {}  ({})", e.name, e.summary);
        }
    }
    Err(NotFound(msg))
}

/// No single example answers to a name; the message names the closest ones.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotFound(pub String);

fn close_matches(q: &str) -> Vec<&'static Entry> {
    let mut scored: Vec<(usize, &Entry)> = CATALOGUE
        .iter()
        .filter_map(|e| {
            let rest = e.name.split_once('_').map_or(e.name, |(_, r)| r);
            if e.name.contains(q) {
                return Some((0, e));
            }
            let d = edit_distance(q, rest).min(edit_distance(q, e.name));
            (d <= q.len().max(3) / 3 + 1).then_some((d, e))
        })
        .collect();
    scored.sort_by_key(|&(d, e)| (d, e.name));
    scored.into_iter().map(|(_, e)| e).collect()
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_basics() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn numbers_and_commands() {
        let e = Entry {
            chapter: "threading",
            krate: "threading_examples",
            kind: Kind::Bin,
            name: "t07_lock_fixes_race",
            summary: "s",
        };
        assert_eq!(e.number(), "t07");
        assert_eq!(e.command(), "cargo run --bin t07_lock_fixes_race");
        let c = Entry {
            chapter: "comparison",
            name: "comparison",
            ..e
        };
        assert_eq!(c.number(), "");
        assert_eq!(c.command(), "cargo run --release --bin comparison");
        let m = Entry {
            kind: Kind::Example,
            name: "m01_x",
            ..e
        };
        assert_eq!(m.command(), "cargo run --example m01_x");
    }

    #[test]
    fn unknown_names_are_errors() {
        let err = find("definitely_not_an_example_xyz")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no example named"), "{err}");
    }

    #[test]
    fn every_chapter_of_the_catalogue_is_known() {
        for e in CATALOGUE {
            assert!(CHAPTERS.iter().any(|(c, _)| *c == e.chapter), "{e:?}");
        }
    }
}
