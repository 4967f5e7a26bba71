//! Per-owner and per-(owner, type) state: churn contributors and recreate loops.
//!
//! An owner is an (owner kind, owner key) pair; a *key* is an owner together with a
//! resource type, the unit a recreate loop is about. Both tables grow with the
//! number of distinct owners, never with the number of events, and are capped
//! ([`Definitions::max_owners`](crate::analysis::Definitions::max_owners)): owners beyond the
//! cap are pooled into one overflow row so memory stays bounded on any input.

use crate::event::{Name, Names, Owner, OwnerKind, PacketRef};

use super::aggregate::OwnerCounts;
use super::hashing::FxHashMap;
use super::ring::Ring;
use super::windows::Segmented;

/// The owner every owner beyond the cap is counted as.
pub(crate) const OVERFLOW_OWNER: Owner = Owner::new(OwnerKind::Other(Name(u32::MAX)), u64::MAX);

/// The last `ResizeRebuild` an owner recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RebuildMark {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) resource: u64,
    pub(crate) packet: Option<PacketRef>,
}

/// What the analyzer knows about one owner.
#[derive(Clone, Debug)]
pub(crate) struct OwnerState {
    pub(crate) owner: Owner,
    /// Counts by window.
    pub(crate) windows: Segmented<OwnerCounts>,
    /// Live resources it owns now.
    pub(crate) live: u64,
    /// The destroy that last lowered `live`.
    pub(crate) last_destroy_seq: Option<u64>,
    pub(crate) last_rebuild: Option<RebuildMark>,
}

/// The most recent create of a key, for look-back `replaced` matching.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LastCreate {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) resource: u64,
    pub(crate) packet: Option<PacketRef>,
    /// Whether a destroy already claimed it as its replacement.
    pub(crate) claimed: bool,
}

/// A detected recreate loop's first occurrence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LoopMark {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) seg: u64,
}

/// What the analyzer knows about one (owner, type) key.
#[derive(Clone, Debug)]
pub(crate) struct KeyState {
    pub(crate) owner: u32,
    pub(crate) ty: u16,
    /// Destroys not yet followed by a create (each later create is a recreate cycle).
    pub(crate) unmatched_destroys: u64,
    /// Recreate cycles: creates that followed a destroy of this key.
    pub(crate) cycles: u64,
    /// Times of the last R cycles.
    pub(crate) recent_cycles: Ring<u64>,
    /// Cycles that completed R cycles within T.
    pub(crate) loops: u64,
    pub(crate) first_loop: Option<LoopMark>,
    pub(crate) last_create: Option<LastCreate>,
    /// Oldest and newest pending destroys of this key still waiting for a replacement
    /// (absolute indices into the attribution queue).
    pub(crate) waiting_head: Option<u64>,
    pub(crate) waiting_tail: Option<u64>,
}

/// All owners and keys.
#[derive(Clone, Debug)]
pub(crate) struct OwnerTable {
    pub(crate) owners: Vec<OwnerState>,
    index: FxHashMap<Owner, u32>,
    pub(crate) keys: Vec<KeyState>,
    key_index: FxHashMap<(u32, u16), u32>,
    max_owners: usize,
    ring: usize,
    template: Segmented<OwnerCounts>,
    overflow: Option<u32>,
}

impl OwnerTable {
    /// Empty; at most `max_owners` owners, recreate rings of `r` cycles.
    pub(crate) fn new(max_owners: usize, r: usize) -> Self {
        Self {
            owners: Vec::new(),
            index: FxHashMap::default(),
            keys: Vec::new(),
            key_index: FxHashMap::default(),
            max_owners: max_owners.max(1),
            ring: r,
            template: Segmented::new(OwnerCounts::default()),
            overflow: None,
        }
    }

    /// The index of `owner`, adding it if new.
    #[inline]
    pub(crate) fn owner(&mut self, owner: Owner) -> u32 {
        if let Some(&i) = self.index.get(&owner) {
            return i;
        }
        self.add_owner(owner)
    }

    #[cold]
    fn add_owner(&mut self, owner: Owner) -> u32 {
        if self.owners.len() >= self.max_owners {
            if let Some(i) = self.overflow {
                return i;
            }
            let i = self.push_owner(OVERFLOW_OWNER);
            self.overflow = Some(i);
            return i;
        }
        let i = self.push_owner(owner);
        self.index.insert(owner, i);
        i
    }

