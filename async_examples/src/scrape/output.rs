//! Output: every quote as JSON or CSV, written atomically (a temporary file in the target's
//! directory, then a rename), so an interrupted run never leaves a half-written file; temporary
//! files left by a killed run are removed by the next; an existing file is read back so that a
//! worse result never replaces it.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::Quote;

/// Output formats for `--out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A JSON array of `{page, text, author, tags}`.
    Json,
    /// `page,author,text,tags,partial` (RFC 4180 quoting; tags joined with `;`; `partial` is
    /// `yes` for the complete quotes of a cut-off page).
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

/// CSV with a header row: `page,author,text,tags,partial`.
pub fn to_csv(quotes: &[Quote]) -> String {
    let mut out = String::from("page,author,text,tags,partial\r\n");
    for q in quotes {
        let _ = write!(
            out,
            "{},{},{},{},{}\r\n",
            q.page,
            csv_field(&q.author),
            csv_field(&q.text),
            csv_field(&q.tags.join(";")),
            if q.partial { "yes" } else { "" }
        );
    }
    out
}

/// Records in a CSV text (quoted newlines do not end a record), header excluded.
fn csv_records(text: &str) -> usize {
    let mut quoted = false;
    let mut records: usize = 0;
    let mut in_record = false;
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_record = true;
            }
            '\n' if !quoted => {
                if in_record {
                    records += 1;
                }
                in_record = false;
            }
            '\r' => {}
            _ => in_record = true,
        }
    }
    if in_record {
        records += 1;
    }
    records.saturating_sub(1)
}

/// The largest output file we read back to count its quotes.
const MAX_EXISTING_BYTES: u64 = 64 * 1024 * 1024;

/// What is at the output path already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExistingOutput {
    /// Nothing.
    None,
    /// A file of ours with this many quotes.
    Quotes(usize),
    /// Something we cannot count (not our format, too large, unreadable): never replaced
    /// without `--overwrite`.
    Unknown(String),
}

/// Reads back what is at `target` in `format`, to decide whether a new result may replace it.
pub fn existing_quotes(target: &Path, format: Format) -> ExistingOutput {
    let meta = match std::fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return ExistingOutput::None,
        Err(e) => return ExistingOutput::Unknown(e.to_string()),
    };
    if meta.len() > MAX_EXISTING_BYTES {
        return ExistingOutput::Unknown(format!("larger than {MAX_EXISTING_BYTES} bytes"));
    }
    let text = match std::fs::read_to_string(target) {
        Ok(t) => t,
        Err(e) => return ExistingOutput::Unknown(e.to_string()),
    };
    match format {
        Format::Json => match serde_json::from_str::<Vec<Quote>>(&text) {
            Ok(quotes) => ExistingOutput::Quotes(quotes.len()),
            Err(e) => ExistingOutput::Unknown(format!("not a JSON list of quotes ({e})")),
        },
        Format::Csv if text.starts_with("page,author,text,tags") => {
            ExistingOutput::Quotes(csv_records(&text))
        }
        Format::Csv => ExistingOutput::Unknown("not a quotes CSV".to_owned()),
    }
}

/// Where a stopped run writes what it has: `quotes.json` → `quotes.partial.json`.
pub fn partial_path(target: &Path) -> PathBuf {
    let stem = target
        .file_stem()
        .map_or_else(|| "out".into(), |s| s.to_string_lossy().into_owned());
    let name = match target.extension() {
        Some(ext) => format!("{stem}.partial.{}", ext.to_string_lossy()),
        None => format!("{stem}.partial"),
    };
    target.with_file_name(name)
}

fn temp_prefix(target: &Path) -> String {
    let name = target
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.")
}

fn dir_of(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Is a process with this id running (or at least existing)?
fn process_exists(pid: i32) -> bool {
    use nix::errno::Errno;
    match nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), None) {
        Ok(()) | Err(Errno::EPERM) => true,
        Err(_) => false,
    }
}

/// Removes temporary files of `target` (`.NAME.PID.XXXXXX.tmp`, for `target` and its partial
/// file) whose process is gone: left by a run that was killed (SIGKILL cannot be caught). Files
/// of a run still going are left alone. Returns what was removed.
///
/// # Errors
/// When the directory cannot be read.
pub fn remove_stale_temps(target: &Path) -> std::io::Result<Vec<PathBuf>> {
    let prefixes = [temp_prefix(target), temp_prefix(&partial_path(target))];
    let mut removed = Vec::new();
    for entry in std::fs::read_dir(dir_of(target))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = prefixes
            .iter()
            .find_map(|p| name.strip_prefix(p.as_str()))
            .filter(|_| name.ends_with(".tmp"))
        else {
            continue;
        };
        // Files without a pid are from before pids were recorded: stale too.
        let alive = rest
            .split('.')
            .next()
            .and_then(|pid| pid.parse::<i32>().ok())
            .is_some_and(|pid| pid != 0 && process_exists(pid));
        if !alive && std::fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    Ok(removed)
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
        // `.NAME.PID.XXXXXX.tmp`: the pid tells a later run whether its owner is still alive.
        let temp = tempfile::Builder::new()
            .prefix(&format!("{}{}.", temp_prefix(target), std::process::id()))
            .suffix(".tmp")
            .tempfile_in(dir_of(target))?;
        Ok(Self {
            target: target.to_owned(),
            format,
            temp,
        })
    }

    /// The format it will be written in.
    pub fn format(&self) -> Format {
        self.format
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
    pub fn commit(self, quotes: &[Quote]) -> std::io::Result<PathBuf> {
        let target = self.target.clone();
        self.commit_as(quotes, &target)
    }

    /// Like [`OutputFile::commit`], but renames over `dest` (in the same directory, e.g. the
    /// [`partial_path`]) instead of the target.
    ///
    /// # Errors
    /// Any I/O error; `dest` is then untouched and the temporary file removed.
    pub fn commit_as(mut self, quotes: &[Quote], dest: &Path) -> std::io::Result<PathBuf> {
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
        self.temp.persist(dest).map_err(|e| e.error)?;
        Ok(dest.to_owned())
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
            partial: true,
        };
        let csv = to_csv(&[q.clone(), q]);
        assert_eq!(
            csv,
            "page,author,text,tags,partial\r\n1,X,\"a, \"\"b\"\"\",t1;t2,yes\r\n1,X,\"a, \"\"b\"\"\",t1;t2,yes\r\n"
        );
        assert_eq!(csv_records(&csv), 2);
        assert_eq!(csv_records("page,author,text,tags\n1,\"a\nb\",c,d\n"), 1);
    }

    #[test]
    fn partial_path_sits_next_to_the_target() {
        assert_eq!(
            partial_path(Path::new("/x/quotes.json")),
            Path::new("/x/quotes.partial.json")
        );
        assert_eq!(partial_path(Path::new("q")), Path::new("q.partial"));
    }
}
