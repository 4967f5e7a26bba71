//! Destroy attribution: why each resource was destroyed, with the evidence.
//!
//! A destroy's cause often shows only after it (the owner creates the same type
//! again; the owner's `ResizeRebuild` is logged just after the teardown), so every
//! destroy waits in a queue for a bounded look-ahead — the replace window in stream
//! time, or a fixed number of waiting destroys, whichever ends first — collecting
//! evidence, and is then settled. The queue holds only the destroys of that last
//! stretch of the stream, never the whole history. Which cause wins, in order:
//!
//! 1. `rebuild`: the owner recorded a `ResizeRebuild` (of this or another resource)
//!    within the rebuild window before or after the destroy, or earlier in the same
//!    packet;
//! 2. `replaced`: the owner created the same type within the replace window after the
//!    destroy (break-before-make), or within it before the destroy, after the
//!    destroyed resource's own create (make-before-break: Vulkan's `oldSwapchain`,
//!    wgpu's `target = device.create_texture(..)`), or earlier in the same packet,
//!    and the new resource was not yet claimed as another destroy's replacement
//!    (creates and destroys pair up one to one, oldest first). In the shutdown
//!    window a make-before-break pairing is teardown: the earlier create did not
//!    replace anything once the program was shutting down;
//! 3. `shutdown`: the destroy lies in the shutdown window (decided at report time);
//! 4. `owner-removed`: when the look-ahead ends, the owner holds no live resource,
//!    or a `Visual` whose id or owner key is the owner's key was destroyed within the
//!    replace window;
//! 5. `unknown`: none of the above.
//!
//! An owner the input does not name ([`OwnerKind::Unknown`](crate::OwnerKind::Unknown))
//! is never "the same owner" of anything: its destroys are `unknown` (or teardown),
//! with evidence saying the owner is not known, never `rebuild`, `replaced` or
//! `owner-removed`.

use std::collections::VecDeque;

use crate::event::PacketRef;

use super::aggregate::CAUSES;
use super::hashing::FxHashMap;
use super::ring::Ring;

/// Memory cap: destroys waiting for evidence before the oldest is settled early.
const MAX_WAITING: usize = 1 << 18;

/// Why a resource was destroyed.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::DestroyCause;
///
/// assert_eq!(DestroyCause::OwnerRemoved.name(), "owner-removed");
/// assert_eq!(DestroyCause::from_name("rebuild"), Some(DestroyCause::Rebuild));
/// assert_eq!(DestroyCause::from_name("gone"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DestroyCause {
    /// Inside a `ResizeRebuild` of the same owner.
    Rebuild,
    /// The owner created the same type again right after (or just before).
    Replaced,
    /// In the shutdown window: expected teardown.
    Shutdown,
    /// The owner itself went away.
    OwnerRemoved,
    /// None of the above.
    Unknown,
}

impl DestroyCause {
    /// Every cause, in report order.
    pub const ALL: [DestroyCause; 5] = [
        DestroyCause::Rebuild,
        DestroyCause::Replaced,
        DestroyCause::Shutdown,
        DestroyCause::OwnerRemoved,
        DestroyCause::Unknown,
    ];

    /// The cause's name in reports.
    pub const fn name(self) -> &'static str {
        match self {
            DestroyCause::Rebuild => "rebuild",
            DestroyCause::Replaced => "replaced",
            DestroyCause::Shutdown => "shutdown",
            DestroyCause::OwnerRemoved => "owner-removed",
            DestroyCause::Unknown => "unknown",
        }
    }

    /// The cause named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Index among the intrinsic causes (all but shutdown), as counters store them
    /// (a make-before-break replacement has its own slot, [`REPLACED_EARLIER`]).
    pub(crate) const fn intrinsic_index(self) -> usize {
        match self {
            DestroyCause::Rebuild => 0,
            DestroyCause::Replaced => 1,
            DestroyCause::OwnerRemoved | DestroyCause::Shutdown => 2,
            DestroyCause::Unknown => 3,
        }
    }

    /// The cause a report shows for counter slot `index` (see
    /// [`Settled::slot`]) in a window: in shutdown, the weak causes and
    /// make-before-break pairings become `shutdown`.
    pub(crate) const fn of_slot(index: usize, shutdown: bool) -> Self {
        match index {
            0 => DestroyCause::Rebuild,
            1 => DestroyCause::Replaced,
            REPLACED_EARLIER if !shutdown => DestroyCause::Replaced,
            2 if !shutdown => DestroyCause::OwnerRemoved,
            3 if !shutdown => DestroyCause::Unknown,
            _ => DestroyCause::Shutdown,
        }
    }
}

/// The counter slot of a destroy replaced by a create made before it.
pub(crate) const REPLACED_EARLIER: usize = 4;

/// What an event proves about a destroy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EvidenceKind {
    /// A `ResizeRebuild` of `resource` by the same owner.
    Rebuild,
    /// The create of `resource` by the same owner, same type.
    Replacement,
    /// The destroy that left the owner with no live resource.
    OwnerEmptied,
    /// The destroy of the owner's `Visual` (`resource`).
    OwnerVisualDestroyed,
    /// The input does not say who owned the resource: no owner-based cause applies.
    OwnerUnknown,
}

