//! The JSON Lines records: their serde shapes, and the conversions between
//! them and [`Event`]s.
//!
//! Open-set values (resource types, owner kinds, markers) are written as
//! strings: a well-known value as its variant name, any other as the text of
//! its [`Name`] when that text is unambiguous (defined for exactly one name and
//! not the name of a well-known value of the same set), else as
//! `{"name": index}`. Both sides track the same name table in stream order, so
//! the reader maps every string back to the exact value the writer had.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::event::{
    Dims, Event, EventKind, FindingSeverity, LaneId, Marker, Name, Names, Owner, OwnerKind,
    PacketId, PacketRef, PacketStage, PoolAction, Resource, ResourceAction, ResourceId,
    ResourceType,
};
use crate::format::check_name_len;

pub(crate) use crate::format::FORMAT_TAG;

/// The newest JSON Lines format version this build writes and reads.
pub(crate) const VERSION: u16 = 1;

/// The header record, as written.
#[derive(Serialize)]
pub(super) struct HeaderOut<'a> {
    #[serde(rename = "type")]
    pub(super) ty: &'static str,
    pub(super) format: &'static str,
    pub(super) version: u16,
    pub(super) start_unix_ns: u64,
    pub(super) source: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) release_model: Option<&'static str>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(super) release_model_by_type: BTreeMap<&'a str, &'static str>,
}

/// A name record, as written.
#[derive(Serialize)]
pub(super) struct NameOut<'a> {
    #[serde(rename = "type")]
    pub(super) ty: &'static str,
    pub(super) name: u32,
    pub(super) text: &'a str,
}

/// An open-set value, as written.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum SetOut<'a> {
    Text(&'a str),
    Name { name: u32 },
}

/// A scale factor, as written: a number, or a string for non-finite values.
#[derive(Serialize)]
#[serde(untagged)]
pub(super) enum ScaleOut {
    Number(f32),
    Text(&'static str),
}

/// An event record, as written: only the fields of its kind are present.
#[derive(Serialize, Default)]
pub(super) struct EventOut<'a> {
    #[serde(rename = "type")]
    ty: &'static str,
    t_ns: u64,
    thread: u32,
    event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    stage: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_type: Option<SetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_kind: Option<SetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner_key: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lane: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    packet: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scale: Option<ScaleOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    marker: Option<SetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<SetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<SetOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
}

/// Any record, as read: every field of every record type, all optional.
/// Unknown fields are ignored, so newer writers can add fields.
#[derive(Deserialize)]
pub(super) struct LineIn<'a> {
    #[serde(rename = "type", borrow)]
    pub(super) ty: Cow<'a, str>,
    #[serde(borrow)]
    pub(super) format: Option<Cow<'a, str>>,
    pub(super) version: Option<u64>,
    pub(super) start_unix_ns: Option<u64>,
    #[serde(borrow)]
    pub(super) source: Option<Cow<'a, str>>,
    pub(super) release_model: Option<String>,
    pub(super) release_model_by_type: Option<BTreeMap<String, String>>,
    pub(super) name: Option<u32>,
    #[serde(borrow)]
    pub(super) text: Option<Cow<'a, str>>,
    t_ns: Option<u64>,
    thread: Option<u32>,
    #[serde(borrow)]
    event: Option<Cow<'a, str>>,
    #[serde(borrow)]
    stage: Option<Cow<'a, str>>,
    id: Option<u64>,
    resource_type: Option<SetIn>,
    owner_kind: Option<SetIn>,
    owner_key: Option<u64>,
    lane: Option<u64>,
    packet: Option<u64>,
    command_id: Option<u64>,
    width: Option<u32>,
    height: Option<u32>,
    scale: Option<ScaleIn>,
    marker: Option<SetIn>,
    count: Option<u64>,
    #[serde(borrow)]
    severity: Option<Cow<'a, str>>,
    code: Option<SetIn>,
    message: Option<SetIn>,
    line: Option<u64>,
}

/// An open-set value, as read.
#[derive(Deserialize)]
#[serde(untagged)]
enum SetIn {
    Text(String),
    Name { name: u32 },
}

/// A scale factor, as read.
#[derive(Deserialize)]
#[serde(untagged)]
enum ScaleIn {
    Number(f32),
    Text(String),
}

/// The name table as a stream has defined it so far, indexed both ways.
#[derive(Default)]
pub(super) struct NameBook {
    names: Names,
    /// One past the highest index defined (`u32::MAX + 1` once that is).
    next_free: u64,
}

