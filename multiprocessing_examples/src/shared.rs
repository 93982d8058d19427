//! Shared memory between processes: Python's `multiprocessing.Value`, `Array` and
//! `shared_memory.SharedMemory`, as small safe types over a `MAP_SHARED` mapping.
//!
//! | Python | here |
//! |---|---|
//! | `Value("i", 0)` | [`SharedValue::new(AtomicI32::new(0))`](SharedValue::new) |
//! | `Array("i", [0, 1, 2])` | [`SharedArray::new([0, 1, 2].map(AtomicI32::new))`](SharedArray::new) |
//! | `Array("d", [0.0, …])` | `SharedArray<`[`AtomicF64`]`>` |
//! | `with v.get_lock(): v.value += 1` | `v.fetch_add(1, SeqCst)`: one atomic instruction does the lock's job |
//! | `Lock()` + `with lock:` | [`SharedValue::new(ProcessLock::new())`](ProcessLock) + `let _guard = lock.lock();` |
//! | `shared_memory.SharedMemory(name=…, create=True)` | [`SharedArray::create_named`] / [`SharedArray::open_named`] (POSIX `shm_open`) |
//!
//! Why atomics only? Two processes that map the same page are like two threads that share a
//! variable, with no borrow checker between them: a plain `i32` read in one process while the
//! other writes it is a data race (undefined behaviour). So only types that are safe to share
//! that way implement the marker trait [`ShmSafe`]: the integer atomics, [`AtomicF64`] and
//! [`ProcessLock`].
//!
//! Where the memory comes from:
//! - [`SharedValue::new`] / [`SharedArray::new`]: an anonymous in-memory file (`memfd_create`)
//!   mapped with `MAP_SHARED`. A child made by `fork` inherits the mapping (the same physical
//!   pages, not a copy-on-write copy). A re-executed child does not (`exec` replaces the whole
//!   address space), but it can inherit the file descriptor (`SelfCommand::pass_fd(&value)`) and
//!   map the same pages again with [`SharedValue::from_fd`]: Python's "share synchronized
//!   objects only through inheritance".
//! - `create_named` / `open_named`: a POSIX shared-memory object (`/dev/shm/<name>`) that any
//!   process of the same user can open by name. The creating process unlinks the name when its
//!   value is dropped (Python's `SharedMemory.unlink()`).
//!
//! (`memmap2::MmapMut::map_anon` would not do: its mapping is private, so a forked child's
//! writes stay in the child.)
//!
//! Forked children are reaped with [`wait_child`].

use std::ffi::{CString, c_void};
use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::num::NonZeroUsize;
use std::ops::Deref;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::ptr::NonNull;
use std::sync::atomic::{
    AtomicI8, AtomicI16, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32,
    AtomicU64, AtomicUsize, Ordering,
};

use nix::fcntl::OFlag;
use nix::sys::memfd::{MFdFlags, memfd_create};
use nix::sys::mman::{MapFlags, ProtFlags, mmap, munmap, shm_open, shm_unlink};
use nix::sys::stat::{Mode, fstat};
use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{Pid, ftruncate};

/// Types that may live in memory shared by several processes.
///
/// # Safety
/// Implement it only for a type that
/// - is valid for every bit pattern of its size (another process may have written any bytes),
/// - holds no pointer, handle or other value that means something only inside one process,
/// - changes only through atomic operations on `&self` (so concurrent use from several
///   processes is not a data race), and
/// - has a non-zero size, an alignment of at most 4096 (a page) and no `Drop` glue (shared
///   memory is unmapped without running destructors).
pub unsafe trait ShmSafe: Sync {}

/// Reading the current value of a shared cell, for printing: `counter.get()`.
pub trait LoadValue {
    /// The plain value (`i32` for `AtomicI32`).
    type Value: Copy + fmt::Debug;
    /// Loads the value with `SeqCst` ordering.
    fn load_value(&self) -> Self::Value;
}

macro_rules! shm_atomics {
    ($($atomic:ty => $plain:ty),* $(,)?) => {$(
        // SAFETY: an integer atomic is valid for every bit pattern, holds no pointer, changes
        // only through atomic operations, has a non-zero size, alignment ≤ 8 and no Drop glue.
        unsafe impl ShmSafe for $atomic {}
        impl LoadValue for $atomic {
            type Value = $plain;
            fn load_value(&self) -> $plain {
                self.load(Ordering::SeqCst)
            }
        }
    )*};
}

