//! Trace files: the binary trace format and its JSON Lines twin, with
//! streaming writers (as [`EventSink`](crate::EventSink)s), streaming readers,
//! and detection by content.
//!
//! A trace is an event stream at rest: a writer is a sink, a reader replays
//! into a sink, and what comes out is exactly what went in ([`Name`](crate::Name)
//! indices included). Both formats are append-only and survive crashes: a
//! file cut off anywhere reads back up to its last whole block (binary) or
//! line (JSON Lines), and the loss is reported in a [`ReadSummary`], never as
//! an error. Readers hold one block or line at a time whatever the trace
//! length (plus the trace's name table, which grows with the distinct names
//! it defines), and never panic on any input. This module doc is the file
//! specification.
//!
//! ```
//! use gpu_ledger::format::{replay_path, BinaryWriter};
//! use gpu_ledger::{Collected, Event, EventKind, EventSink, Marker, StreamInfo};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let dir = tempfile::tempdir()?;
//! # let path = dir.path().join("run.trace");
//! let mut writer = BinaryWriter::new(std::fs::File::create(&path)?);
//! writer.on_start(&StreamInfo { start_unix_ns: 0, source: "demo".into(), ..StreamInfo::default() });
//! writer.on_event(&Event { time_ns: 10, thread: 0, kind: EventKind::Marker(Marker::ShutdownBegins) });
//! writer.finish()?;
//!
//! let mut events = Collected::default();
//! let summary = replay_path(&path, &mut events)?; // binary or JSON Lines, by content
//! assert!(summary.is_clean());
//! assert_eq!(events.events.len(), 1);
//! # Ok(())
//! # }
//! ```
//!
//! # The binary format (version 3)
//!
//! All fixed-width integers are **little-endian**. A *varint* is unsigned
//! LEB128: 7 bits per byte, least significant group first, high bit set on
//! every byte but the last, at most 10 bytes for a `u64`. A *delta* is the
//! wrapping difference `value - base` as a two's-complement `i64`, zigzag-encoded
//! (`(d << 1) ^ (d >> 63)`) and written as a varint, so small steps either
//! way take one byte.
//!
//! A file is a header followed by zero or more blocks:
//!
//! ```text
//! header | block 0 | block 1 | ... | block n
//! ```
//!
//! ## Header
//!
//! | offset | size | field | meaning |
//! |-------:|-----:|-------|---------|
//! | 0 | 8 | magic | `89 47 4c 44 0d 0a 1a 0a` (`\x89GLD\r\n\x1a\n`): non-ASCII first byte, and the line endings catch text-mode mangling |
//! | 8 | 2 | version | `u16`, the format version: `3`. Readers refuse newer versions, asking for an upgrade, and read every older one |
//! | 10 | 2 | flags | `u16`, `0` |
//! | 12 | 4 | body length *L* | `u32`, 8 ≤ *L* ≤ 69 643 |
//! | 16 | *L* | body | below |
//! | 16 + *L* | 4 | header crc | `u32`, CRC-32 (IEEE, as `crc32fast` computes it) of bytes 0 .. 16 + *L* |
//!
//! The body, in order:
//!
//! | size | field | meaning |
//! |-----:|-------|---------|
//! | 8 | `start_unix_ns` | `u64`: [`StreamInfo::start_unix_ns`](crate::StreamInfo::start_unix_ns) |
//! | 2 | source length *S* | `u16`, at most [`MAX_SOURCE_LEN`] (4096) |
//! | *S* | `source` | UTF-8, [`StreamInfo::source`](crate::StreamInfo::source) (cut at a character boundary) |
//! | 1 | release model | the stream's [`ReleaseModel`](crate::ReleaseModel): `0` not declared, `1` immediate, `2` deferred |
//! | 1 | type entries *N* | how many per-type release models follow (at most 255) |
//! | *N* × (1 + *n* + 1) | per type | name length *n* (`u8`), the type's name (UTF-8, at most 255 bytes), its model (`1` or `2`) |
//!
//! In versions 1 and 2 the body was `start_unix_ns` followed by the source to its
//! end, and no release model was declared; readers still accept it. The magic and
//! version stay at these offsets in every future version.
//!
//! ## Blocks
//!
//! | offset | size | field | meaning |
//! |-------:|-----:|-------|---------|
//! | 0 | 4 | sync | `f1 47 4c 42` (`\xf1GLB`): where a reader resumes after damage |
//! | 4 | 4 | length *P* | `u32`, payload bytes, 1 ≤ *P* ≤ 4 MiB |
//! | 8 | 4 | crc | `u32`, CRC-32 of the 4 length bytes followed by the payload |
//! | 12 | *P* | payload | the block head, then records until the end |
//!
//! The **block head** is a varint *sequence number* (0, 1, 2, ... in the
//! order the writer wrote the blocks) and a varint *event count*: how many
//! events all earlier blocks hold (version 1 has the sequence number only).
//! Together they let a reader account for every block (see *Block
//! sequencing* below).
//!
//! The writer cuts a block when its payload reaches 64 KiB, and at a flush
//! once at least 4 KiB are pending or 250 ms have passed since the last block
//! ([`BlockPolicy`]). Every block is **self-contained**: all delta bases are 0
//! and all tables are empty at its start, and every [`Name`](crate::Name) it
//! uses is declared in it before first use. A reader can decode any valid
//! block alone, so damage loses only the blocks it touches.
//!
//! ## Records
//!
//! Each record starts with a tag byte: bits 0–4 are the opcode, bits 5–7 are
//! flags. The flags are `0x20` *thread* (a varint thread index follows the
//! tag; otherwise the event's thread is the previous event's, initially 0),
//! `0x40` *dims* and `0x80` *packet*, allowed only where the table says so.
//! Every event record then carries the event time as a delta from the previous
//! event's time (base 0), and its body:
//!
//! | opcode | record | flags | body after tag, \[thread\] and time delta |
//! |-------:|--------|-------|------|
//! | 0 | name | none | *(no thread, no time)* varint name index (any `u32`), varint byte length, UTF-8 text (at most [`MAX_NAME_LEN`], 64 KiB) |
//! | 1–5 | resource event, described | thread, dims, packet | id delta, varint type code, owner ref, \[dims\], \[packet ref\] |
//! | 6–10 | resource event, cached | thread, dims, packet | varint back-reference, \[dims\], \[packet ref\] |
//! | 11–14 | pool event | thread, dims | varint type code, owner ref, \[dims\] |
//! | 15–21 | packet stage | thread | packet ref, then for *queued* only: command id delta |
//! | 22 | touched | thread | packet ref, id delta |
//! | 23 | marker | thread | varint marker code |
//! | 24 | lost | thread | varint count |
//! | 25 | finding | thread, packet | varint severity, varint code name index, varint message name index, varint presence bits, \[id delta\], \[varint line\], \[packet ref\] |
//!
//! - Resource actions are numbered Create 0, Destroy 1, ResizeRebuild 2,
//!   Bind 3, Unbind 4; pool actions Hit 0, Miss 1, Release 2, Evict 3; packet
//!   stages Queued 0, Submitted 1, Completed 2, Presented 3, Dropped 4, NoOp 5,
//!   Failed 6. The opcode is the first opcode of its row plus that number.
//! - A finding's severity is Info 0, Warning 1, Error 2; its code and message
//!   are [`Name`](crate::Name) indices (declared in the block like any name);
//!   presence bit 1 says a resource id delta follows (it updates the id base),
//!   bit 2 a line number; other bits are invalid.
//! - Type, owner-kind and marker codes are [`ResourceType::code`](crate::ResourceType::code)
//!   and friends: well-known values below 64, `64 + name index` for others,
//!   up to `64 + u32::MAX` (a varint of up to 5 bytes; version 1 stored the
//!   same bytes for every code that fitted in 32 bits).
//!   Marker 1 ([`Marker::CleanEnd`](crate::Marker::CleanEnd)) is the last event
//!   of a stream whose recorder finished: a trace without it was cut or its
//!   producer died.
//! - *Id delta*: the resource id as a delta from the previous resource id of
//!   any record in the block (base 0); cached records update that base too.
//! - *Resource table*: each described resource event appends (id, type,
//!   owner) to the block's resource table. A cached event repeats the entry
//!   `back` places before the table's end (0: the last one) — the writer uses it
//!   when the block already described this resource with the same type and owner.
//! - *Owner ref*: a varint slot in the block's owner table. A slot equal to the
//!   table's size adds an owner, followed by its varint kind code and its key
//!   as a delta from the previously added owner's key (base 0).
//! - *Packet ref*: a varint slot in the block's lane table. A slot equal to the
//!   table's size adds a lane, followed by its varint lane id. Then the packet
//!   id as a delta from the last packet id of that lane in the block (base 0).
//! - *Command id delta*: from the previous queued packet's command id in the
//!   block (base 0).
//! - *Dims*: varint width, varint height, and the scale's `f32` bits with
//!   their bit order reversed, as a varint (so 1.0 and 2.0 take 2 and 1 bytes).
//! - A name record may be repeated (each block re-declares what it uses);
//!   readers give a name to their sink again only when its text changed.
//!
//! ## Reading damaged files
//!
//! After the header, nothing is fatal. A reader checks each block's sync
//! marker, length and crc. A block that fails starts a corrupt region: the
//! reader scans for the next sync marker that begins a valid block, reports
//! the region ([`CorruptRegion`]: offset, length, and blocks lost, known
//! exactly from the sequence numbers) and goes on. An input that ends inside
//! a block is a cut-off write ([`Truncation`]). A valid block whose records
//! do not decode is reported as a corrupt region too; the events before the
//! bad record are kept.
//!
//! A payload that passes its checksum is still untrusted: every varint, slot,
//! code and length in it is checked against the bytes left in the block (a
//! name longer than [`MAX_NAME_LEN`] is rejected), and a failure reports the
//! block's sequence number and offset and the bad record. Resyncing is linear in the
//! input: a candidate sync marker is checked cheapest first (length field,
//! then whether the input holds the whole declared block), and its checksum is
//! assembled from CRC-32 checkpoints of the stream computed once per corrupt
//! region, so a file of nothing but sync markers declaring 4 MiB blocks costs
//! about 512 bytes of checksumming per marker, not 4 MiB. Sequence numbers
//! never reject a candidate (any number of blocks may have been lost); they
//! count the blocks lost, capped by what the region's bytes could hold, and
//! the event counts say how many events those held.
//!
//! ## Block sequencing
//!
//! Readers check every valid block's sequence number against the one
//! expected next (0 first), so that a file whose blocks were cut out,
//! repeated or reordered (a bad copy, a filesystem repair, a tool that
//! spliced files) is read without double counting or misordering, and the
//! summary accounts for every block:
//!
//! | the block's number is | the reader | reported as |
//! |---|---|---|
//! | the one expected | reads it | (nothing) |
//! | higher | reads it; the blocks in between are lost | with the corrupt region before it ([`CorruptRegion::events_lost`]), or a [`BlockGap`] when no damaged bytes are there (a block cut out; the first blocks missing, named as the start of the trace) |
//! | lower, and already read | skips it: its events were counted once | [`SkippedBlock`] ([`SkipReason::Repeated`]) |
//! | lower, and missing so far | skips it: reading it now would put its events out of order | [`SkippedBlock`] ([`SkipReason::OutOfOrder`]); its events stay counted with its gap |
//!
//! The events lost are exact (`next block's event count − events expected`,
//! in [`ReadSummary::events_lost`]) for version 2 traces; for version 1 the
//! summary says the count is unknown. Where a block should start, another
//! trace's valid header means two traces were concatenated: the reader stops
//! there and reports a [`Concatenation`] (offset, bytes not read, the second
//! trace's `source`), since the second trace's times and resource ids start
//! over and would be misread as the first's. Blocks lost from the very end of
//! a file leave no later block to tell: that loss shows only as a
//! [`Truncation`] when the cut is inside a block.
//!
//! On a realistic compositor mix (resource create/destroy/bind with
//! pointer-like owner keys, packet stages, touched events) the format costs
//! 7–8 bytes per event (6.9 on the `synth` workload); the
//! integration tests pin it at ≤ 24. Writing runs at about 40 and reading at
//! about 55 million events per second on one core of the development machine.
//!
//! ## Version history
//!
//! - **3**: the header body declares the release models (stream and per type)
//!   and gives the source its length; marker code 1 (clean end) appears.
//! - **2**: the block head carries the count of events before the block;
//!   codes may exceed 32 bits (name indices up to `u32::MAX`); names up to
//!   64 KiB, any index.
//! - **1**: the block head is the sequence number alone; names up to 4096
//!   bytes, indices below 65,536. Still read.
//!
//! # The JSON Lines format (version 1, feature `json`)
//!
//! UTF-8, one JSON object per line, each with a `type`. The first line is
//! the header; `name` and `event` records follow in stream order:
//!
//! ```text
//! {"type":"header","format":"gpu-ledger-trace","version":1,"start_unix_ns":1700000000000000000,"source":"demo"}
//! {"type":"name","name":0,"text":"BlurScratch"}
//! {"type":"event","t_ns":1200,"thread":0,"event":"create","id":7,"resource_type":"BlurScratch","owner_kind":"EffectPipeline","owner_key":140234567,"lane":1,"packet":3,"width":800,"height":600,"scale":2.0}
//! {"type":"event","t_ns":1300,"thread":0,"event":"packet","stage":"queued","lane":1,"packet":4,"command_id":17}
//! ```
//!
//! | `event` | fields besides `t_ns` and `thread` |
//! |---------|--------|
//! | `create`, `destroy`, `resize_rebuild`, `bind`, `unbind` | `id`, `resource_type`, `owner_kind`, `owner_key`, optional `lane` + `packet`, optional `width` + `height` + `scale` |
//! | `pool_hit`, `pool_miss`, `pool_release`, `pool_evict` | `resource_type`, `owner_kind`, `owner_key`, optional `width` + `height` + `scale` |
//! | `packet` | `stage` (`queued`, `submitted`, `completed`, `presented`, `dropped`, `noop`, `failed`), `lane`, `packet`; `command_id` when queued |
//! | `touched` | `lane`, `packet`, `id` |
//! | `marker` | `marker` |
//! | `lost` | `count` |
//! | `finding` | `severity` (`info`, `warning`, `error`), `code`, `message`; optional `id`, `lane` + `packet`, `line` |
//!
//! The header may declare the release models:
//! `"release_model": "immediate"` or `"deferred"` for the stream, and
//! `"release_model_by_type": {"StagingBuffer": "immediate"}` for types that differ.
//! Without them nothing is declared (traces written before they existed read so);
//! an unknown model is an error.
//!
//! `resource_type`, `owner_kind` and `marker` are strings: a well-known value
//! as its variant name (`"CommandQueue"`), any other as the text of its name
//! when that is unambiguous, else `{"name": index}`. A reader interns a string
//! it does not know as the next free name, so hand-written traces need no
//! name records. Non-finite scales are the strings `"nan"`, `"inf"`, `"-inf"`.
//! Unknown fields are ignored. Malformed lines are counted and skipped
//! ([`MalformedLine`]); a last line cut off before its newline is a
//! [`Truncation`]. A finding's `code` and `message` are names, written like
//! the open sets. Times are judged against their neighbours: wild stamps,
//! steps back and clock resets are corrected so that time never runs
//! backwards, and reported with their line numbers ([`TimeReport`]); a forward
//! gap is never corrected. A name (a `name` record's text, or a string naming a
//! new value) longer than [`MAX_NAME_LEN`] is a malformed line, never cut short.
//! A second header line means two traces were concatenated: reading stops
//! there, reported as a [`Concatenation`].
//!
//! ## Version history
//!
//! - **1**: the format above. The header's release-model fields and the
//!   `CleanEnd` marker were added later, compatibly: readers that do not know
//!   them ignore the fields and read the marker as a named one.

