//! [`WindowSpan`]: where one window of a run lies in its stream, by event sequence
//! number and by time, for the folds that replay a stream restricted to a window.
//!
//! Window boundaries are only known once the stream has been seen (stability is
//! decided K presents later; an inferred shutdown starts after the *last* present), so a tool
//! that wants "the events of the startup window" reads the stream twice: once
//! through an [`Analyzer`] to learn the span, once through the restricted fold
//! (for example [`Timeline`](crate::analysis::Timeline)). Sequence numbers are the
//! analyzer's (the 0-based position of an event in the stream), so a second pass
//! over the same input numbers the events the same way. A span never holds
//! events, only its bounds.

use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::fold::windows::Window;

/// One window's place in a stream: events `start_seq..end_seq` (end exclusive).
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, Window, WindowSpan};
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage};
///
/// let mut analyzer = Analyzer::default();
/// for packet in 1..=4u64 {
///     let kind = EventKind::Packet { packet: PacketRef::new(1, packet), stage: PacketStage::Presented };
///     analyzer.on_event(&Event { time_ns: packet * 1_000_000, thread: 0, kind });
/// }
/// analyzer.on_finish();
/// // Every present is clean, so steady state starts at the first one.
/// let startup = WindowSpan::of(&analyzer, Window::Startup);
/// assert_eq!((startup.start_seq, startup.end_seq), (0, 0));
/// let steady = WindowSpan::of(&analyzer, Window::Steady);
/// assert_eq!((steady.start_seq, steady.end_seq), (0, 4));
/// assert!(steady.contains(3) && !steady.contains(4));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WindowSpan {
    /// The window, or `None` for the whole stream.
    pub window: Option<Window>,
    /// Sequence number of the window's first event.
    pub start_seq: u64,
    /// Sequence number just past its last event (`start_seq` when empty).
    pub end_seq: u64,
    /// Stream time of its first event, ns; `None` when empty.
    pub start_ns: Option<u64>,
    /// Stream time where the next window starts, or of its last event; `None` when empty.
    pub end_ns: Option<u64>,
}

impl WindowSpan {
    /// The span of `window` in the stream `analyzer` has seen, as if it ended now.
    pub fn of(analyzer: &Analyzer, window: Window) -> Self {
        let b = &analyzer.bounds;
        let events = analyzer.events_seen();
        // Shutdown starts at the marker, or just after the last present when a
        // shutdown is inferred; otherwise there is no shutdown window.
        let shutdown_seq = match (b.shutdown, b.last_present) {
            (Some(m), _) => m.seq,
            (None, Some(p)) if b.infers_shutdown() => p.seq + 1,
            _ => events,
        }
        .min(events);
        let steady_seq = b.stable.map_or(shutdown_seq, |m| m.seq.min(shutdown_seq));
        let (start_seq, end_seq) = match window {
            Window::Startup => (0, steady_seq),
            Window::Steady => (steady_seq, shutdown_seq),
            Window::Shutdown => (shutdown_seq, events),
        };
        let report = analyzer.report();
        let w = report.window(window);
        let nonempty = end_seq > start_seq;
        Self {
            window: Some(window),
            start_seq,
            end_seq,
            start_ns: w.and_then(|w| w.start_ns).filter(|_| nonempty),
            end_ns: w.and_then(|w| w.end_ns).filter(|_| nonempty),
        }
    }

    /// The whole stream `analyzer` has seen.
    pub fn whole(analyzer: &Analyzer) -> Self {
        let events = analyzer.events_seen();
        Self {
            window: None,
            start_seq: 0,
            end_seq: events,
            start_ns: analyzer.first_ns.filter(|_| events > 0),
            end_ns: (events > 0).then_some(analyzer.last_ns),
        }
    }

    /// The whole stream however long it turns out to be, for a fold that cannot
    /// read it twice (the live analysis's timelines): no bounds known.
    pub fn open() -> Self {
        Self {
            window: None,
            start_seq: 0,
            end_seq: u64::MAX,
            start_ns: None,
            end_ns: None,
        }
    }

    /// Whether the event with sequence number `seq` is in the span.
    pub fn contains(&self, seq: u64) -> bool {
        (self.start_seq..self.end_seq).contains(&seq)
    }

    /// How many events the span holds.
    pub fn len(&self) -> u64 {
        self.end_seq - self.start_seq
    }

    /// Whether the span holds no event.
    pub fn is_empty(&self) -> bool {
        self.end_seq == self.start_seq
    }
}
