//! The event table: one row per event, streamed into a Parquet file in row groups of
//! [`ROW_GROUP_ROWS`] rows, so memory stays flat however long the run.
//!
//! Its columns mirror a JSON Lines trace's event records (`docs/trace-format.md`),
//! with names resolved to strings: `event` is [`EventKind::name`], `stage`
//! [`gpu_ledger::PacketStage::name`], open sets their well-known name or the text the
//! stream gave (`#N` for an index it never defined, as every report spells it). A
//! column an event has no value for is null. This sink never reorders, drops or
//! derives events, and never holds more than one row group.

use std::io::Write;

use std::collections::HashMap;

use gpu_ledger::{
    Event, EventKind, EventSink, Marker, Name, OwnerKind, PacketRef, PacketStage, ResourceType,
};
use parquet::data_type::{ByteArray, ByteArrayType, FloatType, Int32Type, Int64Type};
use parquet::errors::{ParquetError, Result};
use parquet::file::writer::SerializedFileWriter;

use super::columns::{Column, file_writer, static_text};

/// Rows per row group: about 20 MB of buffered columns at most, and row groups large
/// enough for DuckDB to scan in parallel (a 10 M-event run has 77).
pub(crate) const ROW_GROUP_ROWS: usize = 1 << 17;

/// The table's schema, in Parquet's schema language (`docs/parquet.md` documents
/// every column). 64- and 32-bit values are unsigned, as in the events.
const SCHEMA: &str = "message gpu_ledger_event {
    required binary run_id (STRING);
    required int64 seq (INTEGER(64,false));
    required int64 time_ns (INTEGER(64,false));
    required int32 thread (INTEGER(32,false));
    required binary event (STRING);
    optional binary stage (STRING);
    optional int64 resource_id (INTEGER(64,false));
    optional binary resource_type (STRING);
    optional binary owner_kind (STRING);
    optional int64 owner_key (INTEGER(64,false));
    optional int64 lane (INTEGER(64,false));
    optional int64 packet (INTEGER(64,false));
    optional int64 command_id (INTEGER(64,false));
    optional int32 width (INTEGER(32,false));
    optional int32 height (INTEGER(32,false));
    optional float scale;
    optional binary marker (STRING);
    optional int64 count (INTEGER(64,false));
    optional binary severity (STRING);
    optional binary code (STRING);
    optional binary message (STRING);
    optional int64 line (INTEGER(64,false));
}";

/// The columns that mostly grow row to row, delta-encoded.
const SEQUENCES: &[&str] = &["seq", "time_ns", "resource_id", "packet", "command_id"];

/// What [`EventTable::finish`] wrote.
#[derive(Debug)]
pub(crate) struct WrittenTable<W> {
    /// The output, flushed.
    pub(crate) out: W,
    /// Rows written: one per event.
    pub(crate) rows: u64,
    /// Row groups written.
    pub(crate) row_groups: usize,
    /// Stream time of the first event, ns.
    pub(crate) origin_ns: Option<u64>,
}

/// The event table as an [`EventSink`]: give it a stream, then call
/// [`finish`](Self::finish). A write error stops the writing and is returned by
/// `finish`.
pub(crate) struct EventTable<W: Write + Send> {
    file: SerializedFileWriter<W>,
    error: Option<ParquetError>,
    run_id: ByteArray,
    texts: Texts,
    rows: Rows,
    /// Sequence number of the first buffered row.
    first_seq: u64,
    origin_ns: Option<u64>,
}

impl<W: Write + Send> EventTable<W> {
    /// A table of the run `run_id`, written into `out`.
    ///
    /// # Errors
    /// The file's magic bytes cannot be written.
    pub(crate) fn new(out: W, run_id: &str) -> Result<Self> {
        Ok(Self {
            file: file_writer(out, SCHEMA, SEQUENCES)?,
            error: None,
            run_id: ByteArray::from(run_id),
            texts: Texts::default(),
            rows: Rows::default(),
            first_seq: 0,
            origin_ns: None,
        })
    }

    /// Writes the last row group and the footer, and returns the output, flushed.
    ///
    /// # Errors
    /// The first error writing the file.
    pub(crate) fn finish(mut self) -> Result<WrittenTable<W>> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.write_group()?;
        let rows = self.first_seq;
        let row_groups = self.file.flushed_row_groups().len();
        let mut out = self.file.into_inner()?;
        out.flush()?;
        Ok(WrittenTable {
            out,
            rows,
            row_groups,
            origin_ns: self.origin_ns,
        })
    }

    /// Writes the buffered rows as one row group (none when nothing is buffered).
    fn write_group(&mut self) -> Result<()> {
        let len = self.rows.len;
        if len == 0 {
            return Ok(());
        }
        let mut group = self.file.next_row_group()?;
        let mut run_id = Column::<ByteArrayType>::required();
        let mut seq = Column::<Int64Type>::required();
        for i in 0..len as u64 {
            run_id.push(self.run_id.clone());
            seq.push((self.first_seq + i) as i64);
        }
        run_id.write_into(&mut group)?;
        seq.write_into(&mut group)?;
        self.rows.write_into(&mut group)?;
        group.close()?;
        self.first_seq += len as u64;
        Ok(())
    }
}

