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
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use gpu_ledger::format::MAX_SOURCE_LEN;
use gpu_ledger::live::{HostSink, LiveConfig};
use gpu_ledger::record::AssertMode;
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
    /// (2000); at most [`GL_MAX_DRAIN_INTERVAL_US`]. It is also how long the
    /// live analysis takes, at most, to notice a finding.
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
    /// What a failed destroy check does while the program runs:
    /// [`GL_ASSERT_WARN`] (0, the default: a notice of level error),
    /// [`GL_ASSERT_PANIC`] (in a library built with debug assertions, stop the
    /// process: the drain thread prints the finding and aborts, within a drain
    /// pass of the destroy) or [`GL_ASSERT_OFF`]. `GPU_LEDGER_ASSERT` says the
    /// same for [`gl_ledger_from_env`].
    pub assert_mode: i32,
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

/// `GlConfig::assert_mode`: log a failed destroy check as a notice of level error.
pub const GL_ASSERT_WARN: i32 = 0;
/// `GlConfig::assert_mode`: stop the process on a failed destroy check (debug builds).
pub const GL_ASSERT_PANIC: i32 = 1;
/// `GlConfig::assert_mode`: say nothing while running (the report has the verdict).
pub const GL_ASSERT_OFF: i32 = 2;

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
        assert_mode: GL_ASSERT_WARN,
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
///   [`GL_MAX_DRAIN_INTERVAL_US`], `config->assert_mode` not a `GL_ASSERT_*`,
///   `config->source` longer than 4096 bytes, or a `.jsonl` path in a build
///   without JSON support;
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
        ledger_config.assert = match config.assert_mode {
            GL_ASSERT_WARN => AssertMode::Warn,
            GL_ASSERT_PANIC => AssertMode::Panic,
            GL_ASSERT_OFF => AssertMode::Off,
            other => {
                return invalid(
                    F,
                    format_args!(
                        "config->assert_mode {other} is not GL_ASSERT_WARN (0), \
                         GL_ASSERT_PANIC (1) or GL_ASSERT_OFF (2)"
                    ),
                );
            }
        };
        match start(F, ledger_config, Some(path), LiveConfig::default()) {
            Ok(handle) => {
                // SAFETY: checked non-NULL and valid above.
                unsafe { out.write(handle) };
                GL_OK
            }
            Err(status) => status,
        }
    })
}

/// Starts a ledger as the environment toggles `<prefix>_TRACE`, `<prefix>_REPORT`,
/// `<prefix>_OUT`, `<prefix>_ASSERT`, `<prefix>_DUMP` and `<prefix>_DUMP_ON` say.
///
/// With `prefix` `"OMEGAWTK_GPU_RESOURCE"`, `OMEGAWTK_GPU_RESOURCE_TRACE=1`
/// records into `OMEGAWTK_GPU_RESOURCE_OUT` (default
/// `<executable>-<unix seconds>.gltrace` in the working directory; a `.jsonl`
/// name gives JSON Lines), and `OMEGAWTK_GPU_RESOURCE_REPORT=1` writes the
/// startup summary to stderr once, when the first stable present window is
/// reached (or at [`gl_ledger_finish`] if it never is). `<prefix>_ASSERT=panic`
/// stops the program on a failed destroy check (`warn`, the default, reports it
/// through [`gl_set_log_callback`](crate::gl_set_log_callback)); `<prefix>_DUMP=<pattern>` with
/// `<prefix>_DUMP_ON=startup-end,exit,signal` writes dumps (`signal`: on each
/// `SIGUSR1`). With all of them off, `*out` is a disabled ledger: every recording
/// call costs a load and a branch.
///
/// `*out` always receives a usable handle when `out` is not NULL: on error it
/// is a disabled ledger, so instrumented code runs unchanged. The caller owns
/// it: [`gl_ledger_finish`], then [`gl_ledger_free`].
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `out` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `prefix` is not UTF-8;
/// - `GL_ERR_INVALID_ARGUMENT`: a toggle is not a switch (`..._TRACE=maybe`),
///   an assertion mode or a list of dump triggers;
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
        let config = toggles.apply(LedgerConfig::default());
        let path = toggles
            .trace
            .then(|| toggles.trace_path_now(&config.source));
        let live = toggles.live_config(&config.source, Some(Box::new(std::io::stderr())));
        match start(F, config, path, live) {
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

/// Writes a dump of the ledger's live analysis to `path` (a JSON document that
/// `gpu-ledger graph` and `gpu-ledger timeline` read): the live resource graph
/// (owners → live resources with type, size, age, last packet), the last 64
/// packets with the resources they touched, and the compact startup timeline.
/// On success `*seq`, when not NULL, receives the number of events before the
/// dump: every resource listed is live after exactly those.
///
/// Every event recorded before the call is in it; it is taken on the drain thread
/// between two events, so other threads may keep recording meanwhile. It is
/// written to a temporary file renamed into place, and announced through
/// [`gl_set_log_callback`](crate::gl_set_log_callback).
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` or `path` is NULL;
/// - `GL_ERR_INVALID_UTF8`: `path` is not UTF-8 (Windows);
/// - `GL_ERR_INVALID_ARGUMENT`: the ledger is disabled (it keeps nothing);
/// - `GL_ERR_FINISHED`: after [`gl_ledger_finish`];
/// - `GL_ERR_IO`: the dump cannot be written (the message names the path).
///
/// # Safety
/// `ledger` must be NULL or a live handle; `path` NULL or NUL-terminated, read
/// during the call only; `seq` NULL or valid for writing a `uint64_t`.
///
/// # Threading
/// Thread-safe. Blocks the calling thread for up to two drain passes and the
/// writing: never call it on a hot path.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_dump(
    ledger: *const GlLedger,
    path: *const c_char,
    seq: *mut u64,
) -> GlStatus {
    const F: &str = "gl_dump";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let handle = match unsafe { handle(ledger, F) } {
        Ok(handle) => handle,
        Err(status) => return status,
    };
    // SAFETY: the caller promises `path` is NULL or NUL-terminated.
    let path = match unsafe { c_path(path, F, "path") } {
        Ok(path) => path,
        Err(status) => return status,
    };
    guard(F, || {
        if handle.state() == OFF {
            return invalid(
                F,
                format_args!(
                    "the ledger is disabled, so there is nothing to dump to {:?}: start it \
                     with gl_ledger_start or a toggle",
                    path.display().to_string()
                ),
            );
        }
        match handle.ledger().dump(&path) {
            Ok(_) if seq.is_null() => GL_OK,
            // SAFETY: non-NULL, and the caller promises it is valid for the write.
            Ok(events) => unsafe { write_out(seq, events, F, "seq") },
            Err(_) if handle.state() == FINISHED => finished(F),
            Err(e) => match std::error::Error::source(&e) {
                Some(cause) => io_error(F, "cannot write the dump", Some(&path), cause),
                None => invalid(F, format_args!("{e}")),
            },
        }
    })
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

/// Starts a ledger writing the trace file at `path` (if any), with the live
/// analysis `live` asks for speaking through [`crate::notice`].
fn start(
    func: &'static str,
    config: LedgerConfig,
    path: Option<PathBuf>,
    live: LiveConfig,
) -> Result<*mut GlLedger, GlStatus> {
    let live = LiveConfig {
        hook: Some(crate::notice::hook()),
        ..live
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
