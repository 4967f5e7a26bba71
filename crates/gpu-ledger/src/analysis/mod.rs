//! The churn analysis: a pure, deterministic fold over an event stream that answers
//! the four questions of DESIGN.md — how many startup frames were presented, why
//! each resource was destroyed, which owner churns most, and which destroys are
//! startup waste and which are teardown.
//!
//! [`Analyzer`] is an [`EventSink`](crate::EventSink): the recorder feeds it live,
//! a trace reader feeds it offline, and the same events give the same [`Report`],
//! byte for byte. It uses only the `event` module — never a file, a recorder, a
//! clock or the environment — and its memory is bounded by the live resources, the
//! owners, the lanes and a short look-ahead, never by the length of the stream.
//! [`ResourceStory`] follows one resource and tells its whole [`Story`].
//! The on-demand dumps are folds of their own: [`ResourceGraph`] (what is alive at
//! one point, by owner), [`Timeline`] (one line per packet of one window, restricted
//! by a [`WindowSpan`] learnt from a first pass) and [`ReportDiff`] (two reports
//! compared, with a fixed regression rule).
//!
//! ```
//! use gpu_ledger::analysis::{Analyzer, Definitions, TextOptions};
//! use gpu_ledger::{Event, EventKind, EventSink, Owner, OwnerKind, PacketRef, PacketStage,
//!     Resource, ResourceAction, ResourceId, ResourceType};
//!
//! let queue = Resource { id: ResourceId(1), ty: ResourceType::CommandQueue, owner: Owner::new(OwnerKind::RootVisual, 1) };
//! let mut events = vec![EventKind::Resource { action: ResourceAction::Create, resource: queue, dims: None, packet: None }];
//! for p in 1..=4 {
//!     events.push(EventKind::Packet { packet: PacketRef::new(1, p), stage: PacketStage::Presented });
//! }
//! let mut analyzer = Analyzer::new(Definitions::default());
//! for (i, kind) in events.into_iter().enumerate() {
//!     analyzer.on_event(&Event { time_ns: i as u64 * 16_000_000, thread: 0, kind });
//! }
//! analyzer.on_finish();
//! let report = analyzer.report();
//! // The first present follows a create, so it is not clean: presents 2, 3, 4 are the stable window.
//! assert_eq!(report.startup.frames_presented, 1);
//! assert_eq!(report.startup.stabilisation_ms, Some(32.0));
//! println!("{}", report.render_text(&TextOptions::default()));
//! ```

mod aggregate;
mod analyzer;
mod anomalies;
mod anomaly_report;
mod assemble;
mod attribution;
mod bursts;
mod definitions;
mod diff;
mod explain;
mod flight;
mod graph;
mod guardrails;
mod hashing;
mod headline;
mod lanes;
mod numbers;
mod owners;
mod packets;
mod recent;
mod report;
mod reuse;
mod reuse_report;
mod ring;
mod sections;
mod span;
mod story;
mod table;
mod text;
mod timeline;
mod types;
mod windows;

pub use analyzer::Analyzer;
pub use anomaly_report::{AnomalyExample, AnomalyReport, DefinitionsReport};
pub use attribution::DestroyCause;
pub use definitions::Definitions;
pub use diff::{DIFF_FORMAT, DiffChanges, DiffRow, REGRESSION_RULE, ReportDiff};
pub use explain::ResourceStory;
pub use graph::{GRAPH_FORMAT, Graph, GraphOwner, GraphResource, GraphTouch, ResourceGraph};
pub use guardrails::{Guardrail, GuardrailEvidence, Severity};
pub use report::{REPORT_FORMAT, REPORT_VERSION, Report};
pub use reuse_report::{CandidatePool, PoolReport, RebuildCounts, ReuseReport, TypeReuseReport};
pub use sections::{
    Burst, CauseCounts, Contributor, DestroyCauses, DestroyExample, EvidenceItem, LaneReport,
    LatencyReport, OwnerCount, PacketCount, PacketLabel, PacketReport, PerPacket, RecreateLoop,
    RollingReport, ShortLived, StartupSummary, StreamSummary, Totals, TypeCounts, WindowReport,
    Windows,
};
pub use span::WindowSpan;
pub use story::{Story, StoryDestroy, StoryDims, StoryEvent, StoryPackets};
pub use text::TextOptions;
pub use timeline::{
    DEFAULT_BUCKET_NS, DEFAULT_MAX_PACKETS, TIMELINE_FORMAT, Timeline, TimelineEntry, TimelineKeep,
    TimelineReport,
};
pub use windows::Window;
