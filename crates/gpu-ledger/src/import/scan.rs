//! The importer's first pass: which line families a log holds (so each fact is
//! taken from its best family), and how its clock behaves (so a wild stamp is
//! known before the import reaches it).
//!
//! Reading only: it keeps flags, the first stamp and the few lines whose time
//! must be corrected, never the lines themselves.

use std::io::BufRead;

use super::lines::{DumpLine, Family, Fields, dump_line, engine_type, family, line_ts, read_line};
use super::wallclock::nslog_ms;
use crate::event::ResourceType;
use crate::format::{Judgement, TimeLine, TimeRules};

/// How many time corrections a scan remembers; beyond them the import only
/// clamps time (it still never runs backwards) and says so.
const MAX_CORRECTIONS: usize = 1 << 20;

/// A correction the import must apply at a line: its stamp is an outlier or a
/// clock reset (see `format::time`), with the next stamp after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Correction {
    pub(crate) line: u64,
    pub(crate) judgement: Judgement,
    pub(crate) next: Option<u64>,
}

/// One clock of a log (its `ts=` stamps, or its NSLog stamps), as the scan judged it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ClockPlan {
    /// The first stamp that is not an outlier: time zero.
    pub(crate) first: Option<u64>,
    /// The lines whose stamps are outliers or resets, in line order.
    pub(crate) corrections: Vec<Correction>,
    /// Corrections past [`MAX_CORRECTIONS`], not kept.
    pub(crate) dropped: u64,
}

/// Judges a stream of stamps with a look-ahead of one.
#[derive(Clone, Debug)]
struct Judge {
    line: TimeLine,
    held: Option<(u64, u64)>,
    plan: ClockPlan,
}

impl Judge {
    fn new() -> Self {
        Self {
            line: TimeLine::new(TimeRules::LOG_MS),
            held: None,
            plan: ClockPlan::default(),
        }
    }

    fn push(&mut self, line: u64, raw: u64) {
        if let Some((held_line, held_raw)) = self.held.replace((line, raw)) {
            self.judge(held_line, held_raw, Some(raw));
        }
    }

    fn judge(&mut self, line: u64, raw: u64, next: Option<u64>) {
        let (_, judgement) = self.line.push(line, raw, next);
        if judgement == Judgement::Accept && self.plan.first.is_none() {
            self.plan.first = Some(raw);
        }
        if judgement != Judgement::Accept {
            if self.plan.corrections.len() < MAX_CORRECTIONS {
                self.plan.corrections.push(Correction {
                    line,
                    judgement,
                    next,
                });
            } else {
                self.plan.dropped += 1;
            }
        }
    }

    fn finish(mut self) -> ClockPlan {
        if let Some((line, raw)) = self.held.take() {
            self.judge(line, raw, None);
        }
        self.plan
    }
}

/// Which line families a log holds, and so which one is taken for each fact;
/// and how its clock behaves.
///
/// Found by [`Sources::scan`] in a first pass over the log; a second pass imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// `[OmegaGTEResource]` (or tracker-dump) `Create`/`Destroy` lines exist.
    pub engine_lifecycle: bool,
    /// `[OmegaGTEResource]` (or tracker-dump) `Present` lines exist.
    pub engine_present: bool,
    /// `[OmegaWTKSync]` packet lines exist.
    pub sync_packets: bool,
    /// `[OmegaWTKSync] present` lines exist.
    pub sync_present: bool,
    /// Engine debug-layer `Present:` lines exist.
    pub debug_present: bool,
    /// Some family with ids (format 2, the tracker dump, the debug layer) logs
    /// command-queue destroys: NSLog's id-less ones are the same destroys.
    pub queue_destroys_with_ids: bool,
    /// Engine debug-layer `CB execution error` lines exist: NSLog's
    /// `Command Buffer Failed to Execute` lines are the same failures.
    pub debug_command_buffer_errors: bool,
    /// The well-known resource types (by [`ResourceType::code`] bit) whose
    /// destroys `[OmegaGTEResource]` lines log: a debug-layer destroy of an id
    /// they describe is the same destroy.
    pub engine_destroy_types: u64,
    /// The first `ts=` in the log that is not a wild stamp, in Unix milliseconds.
    pub first_ts_ms: Option<u64>,
    pub(crate) ts_clock: ClockPlan,
    pub(crate) nslog_clock: ClockPlan,
}

impl Sources {
    /// Reads a whole log once to learn which families it holds and how its clock behaves.
    ///
    /// # Errors
    /// Only I/O errors of `reader`; bad lines are not errors.
    pub fn scan<R: BufRead>(mut reader: R) -> std::io::Result<Self> {
        let mut scan = Scan::default();
        let mut line = Vec::new();
        let mut number = 0;
        while let Some(end) = read_line(&mut reader, &mut line)? {
            number += 1;
            if !end.overlong {
                scan.note(number, &String::from_utf8_lossy(&line));
            }
        }
        Ok(scan.finish())
    }

    /// Whether `[OmegaGTEResource]` lines log destroys of `ty`.
    pub(crate) fn engine_destroys(&self, ty: ResourceType) -> bool {
        let code = ty.code();
        code < 64 && self.engine_destroy_types & (1 << code) != 0
    }
}

/// The first pass in progress.
struct Scan {
    sources: Sources,
    ts: Judge,
    nslog: Judge,
    /// An `[OmegaGTEResource]` line was seen: a tracker dump after it repeats it.
    seen_engine: bool,
}

impl Default for Scan {
    fn default() -> Self {
        Self {
            sources: Sources::default(),
            ts: Judge::new(),
            nslog: Judge::new(),
            seen_engine: false,
        }
    }
}

impl Scan {
    /// Takes line `number` into account.
    fn note(&mut self, number: u64, line: &str) {
        let Some((family, rest)) = family(line) else {
            return;
        };
        let duplicate_dump = family == Family::Dump && self.seen_engine;
        if !duplicate_dump && let Some(ts) = line_ts(family, rest) {
            self.ts.push(number, ts);
        }
        let s = &mut self.sources;
        match family {
            Family::Engine | Family::Dump => {
                if family == Family::Engine {
                    self.seen_engine = true;
                } else if duplicate_dump || dump_line(rest) != Some(DumpLine::Event) {
                    return;
                }
                let f = Fields(rest);
                match f.get("event") {
                    Some("Create") => s.engine_lifecycle = true,
                    Some("Destroy") => {
                        s.engine_lifecycle = true;
                        if let Some(ty) = f.get("type").and_then(engine_type) {
                            let code = ty.code();
                            if code < 64 {
                                s.engine_destroy_types |= 1 << code;
                            }
                            s.queue_destroys_with_ids |= ty == ResourceType::CommandQueue;
                        }
                    }
                    Some("Present") => s.engine_present = true,
                    _ => {}
                }
            }
            Family::Sync => {
                s.sync_packets = true;
                s.sync_present |= rest.trim_start().starts_with("present ");
            }
            Family::Debug => {
                s.debug_present |= rest.contains("Present: ");
                s.queue_destroys_with_ids |= rest.contains("Queue destroyed: ");
                s.debug_command_buffer_errors |= rest.contains("CB execution error:");
            }
            Family::NsLog => {
                if let Some(ms) = nslog_ms(rest) {
                    self.nslog.push(number, ms);
                }
            }
            Family::Toolkit => {}
        }
    }

    fn finish(self) -> Sources {
        let mut sources = self.sources;
        sources.ts_clock = self.ts.finish();
        sources.nslog_clock = self.nslog.finish();
        sources.first_ts_ms = sources.ts_clock.first;
        sources
    }
}
