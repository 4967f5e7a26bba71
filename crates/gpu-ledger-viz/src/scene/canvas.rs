//! What a [`Scene`](super::Scene) draws, and the [`Canvas`] trait every trace encoder
//! implements: tracks, slices (with nested phases and flows), instants and counter
//! values, in stream time (ns since the stream started).
//!
//! The vocabulary is Perfetto's (track, slice, instant, counter, flow) so the
//! Perfetto encoder is a direct mapping; the Chrome encoder maps it onto processes
//! and threads. A canvas writes what it is given in the order given and never
//! decides layout: which track a slice goes on is the scene's job.

/// A name: a fixed word (an encoder may intern it) or text of its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Text<'a> {
    /// One of a few words used over and over (`rebuild`, `bind`...).
    Fixed(&'static str),
    /// A name made for this one event.
    Own(&'a str),
}

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Text::Fixed(s) => s,
            Text::Own(s) => s,
        }
    }
}

/// The value of one argument of a slice or an instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value<'a> {
    Uint(u64),
    Float(f64),
    Str(&'a str),
    /// A string that recurs (a type name, a result): an encoder may intern it.
    Label(&'a str),
    Bool(bool),
}

/// Named arguments, in the order a viewer should list them.
pub(crate) type Args<'a> = [(&'static str, Value<'a>)];

/// How a group track orders its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Order {
    /// By the children's rank.
    Explicit,
    /// By each child's first event.
    Chronological,
    /// By name.
    Lexicographic,
}

/// What a track holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrackKind {
    /// Nothing of its own: a folder for its children.
    Group(Order),
    /// Slices and instants that nest properly (never partly overlap).
    Slices,
    /// Counter values (a count of things).
    Counter,
}

/// A track, declared once before its first use.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Track<'a> {
    /// Unique within the trace, never 0.
    pub(crate) uuid: u64,
    /// The group it sits in; `None` for the root.
    pub(crate) parent: Option<u64>,
    /// Tracks sharing a parent and a name are one row to a viewer (Perfetto merges
    /// such siblings): how overlapping lifetimes share a row.
    pub(crate) name: &'a str,
    pub(crate) kind: TrackKind,
    /// Place among its siblings when the parent orders explicitly.
    pub(crate) rank: Option<i32>,
    /// One sentence a viewer can show about the track.
    pub(crate) description: Option<&'static str>,
}

/// A named part of a slice, drawn nested inside it (a packet's stages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Phase {
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    pub(crate) name: &'static str,
}

/// A span of time on a track.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Slice<'a> {
    pub(crate) track: u64,
    pub(crate) start_ns: u64,
    pub(crate) end_ns: u64,
    pub(crate) name: Text<'a>,
    pub(crate) args: &'a Args<'a>,
    /// Flows that start at this slice (one per event it caused).
    pub(crate) flows_out: &'a [u64],
    /// A flow that ends at this slice's start.
    pub(crate) flow_in: Option<u64>,
    /// Nested parts, in time order, inside `start_ns..=end_ns`.
    pub(crate) phases: &'a [Phase],
}

/// A point in time on a track.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Instant<'a> {
    pub(crate) track: u64,
    pub(crate) ts: u64,
    pub(crate) name: Text<'a>,
    pub(crate) args: &'a Args<'a>,
    /// A flow that ends here.
    pub(crate) flow_in: Option<u64>,
}

/// A trace encoder: receives the scene in stream order of the facts that made it
/// (a slice arrives when it ends, so timestamps are not sorted; viewers sort).
pub(crate) trait Canvas {
    fn track(&mut self, track: &Track<'_>);
    fn slice(&mut self, slice: &Slice<'_>);
    fn instant(&mut self, instant: &Instant<'_>);
    fn counter(&mut self, track: u64, ts: u64, value: u64);
}
