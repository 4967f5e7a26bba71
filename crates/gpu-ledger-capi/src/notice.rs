//! Where the live analysis speaks in a C host: [`gl_set_log_callback`], and by
//! default one line on stderr per notice.
//!
//! A C program has no Rust logger, so the findings the live analysis raises as
//! the program runs (a guardrail that fails, a dump written) come here through the
//! ledger's notice hook, on the ledger's drain thread. The callback is one per
//! process, read at each notice (notices are rare: a guardrail speaks when it
//! first fails, then at most once a second), so it may be set or changed at any
//! time. This module holds no other logic.

use std::ffi::{CString, c_char, c_void};
use std::sync::{Arc, Mutex};

use gpu_ledger::live::{Notice, NoticeHook};

use crate::status::{GL_OK, GlStatus};

/// A finding or a dump that failed: a guardrail of severity error (the destroy
/// checks, errors reported by other checkers).
pub const GL_LOG_ERROR: i32 = 1;
/// A guardrail of severity warning failed (recreate churn, queue destroys far
/// beyond presents).
pub const GL_LOG_WARN: i32 = 2;
/// Information: a dump was written.
pub const GL_LOG_INFO: i32 = 3;

/// Receives one notice of the live analysis.
///
/// - `level`: [`GL_LOG_ERROR`], [`GL_LOG_WARN`] or [`GL_LOG_INFO`];
/// - `code`: what it is about: a guardrail id (`recreate-churn`,
///   `destroy-in-flight`, ...), `dump` or `assert`; NUL-terminated UTF-8;
/// - `message`: the line, NUL-terminated UTF-8 (a NUL inside it is dropped);
/// - `user_data`: as given to [`gl_set_log_callback`].
///
/// Both strings are valid during the call only. It runs on the ledger's drain
/// thread, which waits for it: keep it short, and do not call `gl_ledger_finish`
/// or `gl_flush` from it.
pub type GlLogCallback = Option<
    unsafe extern "C" fn(
        level: i32,
        code: *const c_char,
        message: *const c_char,
        user_data: *mut c_void,
    ),
>;

/// The callback and its user data; the pointer is only handed back to C.
#[derive(Clone, Copy)]
struct Callback {
    func: GlLogCallback,
    user_data: usize,
}

static CALLBACK: Mutex<Callback> = Mutex::new(Callback {
    func: None,
    user_data: 0,
});

/// Sets the function that receives the live analysis's notices (guardrails that
/// fail while the program runs, dumps written), for every ledger of the process;
/// NULL restores the default, one line on stderr per notice
/// (`gpu-ledger: warning: recreate-churn (warning) at 351.863 ms, ...`).
///
/// # Safety
/// `callback` must be NULL or a function callable from any thread for as long as
/// it is set; `user_data` is passed to it as is and never dereferenced here.
///
/// # Threading
/// Thread-safe; takes effect for the next notice.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_set_log_callback(
    callback: GlLogCallback,
    user_data: *mut c_void,
) -> GlStatus {
    *CALLBACK.lock().unwrap_or_else(|e| e.into_inner()) = Callback {
        func: callback,
        user_data: user_data as usize,
    };
    GL_OK
}

/// The hook every ledger of the C API gives its live analysis.
pub(crate) fn hook() -> NoticeHook {
    Arc::new(deliver)
}

/// Hands `notice` to the callback, or prints it on stderr.
fn deliver(notice: &Notice) {
    let callback = *CALLBACK.lock().unwrap_or_else(|e| e.into_inner());
    let level = match notice.level {
        log::Level::Error => GL_LOG_ERROR,
        log::Level::Warn => GL_LOG_WARN,
        _ => GL_LOG_INFO,
    };
    match callback.func {
        Some(func) => {
            let text = |s: &str| CString::new(s.replace('\0', "")).unwrap_or_default();
            let (code, message) = (text(&notice.code), text(&notice.message));
            // SAFETY: the caller of gl_set_log_callback promised `func` is callable
            // from any thread while set; both strings live until it returns.
            unsafe {
                func(
                    level,
                    code.as_ptr(),
                    message.as_ptr(),
                    callback.user_data as *mut c_void,
                )
            };
        }
        None => {
            let word = match level {
                GL_LOG_ERROR => "error",
                GL_LOG_WARN => "warning",
                _ => "info",
            };
            // The documented default of a C host, which has no logger of ours.
            eprintln!("gpu-ledger: {word}: {}", notice.message);
        }
    }
}