impl NameBook {
    /// Defines `name` as `text`; whether that changed anything.
    pub(super) fn define(&mut self, name: u32, text: &str) -> bool {
        if self.names.get(Name(name)) == Some(text) {
            return false;
        }
        self.names.define(Name(name), text);
        self.next_free = self.next_free.max(u64::from(name) + 1);
        true
    }

    /// The text of `name`, if it is the only name with that text.
    fn unique_text(&self, name: u32) -> Option<&str> {
        let text = self.names.get(Name(name))?;
        (!self.names.is_shared(text)).then_some(text)
    }

    /// The (lowest) name with this text.
    fn lookup(&self, text: &str) -> Option<u32> {
        self.names.find(text).map(|name| name.0)
    }
}

/// The open sets, seen the same way.
trait OpenSet: Copy {
    fn well_known(self) -> Option<&'static str>;
    fn other(self) -> Option<Name>;
    fn from_well_known(text: &str) -> Option<Self>;
    fn from_name(name: Name) -> Self;
}

macro_rules! open_set {
    ($ty:ident) => {
        impl OpenSet for $ty {
            fn well_known(self) -> Option<&'static str> {
                self.well_known_name()
            }
            fn other(self) -> Option<Name> {
                match self {
                    $ty::Other(name) => Some(name),
                    _ => None,
                }
            }
            fn from_well_known(text: &str) -> Option<Self> {
                $ty::from_well_known_name(text)
            }
            fn from_name(name: Name) -> Self {
                $ty::Other(name)
            }
        }
    };
}

open_set!(ResourceType);
open_set!(OwnerKind);
open_set!(Marker);

/// A plain name (a finding's code or message): a set with no well-known values.
impl OpenSet for Name {
    fn well_known(self) -> Option<&'static str> {
        None
    }
    fn other(self) -> Option<Name> {
        Some(self)
    }
    fn from_well_known(_: &str) -> Option<Self> {
        None
    }
    fn from_name(name: Name) -> Self {
        name
    }
}

fn set_out<T: OpenSet>(value: T, book: &NameBook) -> SetOut<'_> {
    if let Some(text) = value.well_known() {
        return SetOut::Text(text);
    }
    let name = value.other().map_or(0, |n| n.0);
    match book.unique_text(name) {
        Some(text) if T::from_well_known(text).is_none() => SetOut::Text(text),
        _ => SetOut::Name { name },
    }
}

fn scale_out(scale: f32) -> ScaleOut {
    if scale.is_finite() {
        ScaleOut::Number(scale)
    } else if scale.is_nan() {
        ScaleOut::Text("nan")
    } else if scale > 0.0 {
        ScaleOut::Text("inf")
    } else {
        ScaleOut::Text("-inf")
    }
}

/// The record for `event`, with names resolved through `book`.
pub(super) fn event_out<'a>(event: &Event, book: &'a NameBook) -> EventOut<'a> {
    let mut out = EventOut {
        ty: "event",
        t_ns: event.time_ns,
        thread: event.thread,
        event: event.kind.name(),
        ..EventOut::default()
    };
    let owner = |out: &mut EventOut<'a>, o: Owner| {
        out.owner_kind = Some(set_out(o.kind, book));
        out.owner_key = Some(o.key);
    };
    let dims = |out: &mut EventOut<'a>, d: Option<Dims>| {
        if let Some(d) = d {
            out.width = Some(d.width);
            out.height = Some(d.height);
            out.scale = Some(scale_out(d.scale));
        }
    };
    let packet = |out: &mut EventOut<'a>, p: PacketRef| {
        out.lane = Some(p.lane.0);
        out.packet = Some(p.packet.0);
    };
    match event.kind {
        EventKind::Resource {
            resource,
            dims: d,
            packet: p,
            ..
        } => {
            out.id = Some(resource.id.0);
            out.resource_type = Some(set_out(resource.ty, book));
            owner(&mut out, resource.owner);
            if let Some(p) = p {
                packet(&mut out, p);
            }
            dims(&mut out, d);
        }
        EventKind::Pool {
            ty,
            owner: o,
            dims: d,
            ..
        } => {
            out.resource_type = Some(set_out(ty, book));
            owner(&mut out, o);
            dims(&mut out, d);
        }
        EventKind::Packet { packet: p, stage } => {
            out.stage = Some(stage.name());
            packet(&mut out, p);
            if let PacketStage::Queued { command_id } = stage {
                out.command_id = Some(command_id);
            }
        }
        EventKind::Touched {
            packet: p,
            resource,
        } => {
            packet(&mut out, p);
            out.id = Some(resource.0);
        }
        EventKind::Marker(marker) => {
            out.marker = Some(set_out(marker, book));
        }
        EventKind::Lost { count } => {
            out.count = Some(count);
        }
        EventKind::Finding {
            severity,
            code,
            message,
            resource,
            packet: p,
            line,
        } => {
            out.severity = Some(severity.name());
            out.code = Some(set_out(code, book));
            out.message = Some(set_out(message, book));
            out.id = resource.map(|r| r.0);
            if let Some(p) = p {
                packet(&mut out, p);
            }
            out.line = line;
        }
    }
    out
}