shm_atomics!(
    AtomicI8 => i8, AtomicI16 => i16, AtomicI32 => i32, AtomicI64 => i64, AtomicIsize => isize,
    AtomicU8 => u8, AtomicU16 => u16, AtomicU32 => u32, AtomicU64 => u64, AtomicUsize => usize,
);

/// An `f64` that can be updated atomically (Python's `Array('d', …)` element): the bits of the
/// float live in an [`AtomicU64`]; `fetch_add` is a compare-and-swap loop over
/// `f64::to_bits` / `f64::from_bits`.
#[repr(transparent)]
#[derive(Default)]
pub struct AtomicF64(AtomicU64);

impl AtomicF64 {
    /// A new cell holding `value`.
    pub const fn new(value: f64) -> Self {
        Self(AtomicU64::new(value.to_bits()))
    }

    /// The current value.
    pub fn load(&self, order: Ordering) -> f64 {
        f64::from_bits(self.0.load(order))
    }

    /// Replaces the value.
    pub fn store(&self, value: f64, order: Ordering) {
        self.0.store(value.to_bits(), order);
    }

    /// Adds `delta` atomically and returns the previous value.
    ///
    /// There is no hardware "add to a float in memory" instruction, so: read the bits, compute
    /// the sum, and publish it only if nobody changed the cell in between (else retry with the
    /// fresher value). No update is lost, and no lock is needed.
    pub fn fetch_add(&self, delta: f64, order: Ordering) -> f64 {
        let mut current = self.0.load(Ordering::Relaxed);
        loop {
            let new = (f64::from_bits(current) + delta).to_bits();
            match self
                .0
                .compare_exchange_weak(current, new, order, Ordering::Relaxed)
            {
                Ok(previous) => return f64::from_bits(previous),
                Err(seen) => current = seen,
            }
        }
    }
}

impl fmt::Debug for AtomicF64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.load(Ordering::SeqCst), f)
    }
}

// SAFETY: `AtomicF64` is `repr(transparent)` over `AtomicU64` (every bit pattern is some f64,
// NaNs included), holds no pointer, changes only atomically and has no Drop glue.
unsafe impl ShmSafe for AtomicF64 {}

impl LoadValue for AtomicF64 {
    type Value = f64;
    fn load_value(&self) -> f64 {
        self.load(Ordering::SeqCst)
    }
}

/// A lock that works across processes when it lives in shared memory (Python's
/// `multiprocessing.Lock`, and the lock behind `Value.get_lock()`): put it in a
/// [`SharedValue`] and every process that maps it takes the same lock.
///
/// `lock()` returns a guard; the lock is released when the guard is dropped (Python's `with
/// lock:` block). It is a futex lock: the state is one `u32` (0 free, 1 taken, 2 taken with
/// sleepers) and a process that must wait sleeps in the kernel (`FUTEX_WAIT` on the shared
/// address) until the holder wakes it, so waiting costs no CPU.
///
/// Like Python's lock, and unlike a `std::sync::Mutex`, it does not own the data it protects:
/// nothing stops code from touching that data without the lock. A process that dies while
/// holding it leaves it taken forever (pthreads' "robust" mutexes address that; out of scope).
#[repr(transparent)]
#[derive(Default)]
pub struct ProcessLock(AtomicU32);

const FREE: u32 = 0;
const TAKEN: u32 = 1;
const CONTENDED: u32 = 2;

impl ProcessLock {
    /// A free lock.
    pub const fn new() -> Self {
        Self(AtomicU32::new(FREE))
    }

    /// Waits until the lock is free, takes it and returns the guard that releases it.
    pub fn lock(&self) -> ProcessLockGuard<'_> {
        if self
            .0
            .compare_exchange(FREE, TAKEN, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            // Mark it contended, so the holder knows to wake someone, then sleep until it is
            // released; `swap` returning FREE means we got it (still marked contended, which
            // at worst costs one needless wake-up).
            while self.0.swap(CONTENDED, Ordering::Acquire) != FREE {
                futex_wait(&self.0, CONTENDED);
            }
        }
        ProcessLockGuard { lock: self }
    }

    /// Takes the lock if it is free right now.
    pub fn try_lock(&self) -> Option<ProcessLockGuard<'_>> {
        self.0
            .compare_exchange(FREE, TAKEN, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| ProcessLockGuard { lock: self })
    }

    fn unlock(&self) {
        if self.0.swap(FREE, Ordering::Release) == CONTENDED {
            futex_wake_one(&self.0);
        }
    }
}