impl<W: Write + Send> EventSink for EventTable<W> {
    fn on_name(&mut self, name: Name, text: &str) {
        self.texts.define(name, text);
    }

    fn on_event(&mut self, event: &Event) {
        if self.error.is_some() {
            return;
        }
        self.origin_ns.get_or_insert(event.time_ns);
        self.rows.push(event, &self.texts);
        if self.rows.len >= ROW_GROUP_ROWS
            && let Err(error) = self.write_group()
        {
            self.error = Some(error);
        }
    }
}

/// The strings of the stream's names, by index, as the stream defined them (any
/// `u32` index may be defined, so they are kept by hash, not in a dense table).
#[derive(Default)]
struct Texts {
    names: HashMap<Name, ByteArray>,
}

impl Texts {
    fn define(&mut self, name: Name, text: &str) {
        self.names.insert(name, ByteArray::from(text));
    }

    /// The text of `name`, `#N` when the stream never defined it.
    fn name(&self, name: Name) -> ByteArray {
        match self.names.get(&name) {
            Some(text) => text.clone(),
            None => ByteArray::from(format!("#{}", name.0).as_str()),
        }
    }
}

/// The text of a value of the open set `$set` (`ResourceType`, `OwnerKind`,
/// `Marker`): its well-known name, without allocating, or the text of its name.
macro_rules! open_text {
    ($texts:expr, $set:ident, $value:expr) => {
        match $value {
            $set::Other(name) => $texts.name(name),
            known => static_text(known.well_known_name().unwrap_or_default()),
        }
    };
}

/// One event's values, column by column (`None`: null).
#[derive(Default)]
struct Row {
    stage: Option<&'static str>,
    resource_id: Option<u64>,
    resource_type: Option<ByteArray>,
    owner_kind: Option<ByteArray>,
    owner_key: Option<u64>,
    lane: Option<u64>,
    packet: Option<u64>,
    command_id: Option<u64>,
    dims: Option<gpu_ledger::Dims>,
    marker: Option<ByteArray>,
    count: Option<u64>,
    severity: Option<&'static str>,
    code: Option<ByteArray>,
    message: Option<ByteArray>,
    line: Option<u64>,
}

impl Row {
    fn of(kind: &EventKind, texts: &Texts) -> Self {
        let ty = |ty: ResourceType| Some(open_text!(texts, ResourceType, ty));
        let owner_kind = |kind: OwnerKind| Some(open_text!(texts, OwnerKind, kind));
        match *kind {
            EventKind::Resource {
                resource,
                dims,
                packet,
                ..
            } => Row {
                resource_id: Some(resource.id.0),
                resource_type: ty(resource.ty),
                owner_kind: owner_kind(resource.owner.kind),
                owner_key: Some(resource.owner.key),
                lane: packet.map(|p| p.lane.0),
                packet: packet.map(|p| p.packet.0),
                dims,
                ..Row::default()
            },
            EventKind::Pool {
                ty: pooled,
                owner,
                dims,
                ..
            } => Row {
                resource_type: ty(pooled),
                owner_kind: owner_kind(owner.kind),
                owner_key: Some(owner.key),
                dims,
                ..Row::default()
            },
            EventKind::Packet { packet, stage } => Row {
                stage: Some(stage.name()),
                lane: Some(packet.lane.0),
                packet: Some(packet.packet.0),
                command_id: match stage {
                    PacketStage::Queued { command_id } => Some(command_id),
                    _ => None,
                },
                ..Row::default()
            },
            EventKind::Touched { packet, resource } => Row {
                resource_id: Some(resource.0),
                lane: Some(packet.lane.0),
                packet: Some(packet.packet.0),
                ..Row::default()
            },
            EventKind::Marker(marker) => Row {
                marker: Some(open_text!(texts, Marker, marker)),
                ..Row::default()
            },
            EventKind::Lost { count } => Row {
                count: Some(count),
                ..Row::default()
            },
            EventKind::Finding {
                severity,
                code,
                message,
                resource,
                packet,
                line,
            } => Row {
                severity: Some(severity.name()),
                code: Some(texts.name(code)),
                message: Some(texts.name(message)),
                resource_id: resource.map(|r| r.0),
                lane: packet.map(|p: PacketRef| p.lane.0),
                packet: packet.map(|p| p.packet.0),
                line,
                ..Row::default()
            },
            // A kind this build does not know still gets its row and its name.
            _ => Row::default(),
        }
    }
}

