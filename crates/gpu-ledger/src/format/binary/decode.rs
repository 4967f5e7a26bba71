//! Decoding one block payload of a binary trace into sink calls.
//!
//! The payload has already passed its checksum, but it is still treated as
//! untrusted: every varint, slot reference, code and length is checked, and a
//! violation becomes a [`DecodeError`] naming the record, never a panic. Its
//! tables are plain vectors indexed by slot, so no input can make decoding
//! slower than linear.

use std::collections::HashMap;

use super::{FINDING_LINE, FINDING_RESOURCE, op, unzigzag};
use crate::event::{
    Dims, Event, EventKind, EventSink, FindingSeverity, LaneId, Marker, Name, Owner, OwnerKind,
    PacketId, PacketRef, PacketStage, PoolAction, Resource, ResourceAction, ResourceId,
    ResourceType,
};
use crate::format::{MAX_NAME_LEN, ReadSummary};

/// Why a block's payload could not be decoded to its end.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct DecodeError {
    /// The 0-based index of the bad record in its block.
    pub(super) record: u64,
    /// The record's byte offset within the payload.
    pub(super) at: usize,
    /// What was wrong with it.
    pub(super) message: String,
}

/// Reads an unsigned LEB128 varint at `pos`: the value and how many bytes it used.
pub(super) fn get_varint(buf: &[u8], pos: usize) -> Option<(u64, usize)> {
    let mut value = 0u64;
    let mut shift = 0u32;
    let mut i = pos;
    loop {
        let byte = *buf.get(i)?;
        i += 1;
        if shift == 63 && byte > 1 {
            return None;
        }
        value |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some((value, i - pos));
        }
        shift += 7;
        if shift > 63 {
            return None;
        }
    }
}

/// A cursor over a payload.
struct Cursor<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    #[inline]
    fn varint(&mut self, what: &str) -> Result<u64, String> {
        if let Some(&byte) = self.buf.get(self.pos)
            && byte < 0x80
        {
            self.pos += 1;
            return Ok(u64::from(byte));
        }
        match get_varint(self.buf, self.pos) {
            Some((v, used)) => {
                self.pos += used;
                Ok(v)
            }
            None => Err(format!("bad or cut-off varint for the {what}")),
        }
    }

    fn u32(&mut self, what: &str) -> Result<u32, String> {
        let v = self.varint(what)?;
        u32::try_from(v).map_err(|_| format!("{what} {v} does not fit in 32 bits"))
    }

    fn delta(&mut self, base: u64, what: &str) -> Result<u64, String> {
        Ok(base.wrapping_add(unzigzag(self.varint(what)?)))
    }

    fn bytes(&mut self, len: u64, what: &str) -> Result<&[u8], String> {
        let rest = self.buf.len() - self.pos;
        match usize::try_from(len) {
            Ok(len) if len <= rest => {
                let bytes = &self.buf[self.pos..self.pos + len];
                self.pos += len;
                Ok(bytes)
            }
            _ => Err(format!(
                "{what} of {len} bytes runs past the block end ({rest} bytes left)"
            )),
        }
    }
}

/// The per-block decoding state: delta bases and the owner, lane and resource tables.
#[derive(Default)]
pub(super) struct Decoder {
    time: u64,
    thread: u32,
    id: u64,
    command: u64,
    owner_key: u64,
    owners: Vec<Owner>,
    lanes: Vec<(u64, u64)>,
    resources: Vec<Resource>,
}

const RESOURCE_ACTIONS: [ResourceAction; 5] = [
    ResourceAction::Create,
    ResourceAction::Destroy,
    ResourceAction::ResizeRebuild,
    ResourceAction::Bind,
    ResourceAction::Unbind,
];

const POOL_ACTIONS: [PoolAction; 4] = [
    PoolAction::Hit,
    PoolAction::Miss,
    PoolAction::Release,
    PoolAction::Evict,
];

