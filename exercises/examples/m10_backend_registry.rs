//! Interface + automatic registration + factory by name: the Python original's ORM backend framework.
//!
//! Python original: the course notebook, "Practical Use Case in Framework Design or ORMs", Steps 1–6: `DatabaseBackend`
//! (abstract `connect`, `execute`, `close`), `BackendRegistryMeta` (registers every class except
//! `BaseBackend`), `SQLiteBackend` and `PostgresBackend`, and `get_backend(name)` raising
//! `ValueError("Unsupported backend")` for an unknown name.
//!
//! Rust: `trait DatabaseBackend` is the ABC; a registry of `(name, fn() -> Box<dyn
//! DatabaseBackend>)` filled by `inventory::submit!` is the metaclass; `get_backend` returns a
//! `Result`. "The base class is not registered" needs no special case: only the types that
//! submit an entry are in the registry, and the trait itself is not a type you can build.
//!
//! Run: `cargo run --example m10_backend_registry`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | registered backends: ["PostgresBackend", "SQLiteBackend"]
//! [   0.000s] main         | Connecting to SQLite
//! [   0.000s] main         | Executing SQLite query: SELECT * FROM users
//! [   0.000s] main         | Closing SQLite connection
//! [   0.000s] main         | get_backend("OracleBackend") -> error: Unsupported backend: OracleBackend
//! ```

/// Step 1: the interface.
trait DatabaseBackend {
    fn connect(&mut self) -> String;
    fn execute(&mut self, query: &str) -> String;
    fn close(&mut self) -> String;
}

/// Step 3: the registry entry (what the metaclass stored: name → class).
struct BackendEntry {
    name: &'static str,
    make: fn() -> Box<dyn DatabaseBackend>,
}

inventory::collect!(BackendEntry);

/// Step 5: concrete backends, each registered where it is defined.
struct SqliteBackend;
impl DatabaseBackend for SqliteBackend {
    fn connect(&mut self) -> String {
        "Connecting to SQLite".into()
    }
    fn execute(&mut self, query: &str) -> String {
        format!("Executing SQLite query: {query}")
    }
    fn close(&mut self) -> String {
        "Closing SQLite connection".into()
    }
}
inventory::submit! { BackendEntry { name: "SQLiteBackend", make: || Box::new(SqliteBackend) } }

struct PostgresBackend;
impl DatabaseBackend for PostgresBackend {
    fn connect(&mut self) -> String {
        "Connecting to PostgreSQL".into()
    }
    fn execute(&mut self, query: &str) -> String {
        format!("Executing PostgreSQL query: {query}")
    }
    fn close(&mut self) -> String {
        "Closing PostgreSQL connection".into()
    }
}
inventory::submit! { BackendEntry { name: "PostgresBackend", make: || Box::new(PostgresBackend) } }

/// Registered names, sorted.
fn registered() -> Vec<&'static str> {
    let mut names: Vec<&str> = inventory::iter::<BackendEntry>
        .into_iter()
        .map(|b| b.name)
        .collect();
    names.sort_unstable();
    names
}

/// Step 6: the factory.
fn get_backend(name: &str) -> Result<Box<dyn DatabaseBackend>, String> {
    inventory::iter::<BackendEntry>
        .into_iter()
        .find(|b| b.name == name)
        .map(|b| (b.make)())
        .ok_or_else(|| format!("Unsupported backend: {name}"))
}

/// The Python original's usage: connect, execute, close.
fn session(name: &str, query: &str) -> Result<Vec<String>, String> {
    let mut backend = get_backend(name)?;
    Ok(vec![
        backend.connect(),
        backend.execute(query),
        backend.close(),
    ])
}

fn main() {
    utilities::output::start_clock();
    utilities::say!("registered backends: {:?}", registered());
    match session("SQLiteBackend", "SELECT * FROM users") {
        Ok(lines) => lines.iter().for_each(|l| utilities::say!("{l}")),
        Err(e) => utilities::say!("error: {e}"),
    }
    if let Err(e) = get_backend("OracleBackend") {
        utilities::say!("get_backend(\"OracleBackend\") -> error: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(registered(), ["PostgresBackend", "SQLiteBackend"]);
        assert_eq!(
            session("SQLiteBackend", "SELECT * FROM users").unwrap(),
            [
                "Connecting to SQLite",
                "Executing SQLite query: SELECT * FROM users",
                "Closing SQLite connection"
            ]
        );
        assert_eq!(
            get_backend("BaseBackend").err().as_deref(),
            Some("Unsupported backend: BaseBackend"),
            "the base is not registered"
        );
    }
}
