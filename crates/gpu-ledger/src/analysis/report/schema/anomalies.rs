//! The anomalies section of a report, as plain data.
//!
//! Part of the JSON contract (`docs/report-schema.md`): owned, sorted values only.

use std::collections::BTreeMap;

#[cfg(feature = "json")]
use serde::Serialize;

/// One anomaly, as an example.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct AnomalyExample {
    /// The kind (a key of [`AnomalyReport::by_kind`]).
    pub kind: String,
    /// Sequence number of the offending event.
    pub seq: u64,
    /// Its stream time, ns.
    pub time_ns: u64,
    /// The resource id, for resource anomalies.
    pub resource_id: Option<u64>,
    /// The resource's owner kind, when known.
    pub owner_kind: Option<String>,
    /// The resource's owner key, when known.
    pub owner_key: Option<u64>,
    /// The lane, for packet anomalies and the destroy checks.
    pub lane: Option<u64>,
    /// The packet, for packet anomalies and the destroy checks.
    pub packet: Option<u64>,
}

/// Input the ledger could not balance.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct AnomalyReport {
    /// All anomalies.
    pub total: u64,
    /// Per kind, every kind listed.
    pub by_kind: BTreeMap<String, u64>,
    /// The first few of each kind, by sequence number.
    pub examples: Vec<AnomalyExample>,
}
