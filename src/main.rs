//! `course`: the front door of Concurrency in Rust.
//!
//! ```text
//! cargo run                              # menu: chapter -> example (type t07 to filter) -> runs it
//! cargo run -- list [--chapter X] [--markdown]
//! cargo run -- run <name|number> [args…]  # e.g. `run t07`, `run lock_fixes_race`
//! cargo run -- run-all [--chapter X] [--fast]
//! cargo run -- book [--open] [--record [--all] [--scale X] [NAME…]]
//! ```

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

mod book_cmd;

use course::{CHAPTERS, Entry, Kind, entries, find, list_text, markdown_table};

const USAGE: &str = "\
usage: cargo run -- [COMMAND]

  (no command)                      interactive menu (plain list when not in a terminal)
  list [--chapter X] [--markdown]   every example with its summary and the command that runs it
  run [--no-build] NAME [ARGS…]     run one example (NAME: full name, number like t07, or name
                                    without number); --no-build runs the binary already built
                                    next to the launcher
  run-all [--chapter X] [--fast]    run every example in turn, then a pass/fail summary;
                                    --fast sets COURSE_TIME_SCALE=0.05 and COURSE_FAST=1
  book [--open]                     build the course book into target/book/ and print the path
                                    of its index.html (--open: open it in a browser)
  book --record [--all] [--scale X] [NAME…]
                                    first run the examples whose recording is missing or older
                                    than their file (--all: every one) and record their output
                                    and timelines under book/src/recorded/ (scale default 1.0)
  help                              this text

chapters: threading, multiprocessing, async, comparison, exercises";

/// A user error: printed as `error: …` with exit status 2, never a panic trace.
struct UsageError(String);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(code) => code,
        Err(UsageError(msg)) => {
            eprintln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

fn dispatch(args: &[String]) -> Result<ExitCode, UsageError> {
    let Some((cmd, rest)) = args.split_first() else {
        return Ok(menu_or_list());
    };
    match cmd.as_str() {
        "list" => list(rest),
        "run" => run_one(rest),
        "run-all" => run_all(rest),
        "book" => book_cmd::book(rest),
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(UsageError(format!("unknown command '{other}'\n\n{USAGE}"))),
    }
}

fn chapter_flag(rest: &[String]) -> Result<Option<&str>, UsageError> {
    let Some(pos) = rest.iter().position(|a| a == "--chapter") else {
        return Ok(None);
    };
    let value = rest
        .get(pos + 1)
        .ok_or_else(|| UsageError("--chapter needs a value".into()))?;
    if CHAPTERS.iter().any(|(c, _)| c == value) {
        Ok(Some(value))
    } else {
        let names: Vec<&str> = CHAPTERS.iter().map(|(c, _)| *c).collect();
        Err(UsageError(format!(
            "unknown chapter '{value}'; chapters are: {}",
            names.join(", ")
        )))
    }
}

fn check_flags(rest: &[String], known: &[&str]) -> Result<(), UsageError> {
    let mut skip_value = false;
    for a in rest {
        if skip_value {
            skip_value = false;
        } else if a == "--chapter" {
            skip_value = true;
        } else if !known.contains(&a.as_str()) {
            return Err(UsageError(format!("unexpected argument '{a}'\n\n{USAGE}")));
        }
    }
    Ok(())
}

fn list(rest: &[String]) -> Result<ExitCode, UsageError> {
    check_flags(rest, &["--markdown"])?;
    if rest.iter().any(|a| a == "--markdown") {
        print!("{}", markdown_table());
    } else {
        print!("{}", list_text(chapter_flag(rest)?));
    }
    Ok(ExitCode::SUCCESS)
}

/// The workspace root (where this package's Cargo.toml is).
fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The already built binary of `e`, next to the launcher's own executable.
fn built_path(e: &Entry) -> Result<PathBuf, UsageError> {
    let exe = std::env::current_exe()
        .map_err(|err| UsageError(format!("cannot locate the launcher's executable: {err}")))?;
    let dir = exe.parent().unwrap_or(Path::new("."));
    let path = match e.kind {
        Kind::Bin => dir.join(e.name),
        Kind::Example => dir.join("examples").join(e.name),
    };
    if path.exists() {
        Ok(path)
    } else {
        Err(UsageError(format!(
            "{} is not built yet (looked for {}); run without --no-build",
            e.name,
            path.display()
        )))
    }
}

/// `cargo run --bin NAME -- args` (or `--example`), from the workspace root.
fn cargo_command(e: &Entry, args: &[String]) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root()).args(["run", "--quiet"]);
    if e.chapter == "comparison" {
        cmd.arg("--release");
    }
    match e.kind {
        Kind::Bin => cmd.args(["--bin", e.name]),
        Kind::Example => cmd.args(["--example", e.name]),
    };
    cmd.arg("--").args(args);
    cmd
}

fn run_one(rest: &[String]) -> Result<ExitCode, UsageError> {
    let (no_build, rest) = match rest.split_first() {
        Some((flag, tail)) if flag == "--no-build" => (true, tail),
        _ => (false, rest),
    };
    let Some((query, args)) = rest.split_first() else {
        return Err(UsageError(format!("run needs an example name\n\n{USAGE}")));
    };
    let entry = find(query).map_err(|e| UsageError(e.to_string()))?;
    let args = args.strip_prefix(&["--".to_owned()]).unwrap_or(args);
    let mut cmd = if no_build {
        let mut c = Command::new(built_path(entry)?);
        c.args(args);
        c
    } else {
        eprintln!("$ {} {}", entry.command(), args.join(" "));
        cargo_command(entry, args)
    };
    let status = cmd
        .status()
        .map_err(|err| UsageError(format!("cannot start {}: {err}", entry.name)))?;
    Ok(match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(c) => ExitCode::from(u8::try_from(c).unwrap_or(1)),
        None => ExitCode::FAILURE,
    })
}