/// What an event line is about, from its `event` value.
enum What {
    Resource(ResourceAction),
    Pool(PoolAction),
    Packet,
    Touched,
    Marker,
    Lost,
    Finding,
}

fn what(event: &str) -> Option<What> {
    Some(match event {
        "create" => What::Resource(ResourceAction::Create),
        "destroy" => What::Resource(ResourceAction::Destroy),
        "resize_rebuild" => What::Resource(ResourceAction::ResizeRebuild),
        "bind" => What::Resource(ResourceAction::Bind),
        "unbind" => What::Resource(ResourceAction::Unbind),
        "pool_hit" => What::Pool(PoolAction::Hit),
        "pool_miss" => What::Pool(PoolAction::Miss),
        "pool_release" => What::Pool(PoolAction::Release),
        "pool_evict" => What::Pool(PoolAction::Evict),
        "packet" => What::Packet,
        "touched" => What::Touched,
        "marker" => What::Marker,
        "lost" => What::Lost,
        "finding" => What::Finding,
        _ => return None,
    })
}

fn require<T>(value: Option<T>, field: &str, event: &str) -> Result<T, String> {
    value.ok_or_else(|| format!("missing `{field}` for a {event} event"))
}

impl LineIn<'_> {
    /// The event this line describes. Strings that name no known value are
    /// interned as new names, announced through `on_new_name`.
    pub(super) fn to_event(
        &self,
        book: &mut NameBook,
        on_new_name: &mut dyn FnMut(Name, &str),
    ) -> Result<Event, String> {
        let event = require(self.event.as_deref(), "event", "an")
            .map_err(|_| "missing `event` in an event record".to_owned())?;
        let what = what(event).ok_or_else(|| format!("unknown event \"{event}\""))?;
        let time_ns = require(self.t_ns, "t_ns", event)?;
        let rt = self.resource_type.as_ref();
        let ok = self.owner_kind.as_ref();
        let kind = match what {
            What::Resource(action) => {
                let ty = resolve(rt, "resource_type", event, book, on_new_name)?;
                let kind = resolve(ok, "owner_kind", event, book, on_new_name)?;
                EventKind::Resource {
                    action,
                    resource: Resource {
                        id: ResourceId(require(self.id, "id", event)?),
                        ty,
                        owner: Owner::new(kind, require(self.owner_key, "owner_key", event)?),
                    },
                    dims: self.dims()?,
                    packet: self.optional_packet(event)?,
                }
            }
            What::Pool(action) => {
                let ty = resolve(rt, "resource_type", event, book, on_new_name)?;
                let kind = resolve(ok, "owner_kind", event, book, on_new_name)?;
                EventKind::Pool {
                    action,
                    ty,
                    owner: Owner::new(kind, require(self.owner_key, "owner_key", event)?),
                    dims: self.dims()?,
                }
            }
            What::Packet => {
                let packet = self.packet(event)?;
                let stage = match require(self.stage.as_deref(), "stage", event)? {
                    "queued" => PacketStage::Queued {
                        command_id: require(self.command_id, "command_id", "queued packet")?,
                    },
                    "submitted" => PacketStage::Submitted,
                    "completed" => PacketStage::Completed,
                    "presented" => PacketStage::Presented,
                    "dropped" => PacketStage::Dropped,
                    "noop" => PacketStage::NoOp,
                    "failed" => PacketStage::Failed,
                    other => return Err(format!("unknown packet stage \"{other}\"")),
                };
                EventKind::Packet { packet, stage }
            }
            What::Touched => EventKind::Touched {
                packet: self.packet(event)?,
                resource: ResourceId(require(self.id, "id", event)?),
            },
            What::Marker => EventKind::Marker(resolve(
                self.marker.as_ref(),
                "marker",
                event,
                book,
                on_new_name,
            )?),
            What::Lost => EventKind::Lost {
                count: require(self.count, "count", event)?,
            },
            What::Finding => {
                let severity = require(self.severity.as_deref(), "severity", event)?;
                EventKind::Finding {
                    severity: FindingSeverity::from_name(severity)
                        .ok_or_else(|| format!("unknown finding severity \"{severity}\""))?,
                    code: resolve(self.code.as_ref(), "code", event, book, on_new_name)?,
                    message: resolve(self.message.as_ref(), "message", event, book, on_new_name)?,
                    resource: self.id.map(ResourceId),
                    packet: self.optional_packet(event)?,
                    line: self.line,
                }
            }
        };
        Ok(Event {
            time_ns,
            thread: self.thread.unwrap_or(0),
            kind,
        })
    }

    fn packet(&self, event: &str) -> Result<PacketRef, String> {
        Ok(PacketRef {
            lane: LaneId(require(self.lane, "lane", event)?),
            packet: PacketId(require(self.packet, "packet", event)?),
        })
    }

    fn optional_packet(&self, event: &str) -> Result<Option<PacketRef>, String> {
        match (self.lane, self.packet) {
            (None, None) => Ok(None),
            _ => self.packet(event).map(Some),
        }
    }

    fn dims(&self) -> Result<Option<Dims>, String> {
        if self.width.is_none() && self.height.is_none() && self.scale.is_none() {
            return Ok(None);
        }
        let scale = match &self.scale {
            None => 0.0,
            Some(ScaleIn::Number(s)) => *s,
            Some(ScaleIn::Text(t)) => match t.as_str() {
                "nan" => f32::NAN,
                "inf" => f32::INFINITY,
                "-inf" => f32::NEG_INFINITY,
                other => return Err(format!("scale \"{other}\" is not a number")),
            },
        };
        Ok(Some(Dims {
            width: self.width.unwrap_or(0),
            height: self.height.unwrap_or(0),
            scale,
        }))
    }
}