    fn push_owner(&mut self, owner: Owner) -> u32 {
        self.owners.push(OwnerState {
            owner,
            windows: self.template.clone(),
            live: 0,
            last_destroy_seq: None,
            last_rebuild: None,
        });
        (self.owners.len() - 1) as u32
    }

    /// The index of key (`owner`, `ty`), adding it if new.
    #[inline]
    pub(crate) fn key(&mut self, owner: u32, ty: u16) -> u32 {
        if let Some(&i) = self.key_index.get(&(owner, ty)) {
            return i;
        }
        self.add_key(owner, ty)
    }

    #[cold]
    fn add_key(&mut self, owner: u32, ty: u16) -> u32 {
        self.keys.push(KeyState {
            owner,
            ty,
            unmatched_destroys: 0,
            cycles: 0,
            recent_cycles: Ring::new(self.ring),
            loops: 0,
            first_loop: None,
            last_create: None,
            waiting_head: None,
            waiting_tail: None,
        });
        let i = (self.keys.len() - 1) as u32;
        self.key_index.insert((owner, ty), i);
        i
    }

    /// Whether owner index `i` is the overflow row.
    pub(crate) fn is_overflow(&self, i: u32) -> bool {
        self.overflow == Some(i)
    }
}

impl KeyState {
    /// A create of this key at `time_ns`: counts a recreate cycle if a destroy
    /// preceded it, and returns `true` when that cycle completes a recreate loop
    /// (R cycles within `window_ns`).
    pub(crate) fn on_create(&mut self, time_ns: u64, window_ns: u64) -> bool {
        if self.unmatched_destroys == 0 {
            return false;
        }
        self.unmatched_destroys -= 1;
        self.cycles += 1;
        self.recent_cycles.push(time_ns);
        let looped = self.recent_cycles.is_full()
            && self
                .recent_cycles
                .oldest()
                .is_some_and(|&t| time_ns.saturating_sub(t) <= window_ns);
        if looped {
            self.loops += 1;
        }
        looped
    }
}

/// The display name of an owner kind, as every report spells it: its name, `#N` for
/// a name the stream never announced, `(other owners)` for the overflow row.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::kind_name;
/// use gpu_ledger::{Name, Names, OwnerKind};
///
/// let mut names = Names::new();
/// let pass = names.intern("BlurPass");
/// assert_eq!(kind_name(OwnerKind::ChildVisual, &names), "ChildVisual");
/// assert_eq!(kind_name(OwnerKind::Other(pass), &names), "BlurPass");
/// assert_eq!(kind_name(OwnerKind::Other(Name(9)), &names), "#9");
/// ```
pub fn kind_name(kind: OwnerKind, names: &Names) -> String {
    match kind {
        k if k == OVERFLOW_OWNER.kind => "(other owners)".to_owned(),
        other => other.resolve(names).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_needs_r_cycles_within_t() {
        let mut table = OwnerTable::new(10, 3);
        let o = table.owner(Owner::new(OwnerKind::ChildVisual, 0x1400));
        let k = table.key(o, 0);
        let key = &mut table.keys[k as usize];
        let mut looped = Vec::new();
        for t in [0u64, 500, 1000, 2001] {
            key.unmatched_destroys += 1;
            looped.push(key.on_create(t, 1000));
        }
        // Cycles at 0, 500, 1000 span 1000 <= T: a loop; 500..2001 spans 1501: not.
        assert_eq!(looped, vec![false, false, true, false]);
        assert_eq!((key.cycles, key.loops), (4, 1));
        assert!(
            !key.on_create(3000, 1000),
            "a create without a destroy is no cycle"
        );
    }

    #[test]
    fn owners_beyond_the_cap_share_one_row() {
        let mut table = OwnerTable::new(2, 3);
        let a = table.owner(Owner::new(OwnerKind::RootVisual, 1));
        let b = table.owner(Owner::new(OwnerKind::RootVisual, 2));
        let c = table.owner(Owner::new(OwnerKind::RootVisual, 3));
        let d = table.owner(Owner::new(OwnerKind::RootVisual, 4));
        assert_eq!((a, b, c, d), (0, 1, 2, 2));
        assert!(table.is_overflow(c));
        assert_eq!(table.owners[2].owner, OVERFLOW_OWNER);
    }
}