impl Decoder {
    /// Decodes the records of a payload (after its sequence number, which
    /// starts at `start`), giving names and events to `sink` as they come.
    ///
    /// `names` is the reader-wide table: a name declared again with the same
    /// text is not given to the sink again.
    pub(super) fn decode(
        &mut self,
        payload: &[u8],
        start: usize,
        names: &mut HashMap<u32, String>,
        sink: &mut dyn EventSink,
        summary: &mut ReadSummary,
    ) -> Result<(), DecodeError> {
        self.time = 0;
        self.thread = 0;
        self.id = 0;
        self.command = 0;
        self.owner_key = 0;
        self.owners.clear();
        self.lanes.clear();
        self.resources.clear();
        let mut cur = Cursor {
            buf: payload,
            pos: start,
        };
        let mut record = 0u64;
        while cur.pos < payload.len() {
            let at = cur.pos;
            let result = self.record(&mut cur, names, sink, summary);
            if let Err(message) = result {
                return Err(DecodeError {
                    record,
                    at,
                    message,
                });
            }
            record += 1;
        }
        Ok(())
    }

    fn record(
        &mut self,
        cur: &mut Cursor<'_>,
        names: &mut HashMap<u32, String>,
        sink: &mut dyn EventSink,
        summary: &mut ReadSummary,
    ) -> Result<(), String> {
        let tag = cur.buf[cur.pos];
        cur.pos += 1;
        let opcode = tag & op::MASK;
        let flags = tag & !op::MASK;
        let allowed = match opcode {
            op::NAME => 0,
            op::RES_FULL..op::POOL => op::THREAD | op::DIMS | op::PACKET_REF,
            op::POOL..op::PACKET => op::THREAD | op::DIMS,
            op::PACKET..=op::LOST => op::THREAD,
            op::FINDING => op::THREAD | op::PACKET_REF,
            _ => return Err(format!("unknown record opcode {opcode}")),
        };
        if flags & !allowed != 0 {
            return Err(format!("flags {flags:#04x} not allowed on opcode {opcode}"));
        }
        if opcode == op::NAME {
            let index = cur.u32("name index")?;
            let len = cur.varint("name length")?;
            if len > MAX_NAME_LEN as u64 {
                // Writers never write one: every input refuses longer names.
                return Err(format!(
                    "name {index} is {len} bytes long, beyond the limit of {MAX_NAME_LEN}"
                ));
            }
            let text = cur.bytes(len, "name text")?;
            if names.get(&index).map(String::as_bytes) != Some(text) {
                let text = String::from_utf8_lossy(text).into_owned();
                sink.on_name(Name(index), &text);
                names.insert(index, text);
                summary.names += 1;
            }
            return Ok(());
        }
        if flags & op::THREAD != 0 {
            self.thread = cur.u32("thread")?;
        }
        self.time = cur.delta(self.time, "time")?;
        let kind = match opcode {
            op::RES_FULL..op::RES_CACHED => {
                let id = ResourceId(cur.delta(self.id, "resource id")?);
                let ty = resource_type(cur.varint("resource type code")?)?;
                let owner = self.owner(cur)?;
                let resource = Resource { id, ty, owner };
                self.resources.push(resource);
                self.resource_event(cur, opcode - op::RES_FULL, resource, flags)?
            }
            op::RES_CACHED..op::POOL => {
                let back = cur.varint("resource back-reference")?;
                let len = self.resources.len() as u64;
                if back >= len {
                    return Err(format!(
                        "resource back-reference {back} is outside the block's {len} resources"
                    ));
                }
                let resource = self.resources[(len - 1 - back) as usize];
                self.resource_event(cur, opcode - op::RES_CACHED, resource, flags)?
            }
            op::POOL..op::PACKET => {
                let ty = resource_type(cur.varint("resource type code")?)?;
                let owner = self.owner(cur)?;
                let dims = self.dims(cur, flags)?;
                EventKind::Pool {
                    action: POOL_ACTIONS[usize::from(opcode - op::POOL)],
                    ty,
                    owner,
                    dims,
                }
            }
            op::PACKET..op::TOUCHED => {
                let packet = self.packet(cur)?;
                let stage = match opcode - op::PACKET {
                    0 => {
                        self.command = cur.delta(self.command, "command id")?;
                        PacketStage::Queued {
                            command_id: self.command,
                        }
                    }
                    1 => PacketStage::Submitted,
                    2 => PacketStage::Completed,
                    3 => PacketStage::Presented,
                    4 => PacketStage::Dropped,
                    5 => PacketStage::NoOp,
                    _ => PacketStage::Failed,
                };
                EventKind::Packet { packet, stage }
            }
            op::TOUCHED => {
                let packet = self.packet(cur)?;
                self.id = cur.delta(self.id, "resource id")?;
                EventKind::Touched {
                    packet,
                    resource: ResourceId(self.id),
                }
            }
            op::MARKER => {
                let code = cur.varint("marker code")?;
                EventKind::Marker(
                    Marker::from_code(code).ok_or_else(|| format!("unknown marker code {code}"))?,
                )
            }
            op::LOST => EventKind::Lost {
                count: cur.varint("lost count")?,
            },
            _ => self.finding(cur, flags)?,
        };
        sink.on_event(&Event {
            time_ns: self.time,
            thread: self.thread,
            kind,
        });
        summary.events += 1;
        Ok(())
    }

