//! gpu-ledger records the lifecycle of every GPU resource a renderer creates, ties
//! each event to the compositor packet and owner that caused it, and answers from
//! telemetry alone: how many startup frames were presented, why each resource was
//! destroyed, which owner churns most, and what is startup waste versus teardown.
//!
//! ```
//! use gpu_ledger::{Ledger, LedgerConfig, Collected, Owner, OwnerKind, ResourceType, PacketRef};
//!
//! let ledger = Ledger::start(LedgerConfig::default(), Collected::default());
//! let queue = ledger.next_resource_id();
//! let window = Owner::new(OwnerKind::RootVisual, 1);
//! {
//!     let _packet = ledger.enter_packet(PacketRef::new(1, 1));
//!     ledger.create(queue, ResourceType::CommandQueue, window, None);
//! }
//! ledger.destroy(queue, ResourceType::CommandQueue, window);
//! let collected = ledger.finish().into_sink::<Collected>().expect("the sink we started with");
//! assert_eq!(collected.events.len(), 3); // create, destroy, and the clean end of a finished ledger
//! ```
//!
//! # Overview
//! - [`event`]: the facts ([`Event`]) and the [`EventSink`] they flow into.
//! - [`record`]: the [`Ledger`], a lock-free per-thread recorder drained into a sink.
//! - [`format`](mod@format): the binary trace format and its JSON Lines twin, streaming readers.
//! - [`analysis`]: the pure fold over events that produces the churn report.
//! - [`import`]: events from logs renderers already print (the Omega formats).
//! - [`input`]: any input — binary trace, JSON Lines trace or log, detected by
//!   content — replayed into any sink, with what was read and lost.
//! - [`output`]: every file written whole or not at all (a temporary file renamed
//!   on success), and the check that an output is not one of the inputs.
//! - [`live`]: the analysis while the program runs: guardrail findings as they
//!   happen (to the `log` facade), dumps on demand, and [`Session`], a ledger with
//!   a trace started in one call that hands back the report.
//! - `synth` (feature `synth`): a realistic synthetic workload, recorded through the real ledger.
//! - [`toggle`]: the `GPU_LEDGER_*` environment switches (prefix renameable).
//! - [`time`]: [`StreamTime`](time::StreamTime), the one time base of every output and flag.
//! - [`text`]: untrusted text (names, paths, quoted lines) escaped for every text output.
//!
//! # Feature flags
//! - `json`: JSON Lines traces and the JSON report (pulls in serde and serde_json).
//! - `synth`: the synthetic workload behind `gpu-ledger synth` and the benchmarks.

pub mod analysis;
pub mod error;
pub mod event;
pub mod format;
pub mod import;
pub mod input;
pub mod live;
pub mod output;
pub mod record;
#[cfg(feature = "synth")]
pub mod synth;
pub mod text;
pub mod time;
pub mod toggle;

pub use error::{Error, ErrorKind};
pub use event::{
    Collected, Dims, Event, EventKind, EventSink, FindingSeverity, LaneId, Marker, Name, Names,
    Owner, OwnerKind, PacketId, PacketRef, PacketStage, PoolAction, ReleaseModel, ReleaseModels,
    Resource, ResourceAction, ResourceId, ResourceType, StreamInfo, Tee,
};
pub use live::Session;
pub use record::{Clock, Finished, Ledger, LedgerConfig, PacketScope, current_packet};

// The README's Rust examples compile and run as this crate's doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeDoctests;
