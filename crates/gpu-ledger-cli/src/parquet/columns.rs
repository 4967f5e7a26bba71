//! Column buffers and the writer settings both Parquet tables share.
//!
//! A [`Column`] holds one leaf column of the row group being filled, in Parquet's own
//! shape (the values of the rows that have one, and a definition level per row when
//! the column is optional), so writing it is a single `write_batch`. This module
//! knows nothing of events or reports, and never allocates per value beyond the
//! vectors themselves.

use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use parquet::basic::{Compression, Encoding};
use parquet::data_type::{ByteArray, DataType};
use parquet::errors::{ParquetError, Result};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::{SerializedFileWriter, SerializedRowGroupWriter};
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::ColumnPath;

/// A file writer for the schema `message` (Parquet's schema text), with the settings
/// of every table gpu-ledger writes: Snappy, dictionary encoding (the Parquet
/// default, stated here because the docs promise it) except for the `sequences`,
/// integer columns that mostly grow (sequence numbers, times, ids), which delta
/// encoding stores in a few bits a row; and a fixed `created_by`, so that the bytes
/// never depend on anything but the input.
pub(super) fn file_writer<W: Write + Send>(
    out: W,
    message: &str,
    sequences: &[&str],
) -> Result<SerializedFileWriter<W>> {
    let schema = Arc::new(parse_message_type(message)?);
    let mut props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_dictionary_enabled(true)
        .set_created_by(format!("gpu-ledger {}", env!("CARGO_PKG_VERSION")));
    for &column in sequences {
        let path = ColumnPath::from(column);
        props = props
            .set_column_dictionary_enabled(path.clone(), false)
            .set_column_encoding(path, Encoding::DELTA_BINARY_PACKED);
    }
    SerializedFileWriter::new(out, schema, Arc::new(props.build()))
}

/// A string value that lives as long as the program: cloning it neither allocates
/// nor counts references.
pub(super) fn static_text(text: &'static str) -> ByteArray {
    ByteArray::from(Bytes::from_static(text.as_bytes()))
}

/// One leaf column of the row group being filled.
pub(super) struct Column<D: DataType> {
    values: Vec<D::T>,
    /// One definition level per row (1: a value, 0: null); `None` for a required column.
    defs: Option<Vec<i16>>,
}

impl<D: DataType> Column<D> {
    /// A column every row has a value in.
    pub(super) fn required() -> Self {
        Self {
            values: Vec::new(),
            defs: None,
        }
    }

    /// A column a row may leave null.
    pub(super) fn optional() -> Self {
        Self {
            values: Vec::new(),
            defs: Some(Vec::new()),
        }
    }

    /// The next row's value.
    pub(super) fn push(&mut self, value: D::T) {
        self.values.push(value);
        if let Some(defs) = &mut self.defs {
            defs.push(1);
        }
    }

    /// The next row's value, or null. A required column takes no null: the table's
    /// code never asks for one, so this is a bug, caught in debug builds.
    pub(super) fn push_opt(&mut self, value: Option<D::T>) {
        match value {
            Some(v) => self.push(v),
            None => {
                debug_assert!(self.defs.is_some(), "null in a required column");
                if let Some(defs) = &mut self.defs {
                    defs.push(0);
                }
            }
        }
    }

    /// Writes the buffered rows as the row group's next column, and empties the buffer.
    pub(super) fn write_into<W: Write + Send>(
        &mut self,
        group: &mut SerializedRowGroupWriter<'_, W>,
    ) -> Result<()> {
        let mut column = group
            .next_column()?
            .ok_or_else(|| ParquetError::General("more columns than the schema".into()))?;
        column
            .typed::<D>()
            .write_batch(&self.values, self.defs.as_deref(), None)?;
        column.close()?;
        self.values.clear();
        if let Some(defs) = &mut self.defs {
            defs.clear();
        }
        Ok(())
    }
}

/// Writes one repeated leaf of a single-row table (a map's keys or values, a list's
/// elements): `values` as the row's entries, an empty list when there are none.
pub(super) fn write_repeated<D: DataType, W: Write + Send>(
    group: &mut SerializedRowGroupWriter<'_, W>,
    values: &[D::T],
) -> Result<()> {
    let (defs, reps): (Vec<i16>, Vec<i16>) = if values.is_empty() {
        (vec![0], vec![0])
    } else {
        (
            vec![1; values.len()],
            (0..values.len()).map(|i| i16::from(i > 0)).collect(),
        )
    };
    let mut column = group
        .next_column()?
        .ok_or_else(|| ParquetError::General("more columns than the schema".into()))?;
    column
        .typed::<D>()
        .write_batch(values, Some(&defs), Some(&reps))?;
    column.close()
}
