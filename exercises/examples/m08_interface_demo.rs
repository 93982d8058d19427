//! The same call with different exporters (the Python original's `interface_demo.py`).
//!
//! Python original: the course notebook, `interface_demo.py`: `DataExporter` with an abstract `export(data)`, a CSV and a
//! JSON exporter, and `run_export(exporter, data)`. Python passes a list to one and a dict to the
//! other — any object fits `data`. Rust needs one type for the parameter: `serde_json::Value`
//! holds either (an enum of your own would do too). The Python original prints Python's `repr` of the data;
//! here the CSV exporter writes a CSV line and the JSON exporter writes JSON.
//!
//! Run: `cargo run --example m08_interface_demo`
//!
//! Expected output:
//! ```text
//! [   0.000s] main         | Exporting data to CSV: [1, 2, 3] -> 1,2,3
//! [   0.000s] main         | Exporting data to JSON: {"a": 1, "b": 2} -> {"a":1,"b":2}
//! ```

use serde_json::{Value, json};

trait DataExporter {
    /// Describes the export of `data`.
    fn export(&self, data: &Value) -> String;
}

struct CsvExporter;
struct JsonExporter;

/// Python's `repr` of a list or dict, for the first half of the line.
fn python_repr(data: &Value) -> String {
    match data {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k:?}: {}", python_repr(v)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
        other => other.to_string(),
    }
}

impl DataExporter for CsvExporter {
    fn export(&self, data: &Value) -> String {
        let cells: Vec<String> = match data {
            Value::Array(items) => items.iter().map(ToString::to_string).collect(),
            Value::Object(map) => map.values().map(ToString::to_string).collect(),
            other => vec![other.to_string()],
        };
        format!(
            "Exporting data to CSV: {} -> {}",
            python_repr(data),
            cells.join(",")
        )
    }
}

impl DataExporter for JsonExporter {
    fn export(&self, data: &Value) -> String {
        format!("Exporting data to JSON: {} -> {data}", python_repr(data))
    }
}

/// The Python original's `run_export`: knows only the trait.
fn run_export(exporter: &dyn DataExporter, data: &Value) -> String {
    exporter.export(data)
}

fn main() {
    utilities::output::start_clock();
    utilities::say!("{}", run_export(&CsvExporter, &json!([1, 2, 3])));
    utilities::say!("{}", run_export(&JsonExporter, &json!({"a": 1, "b": 2})));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The claims of this example, checked on its functions (`cargo test --test m3_examples`).
    #[test]
    fn claims() {
        use serde_json::json;
        assert_eq!(
            run_export(&CsvExporter, &json!([1, 2, 3])),
            "Exporting data to CSV: [1, 2, 3] -> 1,2,3"
        );
        let line = run_export(&JsonExporter, &json!({"a": 1, "b": 2}));
        assert!(line.starts_with("Exporting data to JSON: "), "{line}");
        assert!(
            line.contains(r#""a": 1"#) && line.contains(r#""b": 2"#),
            "{line}"
        );
    }
}
