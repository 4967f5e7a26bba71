//! The guardrail verdicts of a report, as plain data: [`Guardrail`] and its
//! [`Severity`].
//!
//! Part of the JSON contract (`docs/report-schema.md`). Which guardrails exist and
//! when each fails is decided where they are evaluated, from the report's facts;
//! this module holds only their shape.

use std::collections::BTreeMap;

#[cfg(feature = "json")]
use serde::Serialize;

use super::sections::EvidenceItem;

/// How bad a failed guardrail is. `Warning < Error`.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::Severity;
///
/// assert_eq!(Severity::from_name("warning"), Some(Severity::Warning));
/// assert_eq!(Severity::from_name("fatal"), None);
/// assert!(Severity::Warning < Severity::Error);
/// assert_eq!(Severity::Error.name(), "error");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "json", derive(Serialize), serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum Severity {
    /// A smell worth a look: churn the plan wants reduced.
    Warning,
    /// A broken invariant: an assertion failed.
    Error,
}

impl Severity {
    /// The severity's name in reports: `warning` or `error`.
    pub const fn name(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// The severity named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// What a guardrail's verdict rests on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct GuardrailEvidence {
    /// The numbers compared, by name (the limit included).
    pub counts: BTreeMap<String, u64>,
    /// The offending events, by sequence number (at most a few).
    pub items: Vec<EvidenceItem>,
}

/// One guardrail's verdict on a stream.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, Guardrail, Severity};
///
/// let report = Analyzer::default().report();
/// let ids: Vec<&str> = report.guardrails.iter().map(|g| g.id.as_str()).collect();
/// assert_eq!(ids, [
///     Guardrail::RECREATE_CHURN,
///     Guardrail::QUEUE_DESTROYS_VS_PRESENTS,
///     Guardrail::DESTROY_BEFORE_SUBMIT,
///     Guardrail::DESTROY_IN_FLIGHT,
///     Guardrail::USE_AFTER_DESTROY,
///     Guardrail::ERROR_FINDINGS,
/// ]);
/// assert!(report.failed_guardrails(Severity::Warning).is_empty());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Guardrail {
    /// Stable id: one of the `Guardrail::*` constants.
    pub id: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// Whether the stream is within the threshold.
    pub passed: bool,
    /// One sentence: the numbers compared and the limit.
    pub message: String,
    /// The threshold applied (the `Definitions` field the id names).
    pub threshold: f64,
    /// The numbers and events behind the verdict.
    pub evidence: GuardrailEvidence,
}

impl Guardrail {
    /// Non-transient owners recreating the same type R times within T.
    pub const RECREATE_CHURN: &'static str = "recreate-churn";
    /// Command-queue destroys far beyond presented packets.
    pub const QUEUE_DESTROYS_VS_PRESENTS: &'static str = "queue-destroys-vs-presents";
    /// A resource destroyed while submitted, uncompleted work references it
    /// (immediate release model).
    pub const DESTROY_IN_FLIGHT: &'static str = "destroy-in-flight";
    /// A resource destroyed before a packet that used it was submitted (any model).
    pub const DESTROY_BEFORE_SUBMIT: &'static str = "destroy-before-submit";
    /// A packet used a resource after its destroy (any model).
    pub const USE_AFTER_DESTROY: &'static str = "use-after-destroy";
    /// Findings of severity error reported by other checkers (validation layers, drivers).
    pub const ERROR_FINDINGS: &'static str = "error-findings";

    /// Whether it failed at `level` or worse.
    pub fn fails_at(&self, level: Severity) -> bool {
        !self.passed && self.severity >= level
    }
}
