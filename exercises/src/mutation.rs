//! A wrong solution written as the change that makes it wrong: `exercises/mutants/<exercise>/
//! <bug>.mutation` holds only the lines where it differs from `exercises/solutions/<exercise>.rs`,
//! so a reader sees the mistake at a glance and the rest of the solution is not copied.
//!
//! # Format
//! ```text
//! //! Mutant (a wrong solution that `cargo run --bin exercises -- verify` proves fails):
//! //! Exercise 10, `iter` where `par_iter` was meant: the images are resized on one thread.
//! @@ resize_all
//!  pub fn resize_all(images: &[Image]) -> Vec<Image> {
//! -    images.par_iter().map(halve).collect()
//! +    images.iter().map(halve).collect()
//!  }
//! ```
//! The `//!` lines at the top say what is wrong (the first one is the same for every mutant);
//! a `//! Base: PATH` line among them names another file to apply the changes to.
//! Each `@@` line starts a change (the text after `@@` is a note for the reader). In a change,
//! a line starting with a space is context, `-` a line of the solution that goes, `+` a line that
//! comes instead. The context and `-` lines, in order, must occur exactly once in the solution:
//! a mutant that no longer applies, or applies in two places, is an error, never a silent no-op.

use thiserror::Error;

/// Why a mutation cannot be applied.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum MutationError {
    /// A line that is not a header, `@@`, context, `-` or `+` line.
    #[error("line {line}: expected '@@', ' ', '-' or '+' at the start, found {text:?}")]
    Malformed {
        /// 1-based line number in the mutation file.
        line: usize,
        /// The line.
        text: String,
    },
    /// The file has no change at all.
    #[error("no change ('@@') in the mutation")]
    Empty,
    /// A change whose context and `-` lines are not in the solution.
    #[error("change {change} (line {line}) does not apply: its lines are not in the solution")]
    NotFound {
        /// 1-based number of the change.
        change: usize,
        /// Line of its `@@` in the mutation file.
        line: usize,
    },
    /// A change whose context and `-` lines occur more than once in the solution.
    #[error(
        "change {change} (line {line}) is ambiguous: its lines occur {count} times in the \
         solution; add context lines"
    )]
    Ambiguous {
        /// 1-based number of the change.
        change: usize,
        /// Line of its `@@` in the mutation file.
        line: usize,
        /// How many times.
        count: usize,
    },
    /// A change that changes nothing.
    #[error("change {change} (line {line}) has no '-' or '+' line")]
    NoOp {
        /// 1-based number of the change.
        change: usize,
        /// Line of its `@@` in the mutation file.
        line: usize,
    },
}

/// One `@@` block: the lines it finds (context and `-`) and the lines it leaves (context and `+`).
#[derive(Debug, Default)]
struct Change {
    at_line: usize,
    old: Vec<String>,
    new: Vec<String>,
    edits: usize,
}

