//! The JSON Lines trace format (feature `json`): one JSON record per line,
//! each tagged with its `type`, for people and scripts.
//!
//! The records are specified in the [`format`](crate::format) module doc. A
//! JSON Lines trace holds exactly the same stream as a binary one: events go
//! through it unchanged, [`Name`](crate::Name) indices included.

mod read;
mod record;
mod write;

pub use read::JsonLinesReader;
pub use write::JsonLinesWriter;
