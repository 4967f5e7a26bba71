//! Pictures of a gpu-ledger run: a Perfetto trace to open in ui.perfetto.dev, the
//! same as Chrome trace JSON for older viewers, and a one-file HTML report.
//!
//! Engineers would rather look than read. [`PerfettoWriter`] and [`ChromeWriter`] are
//! [`EventSink`](gpu_ledger::EventSink)s: give them any stream (a recorder, a trace
//! or log replayed with [`gpu_ledger::format::replay_path`]) and they write a
//! timeline as the events go, in memory bounded by what is live, not by the length
//! of the run. [`HtmlReport`] turns a [`Report`](gpu_ledger::analysis::Report) and
//! the [`Series`](gpu_ledger::analysis::Series) of the same stream into one
//! self-contained page: the headline answers, charts, then the text report's tables.
//!
//! ```
//! use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage,
//!     Resource, ResourceAction, ResourceId, ResourceType};
//! use gpu_ledger_viz::PerfettoWriter;
//!
//! let target = Resource { id: ResourceId(1), ty: ResourceType::TextureTarget, owner: Owner::new(OwnerKind::ChildVisual, 0x1400) };
//! let packet = PacketRef::new(1, 1);
//! let mut trace = PerfettoWriter::new(Vec::new());
//! let mut at = |time_ns, kind| trace.on_event(&Event { time_ns, thread: 0, kind });
//! at(0, EventKind::Packet { packet, stage: PacketStage::Queued { command_id: 3 } });
//! at(1_000, EventKind::Resource { action: ResourceAction::Create, resource: target, dims: None, packet: Some(packet) });
//! at(9_000, EventKind::Packet { packet, stage: PacketStage::Presented });
//! at(20_000, EventKind::Resource { action: ResourceAction::Destroy, resource: target, dims: None, packet: None });
//! let stats = trace.stats();
//! assert_eq!((stats.packets, stats.flows), (1, 1));
//! let bytes = trace.finish()?; // write these to run.pftrace and open it in ui.perfetto.dev
//! assert!(!bytes.is_empty());
//! # Ok::<(), gpu_ledger_viz::Error>(())
//! ```
//!
//! # What the timeline shows
//!
//! Under one root named after the stream, in this order:
//!
//! | track | holds |
//! | --- | --- |
//! | `Windows` | the startup, steady and shutdown windows as slices |
//! | `Findings` | instants: startup end, shutdown begin, every failed guardrail's evidence with its message, markers, lost events |
//! | `Lanes` / `lane N` | one slice per packet from its first event (normally its `Queued` stage) to its end, named by result (`presented`, `dropped`, `no-op`, `failed`, or `in flight` at the end of the stream) and render command (`presented · cmd 17`), with `queued`, `submitted` and `completed` nested inside; a flow from it to every resource event recorded in its context |
//! | `Live resources` / `live T` | a counter per type: resources of type T alive, at every create and destroy |
//! | `Owners` / `Kind 0xKEY` | one slice per resource the owner held, create to destroy, named `Type id`, with its type, id and size (`width`, `height`, `scale`; `bytes` for buffers) as arguments; instants for rebuilds (with the new size), binds, unbinds, pool traffic, and destroys made in a packet |
//!
//! Lifetimes overlap (a swapchain's images, a context's two targets) and a track
//! can only hold slices that nest, so each owner (and each lane, whose packets
//! overlap too) lays its spans on the fewest tracks that keep them apart, all
//! named after the owner: Perfetto merges same-named siblings into one row and
//! stacks the overlaps. One track per resource would mean millions of tracks on a
//! long run; this way an owner has as many as it ever held resources at once.
//!
//! Times are stream time, nanoseconds since the stream started (the recorder's
//! start, or a log's first timestamp), as in every gpu-ledger output: Perfetto's
//! time zero is the stream's. Same events, same bytes.
//!
//! # Feature flags
//! - `perfetto` (default): [`PerfettoWriter`], with `prost` (no `protoc` at build time).
//! - `chrome` (default): [`ChromeWriter`].
//! - `html` (default): [`HtmlReport`], with the core's `json` feature.

mod error;
mod export;
mod scene;

#[cfg(feature = "chrome")]
mod chrome;
#[cfg(feature = "html")]
mod html;
#[cfg(feature = "perfetto")]
mod perfetto;

#[cfg(feature = "chrome")]
pub use chrome::ChromeWriter;
pub use error::{Error, ErrorKind};
pub use export::TimelineExport;
#[cfg(feature = "html")]
pub use html::HtmlReport;
#[cfg(feature = "perfetto")]
pub use perfetto::PerfettoWriter;
pub use scene::{MAX_FLOWS_PER_PACKET, MAX_LANES, MAX_OPEN_PACKETS, MAX_OWNERS, SceneStats};