/// How long one example may run under `run-all` before it is killed and counted as failed.
const RUN_ALL_LIMIT: Duration = Duration::from_secs(300);

fn run_all(rest: &[String]) -> Result<ExitCode, UsageError> {
    check_flags(rest, &["--fast"])?;
    let chapter = chapter_flag(rest)?;
    let fast = rest.iter().any(|a| a == "--fast");
    let list = entries(chapter);
    // Build everything once, then run the built files: one cargo invocation instead of one per example.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(workspace_root())
        .args(["build", "--bins", "--examples"]);
    if !cfg!(debug_assertions) {
        build.arg("--release");
    }
    eprintln!("$ cargo build --bins --examples");
    let built = build
        .status()
        .map_err(|err| UsageError(format!("cannot run cargo: {err}")))?;
    if !built.success() {
        return Err(UsageError(
            "the build failed; see the messages above".into(),
        ));
    }
    let mut results = Vec::new();
    for e in &list {
        println!("\n===== {} — {}", e.name, e.summary);
        let path = built_path(e)?;
        let mut cmd = Command::new(path);
        cmd.stdin(Stdio::null());
        if fast {
            cmd.env(utilities::TIME_SCALE_VAR, "0.05")
                .env(utilities::FAST_VAR, "1");
        }
        let start = Instant::now();
        let outcome = match cmd.spawn() {
            Err(err) => format!("FAIL (cannot start: {err})"),
            Ok(mut child) => loop {
                match child.try_wait() {
                    Ok(Some(st)) if st.success() => break "ok".to_owned(),
                    Ok(Some(st)) => break format!("FAIL ({st})"),
                    Ok(None) if start.elapsed() > RUN_ALL_LIMIT => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break format!("FAIL (killed after {RUN_ALL_LIMIT:?})");
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                    Err(err) => break format!("FAIL (wait: {err})"),
                }
            },
        };
        results.push((e.name, outcome, start.elapsed()));
    }
    let mut table = utilities::Table::new(["example", "result", "time"]);
    for (name, outcome, took) in &results {
        table.row([
            (*name).to_owned(),
            outcome.clone(),
            utilities::format_duration(*took),
        ]);
    }
    let failed = results.iter().filter(|r| r.1 != "ok").count();
    println!(
        "\n{table}\n{} passed, {failed} failed",
        results.len() - failed
    );
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn menu_or_list() -> ExitCode {
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        print!("{}", list_text(None));
        println!("(not a terminal: printed the list; `cargo run -- run NAME` runs one example)");
        return ExitCode::SUCCESS;
    }
    match menu() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: the menu failed: {err}");
            ExitCode::FAILURE
        }
    }
}

fn menu() -> Result<(), dialoguer::Error> {
    use dialoguer::{FuzzySelect, Select};
    println!(
        "Concurrency in Rust — arrow keys to move, Enter to choose, Esc to go back.\n\
         In a chapter, type to filter: a number (`t07`, `07`) or a word (`deadlock`).\n"
    );
    loop {
        let items: Vec<String> = CHAPTERS
            .iter()
            .map(|(c, about)| format!("{c:<16} {:>3} examples — {about}", entries(Some(c)).len()))
            .collect();
        let Some(ch) = Select::new()
            .with_prompt("Chapter")
            .items(&items)
            .default(0)
            .interact_opt()?
        else {
            return Ok(());
        };
        let chapter = CHAPTERS[ch].0;
        let list = entries(Some(chapter));
        // The exercises chapter also offers the exercise checker's status list.
        let checker = chapter == "exercises";
        if list.is_empty() && !checker {
            println!("(no examples in {chapter} yet)\n");
            continue;
        }
        let mut last = 0;
        loop {
            let mut items: Vec<String> = list
                .iter()
                .map(|e| format!("{:<36} {}", e.name, e.summary))
                .collect();
            if checker {
                items.insert(
                    0,
                    format!(
                        "{:<36} {}",
                        "exercises -- list",
                        "every exercise and its status (not started / failing / passing)"
                    ),
                );
            }
            let Some(i) = FuzzySelect::new()
                .with_prompt(format!("{chapter}: type to filter, Enter runs"))
                .items(&items)
                .default(last)
                .max_length(20)
                .interact_opt()?
            else {
                break;
            };
            last = i;
            if checker && i == 0 {
                let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
                println!("\n$ cargo run --bin exercises -- list\n");
                let status = Command::new(cargo)
                    .current_dir(workspace_root())
                    .args(["run", "--quiet", "--bin", "exercises", "--", "list"])
                    .status();
                if let Err(err) = status {
                    println!("cannot run cargo: {err}");
                }
                continue;
            }
            let e = list[i - usize::from(checker)];
            println!("\n$ {}\n", e.command());
            match cargo_command(e, &[]).status() {
                Ok(st) => println!("\n--- {} finished: {st} ---\n", e.name),
                Err(err) => println!("\n--- cannot start {}: {err} ---\n", e.name),
            }
        }
    }
}
