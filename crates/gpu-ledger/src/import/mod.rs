//! Importers: event streams made from logs that renderers already print.
//!
//! An importer is a producer like the recorder or a trace reader: it feeds an
//! [`EventSink`](crate::EventSink) and never analyses anything itself. It turns
//! each line it recognises into events, ignores (and counts) every other line,
//! and counts and skips malformed ones: bad input never stops an import. What a
//! log cannot tell (no packets, no owners, no ids) is stated in the summary's
//! `limitations`, so a report built on it can say so.

mod lines;
mod omega;
mod wallclock;

pub use lines::Sources;
pub use omega::{ImportSummary, OmegaImport};
