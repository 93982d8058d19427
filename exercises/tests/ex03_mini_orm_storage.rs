//! Exercise 3 tests (solution by default; your starter via `cargo run --bin exercises -- check 3`).
use ex::{EngineConfig, EngineRegistration, StorageEngine, StorageError};
exercises::subject!(ex03_mini_orm_storage);
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};

fn config() -> (tempfile::TempDir, EngineConfig) {
    let dir = tempfile::tempdir().unwrap();
    let cfg = EngineConfig {
        dir: dir.path().to_path_buf(),
    };
    (dir, cfg)
}

/// An engine the exercise file knows nothing about: registering it here must be enough.
struct UpperCaseNames(Option<Value>);

impl StorageEngine for UpperCaseNames {
    fn save(&mut self, data: &Value) -> Result<(), StorageError> {
        self.0 = Some(data.clone());
        Ok(())
    }
    fn load(&self) -> Result<Value, StorageError> {
        self.0.clone().ok_or(StorageError::Empty)
    }
}

inventory::submit! {
    EngineRegistration { name: "test-engine", make: |_| Box::new(UpperCaseNames(None)) }
}

#[test]
fn both_engines_round_trip() {
    let (_dir, cfg) = config();
    let data = json!({"users": [{"id": 1, "name": "Ada"}, {"id": 2, "name": "Linus"}]});
    for name in ["memory", "file"] {
        let mut engine = ex::create_engine(name, &cfg).unwrap();
        assert!(
            matches!(engine.load(), Err(StorageError::Empty)),
            "{name}: load before save"
        );
        engine.save(&data).unwrap();
        assert_eq!(engine.load().unwrap(), data, "{name}: round trip");
        engine.save(&json!([1, 2, 3])).unwrap();
        assert_eq!(
            engine.load().unwrap(),
            json!([1, 2, 3]),
            "{name}: second save replaces"
        );
    }
    // The file engine really wrote the file, and a new engine on the same dir sees it.
    let again = ex::create_engine("file", &cfg).unwrap();
    assert_eq!(again.load().unwrap(), json!([1, 2, 3]));
}

#[test]
fn the_registry_finds_every_engine_without_a_central_list() {
    let names = ex::engine_names();
    for n in ["file", "memory", "test-engine"] {
        assert_eq!(
            names.iter().filter(|x| **x == n).count(),
            1,
            "{n} in {names:?}"
        );
    }
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "sorted: {names:?}");
    let (_dir, cfg) = config();
    let mut e = ex::create_engine("test-engine", &cfg).unwrap();
    e.save(&json!("hi")).unwrap();
    assert_eq!(e.load().unwrap(), json!("hi"));
}

#[test]
fn an_unknown_engine_is_an_error_naming_the_known_ones() {
    let (_dir, cfg) = config();
    let Err(err) = ex::create_engine("postgres", &cfg) else {
        panic!("an unknown name must be an error");
    };
    assert!(matches!(err, StorageError::UnknownEngine { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("postgres") && msg.contains("memory") && msg.contains("file"),
        "{msg}"
    );
}

#[test]
fn a_corrupt_file_gives_a_clear_error() {
    let (dir, cfg) = config();
    let engine = ex::create_engine("file", &cfg).unwrap();
    let path = dir.path().join("storage.json");
    std::fs::write(&path, "{\"users\": [1, 2").unwrap();
    match engine.load() {
        Err(StorageError::Corrupt { path: p, reason }) => {
            assert_eq!(p, path);
            assert!(!reason.is_empty());
        }
        other => panic!("expected StorageError::Corrupt, got {other:?}"),
    }
    let msg = engine.load().unwrap_err().to_string();
    assert!(
        msg.contains("corrupt") && msg.contains("storage.json"),
        "{msg}"
    );
}

/// A reader loads while a writer saves big documents over and over. With a plain
/// `fs::write` (truncate, then write) the reader sometimes sees an empty or half-written file;
/// with write-to-temp + rename it never does.
#[test]
fn file_writes_are_atomic() {
    let (dir, cfg) = config();
    let big = |n: u64| json!({"n": n, "rows": (0..20_000).map(|i| i * n).collect::<Vec<u64>>()});
    let mut writer = ex::create_engine("file", &cfg).unwrap();
    writer.save(&big(0)).unwrap();
    let reader = ex::create_engine("file", &cfg).unwrap();
    let stop = AtomicBool::new(false);
    let (reads, bad) = std::thread::scope(|s| {
        let stop = &stop;
        let r = s.spawn(move || {
            let (mut reads, mut bad) = (0u32, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                match reader.load() {
                    Ok(v) => assert_eq!(v["rows"].as_array().map(Vec::len), Some(20_000)),
                    Err(e) => bad.push(e.to_string()),
                }
                reads += 1;
            }
            (reads, bad)
        });
        for n in 1..=40 {
            writer.save(&big(n)).unwrap();
        }
        stop.store(true, Ordering::Relaxed);
        r.join().unwrap()
    });
    assert!(reads > 0);
    assert!(
        bad.is_empty(),
        "{} of {reads} reads saw a broken file, e.g. {:?}",
        bad.len(),
        bad.first()
    );
    assert_eq!(writer.load().unwrap()["n"], 40);
    // No temporary files left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n != "storage.json")
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
}
