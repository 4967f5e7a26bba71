//! What recorded command buffers reference: the handles their commands name
//! and the contents of the descriptor sets they bind, resolved into resource
//! ids only when a command buffer is submitted.
//!
//! Recording a command must stay cheap (it is the hottest path a layer sees),
//! so a command only appends a handle to its command buffer's list, skipping a
//! repeat of one of its last few entries; descriptor writes keep, per set, the
//! handle in each (binding, array element). What a command buffer references is
//! therefore what it named while recording (render pass and dynamic rendering
//! attachments, bound descriptor sets, vertex, index and indirect buffers,
//! copies, clears, blits, resolves and barriers), as the descriptor sets held
//! at submit time. Bounded: at most [`MAX_REFS_PER_COMMAND_BUFFER`] entries per
//! command buffer and [`MAX_SLOTS_PER_SET`] descriptors per set; what goes past
//! a bound is counted in [`Recording::untracked`], never stored.

use rustc_hash::FxHashMap;

use crate::objects::Kind;

/// Entries one command buffer keeps between resets.
pub(crate) const MAX_REFS_PER_COMMAND_BUFFER: usize = 4096;
/// Descriptors one descriptor set keeps.
pub(crate) const MAX_SLOTS_PER_SET: usize = 1024;
/// How many of a command buffer's latest entries a new one is compared with.
const DEDUP_WINDOW: usize = 8;

/// Something a command names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ref {
    /// An object: an image, view, buffer, framebuffer or secondary command buffer.
    Object(Kind, u64),
    /// A descriptor set, expanded to its contents at submit.
    Set(u64),
}

/// One descriptor of a set.
#[derive(Clone, Copy, Debug)]
struct Slot {
    binding: u32,
    element: u32,
    kind: Kind,
    handle: u64,
}

/// A descriptor set's pool and contents.
#[derive(Debug, Default)]
struct DescriptorSet {
    pool: u64,
    slots: Vec<Slot>,
}

/// The references of one device's command buffers and descriptor sets.
#[derive(Debug, Default)]
pub(crate) struct Recording {
    command_buffers: FxHashMap<u64, Vec<Ref>>,
    sets: FxHashMap<u64, DescriptorSet>,
    pools: FxHashMap<u64, Vec<u64>>,
    /// References and descriptors dropped at a bound.
    pub(crate) untracked: u64,
}

impl Recording {
    /// Command buffer `cb` named `r`.
    #[inline]
    pub(crate) fn reference(&mut self, cb: u64, r: Ref) {
        let refs = self.command_buffers.entry(cb).or_default();
        if refs.iter().rev().take(DEDUP_WINDOW).any(|&x| x == r) {
            return;
        }
        if refs.len() >= MAX_REFS_PER_COMMAND_BUFFER {
            self.untracked += 1;
            return;
        }
        refs.push(r);
    }

    /// Command buffer `cb` was reset or begun again: it references nothing.
    pub(crate) fn reset(&mut self, cb: u64) {
        if let Some(refs) = self.command_buffers.get_mut(&cb) {
            refs.clear();
        }
    }

    /// Command buffer `cb` was freed.
    pub(crate) fn forget(&mut self, cb: u64) {
        self.command_buffers.remove(&cb);
    }

    /// Descriptor sets `sets` were allocated from `pool`.
    pub(crate) fn allocate_sets(&mut self, pool: u64, sets: &[u64]) {
        for &set in sets {
            self.sets.insert(
                set,
                DescriptorSet {
                    pool,
                    slots: Vec::new(),
                },
            );
        }
        self.pools.entry(pool).or_default().extend_from_slice(sets);
    }

    /// Descriptor sets `sets` were freed.
    pub(crate) fn free_sets(&mut self, sets: &[u64]) {
        for set in sets {
            if let Some(freed) = self.sets.remove(set)
                && let Some(list) = self.pools.get_mut(&freed.pool)
            {
                list.retain(|s| s != set);
            }
        }
    }

    /// Descriptor pool `pool` was reset or destroyed: its sets are gone.
    pub(crate) fn reset_pool(&mut self, pool: u64) {
        for set in self.pools.remove(&pool).unwrap_or_default() {
            self.sets.remove(&set);
        }
    }

    /// Descriptor (`binding`, `element`) of `set` now refers to `handle`.
    pub(crate) fn write(&mut self, set: u64, binding: u32, element: u32, kind: Kind, handle: u64) {
        let Some(contents) = self.sets.get_mut(&set) else {
            return;
        };
        let slot = Slot {
            binding,
            element,
            kind,
            handle,
        };
        let existing = contents
            .slots
            .iter()
            .position(|s| s.binding == binding && s.element == element);
        match existing {
            Some(at) => contents.slots[at] = slot,
            None if contents.slots.len() < MAX_SLOTS_PER_SET => contents.slots.push(slot),
            None => self.untracked += 1,
        }
    }

