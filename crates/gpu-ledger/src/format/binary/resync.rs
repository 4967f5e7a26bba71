//! Block checksums during a resync, in time linear in the input.
//!
//! Inside a corrupt region the reader tries every sync marker it finds as the
//! start of a block. Each such candidate declares a payload of up to 4 MiB, and
//! candidates may sit a few bytes apart (a crafted file can hold nothing but
//! sync markers declaring 4 MiB blocks), so checksumming each candidate's
//! payload directly would cost up to 4 MiB per candidate: quadratic in the
//! input.
//!
//! CRC-32 is linear over GF(2), so the checksum of a range can be built from
//! checksums of the stream's prefixes: `crc(a || b) = shift(crc(a), |b|) ^
//! crc(b)`, where `shift` multiplies by `x^(8 |b|)` modulo the CRC polynomial
//! (zlib's `crc32_combine`). [`Checkpoints`] keeps the CRC-32 of the stream from
//! a fixed origin to every [`STEP`]th byte of the window ahead of the scan,
//! computing each checkpoint once; a candidate then costs at most `2 * STEP`
//! bytes of direct checksumming plus one `shift`, whatever its declared
//! length. Every input byte is checksummed into a checkpoint at most once per
//! corrupt region, so a resync costs `O(input + candidates * STEP)`.
//!
//! The result is bit-for-bit the CRC-32 that `crc32fast` computes over the same
//! bytes: the format does not change, only the work to check it.

use std::collections::VecDeque;

/// The reflected CRC-32 (IEEE) polynomial.
const POLY: u32 = 0xedb8_8320;

/// Bytes between checkpoints.
pub(super) const STEP: u64 = 256;

/// `a * b` modulo the CRC polynomial, in CRC-32's reflected bit order (zlib's
/// `multmodp`). `x^0` is `1 << 31`.
const fn multmodp(a: u32, mut b: u32) -> u32 {
    if a == 0 {
        return 0;
    }
    let mut m = 1u32 << 31;
    let mut p = 0u32;
    loop {
        if a & m != 0 {
            p ^= b;
            if a & (m - 1) == 0 {
                break;
            }
        }
        m >>= 1;
        b = if b & 1 != 0 { (b >> 1) ^ POLY } else { b >> 1 };
    }
    p
}

/// `X2N[k]` is `x^(2^k)` modulo the CRC polynomial.
const X2N: [u32; 32] = {
    let mut table = [0u32; 32];
    let mut p = 1u32 << 30; // x^1
    table[0] = p;
    let mut k = 1;
    while k < 32 {
        p = multmodp(p, p);
        table[k] = p;
        k += 1;
    }
    table
};

/// `x^(n * 2^k)` modulo the CRC polynomial.
fn x2nmodp(mut n: u64, mut k: usize) -> u32 {
    let mut p = 1u32 << 31; // x^0
    while n != 0 {
        if n & 1 != 0 {
            p = multmodp(X2N[k & 31], p);
        }
        n >>= 1;
        k += 1;
    }
    p
}

/// The CRC-32 `crc` of some bytes `a`, moved past `len` more bytes: with it,
/// `crc(a || b) = shift(crc(a), b.len()) ^ crc(b)`.
pub(super) fn shift(crc: u32, len: u64) -> u32 {
    multmodp(x2nmodp(len, 3), crc)
}

/// CRC-32 checkpoints over the stream ahead of a resync scan.
#[derive(Debug, Default)]
pub(super) struct Checkpoints {
    /// The stream offset of `crcs[0]`.
    front: u64,
    /// `crcs[i]`: the CRC-32 of the stream bytes from a common origin up to
    /// offset `front + i * STEP`.
    crcs: VecDeque<u32>,
    /// Bytes checksummed into checkpoints so far (the linear part of the work).
    hashed: u64,
}

