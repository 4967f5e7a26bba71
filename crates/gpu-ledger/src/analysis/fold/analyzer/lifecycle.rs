//! How resource lifecycle events fold into the [`Analyzer`]: creates, destroys
//! (with their pending attribution), resize rebuilds, binds and unbinds.
//!
//! Split from the analyzer's entry point so that each file holds one concern; it
//! shares the analyzer's state and invariants, and like it never allocates per
//! event once warm.

use super::{Analyzer, Live, NONE};
use crate::analysis::fold::anomalies::AnomalyKind;
use crate::analysis::fold::attribution::{DestroyRecord, Evidence, EvidenceKind};
use crate::analysis::fold::owners::{LastCreate, LoopMark, RebuildMark};
use crate::event::{Dims, PacketRef, Resource, ResourceType};

impl Analyzer {
    pub(super) fn on_create(
        &mut self,
        seq: u64,
        t: u64,
        r: Resource,
        dims: Option<Dims>,
        packet: Option<PacketRef>,
    ) {
        let ty = self.types.index(r.ty);
        let transient = self.defs.is_transient(r.owner.kind, r.ty);
        let owner = self.owners.owner(r.owner);
        let key = if self.owners.is_overflow(owner) {
            NONE
        } else {
            self.owners.key(owner, ty)
        };
        let lane = self.packet_context(packet, true, transient, seq);
        let class = self.reuse.class(ty, dims);
        let packets_at_create = match self.lanes.lanes.get(lane as usize) {
            Some(l) => l.finished,
            None => self.finished_packets,
        };
        let mut live = Live {
            create_seq: seq,
            create_ns: t,
            packets_at_create,
            presents_at_create: self.presents,
            owner,
            key,
            class: class.unwrap_or(NONE),
            lane,
            ty,
            transient,
            dims: dims.map(|d| (d.width, d.height)),
            binds: 0,
            held: 0,
        };
        if let Some(p) = packet {
            Self::hold(&mut self.flight, p, r.id.0, true, &mut live);
            self.release_evicted();
        }
        if let Some(old) = self.live.insert(r.id.0, live) {
            let o = &mut self.owners.owners[old.owner as usize];
            o.live = o.live.saturating_sub(1);
            self.anomaly(AnomalyKind::CreateLiveId, seq, t, r.id.0, 0);
        }
        let o = &mut self.owners.owners[owner as usize];
        o.live += 1;
        let oc = o.windows.current(&self.bounds);
        oc.created += 1;
        oc.transient += u64::from(transient);
        self.count(t).ty(ty).created += 1;
        let mut recreated = false;
        if let Some(k) = self.owners.keys.get_mut(key as usize) {
            recreated = k.unmatched_destroys > 0;
            if k.on_create(t, self.defs.recreate_loop_window_ns) && k.first_loop.is_none() {
                k.first_loop = Some(LoopMark {
                    seq,
                    time_ns: t,
                    seg: self.bounds.seg,
                });
            }
            let mut claimed = false;
            while let Some(abs) = k.waiting_head {
                let next = match self.attribution.get_mut(abs) {
                    Some(rec) if rec.time_ns.abs_diff(t) <= self.defs.replace_window_ns => {
                        rec.replaced = Some(Evidence {
                            kind: EvidenceKind::Replacement,
                            seq,
                            resource: r.id.0,
                        });
                        claimed = true;
                        rec.next_waiting
                    }
                    Some(rec) => rec.next_waiting,
                    None => None,
                };
                k.waiting_head = next;
                if next.is_none() {
                    k.waiting_tail = None;
                }
                if claimed {
                    break;
                }
            }
            k.last_create = Some(LastCreate {
                seq,
                time_ns: t,
                resource: r.id.0,
                packet,
                claimed,
            });
        }
        self.reuse.on_create(class, ty, recreated);
    }

