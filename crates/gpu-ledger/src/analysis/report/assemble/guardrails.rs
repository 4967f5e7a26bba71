//! Evaluating the guardrails: pass/fail verdicts over a report's facts, each with
//! an id, a severity, a threshold from [`Definitions`] and its evidence (plan,
//! slice D). The verdicts' shape is [`Guardrail`].
//!
//! A guardrail never measures anything itself: it reads numbers the report already
//! holds (recreate loops, command-queue destroys and presents per window, the
//! `destroy-in-flight` anomalies) and compares them with a threshold, so a verdict
//! is exactly as deterministic as the report and never changes what the report
//! says. It must never read the stream, a file or the environment.
//!
//! | id | severity | fails when |
//! | --- | --- | --- |
//! | `recreate-churn` | warning | more than `recreate_churn_max_keys` non-transient (owner, type) keys are in a recreate loop (R recreates within T) |
//! | `queue-destroys-vs-presents` | warning | command-queue destroys exceed `queue_destroy_factor` × presents, overall or in the startup window |
//! | `destroy-before-submit` | error | more than `destroy_before_submit_max` destroys of a resource a packet used before it was submitted (any release model) |
//! | `destroy-in-flight` | error (warning where no release model is declared) | more than `destroy_in_flight_max` destroys of a resource that submitted, uncompleted work references (immediate release model only) |
//! | `use-after-destroy` | error | more than `use_after_destroy_max` uses of a resource by a packet after its destroy (any release model) |
//! | `error-findings` | error | more than `error_findings_max` findings of severity error from other checkers (validation layers, drivers) |

use std::collections::BTreeMap;

use crate::analysis::fold::definitions::Definitions;
use crate::analysis::report::numbers::{count, round3};
use crate::analysis::report::schema::Report;
use crate::analysis::report::schema::anomalies::AnomalyExample;
use crate::analysis::report::schema::guardrails::{Guardrail, GuardrailEvidence, Severity};
use crate::analysis::report::schema::sections::{EvidenceItem, PacketLabel, WindowReport};

/// Facts a guardrail needs that the report does not list in full.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct GuardFacts {
    /// Non-transient keys flagged as recreate loops (the report lists the top ones).
    pub(crate) loop_keys: u64,
    /// References not checked for `destroy-in-flight` (beyond the per-packet cap).
    pub(crate) refs_untracked: u64,
    /// Packets forgotten by the in-flight table at its cap.
    pub(crate) packets_evicted: u64,
    /// Of the `destroy-in-flight`s, those of types whose release model was not declared.
    pub(crate) undeclared_in_flight: u64,
    /// Whether any type's release model is immediate or not declared.
    pub(crate) checks_in_flight: bool,
}

/// The guardrails of report `r`, in a fixed order.
pub(crate) fn evaluate(r: &Report, facts: GuardFacts, d: &Definitions) -> Vec<Guardrail> {
    vec![
        recreate_churn(r, facts, d),
        queue_destroys(r, d),
        destroy_before_submit(r, facts, d),
        destroy_in_flight(r, facts, d),
        use_after_destroy(r, facts, d),
        error_findings(r, d),
    ]
}

fn counts<const N: usize>(pairs: [(&str, u64); N]) -> BTreeMap<String, u64> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn recreate_churn(r: &Report, facts: GuardFacts, d: &Definitions) -> Guardrail {
    let limit = d.recreate_churn_max_keys;
    let keys = facts.loop_keys;
    let loops: Vec<_> = r.recreate_loops.iter().filter(|l| !l.transient).collect();
    let mut message = format!(
        "{} in a recreate loop (R={} recreates within T={:.3} ms; limit {limit})",
        count(
            keys,
            "non-transient (owner, type) key",
            "non-transient (owner, type) keys"
        ),
        r.definitions.recreate_loop_count,
        r.definitions.recreate_loop_window_ms
    );
    if let Some(l) = loops.first() {
        message.push_str(&format!(
            "; worst: {} {:#x} {}, {} recreates",
            l.owner_kind, l.owner_key, l.resource_type, l.recreates
        ));
    }
    let mut items: Vec<EvidenceItem> = loops
        .iter()
        .take(d.max_examples)
        .map(|l| {
            EvidenceItem::at(
                l.first_loop_seq,
                format!(
                    "{} {:#x} {}: {} recreates, {} loop cycles, first loop in {}",
                    l.owner_kind,
                    l.owner_key,
                    l.resource_type,
                    l.recreates,
                    l.loop_cycles,
                    l.window
                ),
            )
        })
        .collect();
    items.sort_by_key(|i| i.seq);
    Guardrail {
        id: Guardrail::RECREATE_CHURN.to_owned(),
        severity: Severity::Warning,
        passed: keys <= limit,
        message,
        threshold: limit as f64,
        evidence: GuardrailEvidence {
            counts: counts([
                ("non_transient_loop_keys", keys),
                ("limit", limit),
                (
                    "transient_loop_keys",
                    r.totals.recreate_loop_keys.saturating_sub(keys),
                ),
            ]),
            items,
        },
    }
}