/// What is wrong, in words: the header's `//!` lines after the first (which is the same for
/// every mutant), without the `Base:` line, joined into one line.
pub fn mistake(mutation: &str) -> String {
    header(mutation)
        .skip(1)
        .filter(|l| base_of(l).is_none())
        .map(|l| l.trim_start_matches("//!").trim())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The file the changes apply to, when it is not the exercise's solution: a header line
/// `//! Base: exercises/thread_safe_structures/src/lib.rs` (exercise 17's solution lives in its
/// own package).
pub fn base(mutation: &str) -> Option<&str> {
    header(mutation).find_map(base_of)
}

fn header(mutation: &str) -> impl Iterator<Item = &str> {
    mutation.lines().take_while(|l| l.starts_with("//!"))
}

fn base_of(line: &str) -> Option<&str> {
    line.strip_prefix("//!")?
        .trim()
        .strip_prefix("Base:")
        .map(str::trim)
}

fn parse(mutation: &str) -> Result<Vec<Change>, MutationError> {
    let mut changes: Vec<Change> = Vec::new();
    for (i, raw) in mutation.lines().enumerate() {
        let line = i + 1;
        if raw.starts_with("//!") && changes.is_empty() {
            continue;
        }
        if raw.starts_with("@@") {
            changes.push(Change {
                at_line: line,
                ..Change::default()
            });
            continue;
        }
        let malformed = || MutationError::Malformed {
            line,
            text: raw.to_owned(),
        };
        let change = changes.last_mut().ok_or_else(malformed)?;
        // An empty line is an empty context line (editors strip the trailing space).
        let (tag, text) = if raw.is_empty() {
            (' ', "")
        } else {
            let tag = raw.chars().next().ok_or_else(malformed)?;
            (tag, &raw[tag.len_utf8()..])
        };
        match tag {
            ' ' => {
                change.old.push(text.to_owned());
                change.new.push(text.to_owned());
            }
            '-' => {
                change.old.push(text.to_owned());
                change.edits += 1;
            }
            '+' => {
                change.new.push(text.to_owned());
                change.edits += 1;
            }
            _ => return Err(malformed()),
        }
    }
    if changes.is_empty() {
        return Err(MutationError::Empty);
    }
    Ok(changes)
}

/// Where `needle` (whole lines) occurs in `hay`: the index of its first line, each time.
fn occurrences(hay: &[String], needle: &[String]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

/// The solution with every change of `mutation` applied, in order.
///
/// # Errors
/// A malformed mutation, or a change that does not occur exactly once in the solution.
pub fn apply(solution: &str, mutation: &str) -> Result<String, MutationError> {
    let mut lines: Vec<String> = solution.lines().map(str::to_owned).collect();
    for (k, change) in parse(mutation)?.into_iter().enumerate() {
        let (number, line) = (k + 1, change.at_line);
        if change.edits == 0 {
            return Err(MutationError::NoOp {
                change: number,
                line,
            });
        }
        match occurrences(&lines, &change.old)[..] {
            [at] => {
                lines.splice(at..at + change.old.len(), change.new);
            }
            [] => {
                return Err(MutationError::NotFound {
                    change: number,
                    line,
                });
            }
            ref many => {
                return Err(MutationError::Ambiguous {
                    change: number,
                    line,
                    count: many.len(),
                });
            }
        }
    }
    let mut text = lines.join("\n");
    if solution.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOLUTION: &str = "fn a() {\n    one();\n}\n\nfn b() {\n    one();\n}\n";

    #[test]
    fn replaces_the_lines_it_finds() {
        let m = "//! Mutant\n//! b calls two\n@@ b\n fn b() {\n-    one();\n+    two();\n";
        assert_eq!(
            apply(SOLUTION, m),
            Ok("fn a() {\n    one();\n}\n\nfn b() {\n    two();\n}\n".to_owned())
        );
        assert_eq!(mistake(m), "b calls two");
        assert_eq!(base(m), None);
        assert_eq!(
            base("//! Mutant\n//! Base: x/lib.rs\n@@\n"),
            Some("x/lib.rs")
        );
        assert_eq!(
            mistake("//! Mutant\n//! Base: x/lib.rs\n//! wrong\n@@\n"),
            "wrong"
        );
    }

    #[test]
    fn a_change_that_no_longer_applies_is_an_error() {
        let m = "@@\n fn c() {\n-    one();\n+    two();\n";
        assert!(matches!(
            apply(SOLUTION, m),
            Err(MutationError::NotFound { change: 1, line: 1 })
        ));
    }

    #[test]
    fn a_change_that_applies_twice_is_an_error() {
        let m = "@@\n-    one();\n+    two();\n";
        assert!(matches!(
            apply(SOLUTION, m),
            Err(MutationError::Ambiguous { count: 2, .. })
        ));
    }

    #[test]
    fn malformed_empty_and_no_op_mutations_are_errors() {
        assert!(matches!(
            apply(SOLUTION, "@@\n*    one();\n"),
            Err(MutationError::Malformed { line: 2, .. })
        ));
        assert!(matches!(
            apply(SOLUTION, " fn a() {\n"),
            Err(MutationError::Malformed { line: 1, .. })
        ));
        assert_eq!(
            apply(SOLUTION, "//! only words\n"),
            Err(MutationError::Empty)
        );
        assert!(matches!(
            apply(SOLUTION, "@@\n fn a() {\n"),
            Err(MutationError::NoOp { .. })
        ));
    }

    #[test]
    fn changes_apply_in_order_and_empty_lines_are_context() {
        let m = "@@\n-fn a() {\n+fn a2() {\n@@\n }\n\n-fn b() {\n+fn b2() {\n";
        let out = apply(SOLUTION, m).expect("applies");
        assert!(
            out.starts_with("fn a2() {") && out.contains("\nfn b2() {"),
            "{out}"
        );
    }
}

#[cfg(test)]
mod corpus {
    /// Every mutant of `exercises/mutants/` applies to its solution today (a solution edited
    /// under a mutant fails here, in `cargo test`, before `verify` builds anything).
    #[test]
    fn every_mutant_applies_to_its_solution() {
        let mutants = crate::checker::mutants();
        assert!(mutants.len() >= 30, "the corpus: {} mutants", mutants.len());
        for m in mutants {
            if let Err(e) = m.wrong_solution() {
                panic!("{e}");
            }
            assert!(!m.mistake.is_empty(), "{} says what is wrong", m.path);
        }
    }
}
