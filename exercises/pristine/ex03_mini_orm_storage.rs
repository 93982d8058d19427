//! # Exercise 3: a mini ORM storage component
//!
//! Python: an abstract `StorageEngine` with `save(data)` and `load()`, a metaclass that registers
//! every implementation automatically, two engines (in-memory, file), and a factory function that
//! selects an engine by name.
//!
//! Rust: the trait is given. You write
//! - the two engines' `save`/`load`;
//! - their registration (`inventory::submit!` next to each engine — no central list), so that
//!   `engine_names()` lists `["file", "memory"]` and a new engine defined anywhere (the test
//!   defines one) appears without changing this file;
//! - the factory `create_engine(name, config)`; an unknown name is `Err(UnknownEngine)`.
//!
//! The file engine must write **atomically**: a reader must never see a half-written file, even
//! while another thread saves (the test checks this with a reader racing a writer). Write a
//! temporary file in the same directory, `sync_all()` it, then `std::fs::rename` it over the
//! target. A file that is not valid JSON must give `StorageError::Corrupt` naming the path.
//!
//! Done when: save/load round-trips for both engines; `load` before any save is
//! `Err(StorageError::Empty)`; the registry lists both names and finds the test's engine;
//! the racing reader never sees a broken file; a corrupt file gives a clear error.
//!
//! Builds on: `m06_plugin_registry`, `m10_backend_registry`, `m11_orm_backend_framework_demo`.
//!
//! Check: `cargo run --bin exercises -- check 3`
#![allow(unused, unreachable_code, clippy::all)]

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
    fn save(&mut self, data: &Value) -> Result<(), StorageError>;
    /// The last data saved; `Err(StorageError::Empty)` before the first save.
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

/// Keeps data in memory.
#[derive(Debug, Default)]
pub struct MemoryStorage {
    data: Option<Value>,
}

impl StorageEngine for MemoryStorage {
    fn save(&mut self, data: &Value) -> Result<(), StorageError> {
        todo!()
    }
    fn load(&self) -> Result<Value, StorageError> {
        todo!()
    }
}

// TODO: register MemoryStorage as "memory".

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
        todo!("write a temporary file, sync_all, rename over self.path")
    }
    fn load(&self) -> Result<Value, StorageError> {
        todo!("missing file → Empty; bad JSON → Corrupt")
    }
}

// TODO: register FileStorage as "file" (it stores in `FileStorage::new(&config.dir)`).

/// Every registered engine name, sorted.
pub fn engine_names() -> Vec<&'static str> {
    todo!()
}

/// The factory: builds the engine registered as `name`.
pub fn create_engine(
    name: &str,
    config: &EngineConfig,
) -> Result<Box<dyn StorageEngine>, StorageError> {
    todo!()
}
