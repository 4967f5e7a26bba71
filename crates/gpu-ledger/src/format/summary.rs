//! What a trace reader tells its caller besides the events: [`ReadSummary`].
//!
//! Readers recover from everything a crash, a bad disk or a careless copy can
//! do to a trace after its header: a cut-off tail, corrupt blocks, blocks
//! missing, repeated or out of order, a second trace appended, malformed
//! lines. None of that is an error; all of it is counted here so that reports
//! can show the loss. The summary keeps totals plus the first
//! [`ReadSummary::MAX_REPORTED`] details of each kind, so its size does not
//! grow with the damage.

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
    /// Binary traces of version 2 on: how many events the missing and corrupt
    /// blocks held, from the event count each block carries (see
    /// [`CorruptRegion::events_lost`] and [`BlockGap::events`]). Version 1
    /// blocks carry no count, so their losses are known in blocks only.
    pub events_lost: u64,
    /// The first [`Self::MAX_REPORTED`] gaps in a binary trace's block
    /// sequence that no corrupt bytes explain (a block cut out of the file,
    /// the first blocks missing), in file order.
    pub gaps: Vec<BlockGap>,
    /// How many blocks all gaps miss.
    pub blocks_missing: u64,
    /// The first [`Self::MAX_REPORTED`] valid blocks that were skipped because
    /// their sequence number was already passed, in file order.
    pub skipped: Vec<SkippedBlock>,
    /// How many blocks repeated a block already read (skipped: their events
    /// are counted once).
    pub blocks_repeated: u64,
    /// How many blocks came after a later block (skipped, so that events stay
    /// in order; they are counted as missing where their gap was found).
    pub blocks_out_of_order: u64,
    /// Set when another trace begins inside this one (two traces
    /// concatenated): reading stopped at its header.
    pub concatenated: Option<Concatenation>,
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
            && self.blocks_missing == 0
            && self.blocks_repeated == 0
            && self.blocks_out_of_order == 0
            && self.concatenated.is_none()
    }

    pub(crate) fn add_corrupt(&mut self, region: CorruptRegion) {
        // Saturating: the counts come from untrusted input (sequence numbers).
        self.corrupt_regions = self.corrupt_regions.saturating_add(1);
        self.corrupt_bytes = self.corrupt_bytes.saturating_add(region.len);
        self.blocks_skipped = self.blocks_skipped.saturating_add(region.blocks_skipped);
        self.events_lost = self
            .events_lost
            .saturating_add(region.events_lost.unwrap_or(0));
        if self.corrupt.len() < Self::MAX_REPORTED {
            self.corrupt.push(region);
        }
    }

    pub(crate) fn add_gap(&mut self, gap: BlockGap) {
        self.blocks_missing = self.blocks_missing.saturating_add(gap.blocks);
        self.events_lost = self.events_lost.saturating_add(gap.events.unwrap_or(0));
        if self.gaps.len() < Self::MAX_REPORTED {
            self.gaps.push(gap);
        }
    }

    pub(crate) fn add_skipped(&mut self, block: SkippedBlock) {
        match block.reason {
            SkipReason::Repeated => self.blocks_repeated += 1,
            SkipReason::OutOfOrder => self.blocks_out_of_order += 1,
        }
        if self.skipped.len() < Self::MAX_REPORTED {
            self.skipped.push(block);
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
        if self.blocks_missing > 0 {
            write!(f, "; {} blocks missing", self.blocks_missing)?;
            if let Some(first) = self.gaps.first() {
                write!(f, ", first {first}")?;
            }
        }
        if self.corrupt_regions > 0 || self.blocks_missing > 0 {
            if self.version >= 2 {
                write!(f, "; {} events lost", self.events_lost)?;
            } else {
                write!(
                    f,
                    "; how many events the lost blocks held is unknown (version 1 blocks \
                     carry no event count)"
                )?;
            }
        }
        if self.blocks_out_of_order > 0 {
            write!(
                f,
                "; {} blocks out of order skipped",
                self.blocks_out_of_order
            )?;
            if let Some(first) = self
                .skipped
                .iter()
                .find(|s| s.reason == SkipReason::OutOfOrder)
            {
                write!(f, ", first {first}")?;
            }
        }
        if self.blocks_repeated > 0 {
            write!(f, "; {} repeated blocks skipped", self.blocks_repeated)?;
            if let Some(first) = self
                .skipped
                .iter()
                .find(|s| s.reason == SkipReason::Repeated)
            {
                write!(f, ", first {first}")?;
            }
        }
        if let Some(second) = &self.concatenated {
            write!(f, "; {second}")?;
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
    /// How many events the lost blocks held, when known: from the event count
    /// of the valid block after the region (binary format version 2 on).
    /// `None` for version 1 traces, a region that runs to the end of the
    /// input, and a block whose records do not decode.
    pub events_lost: Option<u64>,
    /// Why the first bad block was rejected.
    pub reason: String,
}

impl fmt::Display for CorruptRegion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at byte {} ({} bytes, {} blocks",
            self.offset, self.len, self.blocks_skipped
        )?;
        if let Some(events) = self.events_lost {
            write!(f, ", {events} events")?;
        }
        write!(f, "): {}", self.reason)
    }
}