/// Command-queue destroys and presents in `w`.
fn queues(w: Option<&WindowReport>) -> (u64, u64) {
    w.map_or((0, 0), |w| {
        (
            w.destroyed.get("CommandQueue").copied().unwrap_or(0),
            w.packets.presented,
        )
    })
}

fn queue_destroys(r: &Report, d: &Definitions) -> Guardrail {
    let factor = d.queue_factor();
    // Destroys are whole numbers: `destroys > factor × presents` is `destroys > limit`.
    let limit = |presented: u64| (factor * presented as f64).floor() as u64;
    let mut destroyed = 0;
    for w in [&r.windows.startup, &r.windows.steady, &r.windows.shutdown] {
        destroyed += queues(w.as_ref()).0;
    }
    let presented = r.totals.presented;
    let (startup_destroyed, startup_presented) = queues(r.windows.startup.as_ref());
    let (all_limit, startup_limit) = (limit(presented), limit(startup_presented));
    let passed = destroyed <= all_limit && startup_destroyed <= startup_limit;
    let message = format!(
        "CommandQueue destroys vs presents: {destroyed} vs {presented} overall (limit {all_limit} at {factor:.3}x), {startup_destroyed} vs {startup_presented} in startup (limit {startup_limit})"
    );
    let items = if passed {
        Vec::new()
    } else {
        let mut items: Vec<EvidenceItem> = r
            .destroy_causes
            .examples
            .iter()
            .filter(|e| e.resource_type == "CommandQueue")
            .map(|e| {
                EvidenceItem::at(
                    e.destroy_seq,
                    format!(
                        "destroy of CommandQueue {} ({} {:#x}, cause {}, in {})",
                        e.resource_id, e.owner_kind, e.owner_key, e.cause, e.window
                    ),
                )
            })
            .collect();
        items.sort_by_key(|i| i.seq);
        items.truncate(d.max_examples);
        items
    };
    Guardrail {
        id: Guardrail::QUEUE_DESTROYS_VS_PRESENTS.to_owned(),
        severity: Severity::Warning,
        passed,
        message,
        threshold: round3(factor),
        evidence: GuardrailEvidence {
            counts: counts([
                ("queue_destroys", destroyed),
                ("presented", presented),
                ("limit", all_limit),
                ("startup_queue_destroys", startup_destroyed),
                ("startup_presented", startup_presented),
                ("startup_limit", startup_limit),
            ]),
            items,
        },
    }
}

/// The examples of anomaly `kind` as guardrail items: resource, owner and packet,
/// and a sentence made by `what` from the example.
fn check_items(
    r: &Report,
    kind: &str,
    what: impl Fn(&AnomalyExample, &str, &str) -> String,
) -> Vec<EvidenceItem> {
    r.anomalies
        .examples
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| {
            let owner = match (&e.owner_kind, e.owner_key) {
                (Some(kind), Some(key)) => format!(" ({kind} {key:#x})"),
                _ => String::new(),
            };
            let packet = match (e.lane, e.packet) {
                (Some(lane), Some(packet)) => format!("{lane}/{packet}"),
                _ => "-".to_owned(),
            };
            EvidenceItem {
                seq: e.seq,
                what: what(e, &owner, &packet),
                resource_id: e.resource_id,
                owner_kind: e.owner_kind.clone(),
                owner_key: e.owner_key,
                packet: e
                    .lane
                    .zip(e.packet)
                    .map(|(lane, packet)| PacketLabel { lane, packet }),
            }
        })
        .collect()
}

fn destroy_before_submit(r: &Report, facts: GuardFacts, d: &Definitions) -> Guardrail {
    let kind = Guardrail::DESTROY_BEFORE_SUBMIT;
    let limit = d.destroy_before_submit_max;
    let found = r.anomalies.by_kind.get(kind).copied().unwrap_or(0);
    let mut message = format!(
        "{} of a resource a packet used before that packet was submitted \
         (wrong under every release model; limit {limit})",
        count(found, "destroy", "destroys")
    );
    if facts.refs_untracked > 0 {
        message.push_str(&format!(
            "; {} references beyond {} per packet not checked",
            facts.refs_untracked, d.max_packet_refs
        ));
    }
    let items = check_items(r, kind, |e, owner, packet| {
        format!(
            "destroy of resource {}{owner} before packet {packet}, which used it, was submitted",
            e.resource_id.unwrap_or(0)
        )
    });
    Guardrail {
        id: kind.to_owned(),
        severity: Severity::Error,
        passed: found <= limit,
        message,
        threshold: limit as f64,
        evidence: GuardrailEvidence {
            counts: counts([
                ("destroys_before_submit", found),
                ("limit", limit),
                ("refs_untracked", facts.refs_untracked),
            ]),
            items,
        },
    }
}

