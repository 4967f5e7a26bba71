//! The binary trace header's body: what a [`StreamInfo`] becomes on disk and back.
//!
//! The fixed part of the header (magic, version, flags, body length) and its
//! checksum are the writer's and the reader's; this module owns only the body's
//! layout, for every version a reader accepts, so the two sides cannot disagree on
//! it. It never reads or writes I/O: it encodes into a buffer and decodes a slice
//! that has already passed the header checksum, checking every length against the
//! bytes left.

use super::{HEADER_FIXED, MAX_SOURCE_LEN, RELEASE_VERSION, clip};
use crate::event::{ReleaseModel, ReleaseModels, StreamInfo};

/// The most per-type release models a header stores (the first ones, by name).
pub(super) const MAX_RELEASE_TYPES: usize = 255;

/// The longest type name a header's release table stores (cut at a character boundary).
pub(super) const MAX_RELEASE_TYPE_LEN: usize = 255;

/// The largest header body a reader accepts (a version 3 body with every field at its limit).
pub(super) const MAX_HEADER_BODY: usize =
    8 + 2 + MAX_SOURCE_LEN + 2 + MAX_RELEASE_TYPES * (1 + MAX_RELEASE_TYPE_LEN + 1);

/// The release model's code: 0 not declared, 1 immediate, 2 deferred.
fn model_code(model: Option<ReleaseModel>) -> u8 {
    match model {
        None => 0,
        Some(ReleaseModel::Immediate) => 1,
        Some(ReleaseModel::Deferred) => 2,
    }
}

/// Appends the body of `info` to `out`, as [`RELEASE_VERSION`] and later lay it out.
///
/// Layout: `start_unix_ns` (u64), source length (u16), source (UTF-8), release
/// model code (u8), per-type entry count (u8), then per entry: name length (u8),
/// name (UTF-8), model code (u8, never 0).
pub(super) fn encode(info: &StreamInfo, out: &mut Vec<u8>) {
    let source = clip(&info.source, MAX_SOURCE_LEN).as_bytes();
    out.extend_from_slice(&info.start_unix_ns.to_le_bytes());
    out.extend_from_slice(&(source.len() as u16).to_le_bytes());
    out.extend_from_slice(source);
    out.push(model_code(info.release.stream));
    let entries: Vec<(&str, ReleaseModel)> = info
        .release
        .by_type
        .iter()
        .take(MAX_RELEASE_TYPES)
        .map(|(ty, model)| (clip(ty, MAX_RELEASE_TYPE_LEN), *model))
        .collect();
    out.push(entries.len() as u8);
    for (name, model) in entries {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        out.push(model_code(Some(model)));
    }
}

/// The stream info in `body`, the header body of a trace of format `version`.
/// Before [`RELEASE_VERSION`] (versions 1 and 2) the body is `start_unix_ns` and the
/// source, and declares no release model. Errors name the byte offset in the file (the body starts at
/// [`HEADER_FIXED`]) and what is wrong.
pub(super) fn decode(version: u16, body: &[u8]) -> Result<StreamInfo, (usize, String)> {
    let mut cur = Cursor { body, at: 0 };
    let start_unix_ns =
        u64::from_le_bytes(cur.take(8, "start_unix_ns")?.try_into().unwrap_or_default());
    if version < RELEASE_VERSION {
        // The rest of the body is the source; nothing else was declared.
        return Ok(StreamInfo {
            start_unix_ns,
            source: String::from_utf8_lossy(cur.rest()).into_owned(),
            ..StreamInfo::default()
        });
    }
    let len = cur.u16("source length")?;
    let source = String::from_utf8_lossy(cur.take(len as usize, "source")?).into_owned();
    let mut release = ReleaseModels {
        stream: cur.model(true)?,
        ..ReleaseModels::default()
    };
    let count = cur.u8("release table size")?;
    for _ in 0..count {
        let len = cur.u8("release type name length")?;
        let name = cur.take(len as usize, "release type name")?;
        let name = std::str::from_utf8(name)
            .map_err(|_| {
                (
                    cur.offset(),
                    "release type name is not valid UTF-8".to_owned(),
                )
            })?
            .to_owned();
        if let Some(model) = cur.model(false)? {
            release.by_type.insert(name, model);
        }
    }
    if !cur.rest().is_empty() {
        return Err((
            cur.offset(),
            format!(
                "{} unexpected bytes at the end of the header body",
                cur.rest().len()
            ),
        ));
    }
    Ok(StreamInfo {
        start_unix_ns,
        source,
        release,
    })
}

/// A read position in a header body.
struct Cursor<'a> {
    body: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    /// The file offset of the read position.
    fn offset(&self) -> usize {
        HEADER_FIXED + self.at
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], (usize, String)> {
        let left = self.body.len() - self.at;
        if n > left {
            return Err((
                self.offset(),
                format!("header body ends inside the {what}: {n} bytes needed, {left} left"),
            ));
        }
        let bytes = &self.body[self.at..self.at + n];
        self.at += n;
        Ok(bytes)
    }

    fn rest(&self) -> &'a [u8] {
        &self.body[self.at..]
    }

    fn u8(&mut self, what: &str) -> Result<u8, (usize, String)> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &str) -> Result<u16, (usize, String)> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    /// A release model code; 0 (not declared) only where `may_be_undeclared`.
    fn model(&mut self, may_be_undeclared: bool) -> Result<Option<ReleaseModel>, (usize, String)> {
        let at = self.offset();
        match self.u8("release model")? {
            0 if may_be_undeclared => Ok(None),
            1 => Ok(Some(ReleaseModel::Immediate)),
            2 => Ok(Some(ReleaseModel::Deferred)),
            code => Err((
                at,
                format!("unknown release model code {code} (1 immediate, 2 deferred)"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info() -> StreamInfo {
        let mut release = ReleaseModels::uniform(ReleaseModel::Deferred);
        release
            .by_type
            .insert("StagingBuffer".into(), ReleaseModel::Immediate);
        StreamInfo {
            start_unix_ns: 7,
            source: "demo".into(),
            release,
        }
    }

    #[test]
    fn bodies_round_trip_with_their_release_models() {
        let mut body = Vec::new();
        encode(&info(), &mut body);
        assert_eq!(decode(RELEASE_VERSION, &body), Ok(info()));
        assert!(body.len() <= MAX_HEADER_BODY);
    }

    #[test]
    fn older_bodies_declare_no_release_model() {
        let mut body = 9u64.to_le_bytes().to_vec();
        body.extend_from_slice(b"old");
        for version in 1..RELEASE_VERSION {
            let read = decode(version, &body).expect("an older body");
            assert_eq!((read.start_unix_ns, read.source.as_str()), (9, "old"));
            assert!(read.release.is_undeclared());
        }
    }

    #[test]
    fn err_unknown_release_model_code_names_its_byte() {
        let mut body = Vec::new();
        encode(&info(), &mut body);
        let model_at = 8 + 2 + 4;
        body[model_at] = 9;
        assert_eq!(
            decode(RELEASE_VERSION, &body),
            Err((
                HEADER_FIXED + model_at,
                "unknown release model code 9 (1 immediate, 2 deferred)".to_owned()
            ))
        );
        body.truncate(model_at);
        assert_eq!(
            decode(RELEASE_VERSION, &body),
            Err((
                HEADER_FIXED + model_at,
                "header body ends inside the release model: 1 bytes needed, 0 left".to_owned()
            ))
        );
    }
}