    pub(super) fn on_destroy(&mut self, seq: u64, t: u64, r: Resource, packet: Option<PacketRef>) {
        let id = r.id.0;
        let event_ty = self.types.index(r.ty);
        let found = self.live.remove(&id);
        if let Some(l) = found
            && l.held > 0
        {
            self.destroyed_while_held(seq, t, id, packet, l.held);
        }
        if found.is_none() && self.recently_destroyed.contains(&id) {
            self.anomaly(AnomalyKind::DoubleDestroy, seq, t, id, 0);
            self.count(t);
            return;
        }
        self.recently_destroyed.insert(id);
        let (ty, owner, key, transient) = match found {
            Some(l) => {
                if l.ty != event_ty {
                    self.anomaly(AnomalyKind::DestroyTypeMismatch, seq, t, id, 0);
                }
                (l.ty, l.owner, l.key, l.transient)
            }
            None => {
                self.anomaly(AnomalyKind::DestroyUnknownId, seq, t, id, 0);
                let owner = self.owners.owner(r.owner);
                let key = if self.owners.is_overflow(owner) {
                    NONE
                } else {
                    self.owners.key(owner, event_ty)
                };
                (
                    event_ty,
                    owner,
                    key,
                    self.defs.is_transient(r.owner.kind, r.ty),
                )
            }
        };
        self.packet_context(packet, false, transient, seq);
        let mut lifetime = None;
        let mut short = false;
        if let Some(l) = found {
            let life = t.saturating_sub(l.create_ns);
            let now_packets = match self.lanes.lanes.get(l.lane as usize) {
                Some(lane) => lane.finished,
                None => self.finished_packets,
            };
            let packets = now_packets.saturating_sub(l.packets_at_create);
            short = life <= self.defs.short_lived_ns
                || (self.packet_seen && packets <= self.defs.short_lived_packets);
            lifetime = Some(life);
            let reused = self.presents.saturating_sub(l.presents_at_create) >= 2 || l.binds >= 2;
            let class = (l.class != NONE).then_some(l.class);
            self.reuse.on_destroy(class, ty, reused);
        }
        let o = &mut self.owners.owners[owner as usize];
        if found.is_some() {
            o.live = o.live.saturating_sub(1);
            o.last_destroy_seq = Some(seq);
        }
        let oc = o.windows.current(&self.bounds);
        oc.destroyed += 1;
        oc.short_lived += u64::from(short);
        oc.transient += u64::from(transient);
        let last_rebuild = o.last_rebuild;
        let bucket = t / self.defs.bucket_ns();
        let agg = self.count(t);
        let ts = agg.ty(ty);
        ts.destroyed += 1;
        ts.pending += 1;
        ts.short_lived += u64::from(short);
        if let Some(life) = lifetime {
            ts.lifetime_sum_ns += u128::from(life);
            ts.lifetimes += 1;
        }
        agg.bursts.add(bucket, 1);
        if self.types.get(ty) == ResourceType::Visual {
            self.attribution
                .on_visual_destroyed(id, r.owner.key, seq, t);
        }
        let mut rec = DestroyRecord {
            seq,
            time_ns: t,
            seg: self.bounds.seg,
            resource: id,
            ty,
            owner,
            owner_key: r.owner.key,
            key: (key != NONE).then_some(key),
            packet,
            create_seq: found.map(|l| l.create_seq),
            lifetime_ns: lifetime,
            short_lived: short,
            next_waiting: None,
            rebuild: None,
            replaced: None,
        };
        if let Some(rb) = last_rebuild
            && (self.attribution.within_rebuild(t, rb.time_ns)
                || (packet.is_some() && rb.packet == packet))
        {
            rec.rebuild = Some(Evidence {
                kind: EvidenceKind::Rebuild,
                seq: rb.seq,
                resource: rb.resource,
            });
        }
        let Some(k) = self.owners.keys.get_mut(key as usize) else {
            self.attribution.push(rec);
            return;
        };
        k.unmatched_destroys += 1;
        if let Some(lc) = k.last_create.as_mut()
            && !lc.claimed
            && lc.resource != id
            && rec.create_seq.is_none_or(|c| lc.seq > c)
            && (self.attribution.within_rebuild(t, lc.time_ns)
                || (packet.is_some() && lc.packet == packet))
        {
            lc.claimed = true;
            rec.replaced = Some(Evidence {
                kind: EvidenceKind::Replacement,
                seq: lc.seq,
                resource: lc.resource,
            });
        }
        let replaced = rec.replaced.is_some();
        let abs = self.attribution.push(rec);
        if replaced {
            return;
        }
        match k
            .waiting_tail
            .and_then(|tail| self.attribution.get_mut(tail))
        {
            Some(tail) => tail.next_waiting = Some(abs),
            None => k.waiting_head = Some(abs),
        }
        k.waiting_tail = Some(abs);
    }

    pub(super) fn on_rebuild(
        &mut self,
        seq: u64,
        t: u64,
        r: Resource,
        dims: Option<Dims>,
        packet: Option<PacketRef>,
    ) {
        let ty = self.types.index(r.ty);
        let owner = self.owners.owner(r.owner);
        self.owners.owners[owner as usize].last_rebuild = Some(RebuildMark {
            seq,
            time_ns: t,
            resource: r.id.0,
            packet,
        });
        self.attribution.on_rebuild(owner, r.id.0, seq, t);
        self.count(t).ty(ty).rebuilds += 1;
        let new = dims.map(|d| (d.width, d.height));
        match self.live.get_mut(&r.id.0) {
            Some(l) => {
                if let Some(p) = packet {
                    Self::hold(&mut self.flight, p, r.id.0, false, l);
                }
                let old = l.dims;
                if new.is_some() {
                    l.dims = new;
                }
                let lty = l.ty;
                self.reuse.on_rebuild(lty, old, new);
            }
            None => {
                self.reuse.on_rebuild(ty, None, new);
                self.anomaly(AnomalyKind::EventUnknownId, seq, t, r.id.0, 0);
            }
        }
        self.release_evicted();
    }

    pub(super) fn on_bind(
        &mut self,
        seq: u64,
        t: u64,
        id: u64,
        bind: bool,
        packet: Option<PacketRef>,
    ) {
        let agg = self.count(t);
        if bind {
            agg.binds += 1;
        } else {
            agg.unbinds += 1;
        }
        match self.live.get_mut(&id) {
            Some(l) if bind => {
                l.binds = l.binds.saturating_add(1);
                if let Some(p) = packet {
                    Self::hold(&mut self.flight, p, id, false, l);
                }
            }
            Some(_) => {}
            None => self.anomaly(AnomalyKind::EventUnknownId, seq, t, id, 0),
        }
        self.release_evicted();
    }
}