impl fmt::Debug for ProcessLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.0.load(Ordering::Relaxed) {
            FREE => "free",
            _ => "taken",
        };
        f.debug_tuple("ProcessLock").field(&state).finish()
    }
}

// SAFETY: `repr(transparent)` over `AtomicU32`: every bit pattern is a state (values other
// than 0–2 just read as "taken"), no pointer, changes only atomically, no Drop glue.
unsafe impl ShmSafe for ProcessLock {}

/// Holds a [`ProcessLock`]; dropping it releases the lock.
#[must_use = "the lock is released as soon as the guard is dropped"]
#[derive(Debug)]
pub struct ProcessLockGuard<'a> {
    lock: &'a ProcessLock,
}

impl Drop for ProcessLockGuard<'_> {
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

/// Sleeps while `*word == expected` (returns at once otherwise, or on a spurious wake-up).
fn futex_wait(word: &AtomicU32, expected: u32) {
    // SAFETY: FUTEX_WAIT only reads the aligned u32 behind a live reference and sleeps if it
    // still equals `expected`; no timeout (null). Not FUTEX_PRIVATE_FLAG: the word may be in
    // memory shared with other processes, whose FUTEX_WAKE must find us.
    unsafe {
        libc::syscall(
            libc::SYS_futex,
            word.as_ptr(),
            libc::FUTEX_WAIT,
            expected,
            std::ptr::null::<libc::timespec>(),
        );
    }
}

/// Wakes one process or thread sleeping in [`futex_wait`] on `word`.
fn futex_wake_one(word: &AtomicU32) {
    // SAFETY: FUTEX_WAKE only uses the address as a key to find sleepers; it does not touch
    // memory.
    unsafe {
        libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, 1);
    }
}

/// One `MAP_SHARED` mapping, unmapped on drop (and its name unlinked, when this process created
/// it).
struct Region {
    ptr: NonNull<c_void>,
    /// The mapped length (at least 1 byte: `mmap` rejects a length of 0).
    map_len: NonZeroUsize,
    /// `(name, creator pid)` of a POSIX shared-memory object to unlink on drop.
    owner: Option<(CString, u32)>,
    /// The memfd behind the mapping, kept so it can be passed to a re-executed child.
    fd: Option<OwnedFd>,
}

// SAFETY: a `Region` is a pointer to memory that stays mapped until it is dropped; it is only
// read or written through `ShmSafe` types, which are `Sync` and change only atomically. Moving
// it to, or using it from, another thread is therefore no different from another process.
unsafe impl Send for Region {}
// SAFETY: see `Send` above.
unsafe impl Sync for Region {}

fn map_len(bytes: usize) -> NonZeroUsize {
    NonZeroUsize::new(bytes.max(1)).unwrap_or(NonZeroUsize::MIN)
}

impl Region {
    /// `bytes` zeroed bytes in a new memfd, mapped shared (inherited by forked children; the
    /// fd can be passed to re-executed ones).
    fn memfd(bytes: usize) -> io::Result<Self> {
        // Close-on-exec: a child gets the fd only when it is passed on purpose.
        let fd = memfd_create(
            c"course-shared",
            MFdFlags::MFD_CLOEXEC | MFdFlags::MFD_ALLOW_SEALING,
        )?;
        ftruncate(&fd, to_off_t(bytes)?)?;
        // Seal the size: no process holding the fd can shrink it under a mapping (see
        // `from_fd` for what a shrink would do).
        // SAFETY: F_ADD_SEALS on a memfd we own, with a valid seal flag; it changes only the
        // object's seals.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_ADD_SEALS, libc::F_SEAL_SHRINK) } < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut region = Self::from_fd(&fd, bytes)?;
        region.fd = Some(fd);
        Ok(region)
    }

    /// Maps the memfd `fd` inherited from another process; returns the mapping and its size.
    fn from_owned_fd(fd: OwnedFd) -> io::Result<(Self, usize)> {
        let size = object_size(&fd)?;
        let mut region = Self::from_fd(&fd, size)?;
        region.fd = Some(fd);
        Ok((region, size))
    }

