//! The opaque [`GlLedger`] handle: starting a ledger into a trace file, flushing, finishing, freeing.
//!
//! A handle wraps one [`gpu_ledger::Ledger`] and a small state word (off,
//! recording, finished) that the recording calls read with one relaxed load, so
//! a disabled ledger costs a load and a branch and a finished one answers
//! `GL_ERR_FINISHED` instead of silently dropping events. The trace is written
//! by the core's writers ([`gpu_ledger::format::BinaryWriter`], or the JSON Lines
//! writer for `.jsonl` paths) from the ledger's drain thread, never from the
//! caller's.

use std::ffi::c_char;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use gpu_ledger::format::MAX_SOURCE_LEN;
use gpu_ledger::live::{HostSink, LiveConfig};
use gpu_ledger::toggle::{DEFAULT_PREFIX, Toggles};
use gpu_ledger::{Ledger, LedgerConfig, ReleaseModel, ReleaseModels};

use crate::codes::{
    Codes, GL_RELEASE_DEFERRED, GL_RELEASE_IMMEDIATE, GL_RELEASE_NOT_DECLARED, GlReleaseModel,
};

use crate::status::{
    GL_ERR_INVALID_ARGUMENT, GL_ERR_IO, GL_OK, GlStatus, c_str, fail, finished, guard, invalid,
    null_arg, write_out,
};

/// A gpu-ledger recorder, opaque to C.
///
/// Made by [`gl_ledger_start`], [`gl_ledger_from_env`] or [`gl_ledger_disabled`];
/// ended by [`gl_ledger_finish`] and released by [`gl_ledger_free`]. One handle
/// is meant to be shared by every thread of the renderer.
pub struct GlLedger {
    state: AtomicU8,
    ledger: Ledger,
    path: Option<PathBuf>,
    codes: Codes,
}

/// The handle records nothing and never will (a disabled ledger).
pub(crate) const OFF: u8 = 0;
/// The handle records.
pub(crate) const ON: u8 = 1;
/// `gl_ledger_finish` was called.
pub(crate) const FINISHED: u8 = 2;

impl GlLedger {
    fn new(ledger: Ledger, state: u8, path: Option<PathBuf>) -> *mut GlLedger {
        Box::into_raw(Box::new(GlLedger {
            state: AtomicU8::new(state),
            ledger,
            path,
            codes: Codes::new(),
        }))
    }

    /// The ledger this handle wraps.
    #[inline]
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The name codes this handle handed out.
    #[inline]
    pub(crate) fn codes(&self) -> &Codes {
        &self.codes
    }

    /// The handle's state: [`OFF`], [`ON`] or [`FINISHED`].
    #[inline]
    pub(crate) fn state(&self) -> u8 {
        self.state.load(Ordering::Relaxed)
    }

    /// Ends recording and closes the trace; `GL_ERR_FINISHED` the second time.
    fn finish(&self, func: &'static str, stats: *mut GlFinishStats) -> GlStatus {
        if self.state.swap(FINISHED, Ordering::SeqCst) == FINISHED {
            return finished(func);
        }
        let done = self.ledger.finish();
        if !stats.is_null() {
            // SAFETY: non-NULL, and the caller of gl_ledger_finish promises it is
            // valid for a write of GlFinishStats.
            unsafe {
                stats.write(GlFinishStats {
                    events: done.events,
                    lost: done.lost,
                })
            };
        }
        let Some(sink) = done.into_sink::<HostSink>() else {
            return GL_OK;
        };
        match sink.finish() {
            Ok(()) => GL_OK,
            Err(e) => io_error(func, "cannot write trace file", self.path.as_deref(), &e),
        }
    }
}

/// Where a recording call stands once its handle is checked.
pub(crate) enum Gate<'a> {
    /// The ledger records: make the call.
    Record(&'a GlLedger),
    /// Return this status without recording (`GL_OK` when disabled).
    Done(GlStatus),
}

