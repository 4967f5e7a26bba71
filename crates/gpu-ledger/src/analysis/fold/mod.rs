//! The fold: the [`Analyzer`](crate::analysis::Analyzer) and the state it keeps
//! while events stream through it.
//!
//! Everything here is bounded by the live resources, the owners, the lanes, the
//! packets in flight and a short look-ahead, never by the length of the stream, and
//! nothing here formats, names or sorts for a reader: that is the report's job. The
//! fold depends only on `event`; the report and the views read it, never the other
//! way round.
//!
//! | module | state |
//! | --- | --- |
//! | `analyzer` (and its `lifecycle`) | the entry point ([`EventSink`](crate::EventSink)) and how resource events fold in |
//! | `definitions` | the parameters ([`Definitions`](crate::analysis::Definitions)) |
//! | `windows`, `aggregate`, `bursts` | startup / steady / shutdown, decided after the fact, and what is counted per window |
//! | `owners` | per owner and per (owner, type): churn and recreate loops |
//! | `lanes`, `packets`, `flight` | per lane, packets in flight, and the resources they reference |
//! | `attribution` | destroys waiting for their cause, and the examples kept |
//! | `anomalies`, `reuse` | input that does not balance; reuse counters and simulated pools |
//! | `findings` | what other checkers reported (validation layers, failed command buffers), by severity and code |
//! | `types`, `hashing`, `ids`, `ring`, `recent` | dense type indices and the bounded containers all folds use |

pub(crate) mod aggregate;
pub(crate) mod analyzer;
pub(crate) mod anomalies;
pub(crate) mod attribution;
pub(crate) mod bursts;
pub(crate) mod definitions;
pub(crate) mod findings;
pub(crate) mod flight;
pub(crate) mod hashing;
pub(crate) mod ids;
pub(crate) mod lanes;
pub(crate) mod owners;
pub(crate) mod packets;
pub(crate) mod recent;
pub(crate) mod reuse;
pub(crate) mod ring;
pub(crate) mod types;
pub(crate) mod windows;