/// Blocks that a binary trace's sequence numbers show to be missing, with no
/// damaged bytes where they should be: a block cut out of the file, or the
/// trace's first blocks gone.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockGap {
    /// Byte offset of the first block read after the gap.
    pub offset: u64,
    /// The sequence number of the first missing block.
    pub first: u64,
    /// How many blocks are missing.
    pub blocks: u64,
    /// How many events they held (from the event counts blocks carry, binary
    /// format version 2 on; `None` for version 1 traces).
    pub events: Option<u64>,
}

impl fmt::Display for BlockGap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.blocks == 1 {
            write!(f, "block {}", self.first)?;
        } else {
            let last = self.first.saturating_add(self.blocks - 1);
            write!(f, "blocks {}..={last}", self.first)?;
        }
        if self.first == 0 {
            write!(f, " (the start of the trace)")?;
        }
        write!(f, " before byte {}", self.offset)?;
        match self.events {
            Some(events) => write!(f, " ({events} events lost)"),
            None => Ok(()),
        }
    }
}

/// A valid block that was not read because its sequence number was already
/// passed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkippedBlock {
    /// Its byte offset.
    pub offset: u64,
    /// Its sequence number.
    pub seq: u64,
    /// The sequence number of the last block read before it.
    pub after: u64,
    /// Why it was skipped.
    pub reason: SkipReason,
}

/// Why a [`SkippedBlock`] was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SkipReason {
    /// A block with its sequence number was read already: reading it again
    /// would count its events twice.
    Repeated,
    /// It was missing where it belonged and turns up after a later block:
    /// reading it now would put its events out of order.
    OutOfOrder,
}

impl fmt::Display for SkippedBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            SkipReason::Repeated => write!(
                f,
                "block {} at byte {} repeats a block already read",
                self.seq, self.offset
            ),
            SkipReason::OutOfOrder => write!(
                f,
                "block {} at byte {} comes after block {}",
                self.seq, self.offset, self.after
            ),
        }
    }
}

/// Another trace found inside the one being read: two traces concatenated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Concatenation {
    /// Byte offset of the second trace's header (binary) or header line (JSON Lines).
    pub offset: u64,
    /// Bytes from there to the end of the input, which were not read.
    pub lost_bytes: u64,
    /// The second trace's `source`, from its header.
    pub source: String,
}

impl fmt::Display for Concatenation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "another trace (source {:?}) starts at byte {}: two traces were concatenated, and \
             its {} bytes were not read (split the file at byte {} to read it)",
            self.source, self.offset, self.lost_bytes, self.offset
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
                events_lost: Some(3),
                reason: "checksum mismatch".into(),
            });
        }
        assert_eq!(s.malformed_lines, 40);
        assert_eq!(s.malformed.len(), ReadSummary::MAX_REPORTED);
        assert_eq!(s.corrupt_regions, 40);
        assert_eq!(s.corrupt_bytes, 400);
        assert_eq!(s.blocks_skipped, 40);
        assert_eq!(s.events_lost, 120);
        assert_eq!(s.corrupt.len(), ReadSummary::MAX_REPORTED);
        assert!(!s.is_clean());
    }

    #[test]
    fn display_names_every_loss() {
        let mut s = ReadSummary {
            version: 2,
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
            events_lost: Some(7),
            reason: "block checksum mismatch".into(),
        });
        s.add_gap(BlockGap {
            offset: 28,
            first: 0,
            blocks: 2,
            events: Some(40),
        });
        s.add_skipped(SkippedBlock {
            offset: 500,
            seq: 3,
            after: 4,
            reason: SkipReason::OutOfOrder,
        });
        s.add_skipped(SkippedBlock {
            offset: 600,
            seq: 4,
            after: 4,
            reason: SkipReason::Repeated,
        });
        s.concatenated = Some(Concatenation {
            offset: 700,
            lost_bytes: 150,
            source: "demo".into(),
        });
        assert_eq!(
            s.to_string(),
            "10 events, 2 names in 3 blocks (900 bytes); cut off at byte 850: 50 trailing bytes \
             lost; 1 corrupt regions (200 bytes, 1 blocks lost), first at byte 100 (200 bytes, \
             1 blocks, 7 events): block checksum mismatch; 2 blocks missing, first blocks 0..=1 \
             (the start of the trace) before byte 28 (40 events lost); 47 events lost; 1 blocks \
             out of order skipped, first block 3 at byte 500 comes after block 4; 1 repeated \
             blocks skipped, first block 4 at byte 600 repeats a block already read; another \
             trace (source \"demo\") starts at byte 700: two traces were concatenated, and its \
             150 bytes were not read (split the file at byte 700 to read it)"
        );
        assert!(!s.is_clean());
        s.version = 1;
        assert!(s.to_string().contains(
            "; how many events the lost blocks held is unknown (version 1 blocks carry no event \
             count);"
        ));
    }
}
