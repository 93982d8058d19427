//! Frames: one serde value = one length-prefixed bincode message, over any `Read`/`Write`
//! (a pipe, a Unix socket, a child's stdin/stdout, a `Vec<u8>`).
//!
//! Wire format: a 4-byte little-endian length `n`, then `n` bytes of bincode 2
//! (`config::standard()`). A frame is written with **one** `write_all` of prefix + payload, so a
//! frame of at most `PIPE_BUF` (4096) bytes is written atomically even when several processes
//! share one pipe.
//!
//! Decoding another process's bytes is decoding untrusted input. Pickle can run code; bincode
//! cannot, but a hostile length can still ask for a huge allocation (2^40 bytes aborts the
//! process, `u64::MAX` panics with "capacity overflow"). So the reader:
//! 1. rejects a length prefix above the maximum *before* allocating anything
//!    ([`FrameError::TooLarge`]), and
//! 2. decodes with `config::standard().with_limit::<MAX_FRAME>()`, so a length *inside* the
//!    payload (a `Vec` claiming 2^40 elements) is rejected too ([`FrameError::Decode`]).
//!
//! ```
//! use multiprocessing_examples::frame::{read_frame, write_frame};
//! let mut wire = Vec::new();
//! write_frame(&mut wire, &("hello", vec![1u32, 2, 3]))?;
//! let (text, nums): (String, Vec<u32>) = read_frame(&mut wire.as_slice())?;
//! assert_eq!((text.as_str(), nums), ("hello", vec![1, 2, 3]));
//! # Ok::<(), multiprocessing_examples::frame::FrameError>(())
//! ```

use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Largest frame payload accepted or sent: 16 MiB.
pub const MAX_FRAME: usize = 16 << 20;

/// The bincode configuration used for every frame: standard encoding with a decode limit.
pub type Config = bincode::config::Configuration<
    bincode::config::LittleEndian,
    bincode::config::Varint,
    bincode::config::Limit<MAX_FRAME>,
>;

/// `config::standard().with_limit::<MAX_FRAME>()`.
pub fn config() -> Config {
    bincode::config::standard().with_limit::<MAX_FRAME>()
}

/// Everything that can go wrong moving a frame.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The channel failed at the OS level.
    #[error("I/O error on the channel: {0}")]
    Io(#[from] io::Error),
    /// The peer closed the channel cleanly, between two frames.
    #[error("the channel was closed by the other side")]
    Closed,
    /// The peer closed the channel in the middle of a frame.
    #[error("truncated frame: the channel closed after {got} of {expected} bytes")]
    Truncated {
        /// Bytes announced.
        expected: usize,
        /// Bytes received before end-of-file.
        got: usize,
    },
    /// The length prefix is larger than the maximum (hostile or corrupt input).
    #[error(
        "frame length {len} exceeds the maximum of {max} bytes (hostile or corrupt length prefix)"
    )]
    TooLarge {
        /// The announced length.
        len: u64,
        /// The maximum accepted.
        max: usize,
    },
    /// The value could not be serialized.
    #[error("cannot serialize the value: {0}")]
    Encode(#[from] bincode::error::EncodeError),
    /// The payload is not a valid encoding of the expected type (garbage, or a wrong type).
    #[error("cannot decode the frame: {0}")]
    Decode(#[from] bincode::error::DecodeError),
    /// The payload decoded but left bytes over: the two sides disagree about the type.
    #[error("frame has {0} unexpected trailing bytes (sender and receiver disagree on the type)")]
    Trailing(usize),
}

/// Serializes `value` to bincode bytes (no length prefix).
///
/// # Errors
/// [`FrameError::Encode`] when `serialize` fails, [`FrameError::TooLarge`] above [`MAX_FRAME`].
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FrameError> {
    let bytes = bincode::serde::encode_to_vec(value, config())?;
    if bytes.len() > MAX_FRAME {
        return Err(FrameError::TooLarge {
            len: bytes.len() as u64,
            max: MAX_FRAME,
        });
    }
    Ok(bytes)
}

/// Deserializes a whole payload produced by [`encode`], with the size limit.
///
/// # Errors
/// [`FrameError::Decode`] on garbage or a hostile inner length, [`FrameError::Trailing`] when
/// bytes are left over.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, FrameError> {
    let (value, used) = bincode::serde::decode_from_slice(bytes, config())?;
    if used != bytes.len() {
        return Err(FrameError::Trailing(bytes.len() - used));
    }
    Ok(value)
}

