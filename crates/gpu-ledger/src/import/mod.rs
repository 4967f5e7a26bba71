//! Importers: event streams made from logs that renderers already print.
//!
//! An importer is a producer like the recorder or a trace reader: it feeds an
//! [`EventSink`](crate::EventSink) and never analyses anything itself. It turns
//! each line it recognises into events, ignores (and counts) every other line,
//! and counts and skips malformed ones: bad input never stops an import. What a
//! log cannot tell (no packets, no owners, no ids) is stated in the summary's
//! `limitations`, what it had to correct (wild stamps, over-long lines) and infer
//! (owners) in its [`warnings`](ImportSummary::warnings), so a report built on it
//! can say so.

mod debug;
mod lines;
mod omega;
mod scan;
mod summary;
mod wallclock;

pub use omega::OmegaImport;
pub use scan::Sources;
pub use summary::{ImportSummary, InferredOwner};
