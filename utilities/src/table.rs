//! Aligned text tables for results: numbers right-aligned, text left-aligned.
//!
//! ```
//! use utilities::Table;
//! let mut t = Table::new(["mode", "time (s)", "speedup"]);
//! t.row(["sequential", "4.004", "1.00x"]);
//! t.row(["threads", "2.003", "2.00x"]);
//! print!("{t}");
//! ```

use std::fmt;

/// A table of strings with a header row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn looks_numeric(cell: &str) -> bool {
    let t = cell.trim_end_matches(['x', '%', 's', ' ']);
    !t.is_empty() && t.parse::<f64>().is_ok()
}

impl Table {
    /// A table with these column headings.
    pub fn new<I, S>(header: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            header: header.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells are blank, extra cells are kept).
    pub fn row<I, S>(&mut self, cells: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.rows.push(cells.into_iter().map(Into::into).collect());
        self
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when there are no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cols = self
            .rows
            .iter()
            .map(Vec::len)
            .chain([self.header.len()])
            .max()
            .unwrap_or(0);
        let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
        let widths: Vec<usize> = (0..cols)
            .map(|i| {
                std::iter::once(&self.header)
                    .chain(&self.rows)
                    .map(|r| cell(r, i).chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |f: &mut fmt::Formatter<'_>, row: &[String], header: bool| {
            let parts: Vec<String> = (0..cols)
                .map(|i| {
                    let c = cell(row, i);
                    let w = widths[i];
                    if !header && looks_numeric(&c) {
                        format!("{c:>w$}")
                    } else {
                        format!("{c:<w$}")
                    }
                })
                .collect();
            writeln!(f, "{}", parts.join("  ").trim_end())
        };
        line(f, &self.header, true)?;
        let rule: Vec<String> = widths.iter().map(|&w| "-".repeat(w)).collect();
        writeln!(f, "{}", rule.join("  "))?;
        for r in &self.rows {
            line(f, r, false)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_text_left_and_numbers_right() {
        let mut t = Table::new(["mode", "time"]);
        t.row(["sequential", "4.004"]).row(["threads", "2.0"]);
        let expected = "\
mode        time
----------  -----
sequential  4.004
threads       2.0
";
        assert_eq!(t.to_string(), expected);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn ragged_rows_are_padded() {
        let mut t = Table::new(["a"]);
        t.row(["1", "extra"]);
        assert_eq!(t.to_string(), "a\n-  -----\n1  extra\n");
    }

    #[test]
    fn recognises_units_as_numbers() {
        assert!(looks_numeric("1.95x") && looks_numeric("93%") && looks_numeric("2.0 s"));
        assert!(!looks_numeric("threads") && !looks_numeric(""));
    }
}
