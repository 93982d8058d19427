//! The course book (`cargo run -- book`): the pure parts of generating its pages.
//!
//! A lesson's text lives once, in the `//!` header of its example file. The book's example pages
//! are generated at build time from that header, an `{{#include}}` of the real file, the command,
//! the recorded output of a real run and its timeline SVGs (recorded by `cargo run -- book
//! --record` into `book/src/recorded/`, committed). The hand-written pages (`book/src/*.md`) hold
//! only the narrative between examples and the chapter introductions.

use std::fmt::Write as _;

use crate::{CATALOGUE, Entry, Kind};

/// The book's directory, relative to the workspace root.
pub const BOOK_DIR: &str = "book";
/// Where generated example pages go, relative to `book/src/` (not committed).
pub const EXAMPLES_DIR: &str = "examples";
/// Where generated exercise pages go, relative to `book/src/` (not committed).
pub const EXERCISES_DIR: &str = "exercises";
/// Where other generated files go (copied charts, extracted tables), relative to `book/src/`.
pub const GEN_DIR: &str = "gen";
/// The files `cargo run -- book` writes into `gen/` for hand-written pages to include (besides
/// `gen/docs/`, a copy of `comparison/docs/`).
pub const GEN_FILES: &[&str] = &[
    "comparison-results.md",
    "readme-choosing.md",
    "readme-glossary.md",
];
/// Where recordings live, relative to `book/src/` (committed).
pub const RECORDED_DIR: &str = "recorded";
/// The page that maps the Python originals to the pages of this book.
pub const PYTHON_PAGE: &str = "python-course.md";

/// The book chapter of each launcher chapter: (launcher chapter, hand-written intro page, title).
pub const BOOK_CHAPTERS: &[(&str, &str, &str)] = &[
    ("threading", "threads.md", "Threads"),
    ("multiprocessing", "processes.md", "Processes"),
    ("async", "async.md", "Async"),
    ("comparison", "measuring.md", "Measuring"),
    ("exercises", "traits.md", "Traits instead of metaclasses"),
];

/// Which chapter's exercise page lists each exercise (by its full name in `exercises/src/info.rs`).
/// A test checks that every exercise of the checker is placed exactly once.
pub const EXERCISE_CHAPTERS: &[(&str, &[&str])] = &[
    (
        "threading",
        &[
            "ex04_thread_behavior_analysis",
            "ex05_basic_thread_management",
            "ex06_synchronization_in_practice",
            "ex07_safe_access_no_deadlock",
            "ex17_thread_safe_structures",
        ],
    ),
    (
        "multiprocessing",
        &[
            "ex08_parallel_squares_pool",
            "ex09_pool_shared_manager_list",
        ],
    ),
    (
        "async",
        &[
            "ex11_own_async_tasks",
            "ex12_api_async_thinking",
            "ex13_hybrid_concurrency",
            "ex14_async_web_scraper",
            "ex15_web_scraping",
        ],
    ),
    (
        "comparison",
        &["ex10_choose_the_right_tool", "ex16_data_processing"],
    ),
    (
        "exercises",
        &[
            "ex01_rule_enforcing_trait",
            "ex02_payment_gateway",
            "ex03_mini_orm_storage",
        ],
    ),
];

/// Marker lines around the generated part of each chapter in `book/src/SUMMARY.md`.
pub fn summary_markers(chapter: &str) -> (String, String) {
    (
        format!(
            "<!-- {chapter}:start (generated from the catalogue; UPDATE_BOOK=1 cargo test --test book rewrites it) -->"
        ),
        format!("<!-- {chapter}:end -->"),
    )
}

impl Entry {
    /// The example's source file, relative to the workspace root.
    pub fn source_path(&self) -> String {
        match self.kind {
            Kind::Bin => format!("{}/src/bin/{}.rs", self.krate, self.name),
            Kind::Example => format!("{}/examples/{}.rs", self.krate, self.name),
        }
    }

    /// The example's page, relative to `book/src/`.
    pub fn page_path(&self) -> String {
        format!("{EXAMPLES_DIR}/{}.md", self.name)
    }
}

