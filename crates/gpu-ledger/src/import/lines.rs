//! The Omega log line families and how a line is split: reading a line with a
//! bounded buffer, which family it belongs to, its `key=value` fields, and the
//! stamp that moves the clock.
//!
//! Reading only: nothing here makes events or keeps state between lines.

use std::io::{self, BufRead};

use crate::event::{Dims, ResourceType};

/// The longest log line read; longer lines are counted and skipped unread, so a
/// line of any length costs at most this much memory.
pub(crate) const MAX_LINE: usize = 1 << 20;

/// How a line ended, as [`read_line`] read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LineEnd {
    /// It was longer than the cap: only its first [`MAX_LINE`] bytes were kept.
    pub(crate) overlong: bool,
    /// It ended with a newline (a log's last line without one was cut).
    pub(crate) whole: bool,
}

/// Reads the next line of `input` (without its newline) into `line`, keeping at
/// most [`MAX_LINE`] bytes and consuming the rest; `None` at the end of the input.
pub(crate) fn read_line<R: BufRead>(
    input: &mut R,
    line: &mut Vec<u8>,
) -> io::Result<Option<LineEnd>> {
    line.clear();
    let mut end = LineEnd {
        overlong: false,
        whole: false,
    };
    let mut any = false;
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        any = true;
        let newline = buf.iter().position(|&b| b == b'\n');
        let chunk = &buf[..newline.unwrap_or(buf.len())];
        let room = MAX_LINE.saturating_sub(line.len());
        if chunk.len() > room {
            end.overlong = true;
        }
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = newline.map_or(buf.len(), |i| i + 1);
        input.consume(used);
        if newline.is_some() {
            end.whole = true;
            break;
        }
    }
    Ok(any.then_some(end))
}

/// The families of lines an Omega log holds (see `docs/omega-import.md`), in
/// [`ImportSummary::recognised`](super::ImportSummary::recognised) order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// `[OmegaWTKGPU]`: toolkit resource events.
    Toolkit,
    /// `[OmegaGTEResource]`: engine resource events (format 2).
    Engine,
    /// `[OmegaWTKSync]`: compositor lanes and packets.
    Sync,
    /// `[GE*Engine_Internal] - `: the engine's debug layer, and the validation
    /// messages it forwards.
    Debug,
    /// `yyyy-MM-dd HH:mm:ss.SSS Process[pid:tid] message`.
    NsLog,
    /// The engine tracker's dump: its header, its timeline lines
    /// (`ts=... backend=... event=...`, no prefix) and its churn summary lines.
    Dump,
}

/// What a tracker-dump line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DumpLine {
    /// `OmegaGTE Resource Timeline (events=<N>)`.
    Header,
    /// `ts=<ms> backend=<B> event=<E> type=<T> id=<u64> ...`: one tracker event.
    Event,
    /// `type=<Backend>:<Type> creates=<n> destroys=<n> ...`: the churn summary.
    Summary,
}

/// The header line of the engine tracker's dump.
const DUMP_HEADER: &str = "OmegaGTE Resource Timeline (events=";

