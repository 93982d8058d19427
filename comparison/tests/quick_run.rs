//! Runs the real benchmark binaries with small sizes and checks what they claim to have done:
//! every mode ran, every checksum agrees, the JSON has the documented fields and the SVG charts
//! are well-formed. No test here asserts a time: timings are reported by the tool, never
//! asserted (a loaded 2-core machine would make any absolute figure flaky).

use std::path::Path;

use serde_json::Value;
use utilities::testkit::{RunOutput, run_with_env};

/// The sections with timings: each is in the JSON and has its SVG chart (the JSON also has
/// `memory`, which has no chart).
const TIMED_SECTIONS: [&str; 9] = [
    "threads_vs_processes",
    "cpu",
    "io_sleep",
    "io_http",
    "sweep_cpu",
    "sweep_io",
    "sync",
    "serialization",
    "spawn",
];

fn run(exe: &str, args: &[&str], env: &[(&str, &str)]) -> RunOutput {
    let out = run_with_env(exe, args, env);
    out.assert_success();
    out
}

fn sections(json: &Value) -> Vec<&Value> {
    json["sections"]
        .as_array()
        .expect("sections array")
        .iter()
        .collect()
}

fn section<'a>(json: &'a Value, id: &str) -> &'a Value {
    sections(json)
        .into_iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no section {id}"))
}

fn row_keys(section: &Value) -> Vec<String> {
    section["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["key"].as_str().expect("key").to_owned())
        .collect()
}

/// A small well-formedness check: tags nest and close, entities are escaped.
fn assert_well_formed_svg(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(
        text.starts_with("<svg"),
        "{}: does not start with <svg",
        path.display()
    );
    assert!(
        text.trim_end().ends_with("</svg>"),
        "{}: not closed",
        path.display()
    );
    let mut stack: Vec<String> = Vec::new();
    let mut rest = text.as_str();
    while let Some(open) = rest.find('<') {
        let outside = &rest[..open];
        for (i, _) in outside.match_indices('&') {
            let ent = &outside[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#"]
                    .iter()
                    .any(|e| ent.starts_with(e)),
                "{}: bare & in text",
                path.display()
            );
        }
        let close = rest[open..]
            .find('>')
            .map(|c| open + c)
            .expect("unclosed <");
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            let top = stack
                .pop()
                .unwrap_or_else(|| panic!("{}: </{name}> closes nothing", path.display()));
            assert_eq!(top, name.trim(), "{}: tags cross", path.display());
        } else if !tag.ends_with('/') && !tag.starts_with('?') && !tag.starts_with('!') {
            let name = tag.split_whitespace().next().unwrap_or("").to_owned();
            stack.push(name);
        }
        rest = &rest[close + 1..];
    }
    assert!(stack.is_empty(), "{}: unclosed {stack:?}", path.display());
}

