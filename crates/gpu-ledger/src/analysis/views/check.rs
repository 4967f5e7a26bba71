//! [`CheckReport`]: a report's guardrail verdicts judged at one severity, and the
//! bounds a CI job sets on its numbers, as a pass/fail answer it can gate on
//! (`gpu-ledger check`).
//!
//! It reads finished [`Report`]s and never changes a verdict: it picks the
//! guardrails that fail at the level asked for, and compares five of the report's
//! numbers with upper bounds ([`CheckBounds`]) and, given a baseline report, with
//! the baseline's values plus a tolerated regression. The same reports, bounds and
//! level always give the same document.

use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::Serialize;

use crate::analysis::report::numbers::round3;
use crate::analysis::report::render::text::{guardrails_text, release_text};
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::definitions::DefinitionsReport;
use crate::analysis::report::schema::guardrails::{Guardrail, Severity};
use crate::analysis::report::schema::sections::ReleaseReport;

/// The value of [`CheckReport::format`].
pub const CHECK_FORMAT: &str = "gpu-ledger-check";

/// Upper bounds on a report's numbers (`gpu-ledger check --max-*`); `None`
/// bounds nothing.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, CheckBounds, CheckReport, Severity};
///
/// let bounds = CheckBounds { max_live_at_end: Some(0), ..CheckBounds::default() };
/// let check = CheckReport::with_bounds(&Analyzer::default().report(), Severity::Error, &bounds, None);
/// assert!(check.passed);
/// assert_eq!(check.bounds[0].id, "max-live-at-end");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CheckBounds {
    /// `totals.churn_ratio`, (creates + destroys) / presents: at most this.
    pub max_churn_ratio: Option<f64>,
    /// `startup.created`, creates in the startup window: at most this many.
    pub max_startup_creates: Option<u64>,
    /// `startup.stabilisation_ms`: startup stabilised within this many ms.
    pub max_startup_ms: Option<f64>,
    /// `totals.recreate_loop_keys`: at most this many (owner, type) keys in a recreate loop.
    pub max_recreate_loops: Option<u64>,
    /// `totals.live_at_end`: at most this many resources alive at the end.
    pub max_live_at_end: Option<u64>,
}

/// The numbers a check bounds, in a fixed order: (id, metric path, value).
fn metrics(r: &Report) -> [(&'static str, &'static str, Option<f64>); 5] {
    [
        (
            "max-churn-ratio",
            "totals.churn_ratio",
            r.totals.churn_ratio,
        ),
        (
            "max-startup-creates",
            "startup.created",
            Some(r.startup.created as f64),
        ),
        (
            "max-startup-ms",
            "startup.stabilisation_ms",
            r.startup.stabilisation_ms,
        ),
        (
            "max-recreate-loops",
            "totals.recreate_loop_keys",
            Some(r.totals.recreate_loop_keys as f64),
        ),
        (
            "max-live-at-end",
            "totals.live_at_end",
            Some(r.totals.live_at_end as f64),
        ),
    ]
}

/// Why a metric has no value: the report's own words.
fn missing(metric: &str, r: &Report) -> String {
    match metric {
        "totals.churn_ratio" => format!(
            "nothing was presented, so the churn ratio is unbounded ({} creates and destroys)",
            r.totals.created + r.totals.destroyed
        ),
        _ => "startup never stabilised".to_owned(),
    }
}

/// `2.500`, or `171` for a whole number.
fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.3}")
    }
}

/// One number compared with its bound.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct BoundVerdict {
    /// The flag that set it: `max-churn-ratio`, `max-startup-creates`,
    /// `max-startup-ms`, `max-recreate-loops` or `max-live-at-end`.
    pub id: String,
    /// The report field compared, as a path (`totals.churn_ratio`).
    pub metric: String,
    /// Its value; `None` (JSON `null`) when the report has none (nothing
    /// presented, startup never stabilised).
    pub value: Option<f64>,
    /// The most it may be.
    pub limit: f64,
    /// For a regression bound, the baseline's value the limit was made from.
    pub baseline: Option<f64>,
    /// Whether the value is within the limit. A missing value passes only when
    /// there is nothing to bound (no create or destroy at all, for the churn ratio).
    pub passed: bool,
    /// One sentence: the value, the limit and, when it failed, by how much.
    pub message: String,
}

