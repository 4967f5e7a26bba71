//! How the run ended (a shutdown marker, an inferred shutdown, or none) and which
//! release models the destroy checks applied: the two facts every other section's
//! windows and guardrails rest on, stated with their reasons.
//!
//! A shutdown is inferred only from evidence (DESIGN.md, "Shutdown window"): the
//! stream ended with its producer's clean-end record, something was presented, and
//! after the last present no packet was queued, submitted, dropped or failed and
//! nothing was recreated. This module only reads what the fold decided and says
//! why; it never changes the fold.

use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::report::schema::sections::{Ending, ReleaseReport};
use crate::event::ReleaseModel;

/// The `ending` section of `a`'s report.
pub(super) fn ending(a: &Analyzer) -> Ending {
    let b = &a.bounds;
    let mut out = Ending {
        clean_end: b.clean_end,
        ended: a.finished || b.clean_end,
        ..Ending::default()
    };
    if let Some(m) = b.shutdown {
        out.shutdown = "marker".to_owned();
        out.shutdown_from_seq = Some(m.seq);
        out.shutdown_from_ns = Some(m.time_ns);
        out.note = format!("shutdown began at the shutdown marker (event #{})", m.seq);
        return out;
    }
    if b.infers_shutdown()
        && let Some(last) = b.last_present
    {
        out.shutdown = "inferred".to_owned();
        out.shutdown_from_seq = Some(last.seq);
        out.shutdown_from_ns = Some(last.time_ns);
        out.note = format!(
            "no shutdown marker: shutdown inferred after the last present (event #{}), \
             because the stream ended cleanly and no packet was queued and nothing was \
             recreated after it",
            last.seq
        );
        return out;
    }
    out.shutdown = "none".to_owned();
    if !out.ended {
        out.reasons
            .push("the stream has not ended (a live report)".to_owned());
    } else if !b.clean_end {
        out.reasons.push(
            "no clean-end record: the trace was cut or its producer did not finish (crash, kill)"
                .to_owned(),
        );
    }
    if b.last_present.is_none() {
        out.reasons.push("nothing was presented".to_owned());
    }
    if b.tail_packets > 0 {
        out.reasons.push(format!(
            "{} {} (queued, submitted, dropped or failed) after the last present",
            b.tail_packets,
            if b.tail_packets == 1 {
                "packet stage"
            } else {
                "packet stages"
            }
        ));
    }
    if b.tail_recreates > 0 {
        out.reasons.push(format!(
            "{} {} after the last present: a storm, not a teardown",
            b.tail_recreates,
            if b.tail_recreates == 1 {
                "recreate"
            } else {
                "recreates"
            }
        ));
    }
    out.note = if out.ended {
        format!(
            "the run ended without a shutdown ({}): what followed the last present is \
             counted as {}, not as teardown",
            out.reasons.join("; "),
            if b.stable.is_some() {
                "steady state"
            } else {
                "startup"
            }
        )
    } else {
        "the stream has not ended: nothing is counted as teardown yet".to_owned()
    };
    out
}

/// The `release` section of `a`'s report.
pub(super) fn release(a: &Analyzer) -> ReleaseReport {
    let models = &a.release;
    let source = if a.release_override.is_some() {
        "override"
    } else if models.is_undeclared() {
        "not declared"
    } else {
        "trace"
    };
    ReleaseReport {
        model: models.stream.map(|m| m.name().to_owned()),
        by_type: models
            .by_type
            .iter()
            .map(|(ty, m)| (ty.clone(), m.name().to_owned()))
            .collect(),
        unmatched_types: models
            .by_type
            .keys()
            .filter(|ty| !a.types.names(&a.names).any(|seen| seen == ty.as_str()))
            .cloned()
            .collect(),
        source: source.to_owned(),
    }
}

/// Whether `a` checks `destroy-in-flight` for any type: some model is immediate or
/// not declared.
pub(super) fn checks_in_flight(a: &Analyzer) -> bool {
    a.release.stream != Some(ReleaseModel::Deferred)
        || a.release
            .by_type
            .values()
            .any(|m| *m == ReleaseModel::Immediate)
}