impl Checkpoints {
    /// The CRC-32 of `prefix` followed by `data`, where `data` holds the
    /// stream's bytes from offset `at` on.
    ///
    /// Calls must come with non-decreasing `at` for the work to stay linear;
    /// any order gives the right answer.
    pub(super) fn crc(&mut self, prefix: &[u8], data: &[u8], at: u64) -> u32 {
        let end = at + data.len() as u64;
        let last = self.front + STEP * (self.crcs.len() as u64).saturating_sub(1);
        if self.crcs.is_empty() || last < at || self.front >= at + STEP {
            // The checkpoints are behind this candidate (or, for a caller
            // going backwards, ahead of it): start afresh, with the origin at `at`.
            self.front = at;
            self.crcs.clear();
            self.crcs.push_back(0);
        } else {
            while self.front < at {
                self.crcs.pop_front();
                self.front += STEP;
            }
        }
        let first = self.front;
        if end < first + STEP {
            return direct(prefix, data);
        }
        let second = first + (end - first) / STEP * STEP;
        let mut last = first + STEP * (self.crcs.len() as u64 - 1);
        while last < second {
            let from = (last - at) as usize;
            let mut h = crc32fast::Hasher::new_with_initial(*self.crcs.back().unwrap_or(&0));
            h.update(&data[from..from + STEP as usize]);
            self.crcs.push_back(h.finalize());
            self.hashed += STEP;
            last += STEP;
        }
        let p1 = self.crcs[0];
        let p2 = self.crcs[((second - first) / STEP) as usize];
        // crc(prefix || data[..first]) moved past the checkpointed middle, whose
        // own crc is p2 ^ shift(p1, len): shift is linear, so the two shifts merge.
        let head = direct(prefix, &data[..(first - at) as usize]);
        let joined = shift(head ^ p1, second - first) ^ p2;
        let mut h = crc32fast::Hasher::new_with_initial(joined);
        h.update(&data[(second - at) as usize..]);
        h.finalize()
    }
}

fn direct(prefix: &[u8], data: &[u8]) -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(prefix);
    h.update(data);
    h.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(n: usize, seed: u64) -> Vec<u8> {
        let mut s = seed | 1;
        (0..n)
            .map(|_| {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                s as u8
            })
            .collect()
    }

    #[test]
    fn candidates_every_few_bytes_cost_linear_work() {
        let data = bytes(1 << 20, 11);
        let prefix = [9u8; 4];
        let mut cp = Checkpoints::default();
        let mut at = 0;
        let mut i = 0u64;
        while at + 4096 < data.len() {
            let len = (4096 + i * 7919 % (600 << 10)) as usize;
            let end = (at + len).min(data.len());
            let got = cp.crc(&prefix, &data[at..end], at as u64);
            if i.is_multiple_of(997) {
                assert_eq!(got, direct(&prefix, &data[at..end]), "{at}..{end}");
            }
            at += 12;
            i += 1;
        }
        assert!(cp.hashed <= data.len() as u64, "{} bytes hashed", cp.hashed);
    }

    #[test]
    fn shift_combines_like_crc32fast() {
        let data = bytes(5000, 7);
        for &(split, end) in &[(0, 0), (0, 10), (3, 3), (1, 4999), (2500, 5000), (17, 300)] {
            let a = crc32fast::hash(&data[..split]);
            let b = crc32fast::hash(&data[split..end]);
            assert_eq!(
                shift(a, (end - split) as u64) ^ b,
                crc32fast::hash(&data[..end]),
                "{split}..{end}"
            );
        }
    }

    #[test]
    fn checkpointed_crcs_match_direct_ones() {
        let data = bytes(20_000, 3);
        let prefix = [1u8, 2, 3, 4];
        let mut cp = Checkpoints::default();
        // Non-decreasing starts, with lengths below, at and across STEP, and a
        // gap that forces a fresh origin.
        let cases = [
            (0usize, 0usize),
            (0, 10),
            (0, 256),
            (0, 5000),
            (5, 9000),
            (12, 12 + 255),
            (12, 12 + 257),
            (300, 20_000),
            (301, 301),
            (19_000, 20_000),
            (19_999, 20_000),
        ];
        for (start, end) in cases {
            let expected = direct(&prefix, &data[start..end]);
            let got = cp.crc(&prefix, &data[start..end], start as u64);
            assert_eq!(got, expected, "{start}..{end}");
            assert!(cp.crcs.len() <= 20_000 / STEP as usize + 2);
        }
        // Each byte went into a checkpoint at most once.
        assert!(cp.hashed <= 20_000, "{}", cp.hashed);
        // Going backwards starts afresh and still answers right.
        assert_eq!(
            cp.crc(&prefix, &data[7..4000], 7),
            direct(&prefix, &data[7..4000])
        );
    }
}