impl BoundVerdict {
    fn new(
        (id, metric, value): (&str, &str, Option<f64>),
        limit: f64,
        baseline: Option<f64>,
        r: &Report,
    ) -> Self {
        let churnless = r.totals.created + r.totals.destroyed == 0;
        let passed = match value {
            Some(v) => v <= limit,
            None => metric == "totals.churn_ratio" && churnless,
        };
        let limit_text = match baseline {
            Some(b) => format!("{} (baseline {})", number(limit), number(b)),
            None => number(limit),
        };
        let message = match (value, passed) {
            (Some(v), true) => format!("{metric} is {}, within {limit_text}", number(v)),
            (Some(v), false) => format!("{metric} is {}, above {limit_text}", number(v)),
            (None, true) => {
                format!("{metric} is null: nothing was created, destroyed or presented")
            }
            (None, false) => format!(
                "{metric} is null, bound by {limit_text}: {}",
                missing(metric, r)
            ),
        };
        Self {
            id: id.to_owned(),
            metric: metric.to_owned(),
            value,
            limit,
            baseline,
            passed,
            message,
        }
    }
}

/// The regression part of a check: each bounded number of the report against the
/// baseline's, plus at most `max_regression_pct` percent.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct RegressionCheck {
    /// The regression tolerated, percent of the baseline's value.
    pub max_regression_pct: f64,
    /// Every number against `baseline × (1 + pct / 100)`; a number the baseline
    /// has no value for is not compared.
    pub bounds: Vec<BoundVerdict>,
}

/// A report's guardrails judged at one severity, and its bounds.
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
    /// Whether no guardrail failed at `fail_on` or worse and every bound holds.
    pub passed: bool,
    /// The severity that fails the check.
    pub fail_on: Severity,
    /// The ids of what failed: guardrails failing at `fail_on` or worse (in
    /// report order), then bounds (`max-*`), then regression bounds (`regression:max-*`).
    pub failed: Vec<String>,
    /// One sentence per failure, in the order of `failed`.
    pub violations: Vec<String>,
    /// Every guardrail's verdict, as in the report.
    pub guardrails: Vec<Guardrail>,
    /// The release models the destroy checks applied, as in the report.
    pub release: ReleaseReport,
    /// The bounds given, in a fixed order.
    pub bounds: Vec<BoundVerdict>,
    /// The comparison with a baseline, when one was given.
    pub regression: Option<RegressionCheck>,
    /// The definitions (thresholds included) the verdicts were reached with.
    pub definitions: DefinitionsReport,
}

impl CheckReport {
    /// The guardrails of `report`, failing at `fail_on` or worse.
    pub fn new(report: &Report, fail_on: Severity) -> Self {
        Self::with_bounds(report, fail_on, &CheckBounds::default(), None)
    }

