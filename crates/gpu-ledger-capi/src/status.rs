//! Status codes, the per-thread last error message, and the guards every entry point uses.
//!
//! Every `gl_*` function that can fail returns a [`GlStatus`]: [`GL_OK`] or a
//! negative `GL_ERR_*` code. A failing call also leaves a message on its thread
//! ([`gl_last_error_message`]) naming the function and the offending value. The
//! message is built only on the error path, which is `#[cold]`, so the hot path
//! never formats or allocates. Entry points run their body under
//! [`std::panic::catch_unwind`], so a panic never unwinds into C code.

use std::cell::RefCell;
use std::ffi::{CStr, CString, c_char};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// The result of a `gl_*` call: [`GL_OK`] (0) or a negative `GL_ERR_*` code.
pub type GlStatus = i32;

/// The call succeeded.
pub const GL_OK: GlStatus = 0;
/// A pointer argument that must not be NULL was NULL (the ledger, an output
/// pointer, a name, the config's path). Nothing was recorded or written.
pub const GL_ERR_NULL_POINTER: GlStatus = -1;
/// A string argument (a name, a prefix, a path on Windows) is not valid UTF-8.
pub const GL_ERR_INVALID_UTF8: GlStatus = -2;
/// An argument is out of range: an unknown type, owner kind, stage or pool
/// action code, a resource id of 0, an empty name, an environment toggle that
/// is not a switch, unbalanced packet scopes.
pub const GL_ERR_INVALID_ARGUMENT: GlStatus = -3;
/// The trace file could not be created or written; the message names the path.
pub const GL_ERR_IO: GlStatus = -4;
/// The ledger was already finished with `gl_ledger_finish`: nothing is recorded.
pub const GL_ERR_FINISHED: GlStatus = -5;
/// gpu-ledger panicked inside the call (a bug: please report the message). The
/// panic was caught at the boundary; the ledger may have lost this event.
pub const GL_ERR_PANIC: GlStatus = -6;

thread_local! {
    static LAST_ERROR: RefCell<Option<CString>> = const { RefCell::new(None) };
}

/// The message of the last call that failed on the calling thread.
///
/// Names the function and the offending value, for example
/// `gl_ledger_start: cannot create trace file "/ro/run.gltrace": Permission denied (os error 13)`.
/// Returns an empty string if no call has failed on this thread. Successful
/// calls do not clear it.
///
/// # Safety
/// Always safe to call. The returned string is owned by gpu-ledger: do not
/// free it. It stays valid until the next failing `gl_*` call on the same
/// thread (or the thread's exit); copy it to keep it.
///
/// # Threading
/// Thread-safe; each thread has its own message.
#[unsafe(no_mangle)]
pub extern "C" fn gl_last_error_message() -> *const c_char {
    const EMPTY: &CStr = c"";
    LAST_ERROR
        .try_with(|last| match &*last.borrow() {
            Some(message) => message.as_ptr(),
            None => EMPTY.as_ptr(),
        })
        .unwrap_or(EMPTY.as_ptr())
}

/// The name of a status code, such as `"GL_ERR_NULL_POINTER"`;
/// `"GL_ERR_UNKNOWN"` for a value that is not a status.
///
/// # Safety
/// Always safe to call. The returned string is static: never free it.
///
/// # Threading
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn gl_status_name(status: GlStatus) -> *const c_char {
    let name: &'static CStr = match status {
        GL_OK => c"GL_OK",
        GL_ERR_NULL_POINTER => c"GL_ERR_NULL_POINTER",
        GL_ERR_INVALID_UTF8 => c"GL_ERR_INVALID_UTF8",
        GL_ERR_INVALID_ARGUMENT => c"GL_ERR_INVALID_ARGUMENT",
        GL_ERR_IO => c"GL_ERR_IO",
        GL_ERR_FINISHED => c"GL_ERR_FINISHED",
        GL_ERR_PANIC => c"GL_ERR_PANIC",
        _ => c"GL_ERR_UNKNOWN",
    };
    name.as_ptr()
}

/// The major version of the release this header belongs to.
pub const GL_VERSION_MAJOR: u32 = 0;
/// The minor version of the release this header belongs to.
pub const GL_VERSION_MINOR: u32 = 1;
/// The patch version of the release this header belongs to.
pub const GL_VERSION_PATCH: u32 = 0;

/// The version of the gpu-ledger C library, such as `"0.1.0"`.
///
/// Compare it with the header's `GL_VERSION_MAJOR`, `GL_VERSION_MINOR` and
/// `GL_VERSION_PATCH` to catch a header and a library from different releases.
///
/// # Safety
/// Always safe to call. The returned string is static: never free it.
///
/// # Threading
/// Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn gl_version() -> *const c_char {
    const VERSION: &CStr =
        match CStr::from_bytes_with_nul(concat!(env!("CARGO_PKG_VERSION"), "\0").as_bytes()) {
            Ok(version) => version,
            Err(_) => c"unknown",
        };
    VERSION.as_ptr()
}

/// Leaves `message` as the thread's last error and returns `status`.
#[cold]
#[inline(never)]
pub(crate) fn fail(status: GlStatus, message: fmt::Arguments<'_>) -> GlStatus {
    let text = message.to_string().replace('\0', "\\0");
    let text = CString::new(text).unwrap_or_default();
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = Some(text));
    status
}

