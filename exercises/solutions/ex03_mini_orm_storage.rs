//! # Exercise 3: a mini ORM storage component (reference solution)
//!
//! Python: an ABC `StorageEngine` (`save`, `load`), a metaclass that registers every
//! implementation, an in-memory and a file engine, and a factory that picks one by name.
//! Rust: a trait, `inventory::submit!` next to each engine (the registry is filled before `main`
//! without any central list), and `create_engine(name)` that walks the registry.
//!
//! The file engine never leaves a half-written file: it writes a temporary file in the same
//! directory, flushes it to disk, and renames it over the target (one atomic step on POSIX).
//! A file that does not parse is reported as [`StorageError::Corrupt`] with its path.

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No engine is registered under this name.
    #[error("unknown storage engine {name:?} (registered: {known})")]
    UnknownEngine {
        /// The name asked for.
        name: String,
        /// Every registered name, comma-separated.
        known: String,
    },
    /// Nothing was saved yet.
    #[error("nothing saved yet")]
    Empty,
    /// The file exists but is not valid JSON.
    #[error("corrupt storage file {path}: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        reason: String,
    },
    /// Reading or writing failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// What every storage engine does.
pub trait StorageEngine: Send {
    /// Stores `data`, replacing what was there.
    ///
    /// # Errors
    /// When the data cannot be stored.
    fn save(&mut self, data: &Value) -> Result<(), StorageError>;
    /// The last data saved.
    ///
    /// # Errors
    /// [`StorageError::Empty`] before the first save; others when reading fails.
    fn load(&self) -> Result<Value, StorageError>;
}

/// Where engines may keep their files.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// A directory the engine may write into.
    pub dir: PathBuf,
}

/// One registered engine: its name and how to build it.
pub struct EngineRegistration {
    /// Name used by [`create_engine`].
    pub name: &'static str,
    /// Builds an engine.
    pub make: fn(&EngineConfig) -> Box<dyn StorageEngine>,
}

inventory::collect!(EngineRegistration);

/// Keeps data in memory (gone when the engine is dropped).
#[derive(Debug, Default)]
pub struct MemoryStorage {
    data: Option<Value>,
}

impl StorageEngine for MemoryStorage {
    fn save(&mut self, data: &Value) -> Result<(), StorageError> {
        self.data = Some(data.clone());
        Ok(())
    }
    fn load(&self) -> Result<Value, StorageError> {
        self.data.clone().ok_or(StorageError::Empty)
    }
}

inventory::submit! {
    EngineRegistration { name: "memory", make: |_| Box::new(MemoryStorage::default()) }
}

/// Keeps data as JSON in `<dir>/storage.json`.
#[derive(Debug)]
pub struct FileStorage {
    path: PathBuf,
}

impl FileStorage {
    /// The engine's file inside `dir`.
    pub fn new(dir: &Path) -> Self {
        Self {
            path: dir.join("storage.json"),
        }
    }
    /// The file it writes.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl StorageEngine for FileStorage {
    fn save(&mut self, data: &Value) -> Result<(), StorageError> {
        let io = |source| StorageError::Io {
            path: self.path.clone(),
            source,
        };
        let bytes = serde_json::to_vec_pretty(data).expect("a Value always serialises");
        // Same directory as the target, so the rename never crosses file systems. The pid and a
        // counter keep concurrent writers from sharing a temporary file.
        static SEQ: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let seq = SEQ.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmp = self
            .path
            .with_extension(format!("json.tmp-{}-{seq}", std::process::id()));
        let result = (|| {
            let mut file = std::fs::File::create(&tmp)?;
            file.write_all(&bytes)?;
            file.sync_all()?; // the bytes are on disk before the name points at them
            std::fs::rename(&tmp, &self.path)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        result.map_err(io)
    }

    fn load(&self) -> Result<Value, StorageError> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StorageError::Empty),
            Err(source) => {
                return Err(StorageError::Io {
                    path: self.path.clone(),
                    source,
                });
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| StorageError::Corrupt {
            path: self.path.clone(),
            reason: e.to_string(),
        })
    }
}

inventory::submit! {
    EngineRegistration { name: "file", make: |cfg| Box::new(FileStorage::new(&cfg.dir)) }
}

/// Every registered engine name, sorted.
pub fn engine_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = inventory::iter::<EngineRegistration>
        .into_iter()
        .map(|r| r.name)
        .collect();
    names.sort_unstable();
    names
}

/// The factory: builds the engine registered as `name`.
///
/// # Errors
/// [`StorageError::UnknownEngine`] listing the registered names.
pub fn create_engine(
    name: &str,
    config: &EngineConfig,
) -> Result<Box<dyn StorageEngine>, StorageError> {
    inventory::iter::<EngineRegistration>
        .into_iter()
        .find(|r| r.name == name)
        .map(|r| (r.make)(config))
        .ok_or_else(|| StorageError::UnknownEngine {
            name: name.to_owned(),
            known: engine_names().join(", "),
        })
}
