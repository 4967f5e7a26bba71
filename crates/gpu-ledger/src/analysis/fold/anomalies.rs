//! Anomalies: input the ledger cannot balance, counted and exemplified, never fatal.
//!
//! A destroy of an unknown id, a double destroy, a create of a live id, packet
//! events out of order: each is a counter plus the first few examples with their
//! event sequence numbers. The log's size is fixed by the number of kinds and the
//! examples kept, whatever the input.

use crate::event::PacketRef;

use super::ring::Ring;

/// The kinds of anomaly the analyzer reports, in report order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum AnomalyKind {
    /// A destroy of an id that was never created (or was forgotten long ago).
    DestroyUnknownId,
    /// A destroy of an id that was already destroyed.
    DoubleDestroy,
    /// A create of an id that is live.
    CreateLiveId,
    /// A destroy whose type differs from the type the resource was created with.
    DestroyTypeMismatch,
    /// A rebuild, bind, unbind or touch of an id that is not live.
    EventUnknownId,
    /// A packet stage that comes before a stage the packet already reached.
    PacketStageBackwards,
    /// A packet stage the packet already reached.
    PacketDuplicateStage,
    /// A packet stage after the packet finished.
    PacketAfterTerminal,
    /// A destroy of a resource that a submitted, not yet completed packet references,
    /// under the immediate release model (or none declared; see `flight`).
    DestroyInFlight,
    /// A destroy of a resource that a packet referenced before that packet was
    /// submitted (any release model; confirmed when the packet is submitted).
    DestroyBeforeSubmit,
    /// A packet used a resource after its destroy (any release model).
    UseAfterDestroy,
    /// A packet presented without ever being submitted, in a stream that records
    /// submissions (reported only when it does).
    PresentedWithoutSubmit,
}

impl AnomalyKind {
    /// Every kind, in report order.
    pub(crate) const ALL: [AnomalyKind; KINDS] = [
        AnomalyKind::DestroyUnknownId,
        AnomalyKind::DoubleDestroy,
        AnomalyKind::CreateLiveId,
        AnomalyKind::DestroyTypeMismatch,
        AnomalyKind::EventUnknownId,
        AnomalyKind::PacketStageBackwards,
        AnomalyKind::PacketDuplicateStage,
        AnomalyKind::PacketAfterTerminal,
        AnomalyKind::DestroyInFlight,
        AnomalyKind::DestroyBeforeSubmit,
        AnomalyKind::UseAfterDestroy,
        AnomalyKind::PresentedWithoutSubmit,
    ];

    /// The kind's name in reports.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            AnomalyKind::DestroyUnknownId => "destroy-unknown-id",
            AnomalyKind::DoubleDestroy => "double-destroy",
            AnomalyKind::CreateLiveId => "create-live-id",
            AnomalyKind::DestroyTypeMismatch => "destroy-type-mismatch",
            AnomalyKind::EventUnknownId => "event-unknown-id",
            AnomalyKind::PacketStageBackwards => "packet-stage-backwards",
            AnomalyKind::PacketDuplicateStage => "packet-duplicate-stage",
            AnomalyKind::PacketAfterTerminal => "packet-after-terminal",
            AnomalyKind::DestroyInFlight => "destroy-in-flight",
            AnomalyKind::DestroyBeforeSubmit => "destroy-before-submit",
            AnomalyKind::UseAfterDestroy => "use-after-destroy",
            AnomalyKind::PresentedWithoutSubmit => "presented-without-submit",
        }
    }

    /// Whether its records name a resource (and its owner), a packet, or both.
    pub(crate) const fn subject(self) -> Subject {
        match self {
            AnomalyKind::PacketStageBackwards
            | AnomalyKind::PacketDuplicateStage
            | AnomalyKind::PacketAfterTerminal
            | AnomalyKind::PresentedWithoutSubmit => Subject::Packet,
            AnomalyKind::DestroyInFlight
            | AnomalyKind::DestroyBeforeSubmit
            | AnomalyKind::UseAfterDestroy => Subject::ResourceInPacket,
            _ => Subject::Resource,
        }
    }
}

/// How many kinds there are.
pub(crate) const KINDS: usize = 12;

/// What an anomaly is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Subject {
    /// A resource (and its owner, when known).
    Resource,
    /// A packet.
    Packet,
    /// A resource (and its owner) and the packet that used it.
    ResourceInPacket,
}

/// One anomaly as recorded: what, where in the stream, and about what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AnomalyRecord {
    pub(crate) kind: AnomalyKind,
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    /// The resource id (0 for packet anomalies).
    pub(crate) resource: u64,
    /// The resource's owner index, when known (`NONE` otherwise).
    pub(crate) owner: u32,
    /// The packet it is about, or the packet that used, held or destroyed the resource.
    pub(crate) packet: Option<PacketRef>,
}

/// How many of the latest records the log keeps for views that follow one
/// resource (they look at what the last event recorded).
const RECENT: usize = 16;

/// Counts per kind, the first examples of each, and the latest records.
#[derive(Clone, Debug)]
pub(crate) struct AnomalyLog {
    pub(crate) counts: [u64; KINDS],
    /// Of the `destroy-in-flight`s, those of types whose release model was not declared.
    pub(crate) undeclared_in_flight: u64,
    pub(crate) examples: Vec<AnomalyRecord>,
    /// Every record so far, all kinds.
    pub(crate) recorded: u64,
    /// The latest records, oldest first.
    pub(crate) recent: Ring<AnomalyRecord>,
    max_examples: usize,
}

impl AnomalyLog {
    /// Empty, keeping `max_examples` examples per kind.
    pub(crate) fn new(max_examples: usize) -> Self {
        Self {
            counts: [0; KINDS],
            undeclared_in_flight: 0,
            examples: Vec::new(),
            recorded: 0,
            recent: Ring::new(RECENT),
            max_examples,
        }
    }

    /// Records one anomaly.
    #[cold]
    pub(crate) fn record(&mut self, record: AnomalyRecord) {
        let i = record.kind as usize;
        self.counts[i] += 1;
        self.recorded += 1;
        self.recent.push(record);
        if self.counts[i] <= self.max_examples as u64 {
            self.examples.push(record);
        }
    }

    /// The records made since `recorded` was `since` (at most the latest [`RECENT`]).
    pub(crate) fn since(&self, since: u64) -> impl Iterator<Item = &AnomalyRecord> {
        let new = self.recorded.saturating_sub(since).min(RECENT as u64) as usize;
        let kept = self.recent.iter().count();
        self.recent.iter().skip(kept.saturating_sub(new))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_counts_and_the_first_examples() {
        let mut log = AnomalyLog::new(1);
        for seq in 0..3 {
            log.record(AnomalyRecord {
                kind: AnomalyKind::DoubleDestroy,
                seq,
                time_ns: 0,
                resource: 9,
                owner: 0,
                packet: None,
            });
        }
        assert_eq!(
            (log.recorded, log.examples.len(), log.examples[0].seq),
            (3, 1, 0)
        );
        assert_eq!(log.since(1).map(|r| r.seq).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(AnomalyKind::ALL.len(), log.counts.len());
    }
}