/// The buffered rows of the row group being filled, one [`Column`] per column after
/// `run_id` and `seq` (which follow from the table and the row's position).
struct Rows {
    len: usize,
    time_ns: Column<Int64Type>,
    thread: Column<Int32Type>,
    event: Column<ByteArrayType>,
    stage: Column<ByteArrayType>,
    resource_id: Column<Int64Type>,
    resource_type: Column<ByteArrayType>,
    owner_kind: Column<ByteArrayType>,
    owner_key: Column<Int64Type>,
    lane: Column<Int64Type>,
    packet: Column<Int64Type>,
    command_id: Column<Int64Type>,
    width: Column<Int32Type>,
    height: Column<Int32Type>,
    scale: Column<FloatType>,
    marker: Column<ByteArrayType>,
    count: Column<Int64Type>,
    severity: Column<ByteArrayType>,
    code: Column<ByteArrayType>,
    message: Column<ByteArrayType>,
    line: Column<Int64Type>,
}

impl Default for Rows {
    fn default() -> Self {
        Self {
            len: 0,
            time_ns: Column::required(),
            thread: Column::required(),
            event: Column::required(),
            stage: Column::optional(),
            resource_id: Column::optional(),
            resource_type: Column::optional(),
            owner_kind: Column::optional(),
            owner_key: Column::optional(),
            lane: Column::optional(),
            packet: Column::optional(),
            command_id: Column::optional(),
            width: Column::optional(),
            height: Column::optional(),
            scale: Column::optional(),
            marker: Column::optional(),
            count: Column::optional(),
            severity: Column::optional(),
            code: Column::optional(),
            message: Column::optional(),
            line: Column::optional(),
        }
    }
}

/// A u64 in an INT64 column: the same 64 bits, read back as unsigned (UBIGINT in
/// DuckDB) through the column's logical type.
fn bits64(value: u64) -> i64 {
    value as i64
}

/// A u32 in an INT32 column, as [`bits64`].
fn bits32(value: u32) -> i32 {
    value as i32
}

impl Rows {
    fn push(&mut self, event: &Event, texts: &Texts) {
        let row = Row::of(&event.kind, texts);
        self.time_ns.push(bits64(event.time_ns));
        self.thread.push(bits32(event.thread));
        self.event.push(static_text(event.kind.name()));
        self.stage.push_opt(row.stage.map(static_text));
        self.resource_id.push_opt(row.resource_id.map(bits64));
        self.resource_type.push_opt(row.resource_type);
        self.owner_kind.push_opt(row.owner_kind);
        self.owner_key.push_opt(row.owner_key.map(bits64));
        self.lane.push_opt(row.lane.map(bits64));
        self.packet.push_opt(row.packet.map(bits64));
        self.command_id.push_opt(row.command_id.map(bits64));
        self.width.push_opt(row.dims.map(|d| bits32(d.width)));
        self.height.push_opt(row.dims.map(|d| bits32(d.height)));
        self.scale.push_opt(row.dims.map(|d| d.scale));
        self.marker.push_opt(row.marker);
        self.count.push_opt(row.count.map(bits64));
        self.severity.push_opt(row.severity.map(static_text));
        self.code.push_opt(row.code);
        self.message.push_opt(row.message);
        self.line.push_opt(row.line.map(bits64));
        self.len += 1;
    }

    /// Writes every buffered column, in schema order, and empties the buffer.
    fn write_into<W: Write + Send>(
        &mut self,
        group: &mut parquet::file::writer::SerializedRowGroupWriter<'_, W>,
    ) -> Result<()> {
        self.time_ns.write_into(group)?;
        self.thread.write_into(group)?;
        self.event.write_into(group)?;
        self.stage.write_into(group)?;
        self.resource_id.write_into(group)?;
        self.resource_type.write_into(group)?;
        self.owner_kind.write_into(group)?;
        self.owner_key.write_into(group)?;
        self.lane.write_into(group)?;
        self.packet.write_into(group)?;
        self.command_id.write_into(group)?;
        self.width.write_into(group)?;
        self.height.write_into(group)?;
        self.scale.write_into(group)?;
        self.marker.write_into(group)?;
        self.count.write_into(group)?;
        self.severity.write_into(group)?;
        self.code.write_into(group)?;
        self.message.write_into(group)?;
        self.line.write_into(group)?;
        self.len = 0;
        Ok(())
    }
}