/// The generated block of `SUMMARY.md` for one chapter: one line per example, then its exercises.
pub fn summary_block(chapter: &str) -> String {
    let mut out = String::new();
    for e in CATALOGUE.iter().filter(|e| e.chapter == chapter) {
        let _ = writeln!(out, "  - [{}]({})", e.name, e.page_path());
    }
    if EXERCISE_CHAPTERS.iter().any(|(c, _)| *c == chapter) {
        let _ = writeln!(out, "  - [Exercises]({EXERCISES_DIR}/{chapter}.md)");
    }
    out
}

/// `SUMMARY.md` with every chapter's generated block brought up to date.
///
/// # Errors
/// [`MissingMarker`]: the marker of a chapter that `SUMMARY.md` lacks.
pub fn refresh_summary(summary: &str) -> Result<String, MissingMarker> {
    let mut text = summary.to_owned();
    for (chapter, _, _) in BOOK_CHAPTERS {
        let (start, end) = summary_markers(chapter);
        let (head, rest) = text
            .split_once(&start)
            .ok_or_else(|| MissingMarker(start.clone()))?;
        let (_, tail) = rest
            .split_once(&end)
            .ok_or_else(|| MissingMarker(end.clone()))?;
        text = format!("{head}{start}\n{}{end}{tail}", summary_block(chapter));
    }
    Ok(text)
}

/// `SUMMARY.md` lacks one of the markers around a chapter's generated block.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("SUMMARY.md has no marker `{0}`")]
pub struct MissingMarker(pub String);

/// The `//!` header of a source file, split into its first line (the summary) and the rest, as
/// Markdown; and the 1-based number of the first code line after the header.
pub fn split_header(source: &str) -> (String, String, usize) {
    let mut lines = Vec::new();
    let mut first_code = 1;
    for (i, line) in source.lines().enumerate() {
        let t = line.trim_start();
        if let Some(doc) = t.strip_prefix("//!") {
            lines.push(doc.strip_prefix(' ').unwrap_or(doc).to_owned());
            first_code = i + 2;
        } else if lines.is_empty() && t.is_empty() {
            first_code = i + 2;
        } else {
            break;
        }
    }
    // Skip blank lines between the header and the code.
    for line in source.lines().skip(first_code - 1) {
        if line.trim().is_empty() {
            first_code += 1;
        } else {
            break;
        }
    }
    let summary = lines.first().cloned().unwrap_or_default();
    let body = lines.get(1..).unwrap_or_default().join("\n");
    (summary, body.trim().to_owned(), first_code)
}

