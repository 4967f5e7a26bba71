//! The [`Report`]: what the analysis concludes, as plain data, JSON and text.
//!
//! A report is a snapshot: owned values with names resolved, keys sorted and
//! numbers rounded, so rendering it twice gives the same bytes. It never refers
//! back to the analyzer or the stream. JSON serialisation exists only with the
//! `json` feature; the text rendering is always available
//! ([`Report::render_text`]). The JSON schema is documented field by field in
//! `docs/report-schema.md`.

#[cfg(feature = "json")]
use serde::Serialize;

pub(crate) mod anomalies;
pub(crate) mod definitions;
pub(crate) mod findings;
pub(crate) mod guardrails;
pub(crate) mod reuse;
pub(crate) mod sections;

use crate::analysis::fold::windows::Window;

use anomalies::AnomalyReport;
use definitions::DefinitionsReport;
use findings::FindingsReport;
use guardrails::{Guardrail, Severity};
use reuse::ReuseReport;
use sections::{
    ChurnSources, Contributor, DestroyCauses, Ending, LaneReport, LiveGroup, PerPacket,
    RecreateLoop, ReleaseReport, ShortLived, StartupSummary, StreamSummary, Totals, WindowReport,
    Windows,
};

/// The value of [`Report::format`].
pub const REPORT_FORMAT: &str = "gpu-ledger-report";
/// The value of [`Report::version`]: bumped on any incompatible schema change.
pub const REPORT_VERSION: u32 = 1;

/// The churn report: every answer the stream supports, and the definitions used.
///
/// Build one with [`Analyzer::report`](crate::analysis::Analyzer::report); restrict it to one
/// window with [`Report::restrict`]; render it with [`Report::render_text`] or (with
/// the `json` feature) [`Report::to_json_string`].
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, TextOptions, Window};
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
///
/// let mut analyzer = Analyzer::default();
/// let kind = EventKind::Packet { packet: PacketRef::new(1, 1), stage: PacketStage::Presented };
/// analyzer.on_event(&Event { time_ns: 0, thread: 0, kind });
/// let report = analyzer.report();
/// assert_eq!(report.format, "gpu-ledger-report");
/// assert_eq!(report.totals.presented, 1);
/// assert_eq!(report.startup_frames_presented(), 1); // one present never makes K = 3
/// let startup = report.restrict(Window::Startup);
/// assert!(startup.windows.steady.is_none());
/// assert!(report.render_text(&TextOptions::default()).starts_with("gpu-ledger report"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Report {
    /// Always `"gpu-ledger-report"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Where the stream came from.
    pub stream: StreamSummary,
    /// Stream time of the stream's first event, ns (`None` when it has none). Every
    /// `*_ns` in the report is stream time, since the stream started; durations
    /// measured "from the first event" (the stabilisation time) count from here.
    pub origin_ns: Option<u64>,
    /// The window this report is restricted to, if any.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Option::is_none"))]
    pub window_filter: Option<String>,
    /// In a restricted report, the sections that still describe the whole run.
    #[cfg_attr(feature = "json", serde(skip_serializing_if = "Vec::is_empty"))]
    pub whole_run: Vec<String>,
    /// Plain sentences answering the four exit questions, and warnings.
    pub headline: Vec<String>,
    /// Whole-stream totals (the window's, when restricted).
    pub totals: Totals,
    /// How startup ended.
    pub startup: StartupSummary,
    /// How the run ended: with a shutdown marker, an inferred shutdown, or none.
    pub ending: Ending,
    /// The three windows.
    pub windows: Windows,
    /// Resources created and destroyed per packet.
    pub per_packet: PerPacket,
    /// Short-lived resources.
    pub short_lived: ShortLived,
    /// The owners with the most churn (beyond first creation and teardown).
    pub top_contributors: Vec<Contributor>,
    /// Who churns most, ties counted.
    pub churn_sources: ChurnSources,
    /// Suspected recreate loops.
    pub recreate_loops: Vec<RecreateLoop>,
    /// Why resources were destroyed.
    pub destroy_causes: DestroyCauses,
    /// Resources still live at the end of the stream, by owner and type.
    pub still_live: Vec<LiveGroup>,
    /// Per-lane stats, by lane id.
    pub lanes: Vec<LaneReport>,
    /// Optimisation readiness.
    pub reuse: ReuseReport,
    /// Input the ledger could not balance.
    pub anomalies: AnomalyReport,
    /// What other checkers (validation layers, drivers) reported.
    pub findings: FindingsReport,
    /// Events the recorder dropped.
    pub lost_events: u64,
    /// The definitions used.
    pub definitions: DefinitionsReport,
    /// The release models the destroy checks applied.
    pub release: ReleaseReport,
    /// Guardrail verdicts (whole stream, even when restricted), in a fixed order.
    pub guardrails: Vec<Guardrail>,
}

impl Report {
    /// The window `window`, if the report holds it.
    pub fn window(&self, window: Window) -> Option<&WindowReport> {
        match window {
            Window::Startup => self.windows.startup.as_ref(),
            Window::Steady => self.windows.steady.as_ref(),
            Window::Shutdown => self.windows.shutdown.as_ref(),
        }
    }

    /// The guardrails that failed at `level` or worse, in report order.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, Severity};
    /// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType};
    ///
    /// // Three command queues destroyed and nothing presented: 3 > 2 x 0.
    /// let mut analyzer = Analyzer::default();
    /// for id in 1..=3 {
    ///     let queue = Resource { id: ResourceId(id), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
    ///     for action in [ResourceAction::Create, ResourceAction::Destroy] {
    ///         let kind = EventKind::Resource { action, resource: queue, dims: None, packet: None };
    ///         analyzer.on_event(&Event { time_ns: id, thread: 0, kind });
    ///     }
    /// }
    /// let report = analyzer.report();
    /// let failed: Vec<&str> = report.failed_guardrails(Severity::Warning).iter().map(|g| g.id.as_str()).collect();
    /// assert_eq!(failed, ["queue-destroys-vs-presents"]);
    /// assert!(report.failed_guardrails(Severity::Error).is_empty());
    /// ```
    pub fn failed_guardrails(&self, level: Severity) -> Vec<&Guardrail> {
        self.guardrails
            .iter()
            .filter(|g| g.fails_at(level))
            .collect()
    }

    /// How many frames startup presented: the first exit question.
    pub fn startup_frames_presented(&self) -> u64 {
        self.startup.frames_presented
    }

    /// The report as pretty-printed JSON (two-space indent, keys in schema order,
    /// maps sorted): the same report always gives the same bytes. The schema is
    /// `docs/report-schema.md`.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    ///
    /// let json = Analyzer::default().report().to_json_string();
    /// assert!(json.starts_with("{\n  \"format\": \"gpu-ledger-report\",\n  \"version\": 1,"));
    /// ```
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"{REPORT_FORMAT}\",\"error\":\"{e}\"}}"))
    }

    /// The report as a JSON value, for hosts that embed it in their own output.
    #[cfg(feature = "json")]
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