/// Checks a handle on the hot path: a NULL check and one relaxed load.
///
/// # Safety
/// `ptr` must be NULL or a live handle (not yet passed to [`gl_ledger_free`]).
#[inline(always)]
pub(crate) unsafe fn gate<'a>(ptr: *const GlLedger, func: &'static str) -> Gate<'a> {
    // SAFETY: the caller promises `ptr` is NULL or a live handle.
    match unsafe { ptr.as_ref() } {
        None => Gate::Done(null_arg(func, "ledger")),
        Some(handle) => match handle.state() {
            ON => Gate::Record(handle),
            OFF => Gate::Done(GL_OK),
            _ => Gate::Done(finished(func)),
        },
    }
}

/// Checks a handle for a setup call: NULL and finished handles are errors,
/// disabled ones are fine.
///
/// # Safety
/// `ptr` must be NULL or a live handle (not yet passed to [`gl_ledger_free`]).
pub(crate) unsafe fn handle<'a>(
    ptr: *const GlLedger,
    func: &'static str,
) -> Result<&'a GlLedger, GlStatus> {
    // SAFETY: the caller promises `ptr` is NULL or a live handle.
    match unsafe { ptr.as_ref() } {
        None => Err(null_arg(func, "ledger")),
        Some(handle) if handle.state() == FINISHED => Err(finished(func)),
        Some(handle) => Ok(handle),
    }
}

/// How [`gl_ledger_start`] records. Fill it with [`gl_config_default`] first,
/// then set `path`; zero and NULL fields take their defaults.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GlConfig {
    /// The trace file to create (truncated if it exists): a binary trace, or
    /// JSON Lines if the name ends in `.jsonl`. Required. UTF-8 on Windows,
    /// any bytes elsewhere. Read during the call only.
    pub path: *const c_char,
    /// Who produces the stream, stored in the trace header; NULL for the
    /// executable's name. UTF-8, at most 4096 bytes. Read during the call only.
    pub source: *const c_char,
    /// Events each recording thread can buffer before the drain thread takes
    /// them; beyond it events are dropped and counted. 0 for the default
    /// (16384); at most [`GL_MAX_THREAD_CAPACITY`].
    pub thread_capacity: u32,
    /// How often the drain thread wakes, in microseconds; 0 for the default
    /// (2000); at most [`GL_MAX_DRAIN_INTERVAL_US`].
    pub drain_interval_us: u32,
    /// How the graphics API the host drives frees what it destroys, declared in
    /// the trace header so that reports apply the right destroy checks:
    /// `GL_RELEASE_IMMEDIATE` (Vulkan, D3D12 native objects), `GL_RELEASE_DEFERRED`
    /// (Metal, WebGPU) or `GL_RELEASE_NOT_DECLARED` (0, the default).
    pub release_model: GlReleaseModel,
    /// Resource types whose model differs from `release_model`: NULL, or an array
    /// of `release_by_type_count` entries. Read during the call only.
    pub release_by_type: *const GlTypeRelease,
    /// How many entries `release_by_type` holds.
    pub release_by_type_count: u32,
}

/// One resource type's release model (see [`GlConfig::release_by_type`]).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct GlTypeRelease {
    /// The type's name as reports print it (`"Texture"`, `"StagingBuffer"`):
    /// NUL-terminated UTF-8, read during the call only.
    pub type_name: *const c_char,
    /// `GL_RELEASE_IMMEDIATE` or `GL_RELEASE_DEFERRED`.
    pub model: GlReleaseModel,
}

/// The largest `GlConfig::thread_capacity`: 1,048,576 events, about 100 MiB
/// of buffer per recording thread.
pub const GL_MAX_THREAD_CAPACITY: u32 = 1 << 20;

/// The longest `GlConfig::drain_interval_us`: 10 seconds. Events wait in
/// their thread's buffer for up to this long, so a longer interval mostly
/// loses events.
pub const GL_MAX_DRAIN_INTERVAL_US: u32 = 10_000_000;

/// What a finished ledger reports (see [`gl_ledger_finish`]).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GlFinishStats {
    /// Events that reached the trace, loss reports and the clean-end marker that
    /// ends every finished trace included.
    pub events: u64,
    /// Events dropped because a thread's buffer was full (also recorded in the
    /// trace, so every report shows the loss).
    pub lost: u64,
}

