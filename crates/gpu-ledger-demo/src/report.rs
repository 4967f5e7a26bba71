//! [`DemoReport`]: a demo run as `gpu-ledger demo` prints it — the churn report of
//! the trace it wrote, beside the compositor's own ground truth.
//!
//! The report comes from the analysis of the recorded stream; the ground truth is
//! what the compositor counted itself ([`GroundTruth`]). This module only puts the
//! two side by side: it never derives one from the other.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use gpu_ledger::ResourceType;
use gpu_ledger::analysis::{Report, TextOptions};

use crate::{DemoOutcome, GroundTruth};

/// The value of [`DemoReport::format`].
pub const DEMO_FORMAT: &str = "gpu-ledger-demo";

/// The compositor's own counts, types by name.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct TruthReport {
    /// Packets presented.
    pub presented: u64,
    /// Of those, before the layout settled.
    pub presented_startup: u64,
    /// Packets queued.
    pub queued: u64,
    /// Packets dropped before they ran.
    pub dropped: u64,
    /// Packets that found nothing to draw.
    pub noop: u64,
    /// Packets that failed.
    pub failed: u64,
    /// Resources created, by type name.
    pub created: BTreeMap<String, u64>,
    /// Resources destroyed, by type name.
    pub destroyed: BTreeMap<String, u64>,
}

impl TruthReport {
    /// `truth`, types by name.
    pub fn new(truth: &GroundTruth) -> Self {
        Self {
            presented: truth.presented,
            presented_startup: truth.presented_startup,
            queued: truth.queued,
            dropped: truth.dropped,
            noop: truth.noop,
            failed: truth.failed,
            created: by_name(&truth.created),
            destroyed: by_name(&truth.destroyed),
        }
    }
}

fn by_name(counts: &BTreeMap<ResourceType, u64>) -> BTreeMap<String, u64> {
    counts
        .iter()
        .map(|(ty, n)| (ty.well_known_name().unwrap_or("Other").to_owned(), *n))
        .collect()
}

/// A demo run: what the analysis says and what the compositor counted.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(serde::Serialize))]
#[non_exhaustive]
pub struct DemoReport {
    /// Always `"gpu-ledger-demo"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the stream's first event, ns (the report's).
    pub origin_ns: Option<u64>,
    /// The scene replayed: `ellipse-path` or `text`.
    pub scenario: String,
    /// The architecture: `legacy` or `pooled`.
    pub mode: String,
    /// The adapter it ran on.
    pub adapter: String,
    /// Where the trace was written.
    pub trace: String,
    /// The churn report of the recorded stream.
    pub report: Report,
    /// The compositor's own counts.
    pub ground_truth: TruthReport,
}

impl DemoReport {
    /// The run `outcome`, whose recorded stream gave `report` and was written to `trace`.
    pub fn new(outcome: &DemoOutcome, report: Report, trace: &Path) -> Self {
        Self {
            format: DEMO_FORMAT.to_owned(),
            version: 1,
            origin_ns: report.origin_ns,
            scenario: outcome.config.scenario.name().to_owned(),
            mode: outcome.config.mode.name().to_owned(),
            adapter: outcome.adapter.to_string(),
            trace: trace.display().to_string(),
            report,
            ground_truth: TruthReport::new(&outcome.truth),
        }
    }

    /// A sentence when the report's presented counts (all, startup) differ from the
    /// compositor's; `None` when they agree.
    pub fn disagreement(&self) -> Option<String> {
        let report = (
            self.report.totals.presented,
            self.report.startup_frames_presented(),
        );
        let truth = (
            self.ground_truth.presented,
            self.ground_truth.presented_startup,
        );
        (report != truth).then(|| {
            format!(
                "the report counts (presented, startup) = {report:?}, the compositor counted {truth:?}"
            )
        })
    }

    /// The text report, then the ground truth.
    pub fn render_text(&self) -> String {
        let mut out = self.report.render_text(&TextOptions::default());
        let truth = &self.ground_truth;
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "Ground truth (counted by the compositor, not from the trace)"
        );
        let _ = writeln!(
            out,
            "  presented {} (report {}), during startup {} (report {})",
            truth.presented,
            self.report.totals.presented,
            truth.presented_startup,
            self.report.startup_frames_presented()
        );
        let _ = writeln!(
            out,
            "  packets: queued {}, dropped {}, noop {}, failed {}",
            truth.queued, truth.dropped, truth.noop, truth.failed
        );
        let _ = writeln!(out, "  type           created  destroyed");
        for (ty, created) in &truth.created {
            let destroyed = truth.destroyed.get(ty).copied().unwrap_or(0);
            let _ = writeln!(out, "  {ty:<13} {created:>8} {destroyed:>10}");
        }
        out
    }
}
