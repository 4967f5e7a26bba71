//! The anomalies section of a report: a count for every kind, and the examples the
//! fold kept, by sequence number, with each resource's owner named.
//!
//! A packet presented without a submit is an anomaly only in a stream that records
//! submissions at all (many logs record presents alone), so it is counted here
//! only then. It reads the fold's anomaly log and never changes it.

use crate::analysis::fold::analyzer::{Analyzer, NONE};
use crate::analysis::fold::anomalies::{AnomalyKind, Subject};
use crate::analysis::fold::owners::kind_name;
use crate::analysis::report::schema::anomalies::{AnomalyExample, AnomalyReport};

/// Whether `kind` counts in `a`'s report.
pub(super) fn applies(a: &Analyzer, kind: AnomalyKind) -> bool {
    kind != AnomalyKind::PresentedWithoutSubmit || a.submitted_seen
}

/// The anomalies section: counts for every kind, examples by sequence number.
pub(crate) fn anomalies(a: &Analyzer) -> AnomalyReport {
    let log = &a.anomalies;
    let mut examples: Vec<AnomalyExample> = log
        .examples
        .iter()
        .filter(|r| applies(a, r.kind))
        .map(|r| {
            let subject = r.kind.subject();
            let resource = subject != Subject::Packet;
            let packet = subject != Subject::Resource || r.packet.is_some();
            let owner = (resource && r.owner != NONE)
                .then(|| a.owners.owners.get(r.owner as usize).map(|o| o.owner))
                .flatten();
            AnomalyExample {
                kind: r.kind.name().to_owned(),
                seq: r.seq,
                time_ns: r.time_ns,
                resource_id: resource.then_some(r.resource),
                owner_kind: owner.map(|o| kind_name(o.kind, &a.names)),
                owner_key: owner.map(|o| o.key),
                lane: r.packet.filter(|_| packet).map(|p| p.lane.0),
                packet: r.packet.filter(|_| packet).map(|p| p.packet.0),
            }
        })
        .collect();
    examples.sort_by_key(|e| e.seq);
    let by_kind = AnomalyKind::ALL
        .iter()
        .map(|k| {
            let n = if applies(a, *k) {
                log.counts[*k as usize]
            } else {
                0
            };
            (k.name().to_owned(), n)
        })
        .collect::<std::collections::BTreeMap<String, u64>>();
    AnomalyReport {
        total: by_kind.values().sum(),
        by_kind,
        examples,
    }
}
