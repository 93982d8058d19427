//! The jobs a child process can run, and the child's side of the conversation.
//!
//! Every benchmark binary calls [`worker_entry`] first thing in `main`: when the program was
//! started as a worker (by the process pool or the spawn/memory measurements) it serves and
//! exits there, before the benchmark itself starts. This is Rust's form of Python's
//! `if __name__ == "__main__":` guard: a child never re-runs the parent's program.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::cpu;

/// Argument that makes a binary exit at once (measures process start cost).
pub const NOOP_ARG: &str = "--comparison-noop";
/// Argument (followed by a number n) that makes a binary run [`cpu::count_up`]`(n)`, print the
/// count and exit: the child of the threads-vs-processes demo.
pub const COUNT_ARG: &str = "--comparison-count";
/// Argument that makes a binary echo every byte of stdin to stdout until end-of-file: the other
/// side of the process ping-pong.
pub const ECHO_ARG: &str = "--comparison-echo";
/// Argument that makes a binary wait idle until stdin closes (measures memory per process).
pub const IDLE_ARG: &str = "--comparison-idle";

/// Largest message accepted from another process (the multiprocessing crate's frame limit).
pub const MAX_FRAME: usize = multiprocessing_examples::frame::MAX_FRAME;

/// One unit of work sent to a worker process. Every job answers with a `u64` checksum.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Job<'a> {
    /// Sum of `lo..hi` (the CPU-bound work).
    Sum {
        /// First number.
        lo: u64,
        /// One past the last number.
        hi: u64,
    },
    /// Sleep (simulated I/O) and answer `id`.
    Sleep {
        /// Sleep length in microseconds (already time-scaled by the parent).
        micros: u64,
        /// Echoed back as the checksum contribution.
        id: u64,
    },
    /// A blocking HTTP GET to the benchmark's own server; answers the number in the body.
    HttpGet {
        /// `127.0.0.1:port`.
        addr: String,
        /// Path, e.g. `/delay/50/7`.
        path: String,
    },
    /// Sum the bytes of `data`, then do `work` iterations of the CPU loop (serialisation test).
    Payload {
        /// The data that has to be copied to the worker (borrowed when sending, owned when
        /// received: the parent does not clone it just to send it). Encoded as one byte
        /// string (length + raw bytes, like pickle's `bytes`), not element by element.
        #[serde(with = "byte_string")]
        data: Cow<'a, [u8]>,
        /// Iterations of CPU work after reading the data.
        work: u64,
    },
    /// Like `Payload`, but the data stays in a shared-memory file: only its name, offset and
    /// length are sent; the worker maps the same pages instead of receiving a copy.
    Shared {
        /// Path of the shared-memory file (under `/dev/shm`).
        path: String,
        /// Start of this job's bytes.
        offset: u64,
        /// Number of bytes.
        len: u64,
        /// Iterations of CPU work after reading the data.
        work: u64,
    },
}

/// Serde helpers that encode a byte slice as one byte string (`serialize_bytes`: a length,
/// then a `memcpy`) instead of a sequence of `u8` values (one call per byte). With bincode that
/// is the difference between ~1 GB/s and ~50 MB/s, so without it the comparison would measure
/// a slow encoding rather than the unavoidable copy.
mod byte_string {
    use std::borrow::Cow;
    use std::fmt;

    use serde::de::{self, SeqAccess, Visitor};
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(data: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(data)
    }

    struct BytesVisitor;

    impl<'de> Visitor<'de> for BytesVisitor {
        type Value = Vec<u8>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a byte string")
        }

        fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }

        fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = seq.next_element()? {
                out.push(b);
            }
            Ok(out)
        }
    }

    pub fn deserialize<'de, 'a, D: Deserializer<'de>>(d: D) -> Result<Cow<'a, [u8]>, D::Error> {
        d.deserialize_byte_buf(BytesVisitor).map(Cow::Owned)
    }
}

/// Why a job failed, as it travels back from a worker: the error's text (a job's own error types
/// do not cross the process boundary, their message does).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{0}")]
pub struct JobError(pub String);

