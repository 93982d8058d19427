//! The journal: one JSON line per finished page, next to the output file, so that `--resume`
//! can continue a run that was interrupted (or killed) without fetching those pages again.
//!
//! Lines are written by a thread of their own (file I/O never runs on a runtime thread), each
//! with one `write` call: a killed run loses at most the line being written, which `resume`
//! ignores.

use std::io::{BufRead as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::Quote;
use super::report::{Outcome, PageReport};

/// The first line: which site the journal belongs to.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    journal: u32,
    site: String,
}

/// One finished page.
#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    page: u32,
    url: String,
    status: u16,
    bytes: usize,
    /// No quotes: past the site's end.
    end: bool,
    quotes: Vec<Quote>,
    next: Option<String>,
    encoding: String,
}

/// The longest journal we read back (it is ours, but a file is still input).
const MAX_JOURNAL_BYTES: u64 = 256 * 1024 * 1024;

/// Why a journal could not be resumed.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Reading or writing it failed.
    #[error("journal {path}: {source}")]
    Io {
        /// The journal.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// It does not exist.
    #[error("no journal {0} to resume (run without --resume first)")]
    Missing(PathBuf),
    /// Its first line is not a journal header.
    #[error("{0} is not a journal of this scraper")]
    NotAJournal(PathBuf),
    /// It belongs to another site.
    #[error("journal {path} is for {found}, not {expected}")]
    OtherSite {
        /// The journal.
        path: PathBuf,
        /// Its site.
        found: String,
        /// Ours.
        expected: String,
    },
    /// Larger than we are willing to read.
    #[error("journal {0} is larger than {MAX_JOURNAL_BYTES} bytes")]
    TooLarge(PathBuf),
}

/// An open journal, appending.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    tx: Option<mpsc::Sender<String>>,
    writer: Option<JoinHandle<std::io::Result<()>>>,
}

impl Journal {
    /// `quotes.json` → `quotes.json.journal`.
    pub fn path_for(output: &Path) -> PathBuf {
        let mut name = output.as_os_str().to_owned();
        name.push(".journal");
        PathBuf::from(name)
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
        move |source| JournalError::Io {
            path: path.to_owned(),
            source,
        }
    }

    /// Starts a new journal at `path` for `site` (replacing an old one).
    ///
    /// # Errors
    /// When the file cannot be created.
    pub fn create(path: &Path, site: &str) -> Result<Self, JournalError> {
        let mut file = std::fs::File::create(path).map_err(Self::io(path))?;
        let header = serde_json::to_string(&Header {
            journal: 1,
            site: site.to_owned(),
        })
        .expect("a header is plain data");
        file.write_all(format!("{header}\n").as_bytes())
            .map_err(Self::io(path))?;
        Ok(Self::spawn(path, file))
    }

    /// Opens the journal at `path` for `site` and returns the pages it records as finished.
    /// A line that is not complete JSON (the run was killed while writing it) is ignored.
    ///
    /// # Errors
    /// Missing, unreadable, not a journal, or another site's.
    pub fn resume(path: &Path, site: &str) -> Result<(Self, Vec<PageReport>), JournalError> {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(JournalError::Missing(path.to_owned()));
            }
            Err(e) => return Err(Self::io(path)(e)),
        };
        if file.metadata().map_err(Self::io(path))?.len() > MAX_JOURNAL_BYTES {
            return Err(JournalError::TooLarge(path.to_owned()));
        }
        let mut lines = std::io::BufReader::new(file).lines();
        let header: Header = lines
            .next()
            .and_then(Result::ok)
            .and_then(|l| serde_json::from_str(&l).ok())
            .ok_or_else(|| JournalError::NotAJournal(path.to_owned()))?;
        if header.site != site {
            return Err(JournalError::OtherSite {
                path: path.to_owned(),
                found: header.site,
                expected: site.to_owned(),
            });
        }
        let mut reports = Vec::new();
        for line in lines {
            let line = line.map_err(Self::io(path))?;
            let Ok(e) = serde_json::from_str::<Entry>(&line) else {
                continue;
            };
            let outcome = if e.end {
                Outcome::End {
                    status: e.status,
                    bytes: e.bytes,
                }
            } else {
                Outcome::Ok {
                    status: e.status,
                    bytes: e.bytes,
                    quotes: e.quotes,
                    next: e.next,
                    encoding: e.encoding,
                    replaced: false,
                }
            };
            reports.push(PageReport {
                page: e.page,
                url: e.url,
                final_url: None,
                attempts: 0,
                requests: 0,
                elapsed: Duration::ZERO,
                outcome,
                resumed: true,
            });
        }
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(Self::io(path))?;
        Ok((Self::spawn(path, file), reports))
    }

    fn spawn(path: &Path, mut file: std::fs::File) -> Self {
        let (tx, rx) = mpsc::channel::<String>();
        let writer = std::thread::Builder::new()
            .name("journal".into())
            .spawn(move || {
                for line in rx {
                    file.write_all(line.as_bytes())?;
                }
                file.sync_all()
            })
            .ok();
        Self {
            path: path.to_owned(),
            tx: Some(tx),
            writer,
        }
    }

    /// The journal's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records a page that is finished for good (fetched with quotes, or past the end).
    /// Failed, skipped, stopped and resumed pages are not recorded: `--resume` tries them again.
    /// Returns immediately; the journal's thread writes the line.
    pub fn record(&self, report: &PageReport) {
        if report.resumed {
            return;
        }
        let entry = match &report.outcome {
            Outcome::Ok {
                status,
                bytes,
                quotes,
                next,
                encoding,
                replaced: false,
            } => Entry {
                page: report.page,
                url: report.url.clone(),
                status: *status,
                bytes: *bytes,
                end: false,
                quotes: quotes.clone(),
                next: next.clone(),
                encoding: encoding.clone(),
            },
            Outcome::End { status, bytes } => Entry {
                page: report.page,
                url: report.url.clone(),
                status: *status,
                bytes: *bytes,
                end: true,
                quotes: Vec::new(),
                next: None,
                encoding: String::new(),
            },
            _ => return,
        };
        let line = serde_json::to_string(&entry).expect("an entry is plain data") + "\n";
        if let Some(tx) = &self.tx {
            let _ = tx.send(line);
        }
    }

    /// Waits until every recorded line is on disk.
    ///
    /// # Errors
    /// A write error of the journal's thread.
    pub fn close(mut self) -> Result<PathBuf, JournalError> {
        self.finish()?;
        Ok(self.path.clone())
    }

    fn finish(&mut self) -> Result<(), JournalError> {
        drop(self.tx.take());
        if let Some(writer) = self.writer.take() {
            match writer.join() {
                Ok(result) => result.map_err(Self::io(&self.path))?,
                Err(_) => {
                    return Err(Self::io(&self.path)(std::io::Error::other(
                        "journal thread panicked",
                    )));
                }
            }
        }
        Ok(())
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        let _ = self.finish();
    }
}
