//! `cargo run -- book [--open] [--record [--all] [--scale X] [NAME…]]`: generates the example and
//! exercise pages of the course book, then builds it with mdBook into `target/book/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use course::book::{
    self, BOOK_CHAPTERS, EXAMPLES_DIR, EXERCISE_CHAPTERS, EXERCISES_DIR, GEN_DIR, RECORDED_DIR,
    RecordMeta,
};
use course::{CATALOGUE, Entry, find};

use crate::{UsageError, built_path, workspace_root};

/// The mdBook version the book is built and tested with (`scripts/book.sh` installs it).
pub const MDBOOK_VERSION: &str = "0.5.4";
/// The mdbook-mermaid version (renders the Mermaid diagrams offline).
pub const MERMAID_VERSION: &str = "0.17.1";
/// The time scale `--record` runs the examples at unless `--scale` says otherwise.
const DEFAULT_RECORD_SCALE: &str = "1.0";
/// How long one example may run while it is recorded.
const RECORD_LIMIT: Duration = Duration::from_secs(300);
/// Longest recorded output kept on a page, in lines (the middle is cut beyond it).
const MAX_LINES: usize = 240;

pub fn book(rest: &[String]) -> Result<std::process::ExitCode, UsageError> {
    let mut open = false;
    let mut record = false;
    let mut all = false;
    let mut scale = DEFAULT_RECORD_SCALE.to_owned();
    let mut names = Vec::new();
    let mut args = rest.iter();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--open" => open = true,
            "--record" => record = true,
            "--all" => all = true,
            "--scale" => {
                let v = args
                    .next()
                    .ok_or_else(|| UsageError("--scale needs a value".into()))?;
                utilities::time_scale::parse_time_scale(Some(v))
                    .map_err(|e| UsageError(format!("--scale {v}: {e}")))?;
                v.clone_into(&mut scale);
            }
            s if s.starts_with('-') => {
                return Err(UsageError(format!("book: unexpected argument '{s}'")));
            }
            name => names.push(find(name).map_err(|e| UsageError(e.to_string()))?),
        }
    }
    if !record && (all || !names.is_empty()) {
        return Err(UsageError(
            "book: example names and --all only go with --record".into(),
        ));
    }
    let root = workspace_root();
    if record {
        let failed = record_examples(root, &names, all, &scale)?;
        if failed > 0 {
            eprintln!("book: {failed} example(s) failed while recording; their pages show it");
        }
    }
    generate(root)?;
    let index = build(root)?;
    println!("{}", index.display());
    if open {
        open_in_browser(&index);
    }
    Ok(std::process::ExitCode::SUCCESS)
}

fn io_err(what: &str, path: &Path, e: &std::io::Error) -> UsageError {
    UsageError(format!("{what} {}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), UsageError> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io_err("cannot create", dir, &e))?;
    }
    // Leave an unchanged file alone, so mdBook's and the browser's caches stay valid.
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    std::fs::write(path, text).map_err(|e| io_err("cannot write", path, &e))
}

/// Removes the generated files of a directory (all `*.md`, `*.svg`, `*.json`) before regenerating.
fn clear_generated(dir: &Path, keep: &[PathBuf]) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.filter_map(Result::ok) {
        let p = entry.path();
        if p.is_file() && !keep.contains(&p) {
            let _ = std::fs::remove_file(&p);
        }
    }
}