/// Writes one frame (prefix + payload in a single `write_all`) and flushes.
///
/// # Errors
/// Encoding errors, or I/O errors (`BrokenPipe` when the reader is gone).
pub fn write_frame<W: Write + ?Sized, T: Serialize + ?Sized>(
    w: &mut W,
    value: &T,
) -> Result<(), FrameError> {
    let payload = encode(value)?;
    let len = u32::try_from(payload.len()).map_err(|_| FrameError::TooLarge {
        len: payload.len() as u64,
        max: MAX_FRAME,
    })?;
    let mut buf = Vec::with_capacity(4 + payload.len());
    buf.extend_from_slice(&len.to_le_bytes());
    buf.extend_from_slice(&payload);
    w.write_all(&buf)?;
    w.flush()?;
    Ok(())
}

/// Reads one frame; `Ok(None)` at a clean end-of-file between frames (every writer closed).
///
/// # Errors
/// See [`FrameError`]: truncation, a hostile length, garbage, I/O.
pub fn read_frame_opt<R: Read + ?Sized, T: DeserializeOwned>(
    r: &mut R,
) -> Result<Option<T>, FrameError> {
    let mut prefix = [0u8; 4];
    let got = read_full(r, &mut prefix)?;
    if got == 0 {
        return Ok(None);
    }
    if got < prefix.len() {
        return Err(FrameError::Truncated { expected: 4, got });
    }
    let len = u32::from_le_bytes(prefix);
    let len = usize::try_from(len).unwrap_or(usize::MAX);
    if len > MAX_FRAME {
        // Checked *before* allocating: a hostile prefix costs us nothing.
        return Err(FrameError::TooLarge {
            len: len as u64,
            max: MAX_FRAME,
        });
    }
    let mut payload = vec![0u8; len];
    let got = read_full(r, &mut payload)?;
    if got < len {
        return Err(FrameError::Truncated { expected: len, got });
    }
    decode(&payload).map(Some)
}

/// Reads one frame; end-of-file is [`FrameError::Closed`].
///
/// # Errors
/// See [`read_frame_opt`].
pub fn read_frame<R: Read + ?Sized, T: DeserializeOwned>(r: &mut R) -> Result<T, FrameError> {
    read_frame_opt(r)?.ok_or(FrameError::Closed)
}

