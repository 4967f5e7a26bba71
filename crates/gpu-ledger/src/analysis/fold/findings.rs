//! Findings: what other checkers reported (validation layers, failed command
//! buffers, guardrails that fired while recording), counted by severity and code,
//! with the first examples of each code.
//!
//! The fold only counts and keeps; it never judges a finding (its checker did) and
//! never reads its message. Memory is bounded: at most [`MAX_CODES`] distinct
//! (severity, code) counters (findings of further codes are counted, not itemised)
//! and `max_examples` examples per counter.

use crate::analysis::fold::hashing::FxHashMap;
use crate::event::{Event, EventKind, FindingSeverity, Name, PacketRef, ResourceId};

/// How many distinct (severity, code) pairs are counted one by one.
pub(crate) const MAX_CODES: usize = 256;

/// One finding, as kept for an example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct FindingRecord {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) severity: FindingSeverity,
    pub(crate) code: Name,
    pub(crate) message: Name,
    pub(crate) resource: Option<ResourceId>,
    pub(crate) packet: Option<PacketRef>,
    pub(crate) line: Option<u64>,
}

/// Counts per severity and per (severity, code), and the first examples of each code.
#[derive(Clone, Debug, Default)]
pub(crate) struct FindingLog {
    /// Findings per severity, indexed by `FindingSeverity as usize`.
    pub(crate) by_severity: [u64; 3],
    /// Findings per (severity, code), for the first [`MAX_CODES`] pairs seen.
    pub(crate) by_code: FxHashMap<(FindingSeverity, Name), u64>,
    /// Findings whose (severity, code) came after the first [`MAX_CODES`].
    pub(crate) untracked: u64,
    /// The first `max_examples` findings of each tracked (severity, code).
    pub(crate) examples: Vec<FindingRecord>,
    max_examples: usize,
}

impl FindingLog {
    /// Empty, keeping `max_examples` examples per code.
    pub(crate) fn new(max_examples: usize) -> Self {
        Self {
            max_examples,
            ..Self::default()
        }
    }

    /// Counts `event` (the `seq`-th of the stream) if it is a finding.
    pub(crate) fn on_finding(&mut self, seq: u64, event: &Event) {
        let EventKind::Finding {
            severity,
            code,
            message,
            resource,
            packet,
            line,
        } = event.kind
        else {
            return;
        };
        self.by_severity[severity as usize] += 1;
        let tracked =
            self.by_code.len() < MAX_CODES || self.by_code.contains_key(&(severity, code));
        if !tracked {
            self.untracked += 1;
            return;
        }
        let count = self.by_code.entry((severity, code)).or_insert(0);
        *count += 1;
        if *count <= self.max_examples as u64 {
            self.examples.push(FindingRecord {
                seq,
                time_ns: event.time_ns,
                severity,
                code,
                message,
                resource,
                packet,
                line,
            });
        }
    }

    /// All findings.
    pub(crate) fn total(&self) -> u64 {
        self.by_severity.iter().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(code: u32, severity: FindingSeverity) -> Event {
        Event {
            time_ns: 7,
            thread: 0,
            kind: EventKind::Finding {
                severity,
                code: Name(code),
                message: Name(1000 + code),
                resource: None,
                packet: None,
                line: Some(u64::from(code)),
            },
        }
    }

    #[test]
    fn codes_and_examples_are_capped_but_totals_are_not() {
        let mut log = FindingLog::new(2);
        for code in 0..(MAX_CODES as u32 + 10) {
            for seq in 0..3 {
                log.on_finding(
                    u64::from(code) * 3 + seq,
                    &finding(code, FindingSeverity::Error),
                );
            }
        }
        log.on_finding(0, &finding(0, FindingSeverity::Warning));
        assert_eq!(log.by_severity, [0, 1, 3 * (MAX_CODES as u64 + 10)]);
        assert_eq!(log.by_code.len(), MAX_CODES);
        assert_eq!(
            log.untracked,
            3 * 10 + 1,
            "ten late error codes and the warning"
        );
        assert_eq!(log.examples.len(), 2 * MAX_CODES);
        assert_eq!(log.total(), 3 * (MAX_CODES as u64 + 10) + 1);
    }
}