/// Runs one job here, in this process (workers call it; so do the in-process modes).
///
/// # Errors
/// A failed HTTP request, or a shared-memory job whose file cannot be read.
pub fn run_job(job: &Job) -> Result<u64, JobError> {
    match job {
        Job::Sum { lo, hi } => Ok(cpu::sum_range(*lo, *hi)),
        Job::Sleep { micros, id } => {
            std::thread::sleep(Duration::from_micros(*micros));
            Ok(*id)
        }
        Job::HttpGet { addr, path } => {
            crate::io::blocking_get(addr, path).map_err(|e| JobError(e.to_string()))
        }
        Job::Payload { data, work } => Ok(payload_checksum(data, *work)),
        Job::Shared {
            path,
            offset,
            len,
            work,
        } => shared_checksum(path, *offset, *len, *work).map_err(|e| JobError(format!("{e:#}"))),
    }
}

fn shared_checksum(path: &str, offset: u64, len: u64, work: u64) -> anyhow::Result<u64> {
    use anyhow::Context;
    let file = std::fs::File::open(path).with_context(|| format!("open {path}"))?;
    // SAFETY: the parent creates the file, writes it completely before sending any job and does
    // not change or truncate it until every job has answered; we only read.
    let map = unsafe { memmap2::Mmap::map(&file) }.with_context(|| format!("map {path}"))?;
    let start = usize::try_from(offset)?;
    let end = start
        .checked_add(usize::try_from(len)?)
        .context("range overflow")?;
    let data = map
        .get(start..end)
        .context("range outside the shared file")?;
    Ok(payload_checksum(data, work))
}

/// The serialisation job's work: byte sum plus `work` iterations of the CPU loop.
pub fn payload_checksum(data: &[u8], work: u64) -> u64 {
    let bytes: u64 = data.iter().map(|&b| u64::from(b)).sum();
    bytes.wrapping_add(cpu::sum_range(0, work))
}

/// bincode configuration with a decode limit (untrusted bytes from another process).
pub fn config() -> bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<MAX_FRAME>,
> {
    bincode::config::standard().with_limit::<MAX_FRAME>()
}

/// Encodes a value for another process.
///
/// # Errors
/// Encoding errors.
pub fn encode<T: Serialize>(value: &T) -> anyhow::Result<Vec<u8>> {
    Ok(bincode::serde::encode_to_vec(value, config())?)
}

/// Decodes a value from another process, with the size limit.
///
/// # Errors
/// Malformed or oversized input.
pub fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> anyhow::Result<T> {
    Ok(bincode::serde::decode_from_slice(bytes, config())?.0)
}

/// Call first thing in `main`: if this process was started as a worker (a pool worker, or the
/// no-op / idle children of the spawn and memory measurements), do the worker's job and exit;
/// otherwise return at once.
pub fn worker_entry() {
    crate::procpool::pool_worker_entry();
    let Some(role) = std::env::args().nth(1) else {
        return;
    };
    let code = match role.as_str() {
        NOOP_ARG => 0,
        COUNT_ARG => {
            let n = std::env::args()
                .nth(2)
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0);
            let _ = writeln!(std::io::stdout(), "{}", cpu::count_up(n));
            0
        }
        ECHO_ARG => {
            let (mut input, mut output) = (std::io::stdin().lock(), std::io::stdout().lock());
            let mut byte = [0u8; 1];
            while matches!(input.read(&mut byte), Ok(1)) {
                if output
                    .write_all(&byte)
                    .and_then(|()| output.flush())
                    .is_err()
                {
                    break;
                }
            }
            0
        }
        IDLE_ARG => {
            // Say we are up, then block until the parent closes our stdin: an idle worker.
            let _ = std::io::stdout().write_all(b"ready\n");
            let _ = std::io::stdout().flush();
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
            0
        }
        _ => return,
    };
    std::process::exit(code);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_input_is_rejected_not_allocated() {
        // a Vec claiming u64::MAX elements: rejected by the decode limit
        let mut evil = vec![3u8]; // variant index of Payload
        evil.extend([0xFF; 9]);
        assert!(decode::<Job<'static>>(&evil).is_err());
    }

    #[test]
    fn jobs_round_trip_through_bincode() {
        let job = Job::Payload {
            data: Cow::Borrowed(&[1, 2, 3]),
            work: 10,
        };
        let bytes = encode(&job).unwrap();
        assert!(
            bytes.ends_with(&[3, 1, 2, 3, 10]),
            "length + raw bytes + work: {bytes:?}"
        );
        let back: Job<'static> = decode(&bytes).unwrap();
        assert_eq!(back, job);
        assert_eq!(run_job(&back), Ok(6 + 45));
    }
}