/// Which family a line belongs to, and the rest of the line after its tag.
pub(crate) fn family(line: &str) -> Option<(Family, &str)> {
    let line = line.trim_end();
    // Every tag starts with `[`: lines without one skip the tag searches.
    if line.contains('[') {
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
    }
    if dump_line(line).is_some() {
        return Some((Family::Dump, line.trim_start()));
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

/// What a tracker-dump line is, if `line` is one.
pub(crate) fn dump_line(line: &str) -> Option<DumpLine> {
    let line = line.trim();
    if line.contains(DUMP_HEADER) {
        return Some(DumpLine::Header);
    }
    let f = Fields(line);
    if line.starts_with("ts=") && f.get("backend").is_some() && f.get("event").is_some() {
        return Some(DumpLine::Event);
    }
    if line.starts_with("type=") && f.get("creates").is_some() && f.get("destroys").is_some() {
        return Some(DumpLine::Summary);
    }
    None
}

/// The `ts=` stamp (Unix ms) of a line of `family` whose text after the tag is
/// `rest`, if the line moves the clock: toolkit and engine lines, and tracker-dump
/// events. Both passes over a log use this one rule, so they agree on which lines
/// carry time.
pub(crate) fn line_ts(family: Family, rest: &str) -> Option<u64> {
    match family {
        Family::Toolkit | Family::Engine => Fields(rest).get("ts")?.parse().ok(),
        Family::Dump if dump_line(rest) == Some(DumpLine::Event) => {
            Fields(rest).get("ts")?.parse().ok()
        }
        _ => None,
    }
}

/// The gpu-ledger type an engine type name stands for, if it is a well-known one.
pub(crate) fn engine_type(text: &str) -> Option<ResourceType> {
    let text = match text {
        "NativeRenderTarget" => "NativeTarget",
        "TextureRenderTarget" => "TextureTarget",
        other => other,
    };
    ResourceType::from_well_known_name(text)
}

/// `key=value` fields of a line.
#[derive(Clone, Copy)]
pub(crate) struct Fields<'a>(pub(crate) &'a str);

impl<'a> Fields<'a> {
    pub(crate) fn get(self, key: &str) -> Option<&'a str> {
        self.0
            .split_whitespace()
            .find_map(|field| field.strip_prefix(key)?.strip_prefix('='))
    }

    pub(crate) fn number(self, key: &str) -> Result<u64, String> {
        let text = self.get(key).ok_or_else(|| format!("missing {key}="))?;
        text.parse()
            .map_err(|_| format!("{key}={text} is not a whole number"))
    }

    pub(crate) fn float(self, key: &str) -> Option<f64> {
        self.get(key)?.parse().ok()
    }

    /// `width=`, `height=` and `scale=`, or the tracker dump's `dims=(w,h,scale)`.
    pub(crate) fn dims(self) -> Option<Dims> {
        let (w, h, s) = match self.get("dims") {
            Some(dims) => {
                let mut parts = dims
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .split(',')
                    .map(|p| p.trim().parse::<f64>().ok());
                (
                    parts.next().flatten(),
                    parts.next().flatten(),
                    parts.next().flatten(),
                )
            }
            None => (
                self.float("width"),
                self.float("height"),
                self.float("scale"),
            ),
        };
        if w.is_none() && h.is_none() && s.is_none() {
            return None;
        }
        let px = |v: Option<f64>| v.map_or(0, |v| v.clamp(0.0, f64::from(u32::MAX)) as u32);
        Some(Dims::new(px(w), px(h), s.unwrap_or(0.0) as f32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_capped_and_the_rest_is_consumed() {
        let long = "x".repeat(MAX_LINE + 5);
        let text = format!("{long}\nshort\nlast");
        let mut input = text.as_bytes();
        let mut line = Vec::new();
        let end = read_line(&mut input, &mut line).expect("reads");
        let (overlong, whole) = (true, true);
        assert_eq!(end, Some(LineEnd { overlong, whole }));
        assert_eq!(line.len(), MAX_LINE);
        assert_eq!(
            read_line(&mut input, &mut line).expect("reads"),
            Some(LineEnd {
                overlong: false,
                whole: true
            })
        );
        assert_eq!(line, b"short");
        assert_eq!(
            read_line(&mut input, &mut line).expect("reads"),
            Some(LineEnd {
                overlong: false,
                whole: false
            }),
            "the last line has no newline: it was cut"
        );
        assert_eq!(line, b"last");
        assert_eq!(read_line(&mut input, &mut line).expect("reads"), None);
    }

    #[test]
    fn families_are_told_apart() {
        let cases = [
            ("[OmegaWTKGPU] ts=1 event=Create", Some(Family::Toolkit)),
            (
                "[GEVulkanEngine_Internal] - [VVL ERROR] x",
                Some(Family::Debug),
            ),
            ("OmegaGTE Resource Timeline (events=4)", Some(Family::Dump)),
            (
                "ts=1 backend=Metal event=Create type=CommandQueue id=1 native=0x1 threadId=1",
                Some(Family::Dump),
            ),
            (
                "type=Metal:CommandQueue creates=3 destroys=2 alive=1 shortLifetimes=0 lifetimeAvgMs=12.5",
                Some(Family::Dump),
            ),
            ("ts=1 something else", None),
            (
                "2026-02-27 23:44:37.139 App[1:2] Present Drawable",
                Some(Family::NsLog),
            ),
            (
                "objc[48211]: Class GEMetalView is implemented in both libraries",
                None,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(family(line).map(|(f, _)| f), want, "{line}");
        }
    }

    #[test]
    fn dump_dims_read_like_width_height_scale() {
        let f = Fields("ts=1 dims=(1000,960,2)");
        assert_eq!(f.dims(), Some(Dims::new(1000, 960, 2.0)));
        assert_eq!(Fields("ts=1").dims(), None);
    }
}