/// Generates every example page, the exercise pages and the comparison chapter's included
/// files under `book/src/`, from the files of the repository.
fn generate(root: &Path) -> Result<(), UsageError> {
    let src = root.join(book::BOOK_DIR).join("src");
    // Example pages.
    let examples = src.join(EXAMPLES_DIR);
    let mut written = Vec::new();
    let mut stale = Vec::new();
    for e in CATALOGUE {
        let path = root.join(e.source_path());
        let source =
            std::fs::read_to_string(&path).map_err(|err| io_err("cannot read", &path, &err))?;
        let meta = std::fs::read_to_string(src.join(RECORDED_DIR).join(format!("{}.meta", e.name)))
            .ok()
            .map(|t| RecordMeta::parse(&t));
        if meta
            .as_ref()
            .is_some_and(|m| m.hash != book::content_hash(source.as_bytes()))
        {
            stale.push(e.name);
        }
        let page_path = src.join(e.page_path());
        write(&page_path, &book::example_page(e, &source, meta.as_ref()))?;
        written.push(page_path);
    }
    clear_generated(&examples, &written);

    // Exercise pages, from the checker's metadata and the starter files' headers.
    let info_path = root.join("exercises/src/info.rs");
    let info = std::fs::read_to_string(&info_path)
        .map_err(|err| io_err("cannot read", &info_path, &err))?;
    let exercises = book::parse_exercise_info(&info);
    let mut written = Vec::new();
    for (chapter, names) in EXERCISE_CHAPTERS {
        let title = BOOK_CHAPTERS
            .iter()
            .find(|(c, _, _)| c == chapter)
            .map_or(*chapter, |(_, _, t)| *t);
        let list: Vec<_> = exercises
            .iter()
            .filter(|ex| names.contains(&ex.name.as_str()))
            .cloned()
            .collect();
        let page = book::exercises_page(title, &list, |name| {
            std::fs::read_to_string(root.join(format!("exercises/starters/{name}.rs"))).ok()
        });
        let path = src.join(EXERCISES_DIR).join(format!("{chapter}.md"));
        write(&path, &page)?;
        written.push(path);
    }
    clear_generated(&src.join(EXERCISES_DIR), &written);
    for ex in &exercises {
        if !EXERCISE_CHAPTERS
            .iter()
            .any(|(_, names)| names.contains(&ex.name.as_str()))
        {
            eprintln!(
                "book: warning: exercise {} is in no chapter (add it to EXERCISE_CHAPTERS in src/book.rs)",
                ex.name
            );
        }
    }

    // The comparison chapter shows the committed run: its charts and its results section.
    let docs = root.join("comparison/docs");
    let gen_docs = src.join(GEN_DIR).join("docs");
    std::fs::create_dir_all(&gen_docs).map_err(|e| io_err("cannot create", &gen_docs, &e))?;
    if let Ok(read) = std::fs::read_dir(&docs) {
        for entry in read.filter_map(Result::ok) {
            let p = entry.path();
            if let Some(name) = p.file_name() {
                let to = gen_docs.join(name);
                let same = std::fs::read(&p).ok() == std::fs::read(&to).ok();
                if !same {
                    std::fs::copy(&p, &to).map_err(|e| io_err("cannot copy", &p, &e))?;
                }
            }
        }
    }
    let readme_path = root.join("comparison/README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
    write(
        &src.join(GEN_DIR).join("comparison-results.md"),
        &book::comparison_results(&readme),
    )?;

    // The decision guide and the glossary live once, in the README; their pages include them.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap_or_default();
    for (heading, file) in [
        ("## Choosing a model", "readme-choosing.md"),
        ("## Glossary", "readme-glossary.md"),
    ] {
        write(
            &src.join(GEN_DIR).join(file),
            &book::readme_section(&readme, heading, ""),
        )?;
    }

    let summary_path = src.join("SUMMARY.md");
    let summary = std::fs::read_to_string(&summary_path)
        .map_err(|e| io_err("cannot read", &summary_path, &e))?;
    match book::refresh_summary(&summary) {
        Ok(fresh) if fresh == summary => {}
        Ok(_) => eprintln!(
            "book: warning: SUMMARY.md does not list every example: run `UPDATE_BOOK=1 cargo test --test book` and commit book/src/SUMMARY.md"
        ),
        Err(e) => eprintln!("book: warning: {e}"),
    }
    if !stale.is_empty() {
        eprintln!(
            "book: warning: {} recording(s) are older than their example file ({}…): `cargo run -- book --record` records them again",
            stale.len(),
            stale.iter().take(5).copied().collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

/// The version a tool prints with `--version` (`mdbook v0.5.4`, `mdbook-mermaid 0.17.1`), if it runs.
fn tool_version(tool: &str) -> Option<String> {
    let out = Command::new(tool).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let word = text.split_whitespace().nth(1)?;
    Some(word.trim_start_matches('v').to_owned())
}

/// Installs `krate` at exactly `version` with `cargo install --locked` unless that version is
/// already on the PATH (the same rule as `scripts/book.sh install`).
fn ensure_tool(krate: &str, version: &str) -> Result<(), UsageError> {
    let found = tool_version(krate);
    if found.as_deref() == Some(version) {
        return Ok(());
    }
    eprintln!(
        "book: {krate} {version} is needed ({}); installing it with `cargo install --locked` (a few minutes, once)",
        found.map_or_else(|| "not installed".to_owned(), |v| format!("found {v}"))
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args(["install", "--locked", krate, "--version", version])
        .status()
        .map_err(|e| UsageError(format!("cannot run cargo install: {e}")))?;
    if status.success() && tool_version(krate).as_deref() == Some(version) {
        Ok(())
    } else {
        Err(UsageError(format!(
            "could not install {krate} {version} (is ~/.cargo/bin on your PATH?); try `scripts/book.sh install`"
        )))
    }
}

/// `mdbook build book --dest-dir target/book`; returns the path of `index.html`.
fn build(root: &Path) -> Result<PathBuf, UsageError> {
    ensure_tool("mdbook", MDBOOK_VERSION)?;
    ensure_tool("mdbook-mermaid", MERMAID_VERSION)?;
    let dest = root.join("target").join("book");
    let start = Instant::now();
    let status = Command::new("mdbook")
        .current_dir(root)
        .args(["build", book::BOOK_DIR, "--dest-dir"])
        .arg(&dest)
        .status()
        .map_err(|e| UsageError(format!("cannot run mdbook: {e}")))?;
    if !status.success() {
        return Err(UsageError(format!(
            "mdbook build failed ({status}); see its messages above"
        )));
    }
    eprintln!(
        "book: built in {}",
        utilities::format_duration(start.elapsed())
    );
    Ok(dest.join("index.html"))
}

fn open_in_browser(index: &Path) {
    for opener in ["xdg-open", "open"] {
        if Command::new(opener)
            .arg(index)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            return;
        }
    }
    eprintln!(
        "book: could not start a browser; open {} yourself",
        index.display()
    );
}

/// Runs the chosen examples (all stale or unrecorded ones by default; every one with `all`) and
/// writes their output, timelines and content hash under `book/src/recorded/`.
/// Returns how many failed.
fn record_examples(
    root: &Path,
    names: &[&'static Entry],
    all: bool,
    scale: &str,
) -> Result<usize, UsageError> {
    let recorded = root.join(book::BOOK_DIR).join("src").join(RECORDED_DIR);
    std::fs::create_dir_all(&recorded).map_err(|e| io_err("cannot create", &recorded, &e))?;
    let chosen: Vec<&Entry> = if names.is_empty() {
        CATALOGUE
            .iter()
            .filter(|e| all || !is_fresh(root, &recorded, e))
            .collect()
    } else {
        names.to_vec()
    };
    if chosen.is_empty() {
        eprintln!("book: every recording is up to date (--all records them all again)");
        return Ok(0);
    }
    // Every example from the build the launcher itself uses (debug from `cargo run`), except the
    // comparison programs: they measure speed, so they are always built and run in release.
    build_for_recording(root, &["--bins", "--examples"], !cfg!(debug_assertions))?;
    let measured: Vec<String> = chosen
        .iter()
        .filter(|e| e.chapter == "comparison")
        .flat_map(|e| ["--bin".to_owned(), e.name.to_owned()])
        .collect();
    if !measured.is_empty() {
        let args: Vec<&str> = measured.iter().map(String::as_str).collect();
        build_for_recording(root, &args, true)?;
    }
    let work = root.join("target").join("book-record");
    let mut failed = 0;
    for (i, e) in chosen.iter().enumerate() {
        eprint!("book: recording {}/{} {} … ", i + 1, chosen.len(), e.name);
        match record_one(root, &recorded, &work, e, scale) {
            Ok(meta) => {
                eprintln!(
                    "{} s, {}, {} timeline(s)",
                    meta.seconds, meta.status, meta.timelines
                );
                if meta.status != "exit status: 0" {
                    failed += 1;
                }
            }
            Err(UsageError(msg)) => {
                eprintln!("FAILED: {msg}");
                failed += 1;
            }
        }
    }
    Ok(failed)
}

fn build_for_recording(root: &Path, args: &[&str], release: bool) -> Result<(), UsageError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    // --keep-going: one example that does not compile must not stop the others from being
    // recorded (it is skipped below, because its binary is older than its file).
    cmd.current_dir(root)
        .args(["build", "--keep-going"])
        .args(args);
    if release {
        cmd.arg("--release");
    }
    eprintln!(
        "$ cargo build {}{}",
        args.join(" "),
        if release { " --release" } else { "" }
    );
    let built = cmd
        .status()
        .map_err(|e| UsageError(format!("cannot run cargo: {e}")))?;
    if !built.success() {
        eprintln!("book: the build failed for some examples (see above); they are not recorded");
    }
    Ok(())
}

fn is_fresh(root: &Path, recorded: &Path, e: &Entry) -> bool {
    let Ok(meta) = std::fs::read_to_string(recorded.join(format!("{}.meta", e.name))) else {
        return false;
    };
    let Ok(source) = std::fs::read(root.join(e.source_path())) else {
        return false;
    };
    let meta = RecordMeta::parse(&meta);
    // A run that failed or was killed is recorded again next time.
    meta.hash == book::content_hash(&source) && meta.succeeded()
}

fn record_one(
    root: &Path,
    recorded: &Path,
    work: &Path,
    e: &Entry,
    scale: &str,
) -> Result<RecordMeta, UsageError> {
    let source = std::fs::read(root.join(e.source_path()))
        .map_err(|err| io_err("cannot read", &root.join(e.source_path()), &err))?;
    let dir = work.join(e.name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|err| io_err("cannot create", &dir, &err))?;
    let log_path = dir.join("output.txt");
    let log =
        std::fs::File::create(&log_path).map_err(|err| io_err("cannot create", &log_path, &err))?;
    let log2 = log
        .try_clone()
        .map_err(|err| io_err("cannot clone", &log_path, &err))?;
    // The comparison programs measure for minutes at full size: they are recorded at the small
    // sizes of COURSE_FAST=1 (the Measuring chapter shows a full release run).
    let fast = e.chapter == "comparison";
    let (exe, profile) = if fast {
        (root.join("target").join("release").join(e.name), "release")
    } else {
        let exe = built_path(e)?;
        (
            exe,
            if cfg!(debug_assertions) {
                "debug"
            } else {
                "release"
            },
        )
    };
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    if modified(&exe) < modified(&root.join(e.source_path())) {
        return Err(UsageError(format!(
            "not built from the current {} (does it compile?)",
            e.source_path()
        )));
    }
    let mut cmd = Command::new(exe);
    cmd.current_dir(root)
        .stdin(Stdio::null())
        .stdout(log)
        .stderr(log2)
        .env(utilities::TIME_SCALE_VAR, scale)
        .env("COURSE_TIMELINE_DIR", &dir)
        .env_remove(utilities::FAST_VAR);
    if fast {
        cmd.env(utilities::FAST_VAR, "1");
    }
    let start = Instant::now();
    // Its own process group, so that a hung run can be ended with everything it started.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .map_err(|err| UsageError(format!("cannot start {}: {err}", e.name)))?;
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.to_string(),
            Ok(None) if start.elapsed() > RECORD_LIMIT => {
                // The whole process group: an example's own children (a pool, a Python
                // script) must not outlive it.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", child.id())])
                    .status();
                let _ = child.kill();
                let _ = child.wait();
                break format!("killed after {} s", RECORD_LIMIT.as_secs());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(err) => return Err(UsageError(format!("wait for {}: {err}", e.name))),
        }
    };
    let seconds = format!("{:.2}", start.elapsed().as_secs_f64());
    let raw = std::fs::read(&log_path).map_err(|err| io_err("cannot read", &log_path, &err))?;
    let text = book::clean_output(&String::from_utf8_lossy(&raw), MAX_LINES);
    write(&recorded.join(format!("{}.txt", e.name)), &text)?;
    // Timelines: <name>.svg, <name>-2.svg, … in print order; older extra ones are removed.
    let mut timelines = 0;
    while dir
        .join(book::timeline_file(e.name, timelines + 1))
        .is_file()
    {
        timelines += 1;
        let file = book::timeline_file(e.name, timelines);
        std::fs::copy(dir.join(&file), recorded.join(&file))
            .map_err(|err| io_err("cannot copy", &dir.join(&file), &err))?;
    }
    for n in timelines + 1..timelines + 50 {
        let _ = std::fs::remove_file(recorded.join(book::timeline_file(e.name, n)));
    }
    let meta = RecordMeta {
        source: e.source_path(),
        hash: book::content_hash(&source),
        scale: scale.to_owned(),
        fast,
        status,
        seconds,
        timelines,
        profile: profile.to_owned(),
    };
    write(&recorded.join(format!("{}.meta", e.name)), &meta.to_text())?;
    Ok(meta)
}