/// Fills `*out` with the default configuration: every field NULL or 0.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `out` is NULL.
///
/// # Safety
/// `out` must be NULL or valid for writing a `GlConfig`.
///
/// # Threading
/// Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_config_default(out: *mut GlConfig) -> GlStatus {
    let config = GlConfig {
        path: std::ptr::null(),
        source: std::ptr::null(),
        thread_capacity: 0,
        drain_interval_us: 0,
        release_model: GL_RELEASE_NOT_DECLARED,
        release_by_type: std::ptr::null(),
        release_by_type_count: 0,
    };
    // SAFETY: the caller promises `out` is NULL or valid for the write.
    unsafe { write_out(out, config, "gl_config_default", "out") }
}

/// Starts a ledger that records into the trace file `config->path`.
///
/// On success `*out` receives a new handle, which the caller owns: end it with
/// [`gl_ledger_finish`] and release it with [`gl_ledger_free`]. On failure
/// `*out` is set to NULL (when `out` itself is not NULL).
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `config`, `config->path` or `out` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `config->source` (or, on Windows, the path) is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: `config->thread_capacity` above
///   [`GL_MAX_THREAD_CAPACITY`], `config->drain_interval_us` above
///   [`GL_MAX_DRAIN_INTERVAL_US`], `config->source` longer than 4096 bytes,
///   or a `.jsonl` path in a build without JSON support;
/// - `GL_ERR_IO`: the file cannot be created (the message names the path);
/// - `GL_ERR_PANIC`: the drain thread could not be started.
///
/// # Safety
/// `config` must be NULL or point to a valid `GlConfig` whose strings are NULL
/// or NUL-terminated; they are only read during the call. `out` must be NULL or
/// valid for writing a pointer.
///
/// # Threading
/// Thread-safe. Starts one background thread per ledger.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_start(
    config: *const GlConfig,
    out: *mut *mut GlLedger,
) -> GlStatus {
    const F: &str = "gl_ledger_start";
    if out.is_null() {
        return null_arg(F, "out");
    }
    // SAFETY: `out` is non-NULL and the caller promises it is valid for a write.
    unsafe { out.write(std::ptr::null_mut()) };
    // SAFETY: the caller promises `config` is NULL or points to a valid GlConfig.
    let Some(config) = (unsafe { config.as_ref() }) else {
        return null_arg(F, "config");
    };
    guard(F, || {
        // SAFETY: the caller promises the config's strings are NULL or
        // NUL-terminated, valid for the duration of the call.
        let path = match unsafe { c_path(config.path, F, "config->path") } {
            Ok(path) => path,
            Err(status) => return status,
        };
        if let Err(status) = check_sizes(F, config) {
            return status;
        }
        let mut ledger_config = LedgerConfig::default();
        if !config.source.is_null() {
            // SAFETY: as above.
            match unsafe { c_str(config.source, F, "config->source") } {
                Ok(source) if source.len() > MAX_SOURCE_LEN => {
                    return invalid(
                        F,
                        format_args!(
                            "config->source is {} bytes long, beyond the {MAX_SOURCE_LEN} bytes \
                             a trace header holds",
                            source.len()
                        ),
                    );
                }
                Ok(source) => ledger_config.source = source.to_owned(),
                Err(status) => return status,
            }
        }
        if config.thread_capacity != 0 {
            ledger_config.thread_capacity = config.thread_capacity as usize;
        }
        if config.drain_interval_us != 0 {
            ledger_config.drain_interval = Duration::from_micros(config.drain_interval_us.into());
        }
        // SAFETY: the caller promises the release table is NULL or holds
        // `release_by_type_count` valid entries, read during the call only.
        match unsafe { release_models(config, F) } {
            Ok(release) => ledger_config.release = release,
            Err(status) => return status,
        }
        match start(F, ledger_config, Some(path), false) {
            Ok(handle) => {
                // SAFETY: checked non-NULL and valid above.
                unsafe { out.write(handle) };
                GL_OK
            }
            Err(status) => status,
        }
    })
}

