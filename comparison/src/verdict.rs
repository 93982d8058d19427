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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Sample, Series, Status};

    fn series(key: &str, needs: f64, samples: &[(f64, f64)]) -> Series {
        Series {
            key: key.into(),
            needs,
            samples: samples
                .iter()
                .map(|&(wall, cpu)| Sample::new(wall, cpu))
                .collect(),
            checksum: 1,
        }
    }

    /// A CPU table as the part builds it, from given samples.
    fn cpu_section(threads: &[(f64, f64)]) -> Section {
        let base = series("sequential", 1.0, &[(2.0, 2.0), (2.0, 2.0), (2.0, 2.0)]);
        let thr = series("threads", 2.0, threads);
        let mut s = Section {
            id: "cpu".into(),
            ..Section::default()
        };
        for se in [&base, &thr] {
            let mut row = Row::from_series(&se.key, "", se);
            row.paired(&base, se, 2);
            let sp = row.speedup.unwrap_or(f64::NAN);
            let status = row.status(sp >= 1.9);
            if se.key == "threads" {
                s.target(
                    "CPU speedup of threads",
                    "≥ 1.9×",
                    format!("{sp:.2}×"),
                    status,
                );
            }
            s.rows.push(row);
        }
        s
    }

    #[test]
    fn a_quiet_fast_table_reads_met_with_its_spread() {
        let s = cpu_section(&[(1.0, 2.0), (1.05, 2.0), (1.02, 2.0)]);
        let v = verdict(&[s], 2);
        assert!(v.contains("one thread per task 1.96× (1.92–1.99)"), "{v}");
        assert!(v.contains("Targets: 1 of 1 met."), "{v}");
    }

    #[test]
    fn a_busy_slow_table_reads_inconclusive_not_missed() {
        // threads got 0.7 of 2 cores in every round: 1.4× says nothing about Rust
        let s = cpu_section(&[(1.43, 1.0), (1.43, 1.0), (1.43, 1.0)]);
        assert_eq!(
            s.targets[0].status.to_string(),
            "inconclusive (machine busy: got 0.7 of 2 cores)"
        );
        let v = verdict(&[s], 2);
        assert!(
            v.contains("one thread per task inconclusive (machine busy: got 0.7 of 2 cores)"),
            "{v}"
        );
        assert!(v.contains("inconclusive: CPU speedup of threads"), "{v}");
        assert!(!v.contains("missed"), "{v}");
    }

    #[test]
    fn a_quiet_slow_table_reads_missed() {
        let s = cpu_section(&[(1.6, 3.2), (1.6, 3.2), (1.6, 3.2)]);
        assert_eq!(s.targets[0].status, Status::Missed);
        let v = verdict(&[s], 2);
        assert!(
            v.contains("missed: CPU speedup of threads (1.25× against ≥ 1.9×)"),
            "{v}"
        );
    }

    #[test]
    fn an_impossible_speedup_is_never_printed_as_a_result() {
        // the baseline was slowed (it got half a core): 2.42× on 2 cores, as the issue saw
        let mut s = cpu_section(&[(1.0, 2.0), (1.0, 2.0), (1.0, 2.0)]);
        let base = series(
            "sequential",
            1.0,
            &[(2.42, 2.42), (2.42, 2.42), (2.42, 2.42)],
        );
        let thr = series("threads", 2.0, &[(1.0, 2.0), (1.0, 2.0), (1.0, 2.0)]);
        s.rows[1].paired(&base, &thr, 2);
        let r = &s.rows[1];
        assert_eq!(r.efficiency, None, "no efficiency above 100 %");
        assert!(
            r.inconclusive
                .as_deref()
                .unwrap_or("")
                .contains("impossible 2.42×")
        );
        assert!(verdict(&[s], 2).contains("inconclusive (impossible 2.42×"));
    }

    #[test]
    fn a_round_where_the_baseline_lost_its_core_is_left_out_of_the_spread() {
        // round 2: the baseline got half a core (4 s for 2 s of CPU): its 4× pair is dropped
        let base = series("sequential", 1.0, &[(2.0, 2.0), (4.0, 2.0), (2.0, 2.0)]);
        let thr = series("threads", 2.0, &[(1.0, 2.0), (1.0, 2.0), (1.0, 2.0)]);
        let mut row = Row::from_series("threads", "", &thr);
        row.paired(&base, &thr, 2);
        assert_eq!(row.clean_rounds, Some(2));
        let sp = row.speedup_spread.unwrap();
        assert_eq!((sp.p10, sp.p50, sp.p90, sp.n), (2.0, 2.0, 2.0, 2));
        assert_eq!(row.inconclusive, None);
        assert_eq!(row.efficiency, Some(1.0));
    }

    #[test]
    fn a_goal_met_only_because_the_baseline_was_slowed_is_inconclusive() {
        // the baseline got 0.35 of its core; the mode "reached" 1.95× while getting its cores
        let base = series("sequential", 1.0, &[(3.5, 1.2), (3.5, 1.2), (3.5, 1.2)]);
        let pool = series("process_pool", 2.0, &[(1.8, 3.6), (1.8, 3.6), (1.8, 3.6)]);
        let mut row = Row::from_series("process pool", "", &pool);
        row.paired(&base, &pool, 2);
        assert!(row.baseline_busy);
        assert_eq!(
            row.status(true).to_string(),
            "inconclusive (machine busy: got 0.3 of 1 core)"
        );
    }
}
