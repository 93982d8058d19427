//! Shared logic inside the interface: a default `validate` method every exporter inherits.
//!
//! Python original: the course notebook, "Combining ABCs with Shared Logic": `BaseExporter.validate(data)` raises
//! `ValueError("No data to export")` for empty data, and subclasses reuse it while writing their
//! own `export`. Rust: a trait method *with* a body is a default every implementation gets (and
//! may override); the error is a value (`Result`), not an exception.
//!
//! Run: `cargo run --example m09_default_method_validate`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | [1, 2, 3] -> exported 3 rows as CSV
//! [   0.000s] main         | [] -> error: No data to export
//! ```

/// Why an export was refused.
#[derive(Debug, PartialEq, Eq)]
enum ExportError {
    Empty,
}

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExportError::Empty => f.write_str("No data to export"),
        }
    }
}

trait Exporter {
    /// Shared logic: a default body, inherited by every exporter.
    fn validate(&self, data: &[i64]) -> Result<(), ExportError> {
        if data.is_empty() {
            Err(ExportError::Empty)
        } else {
            Ok(())
        }
    }

    /// Required: each exporter writes its own format.
    fn export(&self, data: &[i64]) -> Result<String, ExportError>;
}

struct CsvExporter;

impl Exporter for CsvExporter {
    fn export(&self, data: &[i64]) -> Result<String, ExportError> {
        self.validate(data)?; // reuse the shared check
        Ok(format!("exported {} rows as CSV", data.len()))
    }
}

fn main() {
    utilities::output::start_clock();
    for data in [&[1, 2, 3][..], &[]] {
        match CsvExporter.export(data) {
            Ok(done) => utilities::say!("{data:?} -> {done}"),
            Err(e) => utilities::say!("{data:?} -> error: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        assert_eq!(CsvExporter.export(&[]), Err(ExportError::Empty));
        assert_eq!(ExportError::Empty.to_string(), "No data to export");
        assert_eq!(
            CsvExporter.export(&[1, 2, 3]).as_deref(),
            Ok("exported 3 rows as CSV")
        );
    }
}