/// Starts a ledger as the environment toggles `<prefix>_TRACE`, `<prefix>_REPORT`
/// and `<prefix>_OUT` say.
///
/// With `prefix` `"OMEGAWTK_GPU_RESOURCE"`, `OMEGAWTK_GPU_RESOURCE_TRACE=1`
/// records into `OMEGAWTK_GPU_RESOURCE_OUT` (default
/// `<executable>-<unix seconds>.gltrace` in the working directory; a `.jsonl`
/// name gives JSON Lines), and `OMEGAWTK_GPU_RESOURCE_REPORT=1` writes the
/// startup summary to stderr once, when the first stable present window is
/// reached (or at [`gl_ledger_finish`] if it never is). With both off, `*out` is
/// a disabled ledger: every recording call costs a load and a branch.
///
/// `*out` always receives a usable handle when `out` is not NULL: on error it
/// is a disabled ledger, so instrumented code runs unchanged. The caller owns
/// it: [`gl_ledger_finish`], then [`gl_ledger_free`].
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `out` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `prefix` is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: a toggle is not a switch (`..._TRACE=maybe`);
/// - `GL_ERR_IO`: the trace file cannot be created (the message names the path).
///
/// # Safety
/// `prefix` must be NULL (for `"GPU_LEDGER"`) or a NUL-terminated string, read
/// during the call only. `out` must be NULL or valid for writing a pointer.
///
/// # Threading
/// Thread-safe, but it reads the process environment: do not call it while
/// another thread calls `setenv`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_from_env(
    prefix: *const c_char,
    out: *mut *mut GlLedger,
) -> GlStatus {
    const F: &str = "gl_ledger_from_env";
    if out.is_null() {
        return null_arg(F, "out");
    }
    let (handle, status) = match guard(F, || {
        let prefix = if prefix.is_null() {
            DEFAULT_PREFIX
        } else {
            // SAFETY: the caller promises `prefix` is NULL or NUL-terminated.
            match unsafe { c_str(prefix, F, "prefix") } {
                Ok(prefix) => prefix,
                Err(status) => return status,
            }
        };
        let toggles = match Toggles::from_env(prefix) {
            Ok(toggles) => toggles,
            Err(e) => return fail(GL_ERR_INVALID_ARGUMENT, format_args!("{F}: {e}")),
        };
        if !toggles.any() {
            // SAFETY: checked non-NULL; the caller promises it is valid.
            unsafe { out.write(GlLedger::new(Ledger::disabled(), OFF, None)) };
            return GL_OK;
        }
        let config = LedgerConfig::default();
        let path = toggles
            .trace
            .then(|| toggles.trace_path_now(&config.source));
        match start(F, config, path, toggles.report) {
            Ok(handle) => {
                // SAFETY: checked non-NULL; the caller promises it is valid.
                unsafe { out.write(handle) };
                GL_OK
            }
            Err(status) => status,
        }
    }) {
        GL_OK => return GL_OK,
        status => (GlLedger::new(Ledger::disabled(), OFF, None), status),
    };
    // SAFETY: checked non-NULL; the caller promises it is valid for a write.
    unsafe { out.write(handle) };
    status
}

/// Makes a disabled ledger: it records nothing, every recording call costs a
/// load and a branch, and resource ids and codes still work.
///
/// The caller owns `*out`: release it with [`gl_ledger_free`].
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `out` is NULL.
///
/// # Safety
/// `out` must be NULL or valid for writing a pointer.
///
/// # Threading
/// Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_disabled(out: *mut *mut GlLedger) -> GlStatus {
    const F: &str = "gl_ledger_disabled";
    if out.is_null() {
        return null_arg(F, "out");
    }
    guard(F, || {
        let handle = GlLedger::new(Ledger::disabled(), OFF, None);
        // SAFETY: checked non-NULL; the caller promises it is valid for a write.
        unsafe { out.write(handle) };
        GL_OK
    })
}

/// Tells whether the ledger records: `*out` is true until [`gl_ledger_finish`],
/// false for a disabled ledger. Use it to skip work done only for the ledger.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` or `out` is NULL.
///
/// # Safety
/// `ledger` must be NULL or a live handle; `out` NULL or valid for writing a `bool`.
///
/// # Threading
/// Thread-safe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_is_recording(
    ledger: *const GlLedger,
    out: *mut bool,
) -> GlStatus {
    const F: &str = "gl_ledger_is_recording";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let Some(handle) = (unsafe { ledger.as_ref() }) else {
        return null_arg(F, "ledger");
    };
    // SAFETY: the caller promises `out` is NULL or valid for the write.
    unsafe { write_out(out, handle.state() == ON, F, "out") }
}

