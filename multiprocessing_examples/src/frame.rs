//! Frames: one serde value = one length-prefixed bincode message, over any `Read`/`Write`
//! (a pipe, a Unix socket, a child's stdin/stdout, a `Vec<u8>`).
//!
//! Wire format: a 4-byte little-endian length `n`, then `n` bytes: an 8-byte **type tag** and
//! the value in bincode 2 (`config::standard()`). A frame is written with **one** `write_all`
//! of prefix + tag + payload, so a frame of at most `PIPE_BUF` (4096) bytes is written
//! atomically even when several processes share one pipe.
//!
//! The type tag is a hash of the Rust type's name ([`type_tag`]). Bincode does not describe
//! itself: without the tag, a `u64` frame read as `i64` decodes silently as another number
//! (5 becomes −3). With it, a frame of the wrong type is [`FrameError::WrongType`]. (Pickle
//! carries the class name for the same reason.) Both ends must be built from the same source,
//! which is always the case for a program that re-executes itself, and must name the same
//! type: a `&str` written is not a `String` read (send the owned type, as the typed
//! [`ProcessQueue`] and [`Duplex`] always do).
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
//! write_frame(&mut wire, &("hello".to_owned(), vec![1u32, 2, 3]))?;
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
    /// The frame was written for another type than the one the reader expects.
    #[error(
        "frame of type {got:#018x} read as {expected} (sender and receiver disagree on the type)"
    )]
    WrongType {
        /// The type the reader asked for.
        expected: &'static str,
        /// The tag found in the frame.
        got: u64,
    },
    /// The payload decoded but left bytes over: the two sides disagree about the type.
    #[error("frame has {0} unexpected trailing bytes (sender and receiver disagree on the type)")]
    Trailing(usize),
}

/// The 8 bytes that name type `T` on the wire: FNV-1a of [`std::any::type_name`].
pub fn type_tag<T: ?Sized>() -> u64 {
    type_tag_of(std::any::type_name::<T>())
}

/// The tag of the type named `name` (as [`std::any::type_name`] spells it).
pub fn type_tag_of(name: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Bytes a frame adds around the encoded value: the 4-byte length and the 8-byte type tag.
pub const FRAME_OVERHEAD: usize = 4 + 8;

/// Serializes `value` to bincode bytes (no length prefix, no tag).
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
    w.write_all(&frame_bytes(value)?)?;
    w.flush()?;
    Ok(())
}

/// One whole frame (length, type tag, payload) as bytes, ready for a single `write_all`.
///
/// # Errors
/// [`FrameError::Encode`], or [`FrameError::TooLarge`] when tag + payload exceed [`MAX_FRAME`]
/// (the check includes the envelope, so what is sent is always what the reader accepts).
pub fn frame_bytes<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, FrameError> {
    let mut buf = vec![0u8; FRAME_OVERHEAD];
    buf[4..FRAME_OVERHEAD].copy_from_slice(&type_tag::<T>().to_le_bytes());
    bincode::serde::encode_into_std_write(value, &mut buf, config())?;
    let body = buf.len() - 4;
    if body > MAX_FRAME {
        return Err(FrameError::TooLarge {
            len: body as u64,
            max: MAX_FRAME,
        });
    }
    let len = u32::try_from(body).map_err(|_| FrameError::TooLarge {
        len: body as u64,
        max: MAX_FRAME,
    })?;
    buf[..4].copy_from_slice(&len.to_le_bytes());
    Ok(buf)
}

/// Reads one frame; `Ok(None)` at a clean end-of-file between frames (every writer closed).
///
/// # Errors
/// See [`FrameError`]: truncation, a hostile length, garbage, I/O.
pub fn read_frame_opt<R: Read + ?Sized, T: DeserializeOwned>(
    r: &mut R,
) -> Result<Option<T>, FrameError> {
    read_frame_limited(r, MAX_FRAME)
}