/// Reads until `buf` is full or end-of-file; returns how many bytes were read.
fn read_full<R: Read + ?Sized>(r: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// A one-way, typed, process-safe queue: `multiprocessing.Queue` on an OS pipe.
///
/// Create it in the parent, give the sending end to children (fork, or
/// [`SelfCommand::pass_fd`](crate::spawn::SelfCommand::pass_fd) + [`QueueSender::inherited`]),
/// and **drop the parent's own sender** so the receiver sees the end when every child is done.
///
/// ```
/// use multiprocessing_examples::frame::ProcessQueue;
/// let (mut tx, mut rx) = ProcessQueue::<String>::new()?.split();
/// tx.put(&"Hello from child process".to_owned())?;
/// drop(tx); // the last writer closes: the reader sees the end
/// assert_eq!(rx.get()?, "Hello from child process");
/// assert_eq!(rx.recv()?, None);
/// # Ok::<(), multiprocessing_examples::frame::FrameError>(())
/// ```
///
/// Frames of up to 4096 bytes (`PIPE_BUF`) are atomic, so many children may share one sender.
/// For bigger values give each child its own queue. A pipe holds about 64 KiB: a child blocks in
/// `put` until the parent reads, so **read before you wait** for the child (the Python original `join`s
/// first, which deadlocks as soon as the results outgrow the pipe).
#[derive(Debug)]
pub struct ProcessQueue<T> {
    tx: QueueSender<T>,
    rx: QueueReceiver<T>,
}

impl<T> ProcessQueue<T> {
    /// A new queue on a fresh pipe (both ends close-on-exec).
    ///
    /// # Errors
    /// When the pipe cannot be created.
    pub fn new() -> io::Result<Self> {
        let (r, w) = io::pipe()?;
        Ok(Self {
            tx: QueueSender::from_fd(OwnedFd::from(w)),
            rx: QueueReceiver::from_fd(OwnedFd::from(r)),
        })
    }

    /// The two ends.
    pub fn split(self) -> (QueueSender<T>, QueueReceiver<T>) {
        (self.tx, self.rx)
    }
}

/// The writing end of a [`ProcessQueue`].
#[derive(Debug)]
pub struct QueueSender<T> {
    file: std::fs::File,
    _t: PhantomData<fn(T)>,
}

impl<T> QueueSender<T> {
    /// Wraps a descriptor (the write end of a pipe, or a socket).
    pub fn from_fd(fd: OwnedFd) -> Self {
        Self {
            file: std::fs::File::from(fd),
            _t: PhantomData,
        }
    }

    /// In a re-executed child: the `n`-th descriptor passed with `pass_fd`, as a sender.
    ///
    /// # Errors
    /// See [`crate::spawn::inherited_fd`].
    pub fn inherited(n: usize) -> io::Result<Self> {
        crate::spawn::inherited_fd(n).map(Self::from_fd)
    }

    /// Another handle on the same pipe (for one more producer).
    ///
    /// # Errors
    /// When the descriptor cannot be duplicated.
    pub fn try_clone(&self) -> io::Result<Self> {
        Ok(Self {
            file: self.file.try_clone()?,
            _t: PhantomData,
        })
    }
}

impl<T: Serialize> QueueSender<T> {
    /// Sends one value (blocks while the pipe is full).
    ///
    /// # Errors
    /// Encoding errors; `Io(BrokenPipe)` when the receiver is gone.
    pub fn put(&mut self, value: &T) -> Result<(), FrameError> {
        write_frame(&mut self.file, value)
    }
}

impl<T> AsFd for QueueSender<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

/// The reading end of a [`ProcessQueue`].
#[derive(Debug)]
pub struct QueueReceiver<T> {
    file: std::fs::File,
    _t: PhantomData<fn() -> T>,
}

impl<T> QueueReceiver<T> {
    /// Wraps a descriptor (the read end of a pipe, or a socket).
    pub fn from_fd(fd: OwnedFd) -> Self {
        Self {
            file: std::fs::File::from(fd),
            _t: PhantomData,
        }
    }

    /// In a re-executed child: the `n`-th descriptor passed with `pass_fd`, as a receiver.
    ///
    /// # Errors
    /// See [`crate::spawn::inherited_fd`].
    pub fn inherited(n: usize) -> io::Result<Self> {
        crate::spawn::inherited_fd(n).map(Self::from_fd)
    }
}

impl<T: DeserializeOwned> QueueReceiver<T> {
    /// The next value; [`FrameError::Closed`] when every sender is closed.
    ///
    /// # Errors
    /// See [`FrameError`].
    pub fn get(&mut self) -> Result<T, FrameError> {
        read_frame(&mut self.file)
    }

    /// The next value, or `None` when every sender is closed (the reliable way to drain:
    /// Python's `q.empty()` can say "empty" while a frame is still on its way).
    ///
    /// # Errors
    /// See [`FrameError`].
    pub fn recv(&mut self) -> Result<Option<T>, FrameError> {
        read_frame_opt(&mut self.file)
    }

    /// Iterates until every sender is closed; yields errors as items.
    pub fn iter(&mut self) -> impl Iterator<Item = Result<T, FrameError>> + '_ {
        std::iter::from_fn(move || self.recv().transpose())
    }
}

impl<T> AsFd for QueueReceiver<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.file.as_fd()
    }
}

