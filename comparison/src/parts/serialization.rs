//! Serialisation overhead (`c08`): a process pool with growing payloads, with and without shared memory.

use std::collections::BTreeMap;

use anyhow::{Result, bail};

use crate::bench::{Bench, PyRounds, size_label};
use crate::measure::{Mode, Spread};
use crate::report::{Row, Section, SeriesOut, Sweep, s3};
use crate::serialization;

impl Bench {
    pub(crate) fn part_serialization(&mut self) -> Result<()> {
        let cfg = self.cfg.clone();
        let mut s = Section {
            id: "serialization".into(),
            title: format!(
                "Serialisation: {} jobs × payload, light ({}) or heavy ({}) work per job",
                cfg.ser_tasks, cfg.ser_work_light, cfg.ser_work
            ),
            ..Section::default()
        };
        s.param("tasks", cfg.ser_tasks);
        s.param("cores", cfg.cores);
        s.param("work_light", cfg.ser_work_light);
        s.param("work_heavy", cfg.ser_work);
        s.param("sizes", cfg.ser_sizes.clone());
        let sizes: Vec<usize> = cfg
            .ser_sizes
            .iter()
            .copied()
            .filter(|&b| b <= crate::procpool::MAX_JOB_BYTES)
            .collect();
        let pool = self.take_pool()?;
        let rayon = rayon::ThreadPoolBuilder::new()
            .num_threads(cfg.cores)
            .build()?;
        let mut table = utilities::Table::new([
            "payload",
            "work",
            "mode",
            "median (s)",
            "min (s)",
            "vs sequential (p10–p90)",
            "sent per run",
            "note",
        ]);
        // Each line's points, and per point whether its speedup is inconclusive.
        let mut series: BTreeMap<String, (Vec<[f64; 2]>, Vec<bool>)> = BTreeMap::new();
        let mut agree = true;
        let mut pool_speedups: BTreeMap<&str, Vec<(usize, f64)>> = BTreeMap::new();
        let mut pool_busy: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        let works = [
            ("light", cfg.ser_work_light, cfg.py_ser_work_light),
            ("heavy", cfg.ser_work, cfg.py_ser_work),
        ];
        // Python's sequential and Pool.map of the same payloads, one run each after the Rust
        // modes of every round: its speedup pairs runs of the same round too.
        let mut py_table = utilities::Table::new([
            "payload",
            "work",
            "Python sequential (s)",
            "Python Pool.map (s)",
            "vs sequential (p10–p90)",
        ]);
        let mut py_any = false;
        let result = (|| -> Result<()> {
            for &size in &sizes {
                let data = serialization::payloads(cfg.ser_tasks, size);
                let shared = serialization::SharedPayloads::new(&data)?;
                let label = size_label(size);
                for (regime, work, py_work) in works {
                    let copied = serialization::bytes_per_run(&data, work)?;
                    let want = serialization::sequential(&data, work);
                    // The four modes of this size in rounds, with CPU time (pool workers too);
                    // speedups from same-round pairs with the sequential run.
                    let kinds = [
                        ("sequential", "sequential"),
                        ("threads", "rayon threads (borrow)"),
                        ("process_pool", "process pool (copy)"),
                        ("shared_memory", "process pool + shared memory"),
                    ];
                    let py_args = PyRounds::args(&[
                        ("tasks", cfg.ser_tasks.to_string()),
                        ("sizes", size.to_string()),
                        ("works", py_work.to_string()),
                        ("workers", cfg.cores.to_string()),
                    ]);
                    let py_rounds = PyRounds::new();
                    let measured = {
                        let (data, shared, rayon, pool) = (&data, &shared, &rayon, &pool);
                        let par = cfg.cores as f64;
                        let mut modes = vec![
                            Mode::new("sequential", 1.0, move || {
                                Ok(serialization::sequential(data, work))
                            }),
                            Mode::new("threads", par, move || {
                                Ok(serialization::threads(rayon, data, work))
                            }),
                            Mode::new("process_pool", par, move || {
                                serialization::process_pool(pool, data, work)
                            })
                            .with_pids(move || pool.pids()),
                            Mode::new("shared_memory", par, move || {
                                serialization::shared_memory(pool, shared, work)
                            })
                            .with_pids(move || pool.pids()),
                        ];
                        modes.extend(
                            self.py_mode(&py_rounds, "serialization.py", |_| py_args.clone()),
                        );
                        self.rounds(
                            &format!("serialization {label} {regime}"),
                            cfg.runs.min(3),
                            &mut modes,
                        )?
                    };
                    for (se, (key, mode)) in measured.iter().zip(kinds) {
                        let sent = match key {
                            "process_pool" => copied.0,
                            "shared_memory" => copied.1,
                            _ => 0,
                        };
                        agree &= se.checksum == want;
                        let mut row = Row::from_series(mode, label.clone(), se);
                        row.paired(&measured[0], se, cfg.cores);
                        row.key = format!("{key}_{regime}_{size}");
                        let sp = row.speedup.unwrap_or(f64::NAN);
                        if key != "sequential" {
                            let short = match key {
                                "threads" => "threads",
                                "process_pool" => "pool (copy)",
                                _ => "pool (shm)",
                            };
                            let line = series.entry(format!("{short}, {regime}")).or_default();
                            line.0.push([size as f64, sp]);
                            line.1.push(row.inconclusive.is_some());
                        }
                        if key == "process_pool" {
                            pool_speedups.entry(regime).or_default().push((size, sp));
                            if row.inconclusive.is_some() {
                                pool_busy.entry(regime).or_default().push(size);
                            }
                        }
                        let spread = row
                            .speedup_spread
                            .map_or_else(|| format!("{sp:.2}×"), |x| x.times());
                        table.row([
                            label.clone(),
                            regime.to_owned(),
                            mode.to_owned(),
                            s3(row.median),
                            s3(row.min),
                            spread,
                            size_label(sent),
                            row.inconclusive
                                .as_ref()
                                .map_or_else(String::new, |w| format!("inconclusive ({w})")),
                        ]);
                        row.note = format!("{regime} work; {sent} bytes sent to workers per run");
                        s.rows.push(row);
                    }
                    if let Some(runs) = py_rounds.measured(cfg.warmup) {
                        let want = serialization::sequential(&data, py_work);
                        let seq =
                            PyRounds::series(&runs, &format!("sequential@{size}@{py_work}"), 1.0);
                        let pooled =
                            PyRounds::series(&runs, &format!("processes@{size}@{py_work}"), 1.0);
                        if let (Some((a, ca)), Some((b, cb))) = (seq, pooled) {
                            if ca != Some(want) || cb != Some(want) {
                                bail!("Python serialization checksum mismatch at {size} bytes");
                            }
                            let sp = Spread::of(&crate::measure::paired_ratios(&a, &b, false));
                            py_table.row([
                                label.clone(),
                                regime.to_owned(),
                                s3(a.median()),
                                s3(b.median()),
                                sp.times(),
                            ]);
                            py_any = true;
                            let line = series.entry(format!("Python pool, {regime}")).or_default();
                            line.0.push([size as f64, sp.p50]);
                            line.1.push(false);
                        }
                    }
                }
            }
            Ok(())
        })();
        self.pool = Some(pool);
        result?;
        s.checksums_agree = agree;
        s.table = table.to_string();
        if py_any {
            s.table.push_str(&format!(
                "\nPython, same payloads (pickled bytes), light = {} and heavy = {} loop iterations per job, in the same rounds:\n{py_table}",
                cfg.py_ser_work_light, cfg.py_ser_work
            ));
        }
        for (regime, speedups) in &pool_speedups {
            s.notes.push(format!(
                "{regime} work: {}",
                serialization::crossover_note(
                    speedups,
                    pool_busy.get(regime).map_or(&[][..], Vec::as_slice)
                )
            ));
        }
        s.notes.push(
            "shared memory sends only (offset, length): the data is written once into a /dev/shm file that workers map"
                .into(),
        );
        s.sweeps.push(Sweep {
            id: "serialization".into(),
            title: "Speedup over sequential vs payload size per job (1.0 = break-even)".into(),
            x_label: "payload bytes per job (log scale)".into(),
            y_label: "speedup over sequential".into(),
            log_x: true,
            series: series
                .into_iter()
                .map(|(name, (points, busy))| SeriesOut {
                    name,
                    points,
                    inconclusive: if busy.iter().any(|&b| b) {
                        busy
                    } else {
                        Vec::new()
                    },
                })
                .collect(),
        });
        self.push(s);
        Ok(())
    }
}