    /// The guardrails of `report` failing at `fail_on` or worse, its numbers
    /// against `bounds` and, with `baseline` (a report and the regression
    /// tolerated, in percent), against the baseline's numbers.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Analyzer, CheckBounds, CheckReport, Severity};
    /// use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType};
    ///
    /// let mut analyzer = Analyzer::default();
    /// let queue = Resource { id: ResourceId(1), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
    /// analyzer.on_event(&Event { time_ns: 0, thread: 0, kind: EventKind::Resource { action: ResourceAction::Create, resource: queue, dims: None, packet: None } });
    /// let (leaky, clean) = (analyzer.report(), Analyzer::default().report());
    ///
    /// let bounds = CheckBounds { max_live_at_end: Some(0), ..CheckBounds::default() };
    /// let check = CheckReport::with_bounds(&leaky, Severity::Error, &bounds, Some((&clean, 10.0)));
    /// assert!(!check.passed);
    /// // One create against none: startup creates and the live set both regressed.
    /// assert_eq!(check.failed, ["max-live-at-end", "regression:max-startup-creates", "regression:max-live-at-end"]);
    /// assert_eq!(check.violations[0], "max-live-at-end: totals.live_at_end is 1, above 0");
    /// ```
    pub fn with_bounds(
        report: &Report,
        fail_on: Severity,
        bounds: &CheckBounds,
        baseline: Option<(&Report, f64)>,
    ) -> Self {
        let mut failed = Vec::new();
        let mut violations = Vec::new();
        for g in report.failed_guardrails(fail_on) {
            failed.push(g.id.clone());
            violations.push(format!("{}: {}", g.id, g.message));
        }
        let limits = [
            bounds.max_churn_ratio,
            bounds.max_startup_creates.map(|n| n as f64),
            bounds.max_startup_ms,
            bounds.max_recreate_loops.map(|n| n as f64),
            bounds.max_live_at_end.map(|n| n as f64),
        ];
        let verdicts: Vec<BoundVerdict> = metrics(report)
            .into_iter()
            .zip(limits)
            .filter_map(|(m, limit)| Some(BoundVerdict::new(m, limit?, None, report)))
            .collect();
        for v in verdicts.iter().filter(|v| !v.passed) {
            failed.push(v.id.clone());
            violations.push(format!("{}: {}", v.id, v.message));
        }
        let regression = baseline.map(|(base, pct)| {
            let factor = 1.0 + pct / 100.0;
            let bounds: Vec<BoundVerdict> = metrics(report)
                .into_iter()
                .zip(metrics(base))
                .filter_map(|(m, (_, _, b))| {
                    let b = b?;
                    Some(BoundVerdict::new(m, round3(b * factor), Some(b), report))
                })
                .collect();
            for v in bounds.iter().filter(|v| !v.passed) {
                failed.push(format!("regression:{}", v.id));
                violations.push(format!(
                    "regression:{}: {} (at most +{pct}%)",
                    v.id, v.message
                ));
            }
            RegressionCheck {
                max_regression_pct: pct,
                bounds,
            }
        });
        Self {
            format: CHECK_FORMAT.to_owned(),
            version: 1,
            origin_ns: report.origin_ns,
            passed: failed.is_empty(),
            fail_on,
            failed,
            violations,
            guardrails: report.guardrails.clone(),
            release: report.release.clone(),
            bounds: verdicts,
            regression,
            definitions: report.definitions.clone(),
        }
    }

    /// The verdicts, one line each (guardrails, the release model they applied, then bounds, then the regression
    /// bounds), then `check passed: …` or `check failed …` with every violation.
    pub fn render_text(&self) -> String {
        let mut out = guardrails_text(&self.guardrails);
        let _ = writeln!(out, "{}", release_text(&self.release));
        let width = self
            .bounds
            .iter()
            .chain(self.regression.iter().flat_map(|r| &r.bounds))
            .map(|b| b.id.len())
            .max()
            .unwrap_or(0);
        let line = |out: &mut String, b: &BoundVerdict| {
            let status = if b.passed { "PASS" } else { "FAIL" };
            let _ = writeln!(out, "  {status}  {:<width$}  {}", b.id, b.message);
        };
        if !self.bounds.is_empty() {
            out.push_str("Bounds\n");
            for b in &self.bounds {
                line(&mut out, b);
            }
        }
        if let Some(r) = &self.regression {
            let _ = writeln!(
                out,
                "Against the baseline (at most +{}% on each)",
                r.max_regression_pct
            );
            for b in &r.bounds {
                line(&mut out, b);
            }
        }
        let level = self.fail_on.name();
        let bounded = self.bounds.len() + self.regression.as_ref().map_or(0, |r| r.bounds.len());
        match (self.passed, bounded) {
            (true, 0) => {
                let _ = writeln!(out, "check passed: no guardrail failed at {level}");
            }
            (true, n) => {
                let _ = writeln!(
                    out,
                    "check passed: no guardrail failed at {level}, and all {n} bounds hold"
                );
            }
            (false, 0) => {
                let _ = writeln!(out, "check failed at {level}: {}", self.failed.join(", "));
            }
            (false, _) => {
                let _ = writeln!(
                    out,
                    "check failed: {} {}",
                    self.violations.len(),
                    if self.violations.len() == 1 {
                        "violation"
                    } else {
                        "violations"
                    }
                );
                for v in &self.violations {
                    let _ = writeln!(out, "  {v}");
                }
            }
        }
        out
    }
}
