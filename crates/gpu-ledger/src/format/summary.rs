//! What a trace reader tells its caller besides the events: [`ReadSummary`].
//!
//! Readers recover from everything a crash or a bad disk can do to a trace
//! after its header: a cut-off tail, corrupt blocks, malformed lines. None of
//! that is an error; all of it is counted here so that reports can show the
//! loss. The summary keeps totals plus the first [`ReadSummary::MAX_REPORTED`]
//! details of each kind, so its size does not grow with the damage.

use std::fmt;

use super::TimeReport;

/// How a replay went: what was read, and what was lost and where.
///
/// # Example
///
/// ```
/// use gpu_ledger::format::{BinaryReader, BinaryWriter};
/// use gpu_ledger::{Collected, Event, EventKind, EventSink};
///
/// # fn main() -> Result<(), gpu_ledger::Error> {
/// let mut writer = BinaryWriter::new(Vec::new());
/// writer.on_event(&Event { time_ns: 5, thread: 0, kind: EventKind::Lost { count: 3 } });
/// let mut bytes = writer.finish()?;
/// bytes.truncate(bytes.len() - 1); // a crash cut the last byte off
///
/// let summary = BinaryReader::new(&bytes[..])?.replay(&mut Collected::default())?;
/// assert_eq!(summary.events, 0);
/// let cut = summary.truncated.expect("the tail was cut");
/// assert_eq!(cut.offset + cut.lost_bytes, bytes.len() as u64);
/// assert!(!summary.is_clean());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReadSummary {
    /// The trace's format version (from its header).
    pub version: u16,
    /// Events delivered to the sink.
    pub events: u64,
    /// Name definitions delivered to the sink (each distinct definition once).
    pub names: u64,
    /// Binary traces: whole, valid blocks read. 0 for JSON Lines.
    pub blocks: u64,
    /// JSON Lines traces: lines read, the header included. 0 for binary traces.
    pub lines: u64,
    /// Bytes consumed from the input, header included.
    pub bytes: u64,
    /// Set when the input ends in the middle of a block or line: the writer
    /// was cut off (a crash, `kill -9`, a full disk).
    pub truncated: Option<Truncation>,
    /// The first [`Self::MAX_REPORTED`] corrupt regions of a binary trace, in
    /// file order.
    pub corrupt: Vec<CorruptRegion>,
    /// How many corrupt regions there were in all.
    pub corrupt_regions: u64,
    /// How many bytes all corrupt regions span.
    pub corrupt_bytes: u64,
    /// How many blocks were lost in all corrupt regions.
    pub blocks_skipped: u64,
    /// The first [`Self::MAX_REPORTED`] malformed lines of a JSON Lines trace.
    pub malformed: Vec<MalformedLine>,
    /// How many lines were malformed and skipped in all.
    pub malformed_lines: u64,
    /// JSON Lines traces: timestamps that ran backwards or were out of line
    /// with their neighbours, and how each was corrected (see [`TimeReport`]).
    pub time: TimeReport,
}

impl ReadSummary {
    /// How many corrupt regions or malformed lines are kept in detail.
    pub const MAX_REPORTED: usize = 16;

    /// Whether the whole input was read without loss.
    pub fn is_clean(&self) -> bool {
        self.truncated.is_none()
            && self.corrupt_regions == 0
            && self.malformed_lines == 0
            && self.time.anomalies() == 0
    }

    pub(crate) fn add_corrupt(&mut self, region: CorruptRegion) {
        // Saturating: the counts come from untrusted input (sequence numbers).
        self.corrupt_regions = self.corrupt_regions.saturating_add(1);
        self.corrupt_bytes = self.corrupt_bytes.saturating_add(region.len);
        self.blocks_skipped = self.blocks_skipped.saturating_add(region.blocks_skipped);
        if self.corrupt.len() < Self::MAX_REPORTED {
            self.corrupt.push(region);
        }
    }

    #[cfg_attr(not(feature = "json"), allow(dead_code))]
    pub(crate) fn add_malformed(&mut self, line: u64, reason: String) {
        self.malformed_lines += 1;
        if self.malformed.len() < Self::MAX_REPORTED {
            self.malformed.push(MalformedLine { line, reason });
        }
    }
}

