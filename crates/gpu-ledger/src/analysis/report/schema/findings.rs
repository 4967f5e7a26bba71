//! The findings section of a report, as plain data: what other checkers
//! (validation layers, drivers, guardrails that fired while recording) reported.
//!
//! Part of the JSON contract (`docs/report-schema.md`): owned, sorted values only.

use std::collections::BTreeMap;

#[cfg(feature = "json")]
use serde::Serialize;

/// How many findings of one severity and code the stream holds.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
pub struct FindingCount {
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// The checker's code (a Vulkan `VUID-...`, `command-buffer-error`, ...).
    pub code: String,
    /// How many findings.
    pub count: u64,
}

/// One finding, as an example.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
pub struct FindingExample {
    /// Sequence number of the finding event.
    pub seq: u64,
    /// Its stream time, ns.
    pub time_ns: u64,
    /// The 1-based line of the log it was read from, for imported logs.
    pub line: Option<u64>,
    /// `info`, `warning` or `error`.
    pub severity: String,
    /// The checker's code.
    pub code: String,
    /// The checker's message, as it printed it.
    pub message: String,
    /// The resource it is about, when known.
    pub resource_id: Option<u64>,
    /// The lane of the packet it is about, when known.
    pub lane: Option<u64>,
    /// The packet it is about, when known.
    pub packet: Option<u64>,
}

/// What other checkers reported about the stream (whole stream, even when the
/// report is restricted to a window).
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
pub struct FindingsReport {
    /// All findings.
    pub total: u64,
    /// Per severity, every severity listed (`info`, `warning`, `error`).
    pub by_severity: BTreeMap<String, u64>,
    /// Per (severity, code), most severe first, then most frequent, then by code.
    pub by_code: Vec<FindingCount>,
    /// Findings whose code was not counted on its own (beyond the first 256
    /// distinct severity and code pairs); they are in `total` and `by_severity`.
    pub untracked_codes: u64,
    /// The first few findings of each code, by sequence number.
    pub examples: Vec<FindingExample>,
}

impl FindingsReport {
    /// How many findings have severity `error`.
    pub fn errors(&self) -> u64 {
        self.by_severity.get("error").copied().unwrap_or(0)
    }
}
