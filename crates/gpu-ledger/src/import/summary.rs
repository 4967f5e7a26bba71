//! What an import saw and did: [`ImportSummary`], and the sentences a tool prints
//! from it ([`ImportSummary::warnings`]).
//!
//! Plain data: counts, the first few examples of each kind (so its size does not
//! grow with the log), and sentences. It never reads the log.

use std::fmt;

use crate::format::{MalformedLine, TimeReport};

/// How many examples of each kind a summary keeps.
pub(super) const MAX_EXAMPLES: usize = 5;

/// An owner the importer inferred for a resource whose line names none, with the
/// line it took the owner from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InferredOwner {
    /// The 1-based line that created the resource.
    pub line: u64,
    /// What was created (`CommandQueue`, ...).
    pub resource_type: String,
    /// The owner kind it was given.
    pub owner_kind: String,
    /// The owner key it was given.
    pub owner_key: u64,
    /// The toolkit line, just before and in the same millisecond, whose owner it took.
    pub evidence_line: u64,
}

impl fmt::Display for InferredOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} given owner {} {:#x} from line {}",
            self.line, self.resource_type, self.owner_kind, self.owner_key, self.evidence_line
        )
    }
}

/// What an import saw and did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Lines read.
    pub lines: u64,
    /// Lines of each family: toolkit, engine, sync, debug, NSLog, tracker dump.
    pub recognised: [u64; 6],
    /// Lines that are no Omega line (ignored).
    pub other_lines: u64,
    /// Omega lines that could not be read (skipped).
    pub malformed: u64,
    /// The first few malformed lines.
    pub malformed_examples: Vec<MalformedLine>,
    /// Lines longer than the importer reads (1 MiB): skipped unread.
    pub overlong_lines: u64,
    /// The first few of them, by line number.
    pub overlong_examples: Vec<u64>,
    /// Lines describing a fact already taken from a better family (not double-counted).
    pub duplicates_skipped: u64,
    /// Lines recognised but carrying nothing gpu-ledger models (snapshots, submit
    /// lines, queue-depth telemetry, engine messages...).
    pub informational: u64,
    /// Events for an id that was never created (or already destroyed): a create was implied.
    pub implicit_creates: u64,
    /// Engine resources (format 2, tracker dump, debug layer), whose lines name no
    /// owner, that no toolkit line before them explains: recorded with owner kind
    /// `Unknown`. (NSLog queue destroys are `Unknown` too; a limitation says so.)
    pub unknown_owners: u64,
    /// Resources whose owner was inferred from the toolkit line before them.
    pub inferred_owners: u64,
    /// The first few inferred owners, with their evidence.
    pub inferred_examples: Vec<InferredOwner>,
    /// Findings of other checkers (validation messages, failed command buffers) read.
    pub findings: u64,
    /// Stamps that were wild, ran backwards or reset, and what was done.
    pub time: TimeReport,
    /// Events produced.
    pub events: u64,
    /// What the log cannot tell, in sentences.
    pub limitations: Vec<String>,
}

impl fmt::Display for ImportSummary {
    /// One line accounting for every line read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} lines: {} events ({} findings), {} informational, {} duplicates of better lines skipped, {} other lines ignored, {} malformed, {} over-long",
            self.lines,
            self.events,
            self.findings,
            self.informational,
            self.duplicates_skipped,
            self.other_lines,
            self.malformed,
            self.overlong_lines
        )
    }
}

impl ImportSummary {
    /// Everything a reader of a report built on this import should know, one
    /// sentence each: lines skipped, time corrected, owners inferred, then the
    /// [`limitations`](Self::limitations).
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::Collected;
    /// use gpu_ledger::import::{OmegaImport, Sources};
    ///
    /// let log = "[OmegaWTKGPU] ts=oops event=Destroy\n";
    /// let summary = OmegaImport::new(Sources::scan(log.as_bytes())?).import(log.as_bytes(), &mut Collected::default())?;
    /// assert_eq!(summary.warnings()[0], "1 malformed log lines skipped, first line 1: ts=oops is not a whole number");
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.malformed > 0 {
            let first = self
                .malformed_examples
                .first()
                .map(|m| format!(", first {m}"))
                .unwrap_or_default();
            out.push(format!(
                "{} malformed log lines skipped{first}",
                self.malformed
            ));
        }
        if self.overlong_lines > 0 {
            let lines: Vec<String> = self.overlong_examples.iter().map(u64::to_string).collect();
            out.push(format!(
                "{} lines longer than {} bytes skipped unread ({} {}{})",
                self.overlong_lines,
                super::lines::MAX_LINE,
                if self.overlong_lines == 1 {
                    "line"
                } else {
                    "lines"
                },
                lines.join(", "),
                if self.overlong_lines > lines.len() as u64 {
                    ", ..."
                } else {
                    ""
                }
            ));
        }
        if self.time.anomalies() > 0 {
            out.push(format!("log time corrected: {}", self.time));
        }
        if self.inferred_owners > 0 {
            let first = self
                .inferred_examples
                .first()
                .map(|e| format!(" (first {e})"))
                .unwrap_or_default();
            out.push(format!(
                "{} engine resources have an inferred owner, not a logged one: each was created in the same millisecond right after a toolkit Create or ResizeRebuild line and takes that line's owner{first}",
                self.inferred_owners
            ));
        }
        out.extend(self.limitations.iter().cloned());
        out
    }
}
