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
//!
//! Three parts, each a folder, dependencies pointing one way (views → report →
//! fold → `event`):
//! - **fold**: the [`Analyzer`] and the state it keeps (owners, lanes, packets in
//!   flight, destroy attribution, windows), with its [`Definitions`];
//! - **report**: the [`Report`] schema (plain data, the JSON contract), its assembly
//!   from the fold ([`Analyzer::report`]) and its rendering ([`Report::render_text`]);
//! - **views**: folds of their own, on demand — [`ResourceStory`] (one resource's
//!   [`Story`]), [`ResourceGraph`] (what is alive at one point), [`Timeline`] (one
//!   line per packet of a window, restricted by a [`WindowSpan`] learnt from a first
//!   pass), [`ReportDiff`] (two reports compared, with a fixed regression rule) and
//!   [`CheckReport`] (a report's guardrails judged at one severity).
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

mod fold;
mod report;
mod views;

pub use fold::analyzer::Analyzer;
// One way to say "1 destroy, 2 destroys" for the live path too.
pub use fold::attribution::DestroyCause;
pub use fold::definitions::Definitions;
pub use fold::owners::kind_name;
pub use fold::types::type_name;
pub use fold::windows::Window;
pub(crate) use report::numbers::count;
pub use report::render::text::TextOptions;
pub use report::schema::anomalies::{AnomalyExample, AnomalyReport};
pub use report::schema::definitions::DefinitionsReport;
pub use report::schema::findings::{FindingCount, FindingExample, FindingsReport};
pub use report::schema::guardrails::{Guardrail, GuardrailEvidence, Severity};
pub use report::schema::reuse::{
    CandidatePool, PoolReport, RebuildCounts, ReuseReport, TypeReuseReport,
};
pub use report::schema::sections::{
    Burst, CauseCounts, ChurnSources, Contributor, DestroyCauses, DestroyExample, Ending,
    EvidenceItem, LaneReport, LatencyReport, LiveGroup, OwnerCount, PacketCount, PacketLabel,
    PacketReport, PerPacket, RecreateLoop, ReleaseReport, RollingReport, ShortLived,
    StartupSummary, StoryDims, StreamSummary, Totals, TypeCounts, WindowReport, Windows,
};
pub use report::schema::{REPORT_FORMAT, REPORT_VERSION, Report};
pub use views::check::{BoundVerdict, CHECK_FORMAT, CheckBounds, CheckReport, RegressionCheck};
pub use views::diff::{DIFF_FORMAT, DiffChanges, DiffRow, REGRESSION_RULE, ReportDiff};
pub use views::explain::ResourceStory;
pub use views::graph::{
    GRAPH_FORMAT, Graph, GraphOwner, GraphPoint, GraphResource, GraphTouch, ResourceGraph,
};
pub use views::series::{
    DEFAULT_MAX_POINTS, LiveSeries, MAX_SERIES_TYPES, MIN_BUCKET_NS, PacketPoints, SERIES_FORMAT,
    Series, SeriesBuilder,
};
pub use views::span::WindowSpan;
pub use views::story::{Story, StoryCheck, StoryDestroy, StoryEvent, StoryPackets};
pub use views::timeline::{
    DEFAULT_BUCKET_NS, DEFAULT_MAX_PACKETS, MAX_ENTRY_RESOURCES, TIMELINE_FORMAT, Timeline,
    TimelineEntry, TimelineKeep, TimelineReport,
};