/// Renders a `//!` header body as a part of a page: headings go down `levels` levels (the page
/// has its own title), code blocks without a language become `text`-less plain blocks, and each
/// "Python original" names its index page, `python_link` (relative to the page).
pub fn render_header(body: &str, levels: usize, python_link: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in body.lines() {
        let t = line.trim_start();
        if t.starts_with("```") {
            in_code = !in_code;
            out.push_str(line);
        } else if !in_code && t.starts_with('#') {
            out.push_str(&"#".repeat(levels));
            out.push_str(t);
        } else if !in_code {
            out.push_str(&link_example_names(&link_python_original(
                &strip_intra_doc_links(line),
                python_link,
            )));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Rustdoc's intra-doc links (`` [`ProcessPool`] ``) have no target in the book: keep the code
/// span, drop the brackets. Ordinary links (`[text](target)`) stay.
fn strip_intra_doc_links(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find("[`") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find("`]") {
            Some(end) if !after[..end].contains(['[', ']']) => {
                let next = after[end + 2..].chars().next();
                if matches!(next, Some('(' | '[')) {
                    out.push('[');
                    rest = after;
                } else {
                    out.push_str(&after[..=end]);
                    rest = &after[end + 2..];
                }
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Each example's full name in backticks (`` `t07_lock_fixes_race` ``) becomes a link to its
/// page, as seen from a page one directory below `book/src/` (where all generated pages are).
fn link_example_names(line: &str) -> String {
    let mut text = line.to_owned();
    for e in CATALOGUE {
        let code = format!("`{}`", e.name);
        if text.contains(&code) && !text.contains(&format!("[{code}]")) {
            text = text.replace(&code, &format!("[{code}](../{})", e.page_path()));
        }
    }
    text
}

/// "Python original: the course notebook, …" → "[Python original](LINK): the course notebook, …".
fn link_python_original(line: &str, link: &str) -> String {
    for word in ["Python originals", "Python original"] {
        if let Some(pos) = line.find(word) {
            let before = &line[..pos];
            if before.ends_with('[') {
                return line.to_owned(); // already a link
            }
            let after = &line[pos + word.len()..];
            return format!("{before}[{word}]({link}){after}");
        }
    }
    line.to_owned()
}

/// What the recorder wrote beside a recording (`book/src/recorded/<name>.meta`), one
/// `key = value` per line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordMeta {
    /// The example's source file, relative to the workspace root.
    pub source: String,
    /// FNV-1a 64 of the source file's bytes, as 16 hex digits.
    pub hash: String,
    /// `COURSE_TIME_SCALE` of the run.
    pub scale: String,
    /// Whether `COURSE_FAST=1` was set.
    pub fast: bool,
    /// Exit status as printed by the OS (`exit status: 0`).
    pub status: String,
    /// Wall time of the run, in seconds.
    pub seconds: String,
    /// How many timeline SVGs the run wrote.
    pub timelines: usize,
    /// The build the binary came from (`debug` or `release`).
    pub profile: String,
}

impl RecordMeta {
    /// Whether the recorded run ended with exit status 0.
    pub fn succeeded(&self) -> bool {
        self.status == "exit status: 0"
    }

    /// The file text.
    pub fn to_text(&self) -> String {
        format!(
            "source = {}\nfnv1a64 = {}\nscale = {}\nfast = {}\nprofile = {}\nstatus = {}\nseconds = {}\ntimelines = {}\n",
            self.source,
            self.hash,
            self.scale,
            u8::from(self.fast),
            self.profile,
            self.status,
            self.seconds,
            self.timelines
        )
    }

    /// Parses the file text (unknown keys are ignored).
    pub fn parse(text: &str) -> Self {
        let mut m = Self::default();
        for line in text.lines() {
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            let v = v.trim().to_owned();
            match k.trim() {
                "source" => m.source = v,
                "fnv1a64" => m.hash = v,
                "scale" => m.scale = v,
                "fast" => m.fast = v == "1",
                "profile" => m.profile = v,
                "status" => m.status = v,
                "seconds" => m.seconds = v,
                "timelines" => m.timelines = v.parse().unwrap_or(0),
                _ => {}
            }
        }
        m
    }
}

/// FNV-1a 64-bit hash of `bytes`, as 16 hex digits: the content hash kept beside a recording.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The `n`-th timeline file (from 1) of `name`: `t00.svg`, `t00-2.svg`, …
pub fn timeline_file(name: &str, n: usize) -> String {
    if n <= 1 {
        format!("{name}.svg")
    } else {
        format!("{name}-{n}.svg")
    }
}

/// The page of one example, given its source text and its recording (if any).
pub fn example_page(e: &Entry, source: &str, meta: Option<&RecordMeta>) -> String {
    let (summary, body, first_code) = split_header(source);
    let mut page = String::new();
    let _ = writeln!(page, "# {}\n", e.name);
    let _ = writeln!(page, "**{summary}**\n");
    page.push_str(&render_header(&body, 1, &format!("../{PYTHON_PAGE}")));
    let _ = writeln!(
        page,
        "\n## Run it\n\nFrom the repository root:\n\n```sh\n{}\n```\n",
        e.command()
    );
    let _ = writeln!(
        page,
        "## The code\n\n`{}` (the real file, from the line after its header):\n",
        e.source_path()
    );
    let _ = writeln!(
        page,
        "```rust\n{{{{#include ../../../{}:{first_code}:}}}}\n```\n",
        e.source_path()
    );
    page.push_str("## Recorded output\n\n");
    match meta {
        None => page.push_str(
            "Not recorded yet: `cargo run -- book --record` runs it and writes its output here.\n",
        ),
        Some(m) => {
            let scale = if m.scale.parse::<f64>().is_ok_and(|s| (s - 1.0).abs() < 1e-9) {
                format!(
                    "`COURSE_TIME_SCALE={}`: simulated waits at their full length",
                    m.scale
                )
            } else {
                format!(
                    "`COURSE_TIME_SCALE={}`: every simulated wait × {}",
                    m.scale, m.scale
                )
            };
            let fast = if m.fast {
                ", and `COURSE_FAST=1` (small sizes, one run per mode; the chapter's introduction \
                 shows a full run)"
            } else {
                ""
            };
            let _ = writeln!(
                page,
                "A real run, recorded by `cargo run -- book --record` from a {} build with \
                 {scale}{fast}. It took {} s and ended with {}. Your times will differ a little; \
                 the order of events and the results are what the example claims.\n",
                m.profile, m.seconds, m.status
            );
            let _ = writeln!(
                page,
                "```text\n{{{{#include ../{RECORDED_DIR}/{}.txt}}}}\n```\n",
                e.name
            );
            if m.timelines > 0 {
                let _ = writeln!(
                    page,
                    "## Timeline of that run\n\nOne bar per thread, process or task, from its start to its end; bars that overlap in time ran at the same time.\n"
                );
                for n in 1..=m.timelines {
                    let _ = writeln!(
                        page,
                        "![Timeline {n} of {}](../{RECORDED_DIR}/{})\n",
                        e.name,
                        timeline_file(e.name, n)
                    );
                }
            }
        }
    }
    page
}

/// One exercise as the checker's metadata (`exercises/src/info.rs`) describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseInfo {
    /// Full name, e.g. `ex05_basic_thread_management`.
    pub name: String,
    /// One-line title.
    pub title: String,
}

/// Reads the exercises' names and titles from the text of `exercises/src/info.rs` (the string
/// literals after `name:` and `title:` in each entry), in order.
pub fn parse_exercise_info(info_rs: &str) -> Vec<ExerciseInfo> {
    let mut out = Vec::new();
    let mut rest = info_rs;
    while let Some(pos) = rest.find("name: \"") {
        rest = &rest[pos + "name: ".len()..];
        let Some((name, used)) = string_literal(rest) else {
            break;
        };
        rest = &rest[used..];
        // The title belongs to this entry only if it comes before the next `name:`.
        let next_name = rest.find("name: \"").unwrap_or(rest.len());
        let title = rest[..next_name]
            .find("title: \"")
            .and_then(|p| string_literal(&rest[p + "title: ".len()..]))
            .map(|(t, _)| t)
            .unwrap_or_default();
        if name.starts_with("ex") {
            out.push(ExerciseInfo { name, title });
        }
    }
    out
}

/// The Rust string literal at the start of `s` (which starts with `"`): its value (with `\"`,
/// `\\` and line continuations resolved) and the bytes it used.
fn string_literal(s: &str) -> Option<(String, usize)> {
    let mut chars = s.char_indices();
    if chars.next()?.1 != '"' {
        return None;
    }
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, i + 1)),
            '\\' => match chars.next()?.1 {
                '\n' => {
                    // A line continuation: skip the next line's leading whitespace.
                    let rest = &s[i + 2..];
                    let skip = rest.len() - rest.trim_start().len();
                    for _ in 0..rest[..skip].chars().count() {
                        chars.next();
                    }
                }
                'n' => value.push('\n'),
                other => value.push(other),
            },
            c => value.push(c),
        }
    }
    None
}