impl fmt::Display for ReadSummary {
    /// One lowercase line: what was read, then each kind of loss.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} events, {} names", self.events, self.names)?;
        if self.lines > 0 {
            write!(f, " in {} lines", self.lines)?;
        } else {
            write!(f, " in {} blocks", self.blocks)?;
        }
        write!(f, " ({} bytes)", self.bytes)?;
        if let Some(cut) = &self.truncated {
            write!(f, "; {cut}")?;
        }
        if self.corrupt_regions > 0 {
            write!(
                f,
                "; {} corrupt regions ({} bytes, {} blocks lost)",
                self.corrupt_regions, self.corrupt_bytes, self.blocks_skipped
            )?;
            if let Some(first) = self.corrupt.first() {
                write!(f, ", first {first}")?;
            }
        }
        if self.malformed_lines > 0 {
            write!(f, "; {} malformed lines skipped", self.malformed_lines)?;
            if let Some(first) = self.malformed.first() {
                write!(f, ", first {first}")?;
            }
        }
        if self.time.anomalies() > 0 {
            write!(f, "; {}", self.time)?;
        }
        Ok(())
    }
}

/// Where an input was cut off, and how much of its tail could not be read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Truncation {
    /// Byte offset of the first byte that could not be used: the start of the
    /// partial block (or line).
    pub offset: u64,
    /// How many bytes from `offset` to the end of the input were discarded.
    pub lost_bytes: u64,
}

impl fmt::Display for Truncation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cut off at byte {}: {} trailing bytes lost",
            self.offset, self.lost_bytes
        )
    }
}

/// A run of bytes in a binary trace that could not be read, after which
/// reading resumed at the next valid block.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CorruptRegion {
    /// Byte offset where the damage was found (the start of the first bad block).
    pub offset: u64,
    /// How many bytes were skipped.
    pub len: u64,
    /// How many blocks were lost (known exactly from block sequence numbers when
    /// a valid block follows).
    pub blocks_skipped: u64,
    /// Why the first bad block was rejected.
    pub reason: String,
}

impl fmt::Display for CorruptRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {} ({} bytes, {} blocks): {}",
            self.offset, self.len, self.blocks_skipped, self.reason
        )
    }
}

/// A JSON Lines trace line that was skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MalformedLine {
    /// The 1-based line number.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

impl fmt::Display for MalformedLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_capped_but_totals_are_not() {
        let mut s = ReadSummary::default();
        for i in 0..40 {
            s.add_malformed(i + 2, format!("bad {i}"));
            s.add_corrupt(CorruptRegion {
                offset: i * 100,
                len: 10,
                blocks_skipped: 1,
                reason: "checksum mismatch".into(),
            });
        }
        assert_eq!(s.malformed_lines, 40);
        assert_eq!(s.malformed.len(), ReadSummary::MAX_REPORTED);
        assert_eq!(s.corrupt_regions, 40);
        assert_eq!(s.corrupt_bytes, 400);
        assert_eq!(s.blocks_skipped, 40);
        assert_eq!(s.corrupt.len(), ReadSummary::MAX_REPORTED);
        assert!(!s.is_clean());
    }

    #[test]
    fn display_names_every_loss() {
        let mut s = ReadSummary {
            events: 10,
            names: 2,
            blocks: 3,
            bytes: 900,
            truncated: Some(Truncation {
                offset: 850,
                lost_bytes: 50,
            }),
            ..ReadSummary::default()
        };
        s.add_corrupt(CorruptRegion {
            offset: 100,
            len: 200,
            blocks_skipped: 1,
            reason: "block checksum mismatch".into(),
        });
        assert_eq!(
            s.to_string(),
            "10 events, 2 names in 3 blocks (900 bytes); cut off at byte 850: 50 trailing bytes \
             lost; 1 corrupt regions (200 bytes, 1 blocks lost), first at byte 100 (200 bytes, \
             1 blocks): block checksum mismatch"
        );
    }
}
