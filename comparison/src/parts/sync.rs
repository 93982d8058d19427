//! Synchronisation overhead (`c07`): one shared Mutex vs an atomic vs per-thread sums.

use anyhow::{Result, bail};

use crate::bench::{Bench, timed_table};
use crate::measure::Status;
use crate::report::{Row, Section};
use crate::stats::{self};
use crate::{python, sync};

impl Bench {
    pub(crate) fn part_sync(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let (t, per) = (cfg.cores, cfg.sync_per);
        let mut s = Section {
            id: "sync".into(),
            title: format!("Synchronisation: {t} threads × {per} additions to one total"),
            expected_checksum: Some(t as u64 * per),
            bar_chart: true,
            ..Section::default()
        };
        s.param("threads", t);
        s.param("per_thread", per);
        type Mode = fn(usize, u64) -> u64;
        let modes: [(&str, &str, Mode); 4] = [
            ("sequential", "one thread, no sharing", sync::sequential),
            ("mutex", "shared Mutex<u64>", sync::mutex),
            ("atomic", "shared AtomicU64", sync::atomic),
            ("local", "per-thread sums, merged", sync::local_sums),
        ];
        for (key, what, run) in modes {
            let workers = if key == "sequential" {
                "1 thread".to_owned()
            } else {
                format!("{t} threads")
            };
            let m = self.measure(&format!("sync {key}"), || Ok(run(t, per)))?;
            s.rows.push(Row::timed(key, what, workers, &m));
        }
        let base = s.rows[0].median;
        for r in &mut s.rows {
            r.against(base, cfg.cores, true);
            r.note = format!(
                "{:.1} ns per addition",
                r.median * 1e9 / (t as f64 * per as f64)
            );
        }
        let factor = per as f64 / cfg.py_sync_per as f64;
        let args: Vec<String> = vec![
            "--threads".into(),
            t.to_string(),
            "--per".into(),
            cfg.py_sync_per.to_string(),
            "--runs".into(),
            cfg.runs.min(3).to_string(),
            "--warmup".into(),
            cfg.warmup.min(1).to_string(),
        ];
        if let Some(v) = self.py("sync_overhead.py", &args) {
            let py_seq = python::mode(&v, "sequential").map(|m| m.0);
            for key in ["sequential", "mutex", "local"] {
                if let Some((py_t, sum)) = python::mode(&v, key) {
                    if sum != Some(t as u64 * cfg.py_sync_per) {
                        bail!("Python sync {key} returned {sum:?}");
                    }
                    if let Some(r) = s.rows.iter_mut().find(|r| r.key == key) {
                        r.with_python(
                            if key == "mutex" {
                                "threading.Lock"
                            } else {
                                key
                            },
                            py_t * factor,
                        );
                        r.python_speedup = py_seq.map(|b| stats::speedup(b, py_t));
                    }
                }
            }
            s.notes.push(format!(
                "Python did {} additions per thread (×{factor:.0} scaled); it has no atomic integer",
                cfg.py_sync_per
            ));
        }
        if let (Some(mx), Some(at), Some(lo)) = (s.row("mutex"), s.row("atomic"), s.row("local")) {
            let ordered = mx.median > at.median && at.median > lo.median;
            let measured = format!(
                "{:.3} s > {:.3} s > {:.3} s",
                mx.median, at.median, lo.median
            );
            s.target(
                "mutex > atomic > local sums (time)",
                "ordered",
                measured,
                Status::judge(ordered, None, None),
            );
        }
        s.table = timed_table(&s.rows, "Python (s)*", true);
        self.push(s);
        Ok(())
    }
}