/// The exercises page of one chapter: each exercise's statement (its starter file's `//!`
/// header) and the command that checks it. `starter` returns a starter file's text by name.
pub fn exercises_page(
    chapter_title: &str,
    exercises: &[ExerciseInfo],
    mut starter: impl FnMut(&str) -> Option<String>,
) -> String {
    let mut page = format!(
        "# Exercises: {chapter_title}\n\nEach exercise is a starter file with `todo!()` where you work. \
         Edit it, then run its check: it runs the exercise's tests against your code and shows \
         the first failure and a hint. `cargo run --bin exercises -- list` shows every exercise \
         and its status; `cargo run --bin exercises -- hint NAME` gives the hint again.\n\n"
    );
    for ex in exercises {
        let path = format!("exercises/starters/{}.rs", ex.name);
        let _ = writeln!(page, "## `{}`: {}\n", ex.name, ex.title);
        if let Some(text) = starter(&ex.name) {
            let (first, body, _) = split_header(&text);
            // The starter's first header line is its own title ("# Exercise 5: …"): keep it as
            // a sub-heading only when it says more than the name.
            let first = first.trim_start_matches('#').trim();
            if !first.is_empty() {
                let _ = writeln!(page, "*{first}*\n");
            }
            page.push_str(&render_header(&body, 2, &format!("../{PYTHON_PAGE}")));
            page.push('\n');
        }
        let _ = writeln!(
            page,
            "Your file: `{path}`. Check it:\n\n```sh\ncargo run --bin exercises -- check {}\n```\n",
            ex.name
        );
    }
    page
}