/// Like [`read_frame_opt`], with a smaller limit `max` (a server that expects small requests
/// says so). The payload buffer grows with the bytes that actually arrive, so a peer that
/// announces a big frame and stalls costs almost nothing.
///
/// # Errors
/// See [`FrameError`].
pub fn read_frame_limited<R: Read + ?Sized, T: DeserializeOwned>(
    r: &mut R,
    max: usize,
) -> Result<Option<T>, FrameError> {
    let max = max.min(MAX_FRAME);
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
    if len > max {
        // Checked *before* allocating: a hostile prefix costs us nothing.
        return Err(FrameError::TooLarge {
            len: len as u64,
            max,
        });
    }
    // Grows as bytes arrive (at most 64 KiB reserved up front), not `len` at once.
    let mut body = Vec::with_capacity(len.min(64 << 10));
    let got = read_up_to(r, &mut body, len)?;
    if got < len {
        return Err(FrameError::Truncated { expected: len, got });
    }
    let Some((tag, payload)) = body.split_first_chunk::<8>() else {
        return Err(FrameError::Truncated {
            expected: 8,
            got: len,
        });
    };
    let tag = u64::from_le_bytes(*tag);
    if tag != type_tag::<T>() {
        return Err(FrameError::WrongType {
            expected: std::any::type_name::<T>(),
            got: tag,
        });
    }
    decode(payload).map(Some)
}

/// Appends up to `len` bytes to `buf` (stops early at end-of-file); returns how many.
fn read_up_to<R: Read + ?Sized>(r: &mut R, buf: &mut Vec<u8>, len: usize) -> io::Result<usize> {
    let mut chunk = [0u8; 16 << 10];
    let mut got = 0;
    while got < len {
        let want = (len - got).min(chunk.len());
        match r.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => {
                buf.extend_from_slice(&chunk[..n]);
                got += n;
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
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
        let mut wire = u32::try_from(8 + payload.len())
            .unwrap()
            .to_le_bytes()
            .to_vec();
        wire.extend_from_slice(&type_tag::<Vec<u64>>().to_le_bytes());
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
        assert!(matches!(err, FrameError::WrongType { .. }), "{err}");
        let err = decode::<u8>(&encode(&(1u8, 2u8)).unwrap()).unwrap_err();
        assert!(matches!(err, FrameError::Trailing(1)), "{err}");
    }

    #[test]
    fn a_frame_of_another_type_is_refused() {
        let mut wire = Vec::new();
        write_frame(&mut wire, &5u64).unwrap();
        // Without the tag, bincode's zig-zag varint reads u64 5 as i64 -3.
        assert_eq!(decode::<i64>(&encode(&5u64).unwrap()).unwrap(), -3);
        let err = read_frame::<_, i64>(&mut wire.as_slice()).unwrap_err();
        assert!(
            matches!(
                err,
                FrameError::WrongType {
                    expected: "i64",
                    ..
                }
            ),
            "{err}"
        );
        assert_eq!(read_frame::<_, u64>(&mut wire.as_slice()).unwrap(), 5);
    }

    #[test]
    fn size_check_includes_the_envelope() {
        // A Vec<u8> of MAX_FRAME - 8 bytes encodes to MAX_FRAME - 8 + 5 bytes (varint length):
        // fine alone, too big with the 8-byte tag.
        let big = vec![0u8; MAX_FRAME - 8];
        assert!(encode(&big).is_ok());
        let err = frame_bytes(&big).unwrap_err();
        assert!(matches!(err, FrameError::TooLarge { .. }), "{err}");
    }

    #[test]
    fn a_stalled_big_frame_allocates_only_what_arrived() {
        let mut wire = (u32::try_from(MAX_FRAME).unwrap()).to_le_bytes().to_vec();
        wire.extend_from_slice(&[0; 100]);
        let err = read_frame::<_, Vec<u8>>(&mut wire.as_slice()).unwrap_err();
        assert!(
            matches!(err, FrameError::Truncated { got: 100, .. }),
            "{err}"
        );
        let err = read_frame_limited::<_, Vec<u8>>(&mut wire.as_slice(), 1024).unwrap_err();
        assert!(
            matches!(err, FrameError::TooLarge { max: 1024, .. }),
            "{err}"
        );
    }
}
