//! A [`Story`]: the full life of one resource, as plain data, JSON and text.
//!
//! Built by [`ResourceStory`](crate::analysis::ResourceStory) from the same stream a report
//! is built from, so its destroy cause always agrees with the report's. Lists are
//! bounded (the first and last packets, the first rebuilds and binds), with counts,
//! so a story of a resource that lived through millions of packets stays small. It
//! must never refer back to the stream or the analyzer.

use std::fmt::Write as _;

#[cfg(feature = "json")]
use serde::Serialize;

use crate::analysis::report::numbers::{fixed3, ms};
use crate::analysis::report::schema::definitions::DefinitionsReport;
use crate::analysis::report::schema::sections::{EvidenceItem, PacketLabel, StoryDims};
use crate::text::Escaped;
use crate::time::time_base;

/// One event in a resource's life.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StoryEvent {
    /// `create`, `resize_rebuild`, `bind`, `unbind` or `destroy`
    /// ([`ResourceAction::name`](crate::ResourceAction::name)).
    pub what: String,
    /// Sequence number in the stream.
    pub seq: u64,
    /// Stream time, ns.
    pub time_ns: u64,
    /// The window it fell in.
    pub window: String,
    /// Packet context.
    pub packet: Option<PacketLabel>,
    /// Size, when the event gave one.
    pub dims: Option<StoryDims>,
}

/// The packets that touched a resource (resource events in packet context and
/// `Touched` events), bounded.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StoryPackets {
    /// How many touches.
    pub count: u64,
    /// The first ones.
    pub first: Vec<PacketLabel>,
    /// The last ones (after `first`).
    pub last: Vec<PacketLabel>,
}

/// A destroy-check finding about the resource: the same the report's guardrails count.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StoryCheck {
    /// The guardrail it fails: `destroy-before-submit`, `destroy-in-flight` or
    /// `use-after-destroy`.
    pub guardrail: String,
    /// Sequence number of the offending event (the destroy, or the late use).
    pub seq: u64,
    /// Its stream time, ns.
    pub time_ns: u64,
    /// The packet that used the resource.
    pub packet: Option<PacketLabel>,
    /// One phrase: `destroyed before packet 1/11, which used it, was submitted`.
    pub what: String,
}

/// How the resource ended.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct StoryDestroy {
    /// The destroy event.
    pub event: StoryEvent,
    /// Why (`rebuild`, `replaced`, `shutdown`, `owner-removed`, `unknown`).
    pub cause: String,
    /// The events that justify the cause.
    pub evidence: Vec<EvidenceItem>,
    /// Whether it was short-lived.
    pub short_lived: bool,
}

/// The full story of one resource.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "json", derive(Serialize))]
#[non_exhaustive]
pub struct Story {
    /// Always `"gpu-ledger-story"`.
    pub format: String,
    /// Schema version, 1.
    pub version: u32,
    /// Stream time of the stream's first event, ns; every `time_ns` is stream time.
    pub origin_ns: Option<u64>,
    /// The resource.
    pub resource_id: u64,
    /// Whether the stream mentions it at all.
    pub found: bool,
    /// Its type.
    pub resource_type: Option<String>,
    /// Its owner's kind.
    pub owner_kind: Option<String>,
    /// Its owner's key.
    pub owner_key: Option<u64>,
    /// Its create.
    pub created: Option<StoryEvent>,
    /// Its rebuilds (the first ones).
    pub rebuilds: Vec<StoryEvent>,
    /// How many rebuilds.
    pub rebuild_count: u64,
    /// Its binds and unbinds (the first ones).
    pub binds: Vec<StoryEvent>,
    /// How many binds.
    pub bind_count: u64,
    /// How many unbinds.
    pub unbind_count: u64,
    /// The packets that touched it.
    pub packets: StoryPackets,
    /// Its destroy and cause.
    pub destroyed: Option<StoryDestroy>,
    /// Create to destroy, ms.
    pub lifetime_ms: Option<f64>,
    /// Whether it was still live at the end of the stream.
    pub live_at_end: bool,
    /// Input problems about this resource, in stream order.
    pub anomalies: Vec<String>,
    /// Destroy-check findings about this resource (the guardrails it fails), in
    /// stream order.
    pub checks: Vec<StoryCheck>,
    /// The definitions used.
    pub definitions: DefinitionsReport,
}