/// Relative links (`[x](target)` and `![x](target)`) of a Markdown text, without the anchor.
pub fn relative_links(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = markdown;
    while let Some(pos) = rest.find("](") {
        rest = &rest[pos + 2..];
        let Some(end) = rest.find(')') else { break };
        let target = rest[..end].split_whitespace().next().unwrap_or_default();
        let target = target.split('#').next().unwrap_or_default();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            out.push(target.to_owned());
        }
        rest = &rest[end..];
    }
    out
}

/// The paths of every `{{#include PATH}}` (and `#rustdoc_include`) of a Markdown text, without
/// line ranges or anchors.
pub fn include_paths(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for directive in ["{{#include ", "{{#rustdoc_include "] {
        let mut rest = markdown;
        while let Some(pos) = rest.find(directive) {
            rest = &rest[pos + directive.len()..];
            let Some(end) = rest.find("}}") else { break };
            let arg = rest[..end].trim();
            let path = arg.split(':').next().unwrap_or_default();
            out.push(path.to_owned());
            rest = &rest[end..];
        }
    }
    out
}

/// A program's output as a page shows it: colour codes removed, progress lines (`\r`) reduced to
/// their last state, and at most `max_lines` lines (the middle is cut, and the cut says so).
pub fn clean_output(raw: &str, max_lines: usize) -> String {
    let mut lines: Vec<String> = raw
        .lines()
        .map(|line| {
            let last = line.rsplit('\r').find(|s| !s.is_empty()).unwrap_or("");
            strip_ansi(last).trim_end().to_owned()
        })
        .collect();
    if lines.len() > max_lines {
        let head = max_lines * 2 / 3;
        let tail = max_lines - head;
        let cut = lines.len() - head - tail;
        let mut kept: Vec<String> = lines.drain(..head).collect();
        kept.push(format!("… ({cut} lines left out of this page) …"));
        kept.extend(lines.drain(lines.len() - tail..));
        lines = kept;
    }
    let mut out = lines.join("\n");
    out.push('\n');
    // An mdBook directive in the output must not be expanded.
    out.replace("{{#", "{ {#")
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                // Parameters, then one final byte in @..~.
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The "Results on this machine" section of `comparison/README.md` (the committed run), for the
/// Measuring chapter: its charts point at the copies under `gen/docs/`, and links to other files
/// of the repository become plain text (they are not pages of the book).
pub fn comparison_results(readme: &str) -> String {
    const HEADING: &str = "## Results on this machine";
    let Some(start) = readme.find(HEADING) else {
        return "The comparison crate's README has no results section yet.\n".to_owned();
    };
    let section = &readme[start..];
    let end = section[HEADING.len()..]
        .find("\n## ")
        .map_or(section.len(), |p| p + HEADING.len() + 1);
    let section = escape_angle_brackets(&section[..end]);
    rewrite_links(&section, |target| {
        target
            .strip_prefix("docs/")
            .filter(|rest| !rest.is_empty())
            .map(|rest| format!("{GEN_DIR}/docs/{rest}"))
    })
}

/// The section of a Markdown text that starts with the heading line beginning with `heading`
/// (e.g. `"## Glossary"`), up to the next heading of the same or a higher level.
pub fn markdown_section<'a>(text: &'a str, heading: &str) -> Option<&'a str> {
    let level = heading.chars().take_while(|&c| c == '#').count();
    let start = text
        .match_indices(heading)
        .map(|(i, _)| i)
        .find(|&i| i == 0 || text[..i].ends_with('\n'))?;
    let body_start = text[start..]
        .find('\n')
        .map_or(text.len(), |p| start + p + 1);
    let mut end = text.len();
    let mut in_code = false;
    let mut pos = body_start;
    for line in text[body_start..].split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if !in_code && hashes > 0 && hashes <= level && line[hashes..].starts_with(' ') {
            end = pos;
            break;
        }
        pos += line.len();
    }
    Some(&text[start..end])
}

/// A section of the repository's README for a page of the book, without its heading (the page
/// has its own): relative links become plain text, and each example number in backticks (`` `t23` ``) links to its page (`prefix` is the
/// way from the including page to `examples/`).
pub fn readme_section(readme: &str, heading: &str, prefix: &str) -> String {
    let Some(section) = markdown_section(readme, heading) else {
        return format!("(The README has no section \"{heading}\".)\n");
    };
    let body = section.split_once('\n').map_or("", |(_, b)| b);
    let mut text = rewrite_links(body, |_| None);
    for e in CATALOGUE {
        let n = e.number();
        if !n.is_empty() {
            text = text.replace(
                &format!("`{n}`"),
                &format!("[`{n}`]({prefix}{})", e.page_path()),
            );
        }
    }
    text
}

