//! [`Notice`]: one line the live analysis says, and where it goes — the `log`
//! facade (target [`LOG_TARGET`], the facade wgpu logs through) and the host's
//! [`NoticeHook`] (the C API's callback). This is the only way the live analysis
//! speaks: it never prints.

use std::sync::Arc;

use log::Level;

/// The log target of every line the live analysis writes (wgpu logs under `wgpu_*`).
pub const LOG_TARGET: &str = "gpu_ledger";

/// One line the live analysis says: a guardrail that fired, a dump written.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Notice {
    /// How loud: `Error` for a failed error guardrail, `Warn` for a warning,
    /// `Info` for a dump written.
    pub level: Level,
    /// What it is about: a guardrail id (`recreate-churn`), `dump` or `assert`.
    pub code: String,
    /// The line, as the log gets it.
    pub message: String,
}

/// A function that hears every [`Notice`], on the drain thread: the C API's
/// `gl_set_log_callback`. Keep it short: the drain waits for it.
pub type NoticeHook = Arc<dyn Fn(&Notice) + Send + Sync>;

/// Sends one line to the `log` facade and to the host's hook.
pub(crate) fn emit(hook: Option<&NoticeHook>, level: Level, code: &str, message: &str) {
    log::log!(target: LOG_TARGET, level, "{message}");
    if let Some(hook) = hook {
        hook(&Notice {
            level,
            code: code.to_owned(),
            message: message.to_owned(),
        });
    }
}
