//! [`TimelineExport`]: what `gpu-ledger export --to perfetto|chrome` wrote, as the
//! document every export prints (`gpu-ledger-export`, `docs/report-schema.md`), with
//! what was drawn.

use std::path::Path;

use serde::Serialize;

use crate::scene::SceneStats;

/// A timeline written: where, in which format, from which stream time, and what it holds.
///
/// # Example
/// ```
/// use gpu_ledger_viz::{PerfettoWriter, TimelineExport};
/// use std::path::Path;
///
/// let writer = PerfettoWriter::new(Vec::new());
/// let export = TimelineExport::new(Path::new("run.pftrace"), "perfetto", writer.origin_ns(), writer.stats());
/// assert_eq!(export.render_text(), "wrote 0 events to run.pftrace (perfetto): 0 packet slices, 0 resource lifetimes, 0 flows, 0 counter values on 0 tracks\n");
/// assert!(export.to_json_string().contains("\"trace_format\": \"perfetto\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TimelineExport {
    /// Always `"gpu-ledger-export"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the first event drawn, ns (times are kept as read).
    pub origin_ns: Option<u64>,
    /// Where the timeline was written.
    pub out: String,
    /// `perfetto` or `chrome`.
    pub trace_format: String,
    /// Events read.
    pub events: u64,
    /// What was drawn.
    pub drawn: SceneStats,
}

impl TimelineExport {
    /// The document of a timeline written to `out` in `trace_format`.
    pub fn new(out: &Path, trace_format: &str, origin_ns: Option<u64>, drawn: SceneStats) -> Self {
        Self {
            format: "gpu-ledger-export".to_owned(),
            version: 1,
            origin_ns,
            out: out.display().to_string(),
            trace_format: trace_format.to_owned(),
            events: drawn.events,
            drawn,
        }
    }

    /// One line for people.
    pub fn render_text(&self) -> String {
        let d = &self.drawn;
        format!(
            "wrote {} events to {} ({}): {} packet slices, {} resource lifetimes, {} flows, {} counter values on {} tracks\n",
            self.events,
            gpu_ledger::text::Escaped(&self.out),
            self.trace_format,
            d.packets,
            d.lifetimes,
            d.flows,
            d.counter_values,
            d.tracks
        )
    }

    /// Pretty-printed JSON, fields in schema order.
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"error\":\"cannot serialise the document: {e}\"}}"))
    }
}