    /// `count` descriptors copied from (`src`, `src_binding`, `src_element`..)
    /// to (`dst`, `dst_binding`, `dst_element`..).
    pub(crate) fn copy(
        &mut self,
        (src, src_binding, src_element): (u64, u32, u32),
        (dst, dst_binding, dst_element): (u64, u32, u32),
        count: u32,
    ) {
        for i in 0..count {
            let found = self.sets.get(&src).and_then(|s| {
                s.slots
                    .iter()
                    .find(|x| x.binding == src_binding && x.element == src_element.wrapping_add(i))
                    .copied()
            });
            if let Some(slot) = found {
                self.write(
                    dst,
                    dst_binding,
                    dst_element.wrapping_add(i),
                    slot.kind,
                    slot.handle,
                );
            }
        }
    }

    /// Appends the objects the command buffers `cbs` reference (descriptor sets
    /// expanded, secondary command buffers followed one level down), each
    /// command buffer first.
    pub(crate) fn collect(&self, cbs: impl IntoIterator<Item = u64>, out: &mut Vec<(Kind, u64)>) {
        for cb in cbs {
            self.collect_one(cb, true, out);
        }
    }

    fn collect_one(&self, cb: u64, follow_secondaries: bool, out: &mut Vec<(Kind, u64)>) {
        out.push((Kind::CommandBuffer, cb));
        let Some(refs) = self.command_buffers.get(&cb) else {
            return;
        };
        for r in refs {
            match *r {
                Ref::Object(Kind::CommandBuffer, secondary) if follow_secondaries => {
                    self.collect_one(secondary, false, out);
                }
                Ref::Object(kind, handle) => out.push((kind, handle)),
                Ref::Set(set) => {
                    if let Some(contents) = self.sets.get(&set) {
                        out.extend(contents.slots.iter().map(|s| (s.kind, s.handle)));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_submit_sees_descriptor_contents_at_submit_and_secondaries() {
        let mut r = Recording::default();
        r.allocate_sets(0x100, &[0x10]);
        r.write(0x10, 0, 0, Kind::ImageView, 0xa);
        r.reference(0x1, Ref::Set(0x10));
        r.reference(0x1, Ref::Object(Kind::Buffer, 0xb));
        r.reference(0x1, Ref::Object(Kind::Buffer, 0xb));
        r.reference(0x1, Ref::Object(Kind::CommandBuffer, 0x2));
        r.reference(0x2, Ref::Object(Kind::Image, 0xc));
        r.write(0x10, 0, 0, Kind::ImageView, 0xd);
        let mut out = Vec::new();
        r.collect([0x1], &mut out);
        assert_eq!(
            out,
            vec![
                (Kind::CommandBuffer, 0x1),
                (Kind::ImageView, 0xd),
                (Kind::Buffer, 0xb),
                (Kind::CommandBuffer, 0x2),
                (Kind::Image, 0xc),
            ]
        );
    }

    #[test]
    fn resets_frees_and_pool_resets_drop_references() {
        let mut r = Recording::default();
        r.allocate_sets(0x100, &[0x10, 0x11]);
        r.write(0x11, 1, 0, Kind::Buffer, 0xb);
        r.copy((0x11, 1, 0), (0x10, 2, 0), 1);
        r.reference(0x1, Ref::Set(0x10));
        let mut out = Vec::new();
        r.collect([0x1], &mut out);
        assert_eq!(
            out,
            vec![(Kind::CommandBuffer, 0x1), (Kind::Buffer, 0xb)],
            "copied descriptor"
        );
        r.reset_pool(0x100);
        out.clear();
        r.collect([0x1], &mut out);
        assert_eq!(
            out,
            vec![(Kind::CommandBuffer, 0x1)],
            "a reset pool's sets are empty"
        );
        r.reference(0x1, Ref::Object(Kind::Image, 0xc));
        r.reset(0x1);
        out.clear();
        r.collect([0x1], &mut out);
        assert_eq!(
            out,
            vec![(Kind::CommandBuffer, 0x1)],
            "a reset command buffer names nothing"
        );
    }

    #[test]
    fn references_past_the_bound_are_counted_not_kept() {
        let mut r = Recording::default();
        for h in 0..(MAX_REFS_PER_COMMAND_BUFFER as u64 + 5) {
            r.reference(0x1, Ref::Object(Kind::Buffer, h));
        }
        let mut out = Vec::new();
        r.collect([0x1], &mut out);
        assert_eq!(out.len(), MAX_REFS_PER_COMMAND_BUFFER + 1);
        assert_eq!(r.untracked, 5);
    }
}
