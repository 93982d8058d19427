//! The verdict paragraph, written from the tables: every figure in it comes from a row, and a
//! figure that cannot be judged (machine busy, impossible) says so instead of a number.

use serde_json::Value;

use crate::report::{Row, Section};

/// `1.95× (1.90–1.98)`, or `inconclusive (why)` when the row cannot be judged.
pub fn speedup_text(row: Option<&Row>) -> String {
    let Some(r) = row else {
        return "-".into();
    };
    if let Some(why) = &r.inconclusive {
        return format!("inconclusive ({why})");
    }
    r.speedup_spread
        .map(|s| s.times())
        .or_else(|| r.speedup.map(|s| format!("{s:.2}×")))
        .unwrap_or_else(|| "-".into())
}

fn python_speedup(row: Option<&Row>) -> String {
    row.and_then(|r| r.python_speedup)
        .map_or_else(|| "-".into(), |p| format!("{p:.2}×"))
}

/// The last sentence: which targets were met, missed, or could not be judged and why.
pub fn targets_sentence(sections: &[Section]) -> String {
    let all: Vec<_> = sections.iter().flat_map(|s| s.targets.iter()).collect();
    let met = all.iter().filter(|t| t.met()).count();
    let missed: Vec<String> = all
        .iter()
        .filter(|t| t.status == crate::measure::Status::Missed)
        .map(|t| format!("{} ({} against {})", t.claim, t.measured, t.goal))
        .collect();
    let unsure: Vec<String> = all
        .iter()
        .filter_map(|t| match &t.status {
            crate::measure::Status::Inconclusive { reason } => {
                Some(format!("{} ({reason})", t.claim))
            }
            _ => None,
        })
        .collect();
    let mut out = format!("Targets: {met} of {} met", all.len());
    if !missed.is_empty() {
        out.push_str(&format!("; missed: {}", missed.join("; ")));
    }
    if !unsure.is_empty() {
        out.push_str(&format!("; inconclusive: {}", unsure.join("; ")));
    }
    out.push('.');
    out
}

/// The verdict of a run on `cores` cores, from its sections.
pub fn verdict(sections: &[Section], cores: usize) -> String {
    let sec = |id: &str| sections.iter().find(|s| s.id == id);
    let mut parts = Vec::new();
    if let Some(s) = sec("threads_vs_processes") {
        parts.push(format!(
            "The course's demo (2 workers × {} additions), speedup against sequential: Rust threads {}; Rust processes {}; Python threads {} (the GIL); Python processes {}.",
            s.params.get("n").and_then(Value::as_u64).unwrap_or(0),
            speedup_text(s.row("threads")),
            speedup_text(s.row("processes")),
            python_speedup(s.row("threads")),
            python_speedup(s.row("processes")),
        ));
    }
    if let Some(s) = sec("cpu") {
        let delay = s
            .params
            .get("ticker_delay_on_runtime_ms")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN);
        let mut text = format!(
            "CPU-bound work on this {cores}-core machine, speedup against sequential (the ceiling is {cores}×): one thread per task {}; a rayon pool {}; the process pool {}; tokio's spawn_blocking {}; the same work directly on the runtime {}, which held a 5 ms ticker up for {delay:.0} ms (why CPU work does not belong on async workers)",
            speedup_text(s.row("threads")),
            speedup_text(s.row("rayon")),
            speedup_text(s.row("process_pool")),
            speedup_text(s.row("spawn_blocking")),
            speedup_text(s.row("on_runtime")),
        );
        if let Some(r) = s.row("sequential").and_then(|r| r.ratio) {
            text.push_str(&format!(
                ", while Python was {r:.0}× slower sequentially and its threads reached {} (the GIL)",
                python_speedup(s.row("threads"))
            ));
        }
        parts.push(text + ".");
    }
    if let Some(s) = sec("io_http").or_else(|| sec("io_sleep")) {
        let lat = s
            .params
            .get("latency_s")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN);
        let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
        parts.push(format!(
            "For waiting, {} tasks of {:.0} ms took {:.2} s one after another but {:.2} s with tokio tasks and {:.2} s with one thread each ({:.2}× and {:.2}× one latency); fixed pools are bounded by their worker count ({:.2} s threads, {:.2} s processes).",
            s.params.get("tasks").and_then(Value::as_u64).unwrap_or(0),
            lat * 1e3,
            t("sequential"),
            t("tokio"),
            t("threads"),
            t("tokio") / lat,
            t("threads") / lat,
            t("thread_pool"),
            t("process_pool"),
        ));
    }
    if let Some(s) = sec("sweep_io") {
        let lat = s
            .params
            .get("latency_s")
            .and_then(Value::as_f64)
            .unwrap_or(f64::NAN);
        let max_tokio = s
            .rows
            .iter()
            .filter(|r| r.key.starts_with("tokio_"))
            .max_by_key(|r| r.workers.parse::<u64>().unwrap_or(0));
        let max_threads = s
            .rows
            .iter()
            .filter(|r| r.key.starts_with("threads_"))
            .max_by_key(|r| r.workers.parse::<u64>().unwrap_or(0));
        if let (Some(k), Some(th)) = (max_tokio, max_threads) {
            parts.push(format!(
                "Scaling up, {} tokio sleeps finished in {:.2}× one sleep and {} threads in {:.2}×.",
                k.workers,
                k.median / lat,
                th.workers,
                th.median / lat
            ));
        }
    }
    if let Some(s) = sec("spawn") {
        let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
        parts.push(format!(
            "Starting a worker cost {:.1} µs for a thread, {:.2} µs for a tokio task and {:.0} µs for a process (re-exec), {:.0} µs with a bare fork.",
            t("thread"),
            t("task"),
            t("process"),
            t("fork")
        ));
    }
    if let Some(s) = sec("memory") {
        let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
        parts.push(format!(
            "An idle thread kept {:.0} KiB resident, an idle task {:.2} KiB and an idle process {:.0} KiB (PSS).",
            t("thread"),
            t("task"),
            t("process_pss")
        ));
    }
    if let Some(s) = sec("sync") {
        let t = |k: &str| s.row(k).map_or(f64::NAN, |r| r.median);
        parts.push(format!(
            "Sharing one counter cost {:.1} ms behind a Mutex and {:.1} ms as an atomic, against {:.1} ms for per-thread sums merged at the end.",
            t("mutex") * 1e3,
            t("atomic") * 1e3,
            t("local") * 1e3
        ));
    }
    if let Some(s) = sec("serialization") {
        let notes: Vec<&str> = s
            .notes
            .iter()
            .filter(|n| n.contains(" work: "))
            .map(String::as_str)
            .collect();
        if !notes.is_empty() {
            parts.push(format!("Process pools and data: {}.", notes.join("; ")));
        }
    }
    parts.push(targets_sentence(sections));
    parts.join(" ")
}
