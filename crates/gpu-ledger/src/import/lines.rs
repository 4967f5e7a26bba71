//! The Omega log line families and how a line is split: which family a line
//! belongs to, its `key=value` fields, and which families a whole log holds.
//!
//! Reading only: nothing here makes events or keeps state beyond [`Sources`].

use std::io::BufRead;

use crate::event::Dims;

/// Which line families a log holds, and so which one is taken for each fact.
///
/// Found by [`Sources::scan`] in a first pass over the log; a second pass imports.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sources {
    /// `[OmegaGTEResource]` `Create`/`Destroy` lines exist.
    pub engine_lifecycle: bool,
    /// `[OmegaGTEResource]` `Present` lines exist.
    pub engine_present: bool,
    /// `[OmegaWTKSync]` packet lines exist.
    pub sync_packets: bool,
    /// `[OmegaWTKSync] present` lines exist.
    pub sync_present: bool,
    /// Engine debug-layer `Present:` lines exist.
    pub debug_present: bool,
    /// Engine debug-layer `Queue destroyed` lines exist.
    pub debug_queue_destroy: bool,
    /// The first `ts=` in the log, in Unix milliseconds.
    pub first_ts_ms: Option<u64>,
}

impl Sources {
    /// Reads a whole log once to learn which families it holds.
    ///
    /// # Errors
    /// Only I/O errors of `reader`; bad lines are not errors.
    pub fn scan<R: BufRead>(mut reader: R) -> std::io::Result<Self> {
        let mut sources = Sources::default();
        let mut line = Vec::new();
        while reader.read_until(b'\n', &mut line)? > 0 {
            sources.note(&String::from_utf8_lossy(&line));
            line.clear();
        }
        Ok(sources)
    }

    /// Takes one line into account.
    pub fn note(&mut self, line: &str) {
        let Some((family, rest)) = family(line) else {
            return;
        };
        let fields = Fields(rest);
        if self.first_ts_ms.is_none() {
            self.first_ts_ms = fields.get("ts").and_then(|t| t.parse().ok());
        }
        match family {
            Family::Engine => match fields.get("event") {
                Some("Create" | "Destroy") => self.engine_lifecycle = true,
                Some("Present") => self.engine_present = true,
                _ => {}
            },
            Family::Sync => {
                self.sync_packets = true;
                self.sync_present |= rest.trim_start().starts_with("present ");
            }
            Family::Debug => {
                self.debug_present |= rest.contains("Present: ");
                self.debug_queue_destroy |= rest.contains("Queue destroyed: ");
            }
            Family::Toolkit | Family::NsLog => {}
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    Toolkit,
    Engine,
    Sync,
    Debug,
    NsLog,
}

/// Which family a line belongs to, and the rest of the line after its tag.
pub(super) fn family(line: &str) -> Option<(Family, &str)> {
    let line = line.trim_end();
    for (tag, family) in [
        ("[OmegaWTKGPU]", Family::Toolkit),
        ("[OmegaGTEResource]", Family::Engine),
        ("[OmegaWTKSync]", Family::Sync),
    ] {
        if let Some(at) = line.find(tag) {
            return Some((family, &line[at + tag.len()..]));
        }
    }
    for tag in [
        "[GEMetalEngine_Internal] - ",
        "[GED3D12Engine_Internal] - ",
        "[GEVulkanEngine_Internal] - ",
    ] {
        if let Some(at) = line.find(tag) {
            return Some((Family::Debug, &line[at + tag.len()..]));
        }
    }
    // `2026-02-27 23:44:37.139 Process[pid:tid] message`
    let bytes = line.as_bytes();
    let nslog = bytes.len() > 24
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b' '
        && bytes[13] == b':'
        && bytes[19] == b'.';
    nslog.then_some((Family::NsLog, line))
}

/// `key=value` fields of a line.
#[derive(Clone, Copy)]
pub(super) struct Fields<'a>(pub(super) &'a str);

impl<'a> Fields<'a> {
    pub(super) fn get(self, key: &str) -> Option<&'a str> {
        self.0
            .split_whitespace()
            .find_map(|field| field.strip_prefix(key)?.strip_prefix('='))
    }

    pub(super) fn number(self, key: &str) -> Result<u64, String> {
        let text = self.get(key).ok_or_else(|| format!("missing {key}="))?;
        text.parse()
            .map_err(|_| format!("{key}={text} is not a whole number"))
    }

    pub(super) fn float(self, key: &str) -> Option<f64> {
        self.get(key)?.parse().ok()
    }

    pub(super) fn dims(self) -> Option<Dims> {
        let (w, h, s) = (
            self.float("width"),
            self.float("height"),
            self.float("scale"),
        );
        if w.is_none() && h.is_none() && s.is_none() {
            return None;
        }
        let px = |v: Option<f64>| v.map_or(0, |v| v.clamp(0.0, f64::from(u32::MAX)) as u32);
        Some(Dims::new(px(w), px(h), s.unwrap_or(0.0) as f32))
    }
}
