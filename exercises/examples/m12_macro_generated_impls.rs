//! What ORMs use metaclasses for, done by a macro where the model is defined.
//!
//! Python original: the course notebook, Module 3 "What is a metaclass?" (adding methods and fields, validating attributes),
//! "Metaclasses vs Abstract Base Classes", "When Metaclasses Should Be Used" and "Why ORMs Use
//! This Pattern": a Django-style metaclass reads a class body, validates it, adds methods (a
//! table name, a CREATE TABLE statement) and registers the model.
//!
//! Rust: `model!` is a `macro_rules!` macro that expands, where the model is written, into the
//! struct, an `impl Model` with the generated methods, a registration, and `const` assertions
//! that validate the definition *at compile time*: a model with no fields or a table name like
//! `"User Table"` stops the build (see `tests/ui/m12_invalid_model.rs`). A derive proc-macro
//! (`#[derive(Model)]`) is the heavier, nicer-looking option, at the cost of its own crate.
//!
//! When to use which (the Python original's advice holds): a trait for shared behaviour; a default method
//! for shared logic; a macro only when boilerplate must be *generated* from a definition.
//!
//! Run: `cargo run --example m12_macro_generated_impls`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | models: ["products", "users"]
//! [   0.000s] main         | CREATE TABLE users (id INTEGER, name TEXT, email TEXT)
//! [   0.000s] main         | CREATE TABLE products (id INTEGER, title TEXT, price REAL)
//! [   0.000s] main         | User { id: 1, name: "Ada", email: "ada@example.org" } -> INSERT INTO users (id, name, email) VALUES (1, 'Ada', 'ada@example.org')
//! ```

/// What every generated model provides.
pub(crate) trait Model {
    const TABLE: &'static str;
    const FIELDS: &'static [(&'static str, &'static str)];

    /// The generated schema.
    fn create_table() -> String {
        let cols: Vec<String> = Self::FIELDS
            .iter()
            .map(|(name, sql_type)| format!("{name} {sql_type}"))
            .collect();
        format!("CREATE TABLE {} ({})", Self::TABLE, cols.join(", "))
    }

    /// The values of one row, as SQL literals.
    fn values(&self) -> Vec<String>;

    /// The generated insert statement.
    fn insert_sql(&self) -> String {
        let names: Vec<&str> = Self::FIELDS.iter().map(|(n, _)| *n).collect();
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            Self::TABLE,
            names.join(", "),
            self.values().join(", ")
        )
    }
}

// The items the macro's expansion names are `pub(crate)`, so that a test can use the macro from
// outside this file (`tests/ui/m12_invalid_model.rs`).

/// Maps a Rust field type to a SQL type and literal.
pub(crate) trait SqlValue {
    const SQL_TYPE: &'static str;
    fn literal(&self) -> String;
}
impl SqlValue for i64 {
    const SQL_TYPE: &'static str = "INTEGER";
    fn literal(&self) -> String {
        self.to_string()
    }
}
impl SqlValue for f64 {
    const SQL_TYPE: &'static str = "REAL";
    fn literal(&self) -> String {
        self.to_string()
    }
}
impl SqlValue for String {
    const SQL_TYPE: &'static str = "TEXT";
    fn literal(&self) -> String {
        format!("'{}'", self.replace('\'', "''"))
    }
}

/// Registered models (what the metaclass's registry held).
pub(crate) struct ModelInfo {
    pub(crate) table: &'static str,
    pub(crate) create: fn() -> String,
}
inventory::collect!(ModelInfo);

/// Whether `name` is a valid table name: non-empty, lowercase ASCII letters and `_` only.
/// A `const fn`, so the compiler can run it inside a `const` assertion.
pub(crate) const fn valid_table_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if !(bytes[i].is_ascii_lowercase() || bytes[i] == b'_') {
            return false;
        }
        i += 1;
    }
    true
}

/// `model! { struct User in "users" { id: i64, name: String } }`
macro_rules! model {
    (struct $name:ident in $table:literal { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, PartialEq)]
        struct $name {
            $($field: $ty),*
        }

        impl Model for $name {
            const TABLE: &'static str = $table;
            const FIELDS: &'static [(&'static str, &'static str)] =
                &[$((stringify!($field), <$ty as SqlValue>::SQL_TYPE)),*];
            fn values(&self) -> Vec<String> {
                vec![$(self.$field.literal()),*]
            }
        }

        // Validation at definition time: these run in the compiler, not in the program.
        // (A field declared twice is already rejected by rustc itself: E0124.)
        const _: () = {
            assert!(
                valid_table_name($table),
                "table names are lowercase letters and underscores"
            );
            let names: &[&str] = &[$(stringify!($field)),*];
            assert!(!names.is_empty(), "a model needs at least one field");
        };

        inventory::submit! { ModelInfo { table: $table, create: <$name as Model>::create_table } }
    };
}

model! { struct User in "users" { id: i64, name: String, email: String } }
model! { struct Product in "products" { id: i64, title: String, price: f64 } }

/// Every registered model's table, sorted.
fn tables() -> Vec<&'static str> {
    let mut t: Vec<&str> = inventory::iter::<ModelInfo>
        .into_iter()
        .map(|m| m.table)
        .collect();
    t.sort_unstable();
    t
}

fn main() {
    utilities::output::start_clock();
    show_compiler_error();
    utilities::say!("models: {:?}", tables());
    let mut infos: Vec<&ModelInfo> = inventory::iter::<ModelInfo>.into_iter().collect();
    infos.sort_by_key(|m| std::cmp::Reverse(m.table)); // users first, as defined
    for m in infos {
        utilities::say!("{}", (m.create)());
    }
    let ada = User {
        id: 1,
        name: "Ada".into(),
        email: "ada@example.org".into(),
    };
    utilities::say!("{ada:?} -> {}", ada.insert_sql());
    let _ = Product {
        id: 2,
        title: "Lamp".into(),
        price: 19.5,
    };
}

/// The compiler's real error for the invalid program of this lesson: the snapshot
/// `tests/ui/m12_invalid_model.stderr`, which `cargo test --test m3_compile_errors` compares with what
/// rustc prints today (so it cannot go stale). To watch rustc print it live:
/// `cargo test --test m3_compile_errors`, after changing the snapshot, shows the difference.
const COMPILER_ERROR: &str = include_str!("../tests/ui/m12_invalid_model.stderr");

/// Prints [`COMPILER_ERROR`] line by line.
fn show_compiler_error() {
    utilities::say!(
        "a model whose table name is invalid does not compile (tests/ui/m12_invalid_model.rs); rustc says, as `cargo test --test m3_compile_errors` checks:"
    );
    for line in COMPILER_ERROR.lines() {
        utilities::say!("    {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(tables(), ["products", "users"]);
        assert_eq!(
            User::create_table(),
            "CREATE TABLE users (id INTEGER, name TEXT, email TEXT)"
        );
        let u = User {
            id: 7,
            name: "O'Brien".into(),
            email: "o@example.org".into(),
        };
        assert_eq!(
            u.insert_sql(),
            "INSERT INTO users (id, name, email) VALUES (7, 'O''Brien', 'o@example.org')"
        );
        assert!(valid_table_name("order_items") && !valid_table_name("User Table"));
    }
}
