//! Output: every quote as JSON or CSV, written atomically (a temporary file in the target's
//! directory, then a rename), so an interrupted run never leaves a half-written file.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::Quote;

/// Output formats for `--out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A JSON array of `{page, text, author, tags}`.
    Json,
    /// `page,author,text,tags` (RFC 4180 quoting; tags joined with `;`).
    Csv,
}

impl Format {
    /// From the file extension (`.json`, `.csv`), case-insensitive.
    pub fn from_path(path: &Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "json" => Some(Self::Json),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }

    /// The file's content for `quotes`.
    pub fn render(self, quotes: &[Quote]) -> String {
        match self {
            Self::Json => {
                let mut s = serde_json::to_string_pretty(quotes)
                    .expect("quotes are plain strings and numbers");
                s.push('\n');
                s
            }
            Self::Csv => to_csv(quotes),
        }
    }
}

fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// CSV with a header row: `page,author,text,tags`.
pub fn to_csv(quotes: &[Quote]) -> String {
    let mut out = String::from("page,author,text,tags\r\n");
    for q in quotes {
        let _ = write!(
            out,
            "{},{},{},{}\r\n",
            q.page,
            csv_field(&q.author),
            csv_field(&q.text),
            csv_field(&q.tags.join(";"))
        );
    }
    out
}

/// An output file being prepared: a temporary file already created in the target's directory
/// (so an unwritable `--out` fails before any request), renamed over the target only when the
/// content is complete. An interrupted run leaves the target untouched.
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    format: Format,
    temp: tempfile::NamedTempFile,
}

impl OutputFile {
    /// Creates the temporary file next to `target`.
    ///
    /// # Errors
    /// The directory does not exist or is not writable, or `target` is a directory.
    pub fn create(target: &Path, format: Format) -> std::io::Result<Self> {
        if target.is_dir() {
            return Err(std::io::Error::other("it is a directory"));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
        let temp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(Self {
            target: target.to_owned(),
            format,
            temp,
        })
    }

    /// The path that will be written.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Writes `quotes`, flushes them to disk, then renames the file over the target (atomic on
    /// one file system).
    ///
    /// # Errors
    /// Any I/O error; the target is then untouched and the temporary file removed.
    pub fn commit(mut self, quotes: &[Quote]) -> std::io::Result<PathBuf> {
        self.temp.write_all(self.format.render(quotes).as_bytes())?;
        self.temp.as_file().sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            // tempfile creates 0600; a results file is ordinary data.
            self.temp
                .as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o644))?;
        }
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(self.target)
    }
}

/// [`OutputFile::create`] then [`OutputFile::commit`].
///
/// # Errors
/// See those.
pub fn write_atomically(
    target: &Path,
    format: Format,
    quotes: &[Quote],
) -> std::io::Result<PathBuf> {
    OutputFile::create(target, format)?.commit(quotes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_fields_that_need_it() {
        let q = Quote {
            page: 1,
            text: "a, \"b\"".into(),
            author: "X".into(),
            tags: vec!["t1".into(), "t2".into()],
        };
        assert_eq!(
            to_csv(&[q]),
            "page,author,text,tags\r\n1,X,\"a, \"\"b\"\"\",t1;t2\r\n"
        );
    }
}