/// One piece of evidence: what, and the event that shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Evidence {
    pub(crate) kind: EvidenceKind,
    pub(crate) seq: u64,
    pub(crate) resource: u64,
}

/// A destroy, waiting for evidence or settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DestroyRecord {
    pub(crate) seq: u64,
    pub(crate) time_ns: u64,
    pub(crate) seg: u64,
    pub(crate) resource: u64,
    pub(crate) ty: u16,
    pub(crate) owner: u32,
    pub(crate) owner_key: u64,
    pub(crate) key: Option<u32>,
    pub(crate) packet: Option<PacketRef>,
    pub(crate) create_seq: Option<u64>,
    pub(crate) lifetime_ns: Option<u64>,
    pub(crate) short_lived: bool,
    /// The next destroy of the same key waiting for a replacement.
    pub(crate) next_waiting: Option<u64>,
    pub(crate) rebuild: Option<Evidence>,
    pub(crate) replaced: Option<Evidence>,
}

/// A settled destroy: its intrinsic cause (never `Shutdown`) and the evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Settled {
    pub(crate) record: DestroyRecord,
    pub(crate) cause: DestroyCause,
    pub(crate) evidence: Option<Evidence>,
}

impl Settled {
    /// The counter slot it is counted in: its intrinsic cause, with replacements
    /// made before the destroy (make-before-break) apart.
    pub(crate) fn slot(&self) -> usize {
        match (self.cause, self.evidence) {
            (DestroyCause::Replaced, Some(e)) if e.seq < self.record.seq => REPLACED_EARLIER,
            (cause, _) => cause.intrinsic_index(),
        }
    }

    /// The cause a report shows for it in a window (`shutdown`: the shutdown window).
    pub(crate) fn shown(&self, shutdown: bool) -> DestroyCause {
        DestroyCause::of_slot(self.slot(), shutdown)
    }
}

/// The first and the last few settled destroys of one (type, cause).
#[derive(Clone, Debug)]
pub(crate) struct Examples {
    pub(crate) first: Vec<Settled>,
    pub(crate) last: Ring<Settled>,
}

/// What the owner looks like when a destroy is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OwnerNow {
    pub(crate) live: u64,
    pub(crate) last_destroy_seq: Option<u64>,
    pub(crate) overflow: bool,
    /// The input names the owner (its kind is not `Unknown`).
    pub(crate) known: bool,
}

/// The destroys waiting for evidence, the recently destroyed visuals and the examples.
#[derive(Clone, Debug)]
pub(crate) struct Attribution {
    waiting: VecDeque<DestroyRecord>,
    base: u64,
    visuals: VecDeque<(u64, u64, u64)>,
    visual_map: FxHashMap<u64, (u64, u64, u64)>,
    pub(crate) examples: Vec<Examples>,
    max_examples: usize,
    horizon_ns: u64,
    rebuild_ns: u64,
    replace_ns: u64,
}

impl Attribution {
    /// Empty: look-ahead `horizon_ns`, windows for rebuild and replace evidence.
    pub(crate) fn new(
        horizon_ns: u64,
        rebuild_ns: u64,
        replace_ns: u64,
        max_examples: usize,
    ) -> Self {
        Self {
            waiting: VecDeque::new(),
            base: 0,
            visuals: VecDeque::new(),
            visual_map: FxHashMap::default(),
            examples: Vec::new(),
            max_examples,
            horizon_ns,
            rebuild_ns,
            replace_ns,
        }
    }

    /// Queues a destroy; returns its absolute index.
    pub(crate) fn push(&mut self, record: DestroyRecord) -> u64 {
        self.waiting.push_back(record);
        self.base + self.waiting.len() as u64 - 1
    }

    /// The waiting destroy at absolute index `abs`, if it is still waiting.
    pub(crate) fn get_mut(&mut self, abs: u64) -> Option<&mut DestroyRecord> {
        let i = abs.checked_sub(self.base)?;
        self.waiting.get_mut(usize::try_from(i).ok()?)
    }

    /// The destroys still waiting, oldest first.
    pub(crate) fn waiting(&self) -> impl Iterator<Item = &DestroyRecord> {
        self.waiting.iter()
    }

    /// The waiting destroys an event at `now_ns` settles, oldest first: those
    /// [`Self::pop_due`] takes one after the other.
    pub(crate) fn due(&self, now_ns: u64) -> impl Iterator<Item = &DestroyRecord> {
        let mut left = self.waiting.len();
        let horizon = self.horizon_ns;
        self.waiting.iter().take_while(move |r| {
            let due = r.time_ns.saturating_add(horizon) < now_ns || left > MAX_WAITING;
            left = left.saturating_sub(1);
            due
        })
    }

    /// Whether a rebuild at `rebuild_ns` is close enough to a destroy at `destroyed_ns`.
    pub(crate) fn within_rebuild(&self, destroyed_ns: u64, rebuild_ns: u64) -> bool {
        rebuild_ns.abs_diff(destroyed_ns) <= self.rebuild_ns
    }