/// A duplex, typed channel on a Unix socket pair: `multiprocessing.Pipe()` (duplex by default).
/// Both ends can send and receive.
///
/// ```
/// use multiprocessing_examples::frame::Duplex;
/// let (mut parent, mut child) = Duplex::<String>::pair()?;
/// child.send(&"Hello from child".to_owned())?;
/// assert_eq!(parent.recv()?, "Hello from child");
/// parent.send(&"Hello back".to_owned())?;
/// assert_eq!(child.recv()?, "Hello back");
/// # Ok::<(), multiprocessing_examples::frame::FrameError>(())
/// ```
#[derive(Debug)]
pub struct Duplex<T> {
    sock: std::os::unix::net::UnixStream,
    _t: PhantomData<fn(T) -> T>,
}

impl<T> Duplex<T> {
    /// Two connected ends.
    ///
    /// # Errors
    /// When the socket pair cannot be created.
    pub fn pair() -> io::Result<(Self, Self)> {
        let (a, b) = std::os::unix::net::UnixStream::pair()?;
        Ok((Self::from_fd(a.into()), Self::from_fd(b.into())))
    }

    /// Wraps a connected stream socket.
    pub fn from_fd(fd: OwnedFd) -> Self {
        Self {
            sock: std::os::unix::net::UnixStream::from(fd),
            _t: PhantomData,
        }
    }

    /// In a re-executed child: the `n`-th descriptor passed with `pass_fd`.
    ///
    /// # Errors
    /// See [`crate::spawn::inherited_fd`].
    pub fn inherited(n: usize) -> io::Result<Self> {
        crate::spawn::inherited_fd(n).map(Self::from_fd)
    }

    /// Sets a read timeout (`None` = block forever).
    ///
    /// # Errors
    /// When the socket option cannot be set.
    pub fn set_read_timeout(&self, t: Option<std::time::Duration>) -> io::Result<()> {
        self.sock.set_read_timeout(t)
    }
}

impl<T: Serialize + DeserializeOwned> Duplex<T> {
    /// Sends one value.
    ///
    /// # Errors
    /// See [`write_frame`].
    pub fn send(&mut self, value: &T) -> Result<(), FrameError> {
        write_frame(&mut self.sock, value)
    }

    /// Receives one value; [`FrameError::Closed`] when the other end is gone.
    ///
    /// # Errors
    /// See [`read_frame`].
    pub fn recv(&mut self) -> Result<T, FrameError> {
        read_frame(&mut self.sock)
    }
}

impl<T> AsFd for Duplex<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_clean_eof() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &42u64).unwrap();
        write_frame(&mut wire, &"x".to_owned()).unwrap();
        let mut r = wire.as_slice();
        assert_eq!(read_frame::<_, u64>(&mut r).unwrap(), 42);
        assert_eq!(read_frame::<_, String>(&mut r).unwrap(), "x");
        assert!(matches!(
            read_frame::<_, u64>(&mut r),
            Err(FrameError::Closed)
        ));
    }

    #[test]
    fn hostile_prefix_is_rejected_before_allocating() {
        let wire = u32::MAX.to_le_bytes();
        let err = read_frame::<_, Vec<u8>>(&mut wire.as_slice()).unwrap_err();
        assert!(matches!(err, FrameError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn hostile_inner_length_is_a_decode_error() {
        // A frame whose payload says "a Vec of 2^40 elements" (varint 0xFD + u64).
        let mut payload = vec![0xFD];
        payload.extend_from_slice(&(1u64 << 40).to_le_bytes());
        let mut wire = u32::try_from(payload.len()).unwrap().to_le_bytes().to_vec();
        wire.extend_from_slice(&payload);
        let err = read_frame::<_, Vec<u64>>(&mut wire.as_slice()).unwrap_err();
        assert!(matches!(err, FrameError::Decode(_)), "{err}");
    }

    #[test]
    fn truncated_and_trailing() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &vec![1u8; 10]).unwrap();
        wire.truncate(8);
        let err = read_frame::<_, Vec<u8>>(&mut wire.as_slice()).unwrap_err();
        assert!(matches!(err, FrameError::Truncated { .. }), "{err}");
        let mut wire = Vec::new();
        write_frame(&mut wire, &(1u8, 2u8)).unwrap();
        let err = read_frame::<_, u8>(&mut wire.as_slice()).unwrap_err();
        assert!(matches!(err, FrameError::Trailing(1)), "{err}");
    }
}