fn at(e: &StoryEvent) -> String {
    let mut s = format!("#{} at {:.3} ms in {}", e.seq, ms(e.time_ns), e.window);
    if let Some(p) = e.packet {
        let _ = write!(s, ", lane {} packet {}", p.lane, p.packet);
    }
    if let Some(d) = e.dims {
        let _ = write!(s, ", {d}");
    }
    s
}

fn labels(list: &[PacketLabel]) -> String {
    list.iter()
        .map(|p| format!("{}/{}", p.lane, p.packet))
        .collect::<Vec<_>>()
        .join(" ")
}

impl Story {
    /// The story as plain text.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::{Definitions, ResourceStory};
    /// use gpu_ledger::ResourceId;
    ///
    /// let story = ResourceStory::new(ResourceId(7), Definitions::default()).story();
    /// assert_eq!(story.render_text(), "Resource 7: not in this stream.\n");
    /// ```
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        if !self.found {
            let _ = writeln!(out, "Resource {}: not in this stream.", self.resource_id);
            return out;
        }
        let _ = writeln!(
            out,
            "Resource {}: {} owned by {} {:#x}; {}",
            self.resource_id,
            Escaped(self.resource_type.as_deref().unwrap_or("?")),
            Escaped(self.owner_kind.as_deref().unwrap_or("?")),
            self.owner_key.unwrap_or(0),
            time_base(self.origin_ns),
        );
        match &self.created {
            Some(c) => {
                let _ = writeln!(out, "  created    {}", at(c));
            }
            None => out.push_str("  created    (not in this stream)\n"),
        }
        for r in &self.rebuilds {
            let _ = writeln!(out, "  rebuilt    {}", at(r));
        }
        if self.rebuild_count > self.rebuilds.len() as u64 {
            let _ = writeln!(out, "  rebuilt    … {} rebuilds in all", self.rebuild_count);
        }
        let _ = writeln!(
            out,
            "  binds      {} binds, {} unbinds",
            self.bind_count, self.unbind_count
        );
        let p = &self.packets;
        if p.count > 0 {
            let _ = write!(
                out,
                "  packets    {} touches: {}",
                p.count,
                labels(&p.first)
            );
            if !p.last.is_empty() {
                let _ = write!(out, " … {}", labels(&p.last));
            }
            out.push('\n');
        } else {
            out.push_str("  packets    none\n");
        }
        match &self.destroyed {
            Some(d) => {
                let _ = writeln!(out, "  destroyed  {}: {}", at(&d.event), Escaped(&d.cause));
                for e in &d.evidence {
                    let _ = writeln!(out, "    evidence #{} {}", e.seq, Escaped(&e.what));
                }
            }
            None if self.live_at_end => {
                out.push_str("  destroyed  never: live at the end of the stream\n")
            }
            None => out.push_str("  destroyed  never\n"),
        }
        if self.lifetime_ms.is_some() {
            let short = self.destroyed.as_ref().is_some_and(|d| d.short_lived);
            let _ = writeln!(
                out,
                "  lifetime   {} ms{}",
                fixed3(self.lifetime_ms),
                if short { " (short-lived)" } else { "" }
            );
        }
        for c in &self.checks {
            let _ = writeln!(
                out,
                "  check      {}: #{} {} ({:.3} ms)",
                c.guardrail,
                c.seq,
                c.what,
                ms(c.time_ns)
            );
        }
        for a in &self.anomalies {
            let _ = writeln!(out, "  anomaly    {}", Escaped(a));
        }
        out
    }

    /// The story as pretty-printed JSON.
    #[cfg(feature = "json")]
    pub fn to_json_string(&self) -> String {
        serde_json::to_string_pretty(self)
            .unwrap_or_else(|e| format!("{{\"format\":\"gpu-ledger-story\",\"error\":\"{e}\"}}"))
    }
}
