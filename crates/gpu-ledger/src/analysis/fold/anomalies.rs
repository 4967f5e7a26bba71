//! Anomalies: input the ledger cannot balance, counted and exemplified, never fatal.
//!
//! A destroy of an unknown id, a double destroy, a create of a live id, packet
//! events out of order: each is a counter plus the first few examples with their
//! event sequence numbers. The log's size is fixed by the number of kinds and the
//! examples kept, whatever the input.

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
    /// A destroy of a resource that a packet still in flight references (slice D's
    /// assertion; see `flight`).
    DestroyInFlight,
}

impl AnomalyKind {
    /// Every kind, in report order.
    pub(crate) const ALL: [AnomalyKind; 9] = [
        AnomalyKind::DestroyUnknownId,
        AnomalyKind::DoubleDestroy,
        AnomalyKind::CreateLiveId,
        AnomalyKind::DestroyTypeMismatch,
        AnomalyKind::EventUnknownId,
        AnomalyKind::PacketStageBackwards,
        AnomalyKind::PacketDuplicateStage,
        AnomalyKind::PacketAfterTerminal,
        AnomalyKind::DestroyInFlight,
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
        }
    }
}

/// One anomaly as recorded: what, where in the stream, and about what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct AnomalyRecord {
    pub(crate) kind: AnomalyKind,
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    /// The resource id, or the packet id for packet anomalies.
    pub(crate) subject: u64,
    /// The lane for packet anomalies and `destroy-in-flight`; 0 otherwise.
    pub(crate) lane: u64,
    /// The packet in flight, for `destroy-in-flight`; 0 otherwise.
    pub(crate) packet: u64,
}

/// Counts per kind and the first examples of each.
#[derive(Clone, Debug, Default)]
pub(crate) struct AnomalyLog {
    pub(crate) counts: [u64; 9],
    pub(crate) examples: Vec<AnomalyRecord>,
    max_examples: usize,
}

impl AnomalyLog {
    /// Empty, keeping `max_examples` examples per kind.
    pub(crate) fn new(max_examples: usize) -> Self {
        Self {
            max_examples,
            ..Self::default()
        }
    }

    /// Records one anomaly.
    #[cold]
    pub(crate) fn record(&mut self, record: AnomalyRecord) {
        let i = record.kind as usize;
        self.counts[i] += 1;
        if self.counts[i] <= self.max_examples as u64 {
            self.examples.push(record);
        }
    }

    /// Whether the next anomaly of `kind` would be kept as an example.
    pub(crate) fn wants_example(&self, kind: AnomalyKind) -> bool {
        self.counts[kind as usize] < self.max_examples as u64
    }

    /// All anomalies.
    pub(crate) fn total(&self) -> u64 {
        self.counts.iter().sum()
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
                subject: 9,
                lane: 0,
                packet: 0,
            });
        }
        assert_eq!(
            (log.total(), log.examples.len(), log.examples[0].seq),
            (3, 1, 0)
        );
        assert_eq!(AnomalyKind::ALL.len(), log.counts.len());
    }
}