    fn resource_event(
        &mut self,
        cur: &mut Cursor<'_>,
        action: u8,
        resource: Resource,
        flags: u8,
    ) -> Result<EventKind, String> {
        self.id = resource.id.0;
        let dims = self.dims(cur, flags)?;
        let packet = if flags & op::PACKET_REF != 0 {
            Some(self.packet(cur)?)
        } else {
            None
        };
        Ok(EventKind::Resource {
            action: RESOURCE_ACTIONS[usize::from(action)],
            resource,
            dims,
            packet,
        })
    }

    fn finding(&mut self, cur: &mut Cursor<'_>, flags: u8) -> Result<EventKind, String> {
        let severity = cur.varint("finding severity")?;
        let severity = usize::try_from(severity)
            .ok()
            .and_then(|s| FindingSeverity::ALL.get(s).copied())
            .ok_or_else(|| format!("unknown finding severity {severity}"))?;
        let code = Name(cur.u32("finding code name")?);
        let message = Name(cur.u32("finding message name")?);
        let presence = cur.varint("finding presence bits")?;
        if presence & !(FINDING_RESOURCE | FINDING_LINE) != 0 {
            return Err(format!("unknown finding presence bits {presence:#x}"));
        }
        let resource = if presence & FINDING_RESOURCE != 0 {
            self.id = cur.delta(self.id, "resource id")?;
            Some(ResourceId(self.id))
        } else {
            None
        };
        let line = if presence & FINDING_LINE != 0 {
            Some(cur.varint("finding line")?)
        } else {
            None
        };
        let packet = if flags & op::PACKET_REF != 0 {
            Some(self.packet(cur)?)
        } else {
            None
        };
        Ok(EventKind::Finding {
            severity,
            code,
            message,
            resource,
            packet,
            line,
        })
    }

    fn owner(&mut self, cur: &mut Cursor<'_>) -> Result<Owner, String> {
        let slot = cur.varint("owner slot")?;
        let len = self.owners.len() as u64;
        if slot < len {
            return Ok(self.owners[slot as usize]);
        }
        if slot > len {
            return Err(format!(
                "owner slot {slot} skips ahead of the block's {len} owners"
            ));
        }
        let code = cur.varint("owner kind code")?;
        let kind =
            OwnerKind::from_code(code).ok_or_else(|| format!("unknown owner kind code {code}"))?;
        self.owner_key = cur.delta(self.owner_key, "owner key")?;
        let owner = Owner::new(kind, self.owner_key);
        self.owners.push(owner);
        Ok(owner)
    }

