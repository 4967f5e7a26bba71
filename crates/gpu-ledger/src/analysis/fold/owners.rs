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

/// A recent create of a key not yet claimed as a replacement: what a later
/// destroy of the key can be `replaced` by (make-before-break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct LastCreate {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) resource: u64,
    pub(crate) packet: Option<PacketRef>,
    /// It was counted as a recreate when made (it followed a destroy of the key).
    pub(crate) recreated: bool,
}

/// How many unclaimed recent creates a key remembers (sibling images of one
/// swapchain built before the old ones are dropped).
const RECENT_CREATES: usize = 4;

/// The unclaimed recent creates of a key, oldest first; the oldest is forgotten
/// beyond [`RECENT_CREATES`].
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct RecentCreates {
    items: [Option<LastCreate>; RECENT_CREATES],
}

impl RecentCreates {
    /// Remembers `create`, forgetting the oldest when full.
    pub(crate) fn push(&mut self, create: LastCreate) {
        if self.items[RECENT_CREATES - 1].is_some() {
            self.items.rotate_left(1);
            self.items[RECENT_CREATES - 1] = None;
        }
        if let Some(free) = self.items.iter_mut().find(|c| c.is_none()) {
            *free = Some(create);
        }
    }

    /// Takes the oldest create that `fits`.
    pub(crate) fn claim(&mut self, fits: impl Fn(&LastCreate) -> bool) -> Option<LastCreate> {
        let i = self
            .items
            .iter()
            .position(|c| c.as_ref().is_some_and(&fits))?;
        let taken = self.items[i].take();
        self.items[i..].rotate_left(1);
        taken
    }
}

/// A key's current generation change (a recreate): its last recreate, and the
/// first create of the new generation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Generation {
    pub(crate) time_ns: u64,
    pub(crate) packet: Option<PacketRef>,
    pub(crate) first_create_seq: u64,
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
    /// Destroys not yet followed by a create (each later create is a recreate).
    pub(crate) unmatched_destroys: u64,
    /// Recreates: generation changes of this key (see [`KeyState::on_recreate`]).
    pub(crate) cycles: u64,
    /// Times of the last R recreates.
    pub(crate) recent_cycles: Ring<u64>,
    /// Recreates that completed R recreates within T.
    pub(crate) loops: u64,
    pub(crate) first_loop: Option<LoopMark>,
    /// The current generation change, while more of it may come.
    generation: Option<Generation>,
    /// Creates a later destroy may claim as its replacement.
    pub(crate) creates: RecentCreates,
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
            generation: None,
            creates: RecentCreates::default(),
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

    /// Whether the input named owner `i` (its kind is not [`OwnerKind::Unknown`]).
    #[inline]
    pub(crate) fn is_known(&self, i: u32) -> bool {
        self.owners
            .get(i as usize)
            .is_some_and(|o| o.owner.kind != OwnerKind::Unknown)
    }
}

impl KeyState {
    /// A resource of this key was recreated at `time_ns` in `packet` by the create
    /// at `create_seq` (a create that followed a destroy of the key, or the create
    /// an older resource's destroy was replaced by). Counts a recreate unless it
    /// belongs to the generation change already counted — within `same_moment_ns`
    /// of its last recreate, or in the same packet — so rebuilding three sibling
    /// images once is one recreate. Returns `true` when the recreate completes a
    /// recreate loop (R recreates within `loop_window_ns`).
    pub(crate) fn on_recreate(
        &mut self,
        time_ns: u64,
        packet: Option<PacketRef>,
        create_seq: u64,
        same_moment_ns: u64,
        loop_window_ns: u64,
    ) -> bool {
        let current = self.generation.filter(|g| {
            g.time_ns.abs_diff(time_ns) <= same_moment_ns
                || (packet.is_some() && g.packet == packet)
        });
        self.generation = Some(Generation {
            time_ns,
            packet,
            first_create_seq: current.map_or(create_seq, |g| g.first_create_seq.min(create_seq)),
        });
        if current.is_some() {
            return false;
        }
        self.cycles += 1;
        self.recent_cycles.push(time_ns);
        let window_ns = loop_window_ns;

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

    /// A resource of this key created at `create_seq` was destroyed: destroying
    /// what the current generation change created ends it (a storm recreating one
    /// target over and over is many generations, not one).
    pub(crate) fn on_destroyed(&mut self, create_seq: u64) {
        if self
            .generation
            .is_some_and(|g| create_seq >= g.first_create_seq)
        {
            self.generation = None;
        }
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
    fn a_loop_needs_r_recreates_within_t() {
        let mut table = OwnerTable::new(10, 3);
        let o = table.owner(Owner::new(OwnerKind::ChildVisual, 0x1400));
        let k = table.key(o, 0);
        let key = &mut table.keys[k as usize];
        let mut looped = Vec::new();
        for t in [0u64, 500, 1000, 2001] {
            looped.push(key.on_recreate(t, None, t, 10, 1000));
        }
        // Recreates at 0, 500, 1000 span 1000 <= T: a loop; 500..2001 spans 1501: not.
        assert_eq!(looped, vec![false, false, true, false]);
        assert_eq!((key.cycles, key.loops), (4, 1));
    }

    #[test]
    fn sibling_recreates_at_one_moment_or_in_one_packet_are_one_generation() {
        let mut table = OwnerTable::new(10, 3);
        let o = table.owner(Owner::new(OwnerKind::ChildVisual, 1));
        let k = table.key(o, 0);
        let key = &mut table.keys[k as usize];
        let frame = Some(PacketRef::new(1, 7));
        for t in [100, 105, 110] {
            key.on_destroyed(t - 100);
            key.on_recreate(t, None, t, 10, 1000);
        }
        assert_eq!(key.cycles, 1, "three images within the same moment");
        for t in [500, 600, 700] {
            key.on_recreate(t, frame, t, 10, 1000);
        }
        assert_eq!(key.cycles, 2, "three images rebuilt in one packet");
        key.on_recreate(900, None, 900, 10, 1000);
        assert_eq!(key.cycles, 3, "a later moment is a new generation");
    }

    #[test]
    fn a_storm_recreating_what_it_just_created_is_one_generation_each_time() {
        let mut table = OwnerTable::new(10, 3);
        let o = table.owner(Owner::new(OwnerKind::RootVisual, 1));
        let k = table.key(o, 0);
        let key = &mut table.keys[k as usize];
        // Target created at seq 0; each step destroys the last one and creates the next,
        // 25 ns apart: well inside one "moment".
        let mut created = 0;
        for step in 1..=5u64 {
            key.on_destroyed(created);
            key.on_recreate(step * 25, None, step, 1_000, 1_000_000);
            created = step;
        }
        assert_eq!(key.cycles, 5);
        assert_eq!(key.loops, 3, "the 3rd, 4th and 5th complete R = 3 within T");
    }

    #[test]
    fn recent_creates_are_claimed_oldest_first_and_forgotten_beyond_four() {
        let create = |seq| LastCreate {
            seq,
            time_ns: seq,
            resource: seq,
            packet: None,
            recreated: false,
        };
        let mut creates = RecentCreates::default();
        for seq in 1..=5 {
            creates.push(create(seq));
        }
        assert_eq!(creates.claim(|_| true), Some(create(2)), "1 was forgotten");
        assert_eq!(creates.claim(|c| c.seq > 3), Some(create(4)));
        assert_eq!(creates.claim(|_| true), Some(create(3)));
        assert_eq!(creates.claim(|_| true), Some(create(5)));
        assert_eq!(creates.claim(|_| true), None);
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