    /// Maps `bytes` bytes of the shared-memory object `fd` (which has at least that size).
    fn from_fd(fd: impl AsFd, bytes: usize) -> io::Result<Self> {
        let map_len = map_len(bytes);
        // SAFETY: a fresh mapping (no address hint) of an object at least `bytes` long, so no
        // existing memory is replaced. Other processes may change the bytes at any time: that
        // is sound because they are only ever accessed as `ShmSafe` atomics. What remains is a
        // *shrink* of the object by another process: touching the lost pages raises SIGBUS,
        // which kills this process. memmap2 marks mapping a file `unsafe` for exactly these
        // hazards. Here a memfd is sealed against shrinking (`F_SEAL_SHRINK` in `memfd`), so
        // that cannot happen; a named object has no such seal, and its creator and users must
        // be cooperating processes of the same user (the object is mode 0600), which is what
        // `open_named`'s documentation asks of its callers.
        let ptr = unsafe {
            mmap(
                None,
                map_len,
                ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                MapFlags::MAP_SHARED,
                fd,
                0,
            )
        }?;
        Ok(Self {
            ptr,
            map_len,
            owner: None,
            fd: None,
        })
    }

    /// Creates a shared-memory object of `bytes` zero bytes under a private temporary name
    /// (`<name>.creating-<pid>`): the caller fills it, then makes it visible with
    /// [`Region::publish`]. Until then no other process can find it, so plain writes to it
    /// cannot race with anybody.
    fn create_hidden(name: &str, bytes: usize) -> io::Result<Self> {
        shm_name(name)?; // validate the final name first
        let hidden = shm_name(&format!("{name}.creating-{}", std::process::id()))?;
        let fd = shm_open(
            hidden.as_c_str(),
            OFlag::O_CREAT | OFlag::O_EXCL | OFlag::O_RDWR,
            Mode::S_IRUSR | Mode::S_IWUSR,
        )?;
        let mut region = ftruncate(&fd, to_off_t(bytes)?)
            .map_err(io::Error::from)
            .and_then(|()| Self::from_fd(&fd, bytes));
        match &mut region {
            // Owned under the hidden name until published: dropped early, it is unlinked.
            Ok(r) => r.owner = Some((hidden, std::process::id())),
            Err(_) => {
                let _ = shm_unlink(hidden.as_c_str());
            }
        }
        region
    }

    /// Gives the filled object its final `name`, failing if that name exists (like
    /// `O_CREAT | O_EXCL`): a hard link in `/dev/shm` (where Linux keeps POSIX shared memory)
    /// appears atomically, then the temporary name is removed.
    fn publish(&mut self, name: &str) -> io::Result<()> {
        let final_name = shm_name(name)?;
        let Some((hidden, _)) = &self.owner else {
            return Err(io::Error::other("only a hidden region can be published"));
        };
        let dir = std::path::Path::new("/dev/shm");
        let hidden_path = dir.join(hidden.to_string_lossy().trim_start_matches('/'));
        let final_path = dir.join(final_name.to_string_lossy().trim_start_matches('/'));
        std::fs::hard_link(&hidden_path, &final_path)?;
        let _ = shm_unlink(hidden.as_c_str());
        self.owner = Some((final_name, std::process::id()));
        Ok(())
    }

    /// Opens the existing shared-memory object `name`; returns the mapping and its size.
    fn open_named(name: &str) -> io::Result<(Self, usize)> {
        let name = shm_name(name)?;
        let fd = shm_open(name.as_c_str(), OFlag::O_RDWR, Mode::empty())?;
        let size = object_size(&fd)?;
        Ok((Self::from_fd(&fd, size)?, size))
    }
}

impl Drop for Region {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`map_len` describe a mapping made in `from_fd` and never
        // unmapped before; the types that borrow from it (`Deref`) cannot outlive `self`.
        let _ = unsafe { munmap(self.ptr, self.map_len.get()) };
        if let Some((name, creator)) = &self.owner {
            // Only the creating process unlinks: a forked child that drops its inherited copy
            // must not remove the name under the parent's feet.
            if *creator == std::process::id() {
                let _ = shm_unlink(name.as_c_str());
            }
        }
    }
}

fn object_size(fd: impl AsFd) -> io::Result<usize> {
    usize::try_from(fstat(fd)?.st_size)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "negative object size"))
}

fn to_off_t(bytes: usize) -> io::Result<i64> {
    i64::try_from(bytes).map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "too large"))
}

/// `"/name"` for `shm_open`: one path component, at most 200 bytes, no NUL.
fn shm_name(name: &str) -> io::Result<CString> {
    let bare = name.strip_prefix('/').unwrap_or(name);
    let ok = !bare.is_empty()
        && bare.len() <= 200
        && !bare.contains(['/', '\0'])
        && bare != "."
        && bare != "..";
    if !ok {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("invalid shared-memory name {name:?}: use one word like \"course-block\""),
        ));
    }
    CString::new(format!("/{bare}")).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
}