/// `<` outside code (`Mutex<u64>` in a table cell) written as `&lt;` (comments stay), so that Markdown does not
/// read it as an HTML tag and hide it. Code blocks and code spans are left as they are.
pub fn escape_angle_brackets(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut in_block = false;
    for line in markdown.split_inclusive('\n') {
        if line.trim_start().starts_with("```") {
            in_block = !in_block;
        }
        if in_block || line.trim_start().starts_with("```") {
            out.push_str(line);
            continue;
        }
        let mut in_span = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '`' => {
                    in_span = !in_span;
                    out.push(c);
                }
                // An HTML comment (`<!-- … -->`) or closing tag stays markup.
                '<' if !in_span && !matches!(chars.peek(), Some('!' | '/')) => {
                    out.push_str("&lt;");
                }
                _ => out.push(c),
            }
        }
    }
    out
}

/// Rewrites every relative link and image target with `map`; a link whose target `map` rejects
/// becomes its plain text. Absolute URLs and anchors stay as they are.
pub fn rewrite_links(markdown: &str, map: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut rest = markdown;
    while let Some(open) = rest.find('[') {
        let (before, from_open) = rest.split_at(open);
        out.push_str(before);
        let parsed = from_open.find("](").and_then(|mid| {
            let text = &from_open[1..mid];
            if text.contains('[') || text.contains('\n') {
                return None;
            }
            let after = &from_open[mid + 2..];
            after
                .find(')')
                .map(|end| (text, &after[..end], mid + 2 + end + 1))
        });
        let Some((text, target, used)) = parsed else {
            out.push('[');
            rest = &from_open[1..];
            continue;
        };
        let is_image = out.ends_with('!');
        if target.contains("://") || target.starts_with('#') || target.starts_with("mailto:") {
            out.push_str(&from_open[..used]);
        } else if let Some(new) = map(target) {
            out.push_str(&format!("[{text}]({new})"));
        } else if is_image {
            out.pop();
            out.push_str(text);
        } else {
            out.push_str(text);
        }
        rest = &from_open[used..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_split_and_first_code_line() {
        let src =
            "//! Summary line.\n//!\n//! Body `x`.\n//! # Heading\n\nuse std::x;\nfn main() {}\n";
        let (s, b, first) = split_header(src);
        assert_eq!(s, "Summary line.");
        assert_eq!(b, "Body `x`.\n# Heading");
        assert_eq!(first, 6);
        assert_eq!(src.lines().nth(first - 1), Some("use std::x;"));
    }

    #[test]
    fn headings_go_down_and_code_is_untouched() {
        let r = render_header("# H\ntext\n```text\n# not a heading\n```", 1, "../p.md");
        assert_eq!(r, "## H\ntext\n```text\n# not a heading\n```\n");
    }

    #[test]
    fn python_original_links_to_the_index() {
        let r = render_header(
            "Python original: the course notebook, Module 4A, 'Event'.",
            1,
            "../python-course.md",
        );
        assert_eq!(
            r,
            "[Python original](../python-course.md): the course notebook, Module 4A, 'Event'.\n"
        );
        let r = render_header("Python originals: a; b", 1, "x.md");
        assert!(r.starts_with("[Python originals](x.md): a"), "{r}");
    }

    #[test]
    fn example_names_in_backticks_link_to_their_pages() {
        let Some(e) = CATALOGUE.first() else { return };
        let r = render_header(
            &format!("Builds on: `{}`.\n```text\n`{}`\n```", e.name, e.name),
            1,
            "p.md",
        );
        assert_eq!(
            r,
            format!(
                "Builds on: [`{}`](../{}).\n```text\n`{}`\n```\n",
                e.name,
                e.page_path(),
                e.name
            )
        );
    }

    #[test]
    fn intra_doc_links_become_code() {
        assert_eq!(
            strip_intra_doc_links("a [`Pool`] and [`Q<T>`], a [`link`](x.md), [plain]"),
            "a `Pool` and `Q<T>`, a [`link`](x.md), [plain]"
        );
    }

    #[test]
    fn angle_brackets_outside_code_are_escaped() {
        assert_eq!(
            escape_angle_brackets("<!-- c -->\n| Mutex<u64> | `Arc<T>` |\n```text\na<b\n```\n"),
            "<!-- c -->\n| Mutex&lt;u64> | `Arc<T>` |\n```text\na<b\n```\n"
        );
    }

    #[test]
    fn meta_round_trip() {
        let m = RecordMeta {
            source: "a/b.rs".into(),
            hash: content_hash(b"abc"),
            scale: "0.5".into(),
            fast: true,
            status: "exit status: 0".into(),
            seconds: "1.25".into(),
            timelines: 2,
            profile: "debug".into(),
        };
        assert_eq!(RecordMeta::parse(&m.to_text()), m);
        assert_eq!(content_hash(b""), "cbf29ce484222325");
        assert_ne!(content_hash(b"abc"), content_hash(b"abd"));
    }

    #[test]
    fn exercise_info_is_read_from_the_source() {
        let src = r#"Exercise { number: 1, name: "ex01_a", title: "first \"one\"", hint: "h" },
        Exercise { number: 2, name: "ex02_b", title: "second", hint: "name: \"x\"" }"#;
        let got = parse_exercise_info(src);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].name, "ex01_a");
        assert_eq!(got[0].title, "first \"one\"");
        assert_eq!(got[1].title, "second");
    }

    #[test]
    fn output_is_cleaned_and_cut() {
        let raw = "\u{1b}[32mgreen\u{1b}[0m\nbar 10%\rbar 100%\n{{#include x}}\n";
        assert_eq!(clean_output(raw, 10), "green\nbar 100%\n{ {#include x}}\n");
        let long: String = (0..100).map(|i| format!("{i}\n")).collect();
        let cut = clean_output(&long, 30);
        assert_eq!(cut.lines().count(), 31);
        assert!(cut.contains("(70 lines left out"), "{cut}");
        assert!(cut.ends_with("99\n"));
    }

    #[test]
    fn comparison_section_links_point_into_the_book() {
        let readme = "# c\n## Results on this machine\nJSON [`docs/r.json`](docs/r.json), charts in [`docs/`](docs/), see [src](src/lib.rs), [web](https://x.org).\n![CPU](docs/cpu.svg)\n## Next\nno";
        let got = comparison_results(readme);
        assert_eq!(
            got,
            "## Results on this machine\nJSON [`docs/r.json`](gen/docs/r.json), charts in `docs/`, see src, [web](https://x.org).\n![CPU](gen/docs/cpu.svg)\n"
        );
    }

    #[test]
    fn readme_sections_are_cut_at_the_next_heading_and_link_examples() {
        let md = "# T\n## A\nsee `t07` and [x](CONTRIBUTING.md)\n```sh\n# not a heading\n```\n### sub\nmore\n## B\nb";
        assert_eq!(
            markdown_section(md, "## A"),
            Some(
                "## A\nsee `t07` and [x](CONTRIBUTING.md)\n```sh\n# not a heading\n```\n### sub\nmore\n"
            )
        );
        assert_eq!(markdown_section(md, "## B"), Some("## B\nb"));
        assert_eq!(markdown_section(md, "## C"), None);
        let got = readme_section(md, "## A", "");
        if let Some(t07) = CATALOGUE.iter().find(|e| e.number() == "t07") {
            assert!(
                got.starts_with(&format!("see [`t07`]({}) and x\n", t07.page_path())),
                "{got}"
            );
        }
    }

    #[test]
    fn links_and_includes() {
        let md = "see [a](x/y.md#top) and ![b](../r/z.svg) and [web](https://e.org)\n{{#include ../../a/b.rs:3:}}";
        assert_eq!(relative_links(md), ["x/y.md", "../r/z.svg"]);
        assert_eq!(include_paths(md), ["../../a/b.rs"]);
    }

    #[test]
    fn summary_blocks_list_every_example_once() {
        let all: usize = BOOK_CHAPTERS
            .iter()
            .map(|(c, _, _)| {
                summary_block(c)
                    .lines()
                    .filter(|l| l.contains(EXAMPLES_DIR))
                    .count()
            })
            .sum();
        assert_eq!(all, CATALOGUE.len());
    }
}