fn use_after_destroy(r: &Report, _facts: GuardFacts, d: &Definitions) -> Guardrail {
    let kind = Guardrail::USE_AFTER_DESTROY;
    let limit = d.use_after_destroy_max;
    let found = r.anomalies.by_kind.get(kind).copied().unwrap_or(0);
    let message = format!(
        "{} of a resource by a packet after its destroy (wrong under every release model; \
         limit {limit})",
        count(found, "use", "uses")
    );
    let items = check_items(r, kind, |e, owner, packet| {
        format!(
            "resource {}{owner} touched by packet {packet} after its destroy",
            e.resource_id.unwrap_or(0)
        )
    });
    Guardrail {
        id: kind.to_owned(),
        severity: Severity::Error,
        passed: found <= limit,
        message,
        threshold: limit as f64,
        evidence: GuardrailEvidence {
            counts: counts([("uses_after_destroy", found), ("limit", limit)]),
            items,
        },
    }
}

fn destroy_in_flight(r: &Report, facts: GuardFacts, d: &Definitions) -> Guardrail {
    let kind = Guardrail::DESTROY_IN_FLIGHT;
    let limit = d.destroy_in_flight_max;
    let found = r.anomalies.by_kind.get(kind).copied().unwrap_or(0);
    let undeclared = facts.undeclared_in_flight.min(found);
    let immediate = found - undeclared;
    let declares_immediate = r.release.model.as_deref() == Some("immediate")
        || r.release.by_type.values().any(|m| m == "immediate");
    let failed_error = immediate > limit;
    let passed = found <= limit;
    // Failing only through destroys of types with no declared model is a warning,
    // even where another type is declared immediate.
    let severity = if failed_error || (passed && (declares_immediate || undeclared == 0)) {
        Severity::Error
    } else {
        Severity::Warning
    };
    let mut message = if facts.checks_in_flight {
        format!(
            "{} of a resource that submitted, uncompleted GPU work referenced, \
             under the immediate release model (limit {limit})",
            count(immediate, "destroy", "destroys")
        )
    } else {
        "not checked: the release model is deferred (a destroy is a release and the API frees \
         the object once the GPU is done with it)"
            .to_owned()
    };
    if undeclared > 0 {
        message.push_str(&format!(
            "; {undeclared} more where no release model is declared (a warning: declare it, or \
             pass --release-model immediate or deferred)"
        ));
    }
    if facts.refs_untracked > 0 {
        message.push_str(&format!(
            "; {} references beyond {} per packet not checked",
            facts.refs_untracked, d.max_packet_refs
        ));
    }
    if facts.packets_evicted > 0 {
        message.push_str(&format!(
            "; {} packets forgotten at the {}-packet cap",
            facts.packets_evicted, d.max_live_packets
        ));
    }
    let items = check_items(r, kind, |e, owner, packet| {
        format!(
            "destroy of resource {}{owner} while packet {packet}, which used it, was submitted \
             and not complete",
            e.resource_id.unwrap_or(0)
        )
    });
    Guardrail {
        id: kind.to_owned(),
        severity,
        passed,
        message,
        threshold: limit as f64,
        evidence: GuardrailEvidence {
            counts: counts([
                ("destroys_in_flight", immediate),
                ("destroys_in_flight_undeclared", undeclared),
                ("limit", limit),
                ("refs_untracked", facts.refs_untracked),
                ("packets_evicted", facts.packets_evicted),
            ]),
            items,
        },
    }
}

fn error_findings(r: &Report, d: &Definitions) -> Guardrail {
    let f = &r.findings;
    let limit = d.error_findings_max;
    let errors = f.errors();
    let mut message = format!(
        "{} of severity error reported by other checkers (limit {limit})",
        count(errors, "finding", "findings")
    );
    if let Some(first) = f.by_code.iter().find(|c| c.severity == "error") {
        message.push_str(&format!(
            "; most frequent: {} ({})",
            first.code, first.count
        ));
    }
    let items = f
        .examples
        .iter()
        .filter(|e| e.severity == "error")
        .take(d.max_examples)
        .map(|e| {
            let what = match e.line {
                Some(line) => format!("{} at line {line}", e.code),
                None => e.code.clone(),
            };
            EvidenceItem {
                resource_id: e.resource_id,
                packet: e
                    .lane
                    .zip(e.packet)
                    .map(|(lane, packet)| PacketLabel { lane, packet }),
                ..EvidenceItem::at(e.seq, what)
            }
        })
        .collect();
    Guardrail {
        id: Guardrail::ERROR_FINDINGS.to_owned(),
        severity: Severity::Error,
        passed: errors <= limit,
        message,
        threshold: limit as f64,
        evidence: GuardrailEvidence {
            counts: counts([
                ("error_findings", errors),
                ("limit", limit),
                (
                    "warning_findings",
                    f.by_severity.get("warning").copied().unwrap_or(0),
                ),
            ]),
            items,
        },
    }
}