/// The longest name text, in bytes, a trace holds.
///
/// Every input refuses a longer name with an error that names it (a malformed
/// JSON Lines line or log line, a corrupt binary block, `GL_ERR_INVALID_ARGUMENT`
/// from the C API), and both writers stop with
/// [`ErrorKind::InvalidInput`](crate::ErrorKind::InvalidInput) rather than cut
/// one short, so two names are never merged by clipping. At 64 KiB a JSON
/// Lines event record with two such names stays below the 1 MiB line limit
/// even when every byte needs a `\u00XX` escape.
pub const MAX_NAME_LEN: usize = 64 << 10;

/// The `format` value of a JSON Lines trace header.
pub(crate) const FORMAT_TAG: &str = "gpu-ledger-trace";

/// The longest `source` a binary trace header holds, in bytes; the binary
/// writer cuts a longer one at a character boundary (the source is a label
/// for people, never a key), and the C API refuses one.
pub const MAX_SOURCE_LEN: usize = 4096;

/// Why `text` cannot be a name, if it cannot: it is longer than [`MAX_NAME_LEN`].
pub(crate) fn check_name_len(text: &str) -> Result<(), String> {
    if text.len() <= MAX_NAME_LEN {
        return Ok(());
    }
    let mut start = 24;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    Err(format!(
        "name \"{}...\" is {} bytes long, beyond the {MAX_NAME_LEN} bytes a trace name may hold",
        text[..start].escape_debug(),
        text.len()
    ))
}

mod binary;
mod detect;
#[cfg(feature = "json")]
mod jsonl;
mod summary;
mod time;
mod writer;

pub(crate) use binary::clip;
pub use binary::{BinaryReader, BinaryWriter, BlockPolicy};
pub(crate) use binary::{MAGIC, VERSION as BINARY_VERSION};
pub use detect::{
    DETECT_PREFIX, InputKind, Sniffed, TraceReader, detect, open_trace, replay_path, sniff,
};
#[cfg(feature = "json")]
pub use jsonl::{JsonLinesReader, JsonLinesWriter};
pub use summary::{
    BlockGap, Concatenation, CorruptRegion, MalformedLine, ReadSummary, SkipReason, SkippedBlock,
    Truncation,
};
pub(crate) use time::{Judgement, TimeLine, TimeRules};
pub use time::{TimeAnomaly, TimeAnomalyKind, TimeReport};
pub use writer::{EXPORT_FORMAT, ExportReport, TraceFormat, TraceWriter, WrittenTrace};