    /// The owner `owner` recorded a `ResizeRebuild` of `resource`: recent waiting
    /// destroys of the same owner were caused by it.
    pub(crate) fn on_rebuild(&mut self, owner: u32, resource: u64, seq: u64, time_ns: u64) {
        let window = self.rebuild_ns;
        for record in self.waiting.iter_mut().rev() {
            if record.time_ns.saturating_add(window) < time_ns {
                break;
            }
            if record.owner == owner && record.rebuild.is_none() {
                record.rebuild = Some(Evidence {
                    kind: EvidenceKind::Rebuild,
                    seq,
                    resource,
                });
            }
        }
    }

    /// A `Visual` was destroyed: owners keyed by its id or its owner key lose it.
    pub(crate) fn on_visual_destroyed(&mut self, id: u64, owner_key: u64, seq: u64, time_ns: u64) {
        for key in [id, owner_key] {
            self.visual_map.insert(key, (seq, id, time_ns));
            self.visuals.push_back((time_ns, key, seq));
        }
        let keep = self.horizon_ns.saturating_mul(2);
        while let Some(&(t, key, s)) = self.visuals.front() {
            if t.saturating_add(keep) >= time_ns && self.visuals.len() <= MAX_WAITING {
                break;
            }
            self.visuals.pop_front();
            if self.visual_map.get(&key).is_some_and(|v| v.0 == s) {
                self.visual_map.remove(&key);
            }
        }
    }

    /// Takes the oldest waiting destroy if its look-ahead is over at `now_ns`
    /// (or `all`), with its absolute index.
    pub(crate) fn pop_due(&mut self, now_ns: u64, all: bool) -> Option<(u64, DestroyRecord)> {
        let front = self.waiting.front()?;
        let due = all
            || front.time_ns.saturating_add(self.horizon_ns) < now_ns
            || self.waiting.len() > MAX_WAITING;
        if !due {
            return None;
        }
        let record = self.waiting.pop_front()?;
        let abs = self.base;
        self.base += 1;
        Some((abs, record))
    }

    /// Whether the oldest waiting destroy is due at `now_ns` (cheap check).
    #[inline]
    pub(crate) fn has_due(&self, now_ns: u64) -> bool {
        self.waiting.front().is_some_and(|f| {
            f.time_ns.saturating_add(self.horizon_ns) < now_ns || self.waiting.len() > MAX_WAITING
        })
    }

    /// The cause of `record` given the evidence so far and its owner now.
    pub(crate) fn decide(&self, record: &DestroyRecord, owner: OwnerNow) -> Settled {
        let (cause, evidence) = if let Some(e) = record.rebuild {
            (DestroyCause::Rebuild, Some(e))
        } else if let Some(e) = record.replaced {
            (DestroyCause::Replaced, Some(e))
        } else if !owner.known {
            let evidence = Evidence {
                kind: EvidenceKind::OwnerUnknown,
                seq: record.seq,
                resource: record.resource,
            };
            (DestroyCause::Unknown, Some(evidence))
        } else if owner.live == 0 && !owner.overflow {
            let evidence = owner.last_destroy_seq.map(|seq| Evidence {
                kind: EvidenceKind::OwnerEmptied,
                seq,
                resource: 0,
            });
            (DestroyCause::OwnerRemoved, evidence)
        } else if let Some(e) = self.visual_for(record) {
            (DestroyCause::OwnerRemoved, Some(e))
        } else {
            (DestroyCause::Unknown, None)
        };
        Settled {
            record: *record,
            cause,
            evidence,
        }
    }

    fn visual_for(&self, record: &DestroyRecord) -> Option<Evidence> {
        let &(seq, id, time_ns) = self.visual_map.get(&record.owner_key)?;
        if id == record.resource || time_ns.abs_diff(record.time_ns) > self.replace_ns {
            return None;
        }
        Some(Evidence {
            kind: EvidenceKind::OwnerVisualDestroyed,
            seq,
            resource: id,
        })
    }

    /// Keeps `settled` as an example if it is among the first or last of its (type, cause).
    pub(crate) fn keep_example(&mut self, settled: Settled) {
        keep_example(&mut self.examples, self.max_examples, settled);
    }

    /// How many examples each (type, cause) keeps at each end.
    pub(crate) fn max_examples(&self) -> usize {
        self.max_examples
    }
}

/// Keeps `settled` in `examples` if it is among the first or last `max` of its (type, cause).
pub(crate) fn keep_example(examples: &mut Vec<Examples>, max: usize, settled: Settled) {
    let slot = settled.record.ty as usize * CAUSES + settled.slot();
    if examples.len() <= slot {
        examples.resize_with(slot + 1, || Examples {
            first: Vec::new(),
            last: Ring::new(max),
        });
    }
    let slot = &mut examples[slot];
    if slot.first.len() < max {
        slot.first.push(settled);
    } else {
        slot.last.push(settled);
    }
}
