//! [`CheckReport`]: a report's guardrail verdicts judged at one severity, as a
//! pass/fail answer a CI job can gate on (`gpu-ledger check`).
//!
//! It reads a finished [`Report`] and never changes a verdict: it only picks the
//! guardrails that fail at the level asked for. The same report and level always
//! give the same document.

use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::Serialize;

use crate::analysis::report::render::text::{guardrails_text, release_text};
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::definitions::DefinitionsReport;
use crate::analysis::report::schema::guardrails::{Guardrail, Severity};
use crate::analysis::report::schema::sections::ReleaseReport;

/// The value of [`CheckReport::format`].
pub const CHECK_FORMAT: &str = "gpu-ledger-check";

/// A report's guardrails judged at one severity.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, CheckReport, Severity};
///
/// let check = CheckReport::new(&Analyzer::default().report(), Severity::Warning);
/// assert!(check.passed);
/// assert!(check.render_text().ends_with("check passed: no guardrail failed at warning\n"));
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct CheckReport {
    /// Always `"gpu-ledger-check"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the stream's first event, ns (as in the report).
    pub origin_ns: Option<u64>,
    /// Whether no guardrail failed at `fail_on` or worse.
    pub passed: bool,
    /// The severity that fails the check.
    pub fail_on: Severity,
    /// The ids of the guardrails that failed at `fail_on` or worse, in report order.
    pub failed: Vec<String>,
    /// Every guardrail's verdict, as in the report.
    pub guardrails: Vec<Guardrail>,
    /// The release models the destroy checks applied, as in the report.
    pub release: ReleaseReport,
    /// The definitions (thresholds included) the verdicts were reached with.
    pub definitions: DefinitionsReport,
}

impl CheckReport {
    /// The guardrails of `report`, failing at `fail_on` or worse.
    pub fn new(report: &Report, fail_on: Severity) -> Self {
        let failed = report
            .failed_guardrails(fail_on)
            .into_iter()
            .map(|g| g.id.clone())
            .collect::<Vec<_>>();
        Self {
            format: CHECK_FORMAT.to_owned(),
            version: 1,
            origin_ns: report.origin_ns,
            passed: failed.is_empty(),
            fail_on,
            failed,
            guardrails: report.guardrails.clone(),
            release: report.release.clone(),
            definitions: report.definitions.clone(),
        }
    }

    /// The verdicts, one line each, the release model they applied, then
    /// `check passed: …` or `check failed at …: ids`.
    pub fn render_text(&self) -> String {
        let mut out = guardrails_text(&self.guardrails);
        let _ = writeln!(out, "{}", release_text(&self.release));
        let level = self.fail_on.name();
        if self.passed {
            let _ = writeln!(out, "check passed: no guardrail failed at {level}");
        } else {
            let _ = writeln!(out, "check failed at {level}: {}", self.failed.join(", "));
        }
        out
    }
}
