//! The binary trace format: constants shared by its writer and reader, and the
//! varint codec both use.
//!
//! The layout itself is specified in the [`format`](crate::format) module doc;
//! this module holds the numbers that spec names (magic tag, sync marker,
//! opcodes, limits) so that the writer and the reader cannot disagree on them.

use crate::format::MAX_SOURCE_LEN;

mod decode;
mod header;
mod read;
mod resync;
mod write;

pub use read::BinaryReader;
pub use write::{BinaryWriter, BlockPolicy};

/// The 8 bytes every binary trace starts with.
pub(crate) const MAGIC: [u8; 8] = [0x89, b'G', b'L', b'D', b'\r', b'\n', 0x1a, b'\n'];

/// The newest format version this build writes and reads (it reads every older one).
pub(crate) const VERSION: u16 = 3;

/// The first version whose blocks carry the count of events before them.
const COUNTED_VERSION: u16 = 2;

/// The first version whose header body gives the source a length and declares the
/// release models (see [`header`]).
const RELEASE_VERSION: u16 = 3;

/// Magic (8) + version (2) + flags (2) + header body length (4).
const HEADER_FIXED: usize = 16;

/// The header body's fixed part in version 1: `start_unix_ns`.
const HEADER_BODY_MIN: usize = 8;

/// The largest header body a reader accepts (see [`header`]).
const MAX_HEADER_BODY: usize = header::MAX_HEADER_BODY;

/// The 4 bytes that start every block frame.
const SYNC: [u8; 4] = [0xf1, b'G', b'L', b'B'];

/// Sync (4) + payload length (4) + crc32 (4).
const FRAME_HEADER: usize = 12;

/// The largest block payload a reader accepts; longer lengths are corruption.
const MAX_PAYLOAD: usize = 4 << 20;

/// Presence bits of a finding record: a resource id delta follows.
const FINDING_RESOURCE: u64 = 1;
/// Presence bits of a finding record: a source line follows.
const FINDING_LINE: u64 = 2;

/// Record opcodes (the tag byte's low 5 bits).
mod op {
    /// A name definition.
    pub(super) const NAME: u8 = 0;
    /// Resource events with type and owner written out: `RES_FULL + action`.
    pub(super) const RES_FULL: u8 = 1;
    /// Resource events of a resource already described in this block:
    /// `RES_CACHED + action`.
    pub(super) const RES_CACHED: u8 = 6;
    /// Pool events: `POOL + action`.
    pub(super) const POOL: u8 = 11;
    /// Packet stage events: `PACKET + stage`.
    pub(super) const PACKET: u8 = 15;
    /// A packet touched a resource.
    pub(super) const TOUCHED: u8 = 22;
    /// A marker.
    pub(super) const MARKER: u8 = 23;
    /// Lost events.
    pub(super) const LOST: u8 = 24;
    /// A finding reported by another checker.
    pub(super) const FINDING: u8 = 25;
    /// The mask selecting the opcode in a tag byte.
    pub(super) const MASK: u8 = 0x1f;
    /// Tag flag: a thread index follows the tag (else: the block's current thread).
    pub(super) const THREAD: u8 = 0x20;
    /// Tag flag: dimensions follow.
    pub(super) const DIMS: u8 = 0x40;
    /// Tag flag: a packet reference follows.
    pub(super) const PACKET_REF: u8 = 0x80;
}

/// Appends `v` as an unsigned LEB128 varint.
#[inline]
fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends the difference `to - from` (wrapping) as a zigzag varint.
#[inline]
fn put_delta(out: &mut Vec<u8>, from: u64, to: u64) {
    let d = to.wrapping_sub(from) as i64;
    put_varint(out, ((d << 1) ^ (d >> 63)) as u64);
}

/// Undoes [`put_delta`]'s zigzag: the value to add (wrapping) to the base.
#[inline]
fn unzigzag(v: u64) -> u64 {
    (v >> 1) ^ (v & 1).wrapping_neg()
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub(crate) fn clip(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// A fast, non-cryptographic hasher for the writer's per-block tables.
///
/// Their keys can come from an untrusted trace being converted, so `finish`
/// rotates the product: keys that differ only in their high bits (owner keys
/// that are multiples of a large power of two) would otherwise share their
/// low hash bits, which pick the bucket, and pile up in one probe chain.
#[derive(Clone, Copy, Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn finish(&self) -> u64 {
        // The multiply carries low bits upwards only: bring the mixed high
        // bits down to where the table looks (as rustc-hash does).
        self.0.rotate_left(26)
    }
}

type FxMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_and_deltas_round_trip_at_the_edges() {
        for &(from, to) in &[
            (0u64, 0u64),
            (0, u64::MAX),
            (u64::MAX, 0),
            (5, 3),
            (1 << 63, 1),
            (123, 123 + (1 << 40)),
        ] {
            let mut out = Vec::new();
            put_delta(&mut out, from, to);
            let (v, used) = decode::get_varint(&out, 0).expect("valid varint");
            assert_eq!(used, out.len());
            assert_eq!(from.wrapping_add(unzigzag(v)), to, "{from} -> {to}");
        }
        let mut out = Vec::new();
        put_varint(&mut out, u64::MAX);
        assert_eq!(out.len(), 10);
        put_delta(&mut out, 10, 9);
        assert_eq!(out[10..], [1], "-1 zigzags to 1");
    }

    #[test]
    fn clip_respects_char_boundaries() {
        assert_eq!(clip("abc", 5), "abc");
        assert_eq!(clip("aé", 2), "a");
        assert_eq!(clip("aé", 3), "aé");
    }
}
