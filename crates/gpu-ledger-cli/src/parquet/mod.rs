//! A run as Parquet tables (feature `parquet`), for comparing thousands of runs in
//! DuckDB, Polars or Spark: the event table ([`EventTable`], one row per event) and
//! the summary table ([`write_summary`], one row per run with the report's headline
//! figures), both carrying the run's id ([`content_run_id`] by default).
//!
//! The schemas are `docs/parquet.md`'s, column for column. These writers only lay out
//! what the library already decided: event names, name resolution and every figure
//! of the summary come from `gpu_ledger`; nothing here analyses, and nothing here
//! ever reaches the core crate (Parquet is the CLI's dependency, behind a feature).
//! Both files are written with one codec (Snappy), dictionary encoding, and no
//! timestamps, so the same input always gives the same bytes.

mod columns;
mod events;
mod summary;

use std::fs::File;
use std::hash::Hasher;
use std::io::Read;
use std::path::Path;

use anyhow::Context;

pub(crate) use events::EventTable;
pub(crate) use summary::{RunSummary, write_summary};

/// The default run id: the first 16 hexadecimal digits of the XXH64 (seed 0) of the
/// input file's bytes. Re-exporting the same file gives the same id, so a table of
/// thousands of runs can be rebuilt or deduplicated; two different files collide with
/// a probability of about n²/2⁶⁵ for n runs.
///
/// # Errors
/// The file cannot be opened or read, or it is no regular file (hashing a pipe would
/// empty it before the export reads it); the message names it.
pub(crate) fn content_run_id(path: &Path) -> anyhow::Result<String> {
    let not_a_file = || {
        anyhow::anyhow!(
            "{} is not a regular file, so its content cannot name the run: give it an id \
             with --run-id",
            path.display()
        )
    };
    if path.as_os_str() == "-" {
        return Err(not_a_file());
    }
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(not_a_file());
    }
    let mut hasher = twox_hash::XxHash64::with_seed(0);
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        hasher.write(&buf[..n]);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_run_id_is_the_xxh64_of_the_bytes_in_sixteen_hex_digits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.gltrace");
        std::fs::write(&path, b"").unwrap();
        // XXH64("", seed 0), the specification's test vector.
        assert_eq!(content_run_id(&path).unwrap(), "ef46db3751d8e999");
        std::fs::write(&path, b"a").unwrap();
        assert_ne!(content_run_id(&path).unwrap(), "ef46db3751d8e999");
    }
}
