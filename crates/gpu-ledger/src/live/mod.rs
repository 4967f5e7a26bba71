//! The live analysis: while the program runs, the report's own fold on the
//! ledger's drain thread raises guardrail findings as they happen, writes the
//! startup summary, and dumps the live resource graph, the last packets and the
//! startup timeline on demand.
//!
//! There is no second implementation of the analysis here: [`LiveSink`] feeds the
//! folds the CLI runs over a trace ([`Analyzer`](crate::analysis::Analyzer),
//! [`ResourceGraph`](crate::analysis::ResourceGraph),
//! [`Timeline`](crate::analysis::Timeline)) with the events as they drain, and
//! takes the guardrail verdicts from the report they assemble. Everything runs on
//! the drain thread: recording costs the same with it as without it.
//!
//! - Findings fire once, when a guardrail first fails, then at most once a second
//!   (of stream time) while its verdict keeps changing, with the count of changes:
//!   to the `log` facade (target `gpu_ledger`, the facade wgpu logs through), to a
//!   [`NoticeHook`] (the C API's `gl_set_log_callback`), and into the stream as an
//!   informational `Finding` with code `gpu-ledger:<guardrail id>`, so the report
//!   shows when each fired. Latency: one drain pass (2 ms by default), longer when
//!   the report is large (evaluations take at most a tenth of the drain thread).
//! - Destroy checks can stop the program ([`AssertMode::Panic`](crate::record::AssertMode)).
//! - Dumps ([`Dump`]): [`Ledger::dump`](crate::Ledger::dump), or by themselves as
//!   a [`DumpPlan`] says (`GPU_LEDGER_DUMP`, `GPU_LEDGER_DUMP_ON`).
//! - [`Session`]: a ledger with a trace and the live analysis, started in one call,
//!   which hands back the report when it finishes.
//!
//! This module composes `record`, `format` and `analysis`, like the toggles that
//! use it; it must never print (lines go to the log and the hook) and never touch
//! the environment (the toggles read it).

mod dump;
mod host;
mod notice;
mod session;
mod sink;
mod watch;

pub use dump::{DUMP_FORMAT, Dump, DumpInput, DumpOn, DumpPlan, DumpReason, FiredGuardrail};
pub use host::HostSink;
pub use notice::{LOG_TARGET, Notice, NoticeHook};
pub use session::{Session, start_ledger};
pub use sink::{HELD_EVENTS, LiveConfig, LiveSink};
pub use watch::DESTROY_CHECKS;