    fn packet(&mut self, cur: &mut Cursor<'_>) -> Result<PacketRef, String> {
        let slot = cur.varint("lane slot")?;
        let len = self.lanes.len() as u64;
        if slot > len {
            return Err(format!(
                "lane slot {slot} skips ahead of the block's {len} lanes"
            ));
        }
        if slot == len {
            let lane = cur.varint("lane id")?;
            self.lanes.push((lane, 0));
        }
        let entry = &mut self.lanes[slot as usize];
        entry.1 = cur.delta(entry.1, "packet id")?;
        Ok(PacketRef {
            lane: LaneId(entry.0),
            packet: PacketId(entry.1),
        })
    }

    fn dims(&mut self, cur: &mut Cursor<'_>, flags: u8) -> Result<Option<Dims>, String> {
        if flags & op::DIMS == 0 {
            return Ok(None);
        }
        let width = cur.u32("width")?;
        let height = cur.u32("height")?;
        let scale = f32::from_bits(cur.u32("scale")?.reverse_bits());
        Ok(Some(Dims {
            width,
            height,
            scale,
        }))
    }
}

fn resource_type(code: u64) -> Result<ResourceType, String> {
    ResourceType::from_code(code).ok_or_else(|| format!("unknown resource type code {code}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::Collected;

    fn decode(payload: &[u8]) -> (Result<(), DecodeError>, Collected) {
        let mut sink = Collected::default();
        let mut names = HashMap::new();
        let mut summary = ReadSummary::default();
        let result = Decoder::default().decode(payload, 0, &mut names, &mut sink, &mut summary);
        (result, sink)
    }

    #[test]
    fn unknown_opcode_names_the_record() {
        // A lost event (opcode 24, time 2, count 3), then opcode 31.
        let (result, sink) = decode(&[op::LOST, 4, 3, 31]);
        assert_eq!(
            result,
            Err(DecodeError {
                record: 1,
                at: 3,
                message: "unknown record opcode 31".into()
            })
        );
        assert_eq!(
            sink.events,
            vec![Event {
                time_ns: 2,
                thread: 0,
                kind: EventKind::Lost { count: 3 }
            }]
        );
    }

    #[test]
    fn dangling_references_are_errors_not_panics() {
        let cases: [(&[u8], &str); 8] = [
            (
                &[op::NAME, 0x80, 0x80, 0x80, 0x80, 0x10, 0],
                "name index 4294967296 does not fit in 32 bits",
            ),
            (
                &[op::NAME, 0, 0x81, 0x80, 0x04],
                "name 0 is 65537 bytes long, beyond the limit of 65536",
            ),
            (
                &[op::RES_CACHED, 0, 0],
                "resource back-reference 0 is outside the block's 0 resources",
            ),
            (
                &[op::RES_FULL, 0, 2, 1, 5],
                "owner slot 5 skips ahead of the block's 0 owners",
            ),
            (
                &[op::TOUCHED, 0, 1],
                "lane slot 1 skips ahead of the block's 0 lanes",
            ),
            (&[op::MARKER, 0, 9], "unknown marker code 9"),
            (
                &[op::NAME, 1, 0x80],
                "bad or cut-off varint for the name length",
            ),
            (
                &[op::NAME, 1, 5, b'x'],
                "name text of 5 bytes runs past the block end (1 bytes left)",
            ),
        ];
        for (payload, message) in cases {
            let (result, _) = decode(payload);
            assert_eq!(result.map_err(|e| e.message), Err(message.to_string()));
        }
    }

    #[test]
    fn varint_overflow_is_rejected() {
        assert_eq!(get_varint(&[0xff; 9], 0), None, "cut off");
        let mut max = vec![0xff; 9];
        max.push(1);
        assert_eq!(get_varint(&max, 0), Some((u64::MAX, 10)));
        max[9] = 2;
        assert_eq!(get_varint(&max, 0), None, "65th bit");
    }
}