/// `GL_ERR_NULL_POINTER` for argument `what` of `func`.
#[cold]
#[inline(never)]
pub(crate) fn null_arg(func: &str, what: &str) -> GlStatus {
    fail(GL_ERR_NULL_POINTER, format_args!("{func}: {what} is NULL"))
}

/// `GL_ERR_FINISHED` for `func`.
#[cold]
#[inline(never)]
pub(crate) fn finished(func: &str) -> GlStatus {
    fail(
        GL_ERR_FINISHED,
        format_args!(
            "{func}: the ledger is finished (gl_ledger_finish was called): nothing is recorded"
        ),
    )
}

/// `GL_ERR_INVALID_ARGUMENT` for `func`, with `message`.
#[cold]
#[inline(never)]
pub(crate) fn invalid(func: &str, message: fmt::Arguments<'_>) -> GlStatus {
    fail(GL_ERR_INVALID_ARGUMENT, format_args!("{func}: {message}"))
}

/// Runs `body` so that a panic becomes `GL_ERR_PANIC` instead of unwinding into C.
#[inline]
pub(crate) fn guard(func: &'static str, body: impl FnOnce() -> GlStatus) -> GlStatus {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(status) => status,
        Err(payload) => panicked(func, payload.as_ref()),
    }
}

#[cold]
#[inline(never)]
fn panicked(func: &str, payload: &(dyn std::any::Any + Send)) -> GlStatus {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a non-string panic payload");
    fail(
        GL_ERR_PANIC,
        format_args!("{func}: gpu-ledger panicked: {what} (this is a bug in gpu-ledger)"),
    )
}

/// Reads the C string argument `what` of `func` as UTF-8.
///
/// # Safety
/// `ptr` must be NULL or point to a NUL-terminated string that stays valid and
/// unmodified for `'a`.
pub(crate) unsafe fn c_str<'a>(
    ptr: *const c_char,
    func: &str,
    what: &str,
) -> Result<&'a str, GlStatus> {
    if ptr.is_null() {
        return Err(null_arg(func, what));
    }
    // SAFETY: `ptr` is non-NULL, and the caller promises it points to a
    // NUL-terminated string valid for 'a.
    let bytes = unsafe { CStr::from_ptr(ptr) };
    bytes.to_str().map_err(|e| {
        fail(
            GL_ERR_INVALID_UTF8,
            format_args!(
                "{func}: {what} is not valid UTF-8 (bad byte at offset {}: {})",
                e.valid_up_to(),
                bytes.to_string_lossy().escape_debug()
            ),
        )
    })
}

/// Writes `value` through the output pointer `out` (argument `what` of `func`).
///
/// # Safety
/// `out` must be NULL or valid for a write of `T` (alignment included).
#[inline]
pub(crate) unsafe fn write_out<T>(out: *mut T, value: T, func: &str, what: &str) -> GlStatus {
    if out.is_null() {
        return null_arg(func, what);
    }
    // SAFETY: non-NULL, and the caller promises it is valid for a write of T.
    unsafe { out.write(value) };
    GL_OK
}

/// The message of the last failure on this thread, for tests.
#[cfg(test)]
pub(crate) fn last_message() -> String {
    // SAFETY: gl_last_error_message returns a valid NUL-terminated string.
    unsafe { CStr::from_ptr(gl_last_error_message()) }
        .to_string_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(status: GlStatus) -> String {
        // SAFETY: gl_status_name returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(gl_status_name(status)) }
            .to_string_lossy()
            .into_owned()
    }

    #[test]
    fn every_status_has_its_constant_name() {
        let all = [
            (GL_OK, "GL_OK"),
            (GL_ERR_NULL_POINTER, "GL_ERR_NULL_POINTER"),
            (GL_ERR_INVALID_UTF8, "GL_ERR_INVALID_UTF8"),
            (GL_ERR_INVALID_ARGUMENT, "GL_ERR_INVALID_ARGUMENT"),
            (GL_ERR_IO, "GL_ERR_IO"),
            (GL_ERR_FINISHED, "GL_ERR_FINISHED"),
            (GL_ERR_PANIC, "GL_ERR_PANIC"),
            (-99, "GL_ERR_UNKNOWN"),
        ];
        for (status, expected) in all {
            assert_eq!(expected, name(status), "name of status {status}");
        }
    }

    #[test]
    fn a_panic_becomes_gl_err_panic_with_its_message() {
        let status = guard("gl_test", || panic!("boom"));
        assert_eq!(GL_ERR_PANIC, status);
        assert_eq!(
            "gl_test: gpu-ledger panicked: boom (this is a bug in gpu-ledger)",
            last_message()
        );
    }

    #[test]
    fn messages_keep_interior_nuls_visible() {
        fail(GL_ERR_IO, format_args!("a\0b"));
        assert_eq!("a\\0b", last_message());
    }

    #[test]
    fn version_and_header_version_match_the_package() {
        // SAFETY: gl_version returns a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr(gl_version()) };
        assert_eq!(env!("CARGO_PKG_VERSION"), version.to_str().unwrap());
        assert_eq!(
            env!("CARGO_PKG_VERSION"),
            format!("{GL_VERSION_MAJOR}.{GL_VERSION_MINOR}.{GL_VERSION_PATCH}"),
            "bump GL_VERSION_* with the package version"
        );
    }
}
