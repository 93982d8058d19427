//! The Python original's `orm_backend_framework_demo.py`: two database backends behind one registry.
//!
//! Python original: the course notebook, `orm_backend_framework_demo.py`. Same design as `m10_backend_registry` (trait +
//! self-registering backends + factory), in the script's form with its messages. One Rust twist:
//! `close` is also what `Drop` does. A connection closes itself when it goes out of scope, on
//! every path — early returns and panics included — which is the RAII form of Python's
//! `try/finally` or `with`.
//!
//! Run: `cargo run --example m11_orm_backend_framework_demo`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | registry: ["MySQLBackend", "SQLiteBackend"]
//! [   0.000s] main         | SQLite connected
//! [   0.000s] main         | SQLite executing: SELECT * FROM products
//! [   0.000s] main         | SQLite closed
//! [   0.000s] main         | MySQL connected
//! [   0.000s] main         | (leaving the scope without calling close)
//! [   0.000s] main         | MySQL closed (by Drop)
//! ```

trait DatabaseBackend {
    fn connect(&mut self) -> String;
    fn execute(&mut self, query: &str) -> String;
    fn close(&mut self) -> String;
}

struct BackendEntry {
    name: &'static str,
    make: fn() -> Box<dyn DatabaseBackend>,
}

inventory::collect!(BackendEntry);

/// Tracks whether the connection is open, so `Drop` knows whether to close it.
#[derive(Default)]
struct SqliteBackend {
    open: bool,
}

impl DatabaseBackend for SqliteBackend {
    fn connect(&mut self) -> String {
        self.open = true;
        "SQLite connected".into()
    }
    fn execute(&mut self, query: &str) -> String {
        format!("SQLite executing: {query}")
    }
    fn close(&mut self) -> String {
        self.open = false;
        "SQLite closed".into()
    }
}

impl Drop for SqliteBackend {
    fn drop(&mut self) {
        if self.open {
            utilities::say!("SQLite closed (by Drop)");
        }
    }
}
inventory::submit! { BackendEntry { name: "SQLiteBackend", make: || Box::new(SqliteBackend::default()) } }

#[derive(Default)]
struct MySqlBackend {
    open: bool,
}

impl DatabaseBackend for MySqlBackend {
    fn connect(&mut self) -> String {
        self.open = true;
        "MySQL connected".into()
    }
    fn execute(&mut self, query: &str) -> String {
        format!("MySQL executing: {query}")
    }
    fn close(&mut self) -> String {
        self.open = false;
        "MySQL closed".into()
    }
}

impl Drop for MySqlBackend {
    fn drop(&mut self) {
        if self.open {
            utilities::say!("MySQL closed (by Drop)");
        }
    }
}
inventory::submit! { BackendEntry { name: "MySQLBackend", make: || Box::new(MySqlBackend::default()) } }

fn registry() -> Vec<&'static str> {
    let mut names: Vec<&str> = inventory::iter::<BackendEntry>
        .into_iter()
        .map(|b| b.name)
        .collect();
    names.sort_unstable();
    names
}

/// The Python original's `get_backend` (it raises `KeyError` for an unknown name; here, `None`).
fn get_backend(name: &str) -> Option<Box<dyn DatabaseBackend>> {
    inventory::iter::<BackendEntry>
        .into_iter()
        .find(|b| b.name == name)
        .map(|b| (b.make)())
}

/// The script's three calls.
fn script(name: &str, query: &str) -> Option<[String; 3]> {
    let mut b = get_backend(name)?;
    Some([b.connect(), b.execute(query), b.close()])
}

fn main() {
    utilities::output::start_clock();
    utilities::say!("registry: {:?}", registry());
    for line in script("SQLiteBackend", "SELECT * FROM products").unwrap_or_default() {
        utilities::say!("{line}");
    }
    if let Some(mut mysql) = get_backend("MySQLBackend") {
        utilities::say!("{}", mysql.connect());
        utilities::say!("(leaving the scope without calling close)");
    } // `mysql` is dropped here: Drop closes it
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(registry(), ["MySQLBackend", "SQLiteBackend"]);
        assert_eq!(
            script("SQLiteBackend", "SELECT * FROM products").unwrap(),
            [
                "SQLite connected",
                "SQLite executing: SELECT * FROM products",
                "SQLite closed"
            ]
        );
    }
}