/// Waits until every event recorded before the call has reached the trace
/// writer (which writes whole blocks; [`gl_ledger_finish`] writes the rest).
///
/// Returns at once for a disabled ledger.
///
/// # Errors
/// `GL_ERR_NULL_POINTER` if `ledger` is NULL; `GL_ERR_FINISHED` after
/// [`gl_ledger_finish`].
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe. Blocks the calling thread for up to a drain pass: never call
/// it on a hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_flush(ledger: *const GlLedger) -> GlStatus {
    const F: &str = "gl_flush";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    match unsafe { handle(ledger, F) } {
        Ok(handle) => guard(F, || {
            handle.ledger().flush();
            GL_OK
        }),
        Err(status) => status,
    }
}

/// Stops recording, drains every recorded event into the trace and closes the file.
///
/// The handle stays valid: later calls on it return `GL_ERR_FINISHED`, and it
/// must still be released with [`gl_ledger_free`]. If `stats` is not NULL it
/// receives the event and loss counts (also on `GL_ERR_IO`).
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_FINISHED`: the ledger was already finished;
/// - `GL_ERR_IO`: writing the trace failed (the message names the path).
///
/// # Safety
/// `ledger` must be NULL or a live handle; `stats` NULL or valid for writing a
/// `GlFinishStats`.
///
/// # Threading
/// Thread-safe: other threads may keep recording while it runs. Their calls
/// are recorded, or return `GL_ERR_FINISHED` once it has begun (a call that
/// overlaps the switch itself may return `GL_OK` and be dropped). It blocks
/// until the drain thread has written everything.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_finish(
    ledger: *mut GlLedger,
    stats: *mut GlFinishStats,
) -> GlStatus {
    const F: &str = "gl_ledger_finish";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let Some(handle) = (unsafe { ledger.as_ref() }) else {
        return null_arg(F, "ledger");
    };
    guard(F, || handle.finish(F, stats))
}

/// Releases a handle, finishing it first if [`gl_ledger_finish`] was not called.
///
/// `NULL` is accepted and ignored, like `free(NULL)`.
///
/// # Errors
/// `GL_ERR_IO` if the implicit finish could not write the trace (the handle
/// is released all the same).
///
/// # Safety
/// `ledger` must be NULL or a handle made by this library and not yet freed.
/// After the call the pointer is dangling: no thread may use it again.
///
/// # Threading
/// Not thread-safe with respect to the handle: it must be the last call on it,
/// after every other thread has stopped using it.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_ledger_free(ledger: *mut GlLedger) -> GlStatus {
    const F: &str = "gl_ledger_free";
    if ledger.is_null() {
        return GL_OK;
    }
    // SAFETY: the caller promises `ledger` came from Box::into_raw in this
    // library and is freed once, with no other thread using it.
    let handle = unsafe { Box::from_raw(ledger) };
    guard(F, move || {
        let status = match handle.state() {
            FINISHED => GL_OK,
            _ => handle.finish(F, std::ptr::null_mut()),
        };
        drop(handle);
        status
    })
}

/// Refuses sizes that would make the ledger abort the host later (a buffer
/// it cannot allocate) or lose most events (a drain that hardly ever runs).
fn check_sizes(func: &str, config: &GlConfig) -> Result<(), GlStatus> {
    if config.thread_capacity > GL_MAX_THREAD_CAPACITY {
        return Err(invalid(
            func,
            format_args!(
                "config->thread_capacity {} is beyond the limit of {GL_MAX_THREAD_CAPACITY} \
                 events per thread (0 takes the default, 16384)",
                config.thread_capacity
            ),
        ));
    }
    if config.drain_interval_us > GL_MAX_DRAIN_INTERVAL_US {
        return Err(invalid(
            func,
            format_args!(
                "config->drain_interval_us {} is beyond the limit of {GL_MAX_DRAIN_INTERVAL_US} \
                 (10 s; 0 takes the default, 2000)",
                config.drain_interval_us
            ),
        ));
    }
    Ok(())
}

/// Starts a ledger writing the trace file at `path` (if any) and, with
/// `summary`, the startup summary to stderr.
fn start(
    func: &'static str,
    config: LedgerConfig,
    path: Option<PathBuf>,
    summary: bool,
) -> Result<*mut GlLedger, GlStatus> {
    let live = LiveConfig {
        summary: summary.then(|| Box::new(std::io::stderr()) as Box<dyn Write + Send>),
        ..LiveConfig::default()
    };
    match gpu_ledger::live::start_ledger(path.as_deref(), config, live) {
        Ok(ledger) => Ok(GlLedger::new(ledger, ON, path)),
        Err(e) => Err(open_error(func, path.as_deref(), &e)),
    }
}

/// The release models `config` declares.
///
/// # Safety
/// `config.release_by_type` must be NULL or point to `release_by_type_count`
/// valid entries whose names are NUL-terminated.
unsafe fn release_models(config: &GlConfig, func: &'static str) -> Result<ReleaseModels, GlStatus> {
    let model = |code: GlReleaseModel, what: &str| match code {
        GL_RELEASE_IMMEDIATE => Ok(ReleaseModel::Immediate),
        GL_RELEASE_DEFERRED => Ok(ReleaseModel::Deferred),
        other => Err(invalid(
            func,
            format_args!(
                "{what} {other} is not a release model: use GL_RELEASE_IMMEDIATE (1) or \
                 GL_RELEASE_DEFERRED (2)"
            ),
        )),
    };
    let mut release = ReleaseModels::default();
    if config.release_model != GL_RELEASE_NOT_DECLARED {
        release.stream = Some(model(config.release_model, "config->release_model")?);
    }
    if config.release_by_type_count == 0 {
        return Ok(release);
    }
    if config.release_by_type.is_null() {
        return Err(null_arg(func, "config->release_by_type"));
    }
    // SAFETY: non-NULL, and the caller promises `release_by_type_count` entries.
    let entries = unsafe {
        std::slice::from_raw_parts(
            config.release_by_type,
            config.release_by_type_count as usize,
        )
    };
    for entry in entries {
        // SAFETY: the caller promises each name is NULL or NUL-terminated.
        let name = unsafe { c_str(entry.type_name, func, "config->release_by_type[].type_name") }?;
        if name.is_empty() {
            return Err(invalid(
                func,
                format_args!("a release_by_type name is empty"),
            ));
        }
        let parsed = model(entry.model, &format!("the release model of {name:?}"))?;
        release.by_type.insert(name.to_owned(), parsed);
    }
    Ok(release)
}

/// The status for a trace file that cannot be opened: `GL_ERR_IO` with the
/// operating system's words, or `GL_ERR_INVALID_ARGUMENT` for a `.jsonl` path
/// in a build without JSON Lines.
#[cold]
fn open_error(func: &'static str, path: Option<&Path>, error: &gpu_ledger::Error) -> GlStatus {
    match (error.kind(), std::error::Error::source(error)) {
        (gpu_ledger::ErrorKind::Io, Some(cause)) => {
            io_error(func, "cannot create trace file", path, cause)
        }
        _ => crate::status::invalid(func, format_args!("{error}")),
    }
}

/// `GL_ERR_IO`: `what` for `path`, with the error and its causes.
#[cold]
#[inline(never)]
fn io_error(
    func: &str,
    what: &str,
    path: Option<&Path>,
    error: &(dyn std::error::Error + 'static),
) -> GlStatus {
    let mut message = match path {
        Some(path) => format!("{func}: {what} {:?}: {error}", path.display().to_string()),
        None => format!("{func}: {what}: {error}"),
    };
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    fail(GL_ERR_IO, format_args!("{message}"))
}

/// Reads a path argument: any bytes on Unix, UTF-8 elsewhere.
///
/// # Safety
/// `ptr` must be NULL or a NUL-terminated string valid during the call.
unsafe fn c_path(ptr: *const c_char, func: &str, what: &str) -> Result<PathBuf, GlStatus> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if ptr.is_null() {
            return Err(null_arg(func, what));
        }
        // SAFETY: non-NULL, and the caller promises a NUL-terminated string.
        let bytes = unsafe { std::ffi::CStr::from_ptr(ptr) }.to_bytes();
        Ok(PathBuf::from(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        // SAFETY: forwarded from the caller.
        unsafe { c_str(ptr, func, what) }.map(PathBuf::from)
    }
}