#[test]
fn quick_run_of_every_part_agrees_and_writes_json_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("results.json");
    let svg_dir = dir.path().join("svg");
    let out = run(
        env!("CARGO_BIN_EXE_comparison"),
        &[
            "--quick",
            "--json",
            json_path.to_str().unwrap(),
            "--svg",
            svg_dir.to_str().unwrap(),
        ],
        &[("COURSE_TIME_SCALE", "1")],
    );
    out.assert_contains("All checksums agree.")
        .assert_contains("== Verdict ==");
    if cfg!(debug_assertions) {
        out.assert_contains("WARNING: this is a debug build");
    }

    let json: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(json["tool"], "comparison");
    assert_eq!(json["quick"], true);
    assert_eq!(json["all_checksums_agree"], true);
    assert_eq!(json["parts"].as_array().unwrap().len(), 8);
    assert!(json["verdict"].as_str().unwrap().len() > 100);
    let machine = &json["machine"];
    assert!(machine["cores"].as_u64().unwrap() >= 1);
    for field in [
        "os",
        "arch",
        "cpu",
        "build_profile",
        "rustc",
        "load_average",
    ] {
        assert!(machine[field].is_string(), "machine.{field}");
    }
    for krate in ["tokio", "rayon", "axum", "reqwest"] {
        assert!(machine["crates"][krate].is_string(), "version of {krate}");
    }

    // Every section: rows with sane figures, checksums agree.
    let ids: Vec<&str> = sections(&json)
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    for &id in TIMED_SECTIONS.iter().chain(&["memory"]) {
        assert!(ids.contains(&id), "section {id} missing: {ids:?}");
    }
    for s in sections(&json) {
        assert_eq!(s["checksums_agree"], true, "section {}", s["id"]);
        for r in s["rows"].as_array().unwrap() {
            let median = r["median"].as_f64().unwrap();
            assert!(median.is_finite() && median >= 0.0, "{}: {r}", s["id"]);
            assert!(r["min"].as_f64().unwrap() <= median + 1e-12);
            assert!(r["runs"].as_u64().unwrap() >= 1);
        }
    }

    // Every CPU mode ran and computed n(n-1)/2.
    let cpu = section(&json, "cpu");
    assert_eq!(
        row_keys(cpu),
        [
            "sequential",
            "threads",
            "rayon",
            "process_pool",
            "spawn_blocking",
            "on_runtime"
        ]
    );
    let n = cpu["params"]["n"].as_u64().unwrap();
    let expected = u64::try_from(u128::from(n) * u128::from(n - 1) / 2).unwrap();
    assert_eq!(cpu["expected_checksum"], expected);
    for r in cpu["rows"].as_array().unwrap() {
        assert_eq!(r["checksum"], expected, "{}", r["key"]);
        assert!(r["speedup"].as_f64().unwrap() > 0.0);
        // never an efficiency above 100 %: a row is either judged (0 < e ≤ 1) or inconclusive
        match r["efficiency"].as_f64() {
            Some(e) => assert!(e > 0.0 && e <= 1.0, "{}: efficiency {e}", r["key"]),
            None => assert!(r["inconclusive"].is_string(), "{}: {r}", r["key"]),
        }
        let spread = &r["speedup_spread"];
        assert!(spread["p10"].as_f64().unwrap() <= spread["p90"].as_f64().unwrap());
        assert!(r["cores_got"].as_f64().is_some(), "{}", r["key"]);
    }
    // every target is met, missed or inconclusive, the last with its reason
    for s in sections(&json) {
        for t in s["targets"].as_array().unwrap() {
            match t["status"].as_str().unwrap() {
                "met" | "missed" => {}
                "inconclusive" => assert!(t["reason"].is_string(), "{t}"),
                other => panic!("status {other}"),
            }
        }
    }
    assert!(cpu["targets"].as_array().unwrap().len() >= 3);

    // Every I/O mode ran, for sleeps and for HTTP.
    for id in ["io_sleep", "io_http"] {
        let s = section(&json, id);
        assert_eq!(
            row_keys(s),
            [
                "sequential",
                "threads",
                "thread_pool",
                "process_pool",
                "tokio"
            ],
            "{id}"
        );
        let tasks = s["params"]["tasks"].as_u64().unwrap();
        for r in s["rows"].as_array().unwrap() {
            assert_eq!(r["checksum"], tasks * (tasks - 1) / 2, "{id} {}", r["key"]);
        }
    }
    assert_eq!(
        row_keys(section(&json, "sync")),
        ["sequential", "mutex", "atomic", "local"]
    );
    assert_eq!(
        row_keys(section(&json, "spawn")),
        [
            "thread",
            "task",
            "fork",
            "process",
            "thread_pool_rt",
            "pool_rt",
            "pool_map_item",
            "ping_thread",
            "ping_process",
            "ping_task",
            "pool"
        ]
    );
    // microsecond figures: p50 ≤ p90 ≤ p99 from the configured number of samples
    for r in section(&json, "spawn")["rows"].as_array().unwrap() {
        let m = &r["micro"];
        let (p50, p90, p99) = (
            m["p50"].as_f64().unwrap(),
            m["p90"].as_f64().unwrap(),
            m["p99"].as_f64().unwrap(),
        );
        assert!(p50 > 0.0 && p50 <= p90 && p90 <= p99, "{}: {m}", r["key"]);
    }
    // the course's targets, literally, each judged
    let claims: Vec<String> = sections(&json)
        .iter()
        .flat_map(|s| s["targets"].as_array().unwrap().iter())
        .map(|t| format!("{} {}", t["claim"], t["goal"]))
        .collect();
    for goal in [
        "p50 ≤ 30 µs",
        "p50 ≤ 1.5 ms",
        "p50 ≤ 50 µs",
        "p50 ≤ 5 µs",
        "≥ 1.9×",
        "≤ 1.3 × one latency",
    ] {
        assert!(
            claims.iter().any(|c| c.contains(goal)),
            "no target {goal}: {claims:?}"
        );
    }
    assert!(
        claims
            .iter()
            .any(|c| c.contains("Rust processes vs sequential")),
        "c03's Rust target: {claims:?}"
    );
    assert_eq!(
        row_keys(section(&json, "memory")),
        ["thread", "task", "process_rss", "process_pss"]
    );
    let ser = row_keys(section(&json, "serialization"));
    for mode in ["sequential", "threads", "process_pool", "shared_memory"] {
        assert!(
            ser.iter().any(|k| k.starts_with(mode)),
            "serialization mode {mode}"
        );
    }
    assert!(
        !section(&json, "sweep_io")["sweeps"][0]["series"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // The I/O sweep and the memory part are measured in rounds too: every point has one
    // sample per round, each with its CPU time.
    for id in ["sweep_io", "memory"] {
        let sec = section(&json, id);
        let rounds = sec["params"]["rounds"].as_u64().expect("rounds param");
        for r in sec["rows"].as_array().unwrap() {
            assert_eq!(r["runs"].as_u64(), Some(rounds), "{id} {}", r["key"]);
            if id == "sweep_io" {
                assert_eq!(
                    r["cpu_samples"].as_array().map(Vec::len),
                    Some(rounds as usize),
                    "{id} {}: CPU time per round",
                    r["key"]
                );
            }
        }
    }

    // Python columns: present when python3 is, and said to be skipped otherwise.
    if comparison::python::version().is_some() {
        out.assert_contains("python3");
        for r in cpu["rows"].as_array().unwrap() {
            assert!(
                r["python"].as_f64().is_some(),
                "Python figure for {}",
                r["key"]
            );
            assert!(r["ratio"].as_f64().is_some());
        }
        // Python ran in the rounds, one sample per round beside the Rust ones: every
        // Python/Rust ratio is a same-round pair, with its spread, as many as the Rust samples.
        for id in [
            "threads_vs_processes",
            "cpu",
            "io_sleep",
            "io_http",
            "sync",
            "memory",
        ] {
            for r in section(&json, id)["rows"].as_array().unwrap() {
                if r["python"].is_null() {
                    continue; // no Python counterpart (e.g. the atomic)
                }
                let sp = &r["ratio_spread"];
                let (pairs, rounds) = (
                    sp["n"].as_u64().unwrap_or(0),
                    r["samples"].as_array().unwrap().len() as u64,
                );
                // a memory figure can read 0 KiB on a quick run (no pair to divide by)
                let ok = if id == "memory" {
                    pairs <= rounds
                } else {
                    pairs == rounds
                };
                assert!(
                    ok,
                    "{id} {}: {pairs} Python/Rust pairs from {rounds} rounds",
                    r["key"]
                );
                if pairs > 0 {
                    assert!(sp["p10"].as_f64().unwrap() <= sp["p90"].as_f64().unwrap());
                }
            }
        }
    } else {
        out.assert_contains("python3 not found");
    }

    // SVG: one chart per timed section and per sweep, each well-formed.
    for name in TIMED_SECTIONS {
        let path = svg_dir.join(format!("{name}.svg"));
        assert!(path.is_file(), "{name}.svg missing");
        assert_well_formed_svg(&path);
    }
}

#[test]
fn without_python3_the_python_columns_are_skipped_not_failed() {
    let empty = tempfile::tempdir().unwrap();
    let out = run(
        env!("CARGO_BIN_EXE_c07_sync_overhead"),
        &[],
        &[
            ("COURSE_FAST", "1"),
            ("PATH", empty.path().to_str().unwrap()),
        ],
    );
    out.assert_contains("python3 not found on PATH: Python columns are skipped")
        .assert_contains("shared Mutex<u64>")
        .assert_contains("All checksums agree.");
    assert!(!out.stdout.contains("Python/Rust"), "{}", out.stdout);
}

/// Each numbered binary runs its one part in fast mode (`COURSE_FAST=1`, as `run-all --fast`).
fn numbered(exe: &str, title: &str) {
    let out = run(
        exe,
        &["--no-python"],
        &[("COURSE_FAST", "1"), ("COURSE_TIME_SCALE", "0.5")],
    );
    out.assert_contains(title)
        .assert_contains("All checksums agree.");
    assert_eq!(
        out.stdout.matches("\n== ").count(),
        2,
        "one part + verdict:\n{}",
        out.stdout
    );
}

#[test]
fn c01_runs_the_io_part() {
    let out = run(
        env!("CARGO_BIN_EXE_c01_io_bound_comparison"),
        &["--no-python"],
        &[("COURSE_FAST", "1")],
    );
    out.assert_contains("I/O-bound: 20 tasks × 20 ms sleep")
        .assert_contains("HTTP GET to a local axum server")
        .assert_contains("All checksums agree.");
}

#[test]
fn c02_c03_c04_c05_run_their_part() {
    numbered(
        env!("CARGO_BIN_EXE_c02_cpu_bound_comparison"),
        "CPU-bound: sum of",
    );
    numbered(
        env!("CARGO_BIN_EXE_c03_threads_vs_processes"),
        "Threads vs processes",
    );
    numbered(env!("CARGO_BIN_EXE_c04_spawn_cost"), "Spawn cost");
    numbered(
        env!("CARGO_BIN_EXE_c05_memory_per_worker"),
        "Memory per idle worker",
    );
}

#[test]
fn c06_c07_c08_run_their_part() {
    let out = run(
        env!("CARGO_BIN_EXE_c06_scaling_sweep"),
        &["--no-python"],
        &[("COURSE_FAST", "1"), ("COURSE_TIME_SCALE", "0.5")],
    );
    out.assert_contains("Scaling: CPU work")
        .assert_contains("Scaling: N tasks");
    numbered(env!("CARGO_BIN_EXE_c07_sync_overhead"), "Synchronisation");
    numbered(
        env!("CARGO_BIN_EXE_c08_serialization_overhead"),
        "Serialisation",
    );
}

#[test]
fn an_unknown_part_is_a_usage_error() {
    let out = run_with_env(env!("CARGO_BIN_EXE_comparison"), &["--only", "gpu"], &[]);
    assert!(!out.status.success());
    assert!(out.stderr.contains("invalid value 'gpu'"), "{}", out.stderr);
}