/// Resolves an open-set value as read: a well-known name of the set, a
/// defined name, or a new name (interned and announced through `on_new_name`).
fn resolve<T: OpenSet>(
    value: Option<&SetIn>,
    field: &str,
    event: &str,
    book: &mut NameBook,
    on_new_name: &mut dyn FnMut(Name, &str),
) -> Result<T, String> {
    match require(value, field, event)? {
        SetIn::Name { name } => Ok(T::from_name(Name(*name))),
        SetIn::Text(text) => {
            if let Some(known) = T::from_well_known(text) {
                return Ok(known);
            }
            let name = match book.lookup(text) {
                Some(name) => name,
                None => {
                    check_name_len(text).map_err(|reason| format!("`{field}`: {reason}"))?;
                    let Ok(name) = u32::try_from(book.next_free) else {
                        return Err(format!(
                            "`{field}` \"{}\" needs a new name, but the trace already defines \
                             the last name index, {}",
                            text.escape_debug(),
                            u32::MAX
                        ));
                    };
                    book.define(name, text);
                    on_new_name(Name(name), text);
                    name
                }
            };
            Ok(T::from_name(Name(name)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ambiguous_or_well_known_texts_fall_back_to_indices() {
        let mut book = NameBook::default();
        book.define(0, "BlurScratch");
        book.define(1, "Texture");
        book.define(2, "Twin");
        book.define(3, "Twin");
        let text = |v: SetOut<'_>| serde_json::to_string(&v).expect("serializes");
        assert_eq!(
            text(set_out(ResourceType::Other(Name(0)), &book)),
            "\"BlurScratch\""
        );
        assert_eq!(
            text(set_out(ResourceType::Other(Name(1)), &book)),
            "{\"name\":1}"
        );
        assert_eq!(
            text(set_out(OwnerKind::Other(Name(1)), &book)),
            "\"Texture\""
        );
        assert_eq!(text(set_out(Marker::Other(Name(2)), &book)), "{\"name\":2}");
        assert_eq!(text(set_out(Marker::Other(Name(9)), &book)), "{\"name\":9}");
        book.define(3, "Single");
        assert_eq!(text(set_out(Marker::Other(Name(2)), &book)), "\"Twin\"");
    }
}