/// Bytes needed for `len` values of `T`, checking the [`ShmSafe`] size and alignment rules.
fn bytes_for<T: ShmSafe>(len: usize) -> io::Result<usize> {
    let size = size_of::<T>();
    if size == 0 || align_of::<T>() > 4096 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "ShmSafe types must have a non-zero size and page alignment at most",
        ));
    }
    len.checked_mul(size)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "array too large"))
}

/// A fixed-length array in memory shared between processes (Python's `multiprocessing.Array`).
///
/// It dereferences to `&[T]`, so it reads like a slice of atomics:
/// `arr[0].fetch_add(1, SeqCst)`, `arr.iter()`, `arr.len()`.
pub struct SharedArray<T: ShmSafe> {
    region: Region,
    len: usize,
    _marker: PhantomData<T>,
}

impl<T: ShmSafe> SharedArray<T> {
    /// An array holding `values` in new shared memory (a memfd mapped `MAP_SHARED`). Forked
    /// children inherit it; re-executed children get it with `pass_fd(&array)` +
    /// [`SharedArray::from_fd`].
    ///
    /// # Errors
    /// When the kernel refuses the memory or the mapping.
    pub fn new(values: impl IntoIterator<Item = T>) -> io::Result<Self> {
        let values: Vec<T> = values.into_iter().collect();
        let region = Region::memfd(bytes_for::<T>(values.len())?)?;
        Ok(Self::filled(region, values))
    }

    /// Maps the array behind `fd`, a descriptor of a [`SharedArray::new`] that another process
    /// passed to us (e.g. `multiprocessing_examples::spawn::inherited_fd(0)?`).
    ///
    /// # Errors
    /// The descriptor cannot be mapped, or its size is not a whole number of `T`s.
    pub fn from_fd(fd: OwnedFd) -> io::Result<Self> {
        let (region, size) = Region::from_owned_fd(fd)?;
        Self::sized(region, size, "inherited descriptor")
    }

    /// An array holding `values` in a new POSIX shared-memory object called `name`, which other
    /// processes open with [`SharedArray::open_named`]. The name is unlinked when this value is
    /// dropped in the process that created it.
    ///
    /// # Errors
    /// An invalid name, a name that already exists, or a refused mapping.
    pub fn create_named(name: &str, values: impl IntoIterator<Item = T>) -> io::Result<Self> {
        let values: Vec<T> = values.into_iter().collect();
        let region = Region::create_hidden(name, bytes_for::<T>(values.len())?)?;
        let mut array = Self::filled(region, values);
        array.region.publish(name)?; // visible only now, with every value in place
        Ok(array)
    }

    /// Opens the array another process created with [`SharedArray::create_named`]. The length
    /// is the object's size divided by the size of `T`.
    ///
    /// Use it only between cooperating processes: a process that shrinks the object
    /// (`ftruncate` on `/dev/shm/<name>`) makes every process that then touches the lost part
    /// die with SIGBUS. (Arrays made by [`SharedArray::new`] are sealed against that.)
    ///
    /// # Errors
    /// No object with that name, or a size that is not a whole number of `T`s.
    pub fn open_named(name: &str) -> io::Result<Self> {
        let (region, size) = Region::open_named(name)?;
        Self::sized(region, size, name)
    }

    fn sized(region: Region, size: usize, what: &str) -> io::Result<Self> {
        let elem = bytes_for::<T>(1)?;
        if !size.is_multiple_of(elem) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "shared object {what:?} has {size} bytes: not a whole number of {elem}-byte elements"
                ),
            ));
        }
        Ok(Self {
            region,
            len: size / elem,
            _marker: PhantomData,
        })
    }

    fn filled(region: Region, values: Vec<T>) -> Self {
        let len = values.len();
        let base = region.ptr.cast::<T>();
        for (i, value) in values.into_iter().enumerate() {
            // SAFETY: the region holds `len` elements of `T` (`bytes_for` above) and is page
            // aligned, hence aligned for `T` (alignment ≤ 4096 by `ShmSafe`). Nobody else can
            // reach it yet: a memfd is not passed to anyone before `new` returns, and a named
            // object still has its private temporary name (`create_hidden`, published only
            // after filling). So the plain write does not race.
            unsafe { base.add(i).write(value) };
        }
        Self {
            region,
            len,
            _marker: PhantomData,
        }
    }

    /// The current values, loaded one by one (`list(arr)` in Python).
    pub fn snapshot(&self) -> Vec<T::Value>
    where
        T: LoadValue,
    {
        self.iter().map(LoadValue::load_value).collect()
    }
}

