//! The anomalies section of a report: a count for every kind, and the examples the
//! fold kept, by sequence number.
//!
//! It reads the fold's anomaly log and never changes it.

use crate::analysis::fold::anomalies::{AnomalyKind, AnomalyLog};
use crate::analysis::report::schema::anomalies::{AnomalyExample, AnomalyReport};

/// The anomalies section: counts for every kind, examples by sequence number.
pub(crate) fn anomalies(log: &AnomalyLog) -> AnomalyReport {
    let mut examples: Vec<AnomalyExample> = log
        .examples
        .iter()
        .map(|r| {
            let packet = matches!(
                r.kind,
                AnomalyKind::PacketStageBackwards
                    | AnomalyKind::PacketDuplicateStage
                    | AnomalyKind::PacketAfterTerminal
            );
            let in_flight = r.kind == AnomalyKind::DestroyInFlight;
            AnomalyExample {
                kind: r.kind.name().to_owned(),
                seq: r.seq,
                time_ns: r.time_ns,
                resource_id: (!packet).then_some(r.subject),
                lane: (packet || in_flight).then_some(r.lane),
                packet: if in_flight {
                    Some(r.packet)
                } else {
                    packet.then_some(r.subject)
                },
            }
        })
        .collect();
    examples.sort_by_key(|e| e.seq);
    AnomalyReport {
        total: log.total(),
        by_kind: AnomalyKind::ALL
            .iter()
            .map(|k| (k.name().to_owned(), log.counts[*k as usize]))
            .collect(),
        examples,
    }
}