impl<T: ShmSafe> Deref for SharedArray<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        // SAFETY: the mapping is valid for `len` elements of `T`, aligned, and stays mapped
        // while `self` lives (the returned borrow cannot outlive `self`). Every bit pattern is
        // a valid `T` (`ShmSafe`), so bytes written by another process are fine too, and `T`
        // changes only atomically, so shared `&T` access from many processes is sound.
        unsafe { std::slice::from_raw_parts(self.region.ptr.cast::<T>().as_ptr(), self.len) }
    }
}

impl<T: ShmSafe> AsFd for SharedArray<T> {
    /// The memfd behind an array made by [`SharedArray::new`] or [`SharedArray::from_fd`], to
    /// pass to a re-executed child.
    ///
    /// # Panics
    /// For a named array (`create_named`/`open_named`): pass its name instead.
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.region
            .fd
            .as_ref()
            .map(AsFd::as_fd)
            .expect("a named shared object is shared by its name, not by a descriptor")
    }
}

impl<T: ShmSafe + fmt::Debug> fmt::Debug for SharedArray<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// One value in memory shared between processes (Python's `multiprocessing.Value`).
///
/// It dereferences to `&T`: `counter.fetch_add(1, SeqCst)`, and [`SharedValue::get`] reads it
/// (`counter.value` in Python).
pub struct SharedValue<T: ShmSafe>(SharedArray<T>);

impl<T: ShmSafe> SharedValue<T> {
    /// A value in new shared memory (see [`SharedArray::new`]).
    ///
    /// # Errors
    /// When the kernel refuses the memory or the mapping.
    pub fn new(value: T) -> io::Result<Self> {
        SharedArray::new([value]).map(Self)
    }

    /// Maps the value behind `fd`, a descriptor of a [`SharedValue::new`] that another process
    /// passed to us.
    ///
    /// # Errors
    /// The descriptor cannot be mapped or does not hold exactly one `T`.
    pub fn from_fd(fd: OwnedFd) -> io::Result<Self> {
        Self::one(SharedArray::from_fd(fd)?, "inherited descriptor")
    }

    /// A value in a new POSIX shared-memory object called `name` (see
    /// [`SharedArray::create_named`]).
    ///
    /// # Errors
    /// An invalid or existing name, or a refused mapping.
    pub fn create_named(name: &str, value: T) -> io::Result<Self> {
        SharedArray::create_named(name, [value]).map(Self)
    }

    /// Opens a value another process created with [`SharedValue::create_named`].
    ///
    /// # Errors
    /// No such object, or one that does not hold exactly one `T`.
    pub fn open_named(name: &str) -> io::Result<Self> {
        Self::one(SharedArray::open_named(name)?, name)
    }

    fn one(array: SharedArray<T>, what: &str) -> io::Result<Self> {
        if array.len() != 1 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("shared object {what:?} holds {} values, not 1", array.len()),
            ));
        }
        Ok(Self(array))
    }

    /// The current value.
    pub fn get(&self) -> T::Value
    where
        T: LoadValue,
    {
        self.load_value()
    }
}

impl<T: ShmSafe> Deref for SharedValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0[0]
    }
}

impl<T: ShmSafe> AsFd for SharedValue<T> {
    /// See [`SharedArray::as_fd`](struct.SharedArray.html#impl-AsFd-for-SharedArray<T>).
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.0.as_fd()
    }
}

impl<T: ShmSafe + fmt::Debug> fmt::Debug for SharedValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("SharedValue").field(&**self).finish()
    }
}

/// Waits for the child `pid` (Python's `join`) and returns its exit code. A reaped child leaves
/// no zombie behind.
///
/// # Errors
/// `waitpid` failed, or the child was killed by a signal (the error names it).
pub fn wait_child(pid: Pid) -> io::Result<i32> {
    loop {
        match waitpid(pid, None) {
            Ok(WaitStatus::Exited(_, code)) => return Ok(code),
            Ok(WaitStatus::Signaled(_, signal, _)) => {
                return Err(io::Error::other(format!("child {pid} killed by {signal}")));
            }
            // Stopped/continued (only reported with extra flags) or EINTR: keep waiting.
            Ok(_) | Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(e.into()),
        }
    }
}
