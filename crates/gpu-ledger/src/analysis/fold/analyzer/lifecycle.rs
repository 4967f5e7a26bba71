//! How resource lifecycle events fold into the [`Analyzer`]: creates, destroys
//! (with their pending attribution), resize rebuilds, binds and unbinds.
//!
//! Split from the analyzer's entry point so that each file holds one concern; it
//! shares the analyzer's state and invariants, and like it never allocates per
//! event once warm.

use super::{Analyzer, Live, NONE};
use crate::analysis::fold::anomalies::{AnomalyKind, AnomalyRecord};
use crate::analysis::fold::attribution::{DestroyRecord, Evidence, EvidenceKind};
use crate::analysis::fold::flight::{Doomed, RefKind};
use crate::analysis::fold::owners::{LastCreate, LoopMark, RebuildMark};
use crate::event::{Dims, PacketRef, ReleaseModel, Resource, ResourceType};

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
        let key = self.key_of(owner, ty);
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
            unsubmitted: 0,
            submitted: 0,
            referenced: false,
        };
        if let Some(p) = packet {
            Self::hold(&mut self.flight, p, r.id.0, RefKind::Created, &mut live);
            self.release_evicted();
        }
        let fresh = match self.live.insert(r.id.0, live) {
            Some(old) => {
                let o = &mut self.owners.owners[old.owner as usize];
                o.live = o.live.saturating_sub(1);
                self.anomaly(AnomalyKind::CreateLiveId, seq, t, r.id.0, old.owner, None);
                false
            }
            None => true,
        };
        let mut recreated = false;
        if let Some(k) = self.owners.keys.get_mut(key as usize) {
            if k.unmatched_destroys > 0 {
                k.unmatched_destroys -= 1;
                recreated = true;
                if k.on_recreate(
                    t,
                    packet,
                    seq,
                    self.defs.rebuild_window_ns,
                    self.defs.recreate_loop_window_ns,
                ) && k.first_loop.is_none()
                {
                    k.first_loop = Some(LoopMark {
                        seq,
                        time_ns: t,
                        seg: self.bounds.seg,
                    });
                }
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
            // A create that replaced a waiting destroy is taken; any other may turn out
            // to replace a later destroy (make-before-break).
            if !claimed {
                k.creates.push(LastCreate {
                    seq,
                    time_ns: t,
                    resource: r.id.0,
                    packet,
                    recreated,
                });
            }
        }
        if recreated && !transient {
            self.bounds.tail_recreates += 1;
        }
        let o = &mut self.owners.owners[owner as usize];
        o.live += 1;
        let oc = o.windows.current(&self.bounds);
        oc.created += 1;
        oc.transient += u64::from(transient);
        oc.recreated += u64::from(recreated);
        oc.transient_recreated += u64::from(recreated && transient);
        let agg = self.count(t);
        agg.ty(ty).created += 1;
        agg.live_delta += i64::from(fresh);
        self.reuse.on_create(class, ty, recreated);
    }

    pub(super) fn on_destroy(&mut self, seq: u64, t: u64, r: Resource, packet: Option<PacketRef>) {
        let id = r.id.0;
        let event_ty = self.types.index(r.ty);
        let removed = self.live.remove(id);
        // Read in place: `Live` is large, and copying it at every use showed.
        let found = removed.as_ref();
        if found.is_none() && self.recently_destroyed.contains(&id) {
            let owner = self.recently_destroyed.get(&id).copied().unwrap_or(NONE);
            self.anomaly(AnomalyKind::DoubleDestroy, seq, t, id, owner, packet);
            self.count(t);
            return;
        }
        let (ty, owner, key, transient) = match found {
            Some(l) => {
                if l.ty != event_ty {
                    self.anomaly(
                        AnomalyKind::DestroyTypeMismatch,
                        seq,
                        t,
                        id,
                        l.owner,
                        packet,
                    );
                }
                (l.ty, l.owner, l.key, l.transient)
            }
            None => {
                let owner = self.owners.owner(r.owner);
                self.anomaly(AnomalyKind::DestroyUnknownId, seq, t, id, owner, packet);
                (
                    event_ty,
                    owner,
                    self.key_of(owner, event_ty),
                    self.defs.is_transient(r.owner.kind, r.ty),
                )
            }
        };
        self.recently_destroyed.insert(id, owner);
        if let Some(l) = found {
            if l.unsubmitted + l.submitted > 0 {
                self.destroyed_while_held(seq, t, id, packet, l);
            }
            // The destroying packet stops listing it, so a packet that rebuilds
            // what it references does not fill its list with the dead.
            if let Some(p) = packet
                && l.referenced
            {
                self.flight.forget(p, id);
            }
        }
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
            // Teardown is never short-lived; an inferred shutdown is known only at
            // the end, so the report clears its window's counts too.
            short = self.bounds.shutdown.is_none()
                && (life <= self.defs.short_lived_ns
                    || (self.packet_seen && packets <= self.defs.short_lived_packets));
            lifetime = Some(life);
            let reused = self.presents.saturating_sub(l.presents_at_create) >= 2 || l.binds >= 2;
            let class = (l.class != NONE).then_some(l.class);
            self.reuse.on_destroy(class, ty, reused);
        }
        let known = self.owners.is_known(owner);
        let o = &mut self.owners.owners[owner as usize];
        if found.is_some() {
            o.live = o.live.saturating_sub(1);
            o.last_destroy_seq = Some(seq);
        }
        let oc = o.windows.current(&self.bounds);
        oc.destroyed += 1;
        oc.short_lived += u64::from(short);
        oc.transient += u64::from(transient);
        oc.transient_destroyed += u64::from(transient);
        let last_rebuild = o.last_rebuild.filter(|_| known);
        let bucket = t / self.defs.bucket_ns();
        let agg = self.count(t);
        agg.live_delta -= i64::from(found.is_some());
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
        if let Some(created) = rec.create_seq {
            k.on_destroyed(created);
        }
        // Make-before-break: a create of the same key made just before replaced this
        // resource, if it came after this resource's own create and not at the same
        // moment (a sibling created with it is no replacement).
        let (replace_ns, moment_ns) = (self.defs.replace_window_ns, self.defs.rebuild_window_ns);
        let created_ns = found.map(|l| l.create_ns);
        let earlier = k.creates.claim(|c| {
            c.resource != id
                && rec.create_seq.is_none_or(|created| c.seq > created)
                && created_ns.is_none_or(|created| c.time_ns > created.saturating_add(moment_ns))
                && (t.saturating_sub(c.time_ns) <= replace_ns
                    || (packet.is_some() && c.packet == packet))
        });
        let Some(create) = earlier else {
            k.unmatched_destroys += 1;
            let abs = self.attribution.push(rec);
            match k
                .waiting_tail
                .and_then(|tail| self.attribution.get_mut(tail))
            {
                Some(tail) => tail.next_waiting = Some(abs),
                None => k.waiting_head = Some(abs),
            }
            k.waiting_tail = Some(abs);
            return;
        };
        rec.replaced = Some(Evidence {
            kind: EvidenceKind::Replacement,
            seq: create.seq,
            resource: create.resource,
        });
        self.attribution.push(rec);
        if create.recreated {
            return; // counted as a recreate when it was made
        }
        if k.on_recreate(
            t,
            packet,
            create.seq,
            self.defs.rebuild_window_ns,
            self.defs.recreate_loop_window_ns,
        ) && k.first_loop.is_none()
        {
            k.first_loop = Some(LoopMark {
                seq,
                time_ns: t,
                seg: self.bounds.seg,
            });
        }
        // The earlier create turned out to be a recreation, not a new slot.
        if !transient {
            self.bounds.tail_recreates += 1;
        }
        let oc = self.owners.owners[owner as usize]
            .windows
            .current(&self.bounds);
        oc.recreated += 1;
        oc.transient_recreated += u64::from(transient);
        self.reuse.ty(ty).recreated += 1;
    }

    /// Resource `id` (live as `l`) was destroyed while packets held it: a
    /// `destroy-before-submit` to confirm when an unsubmitted holder is submitted,
    /// and a `destroy-in-flight` now when a submitted holder has not completed and
    /// the type's release model is not deferred.
    #[cold]
    fn destroyed_while_held(
        &mut self,
        seq: u64,
        t: u64,
        id: u64,
        packet: Option<PacketRef>,
        l: &Live,
    ) {
        if l.unsubmitted > 0 {
            self.flight.note_unsubmitted_destroy(Doomed {
                resource: id,
                owner: l.owner,
                seq,
                time_ns: t,
            });
        }
        if l.submitted > 0 {
            let model = self.model_of(l.ty);
            if model != Some(ReleaseModel::Deferred) {
                let holder = self.flight.submitted_holder(packet, id);
                if model.is_none() {
                    self.anomalies.undeclared_in_flight += 1;
                }
                self.anomalies.record(AnomalyRecord {
                    kind: AnomalyKind::DestroyInFlight,
                    seq,
                    time_ns: t,
                    resource: id,
                    owner: l.owner,
                    packet: holder,
                });
            }
        }
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
        if self.owners.is_known(owner) {
            self.owners.owners[owner as usize].last_rebuild = Some(RebuildMark {
                seq,
                time_ns: t,
                resource: r.id.0,
                packet,
            });
            self.attribution.on_rebuild(owner, r.id.0, seq, t);
        }
        self.count(t).ty(ty).rebuilds += 1;
        let new = dims.map(|d| (d.width, d.height));
        match self.live.get_mut(r.id.0) {
            Some(l) => {
                if let Some(p) = packet {
                    Self::hold(&mut self.flight, p, r.id.0, RefKind::Rebuilt, l);
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
                self.not_live(seq, t, r.id.0, packet);
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
        match self.live.get_mut(id) {
            Some(l) if bind => {
                l.binds = l.binds.saturating_add(1);
                if let Some(p) = packet {
                    Self::hold(&mut self.flight, p, id, RefKind::Used, l);
                }
            }
            Some(_) => {}
            None => self.not_live(seq, t, id, packet),
        }
        self.release_evicted();
    }

    /// An event named resource `id`, which is not live: a packet using it after its
    /// destroy is `use-after-destroy`; anything else is an unknown id.
    #[cold]
    pub(super) fn not_live(&mut self, seq: u64, t: u64, id: u64, packet: Option<PacketRef>) {
        match (packet, self.recently_destroyed.get(&id)) {
            (Some(p), Some(&owner)) => {
                self.anomaly(AnomalyKind::UseAfterDestroy, seq, t, id, owner, Some(p));
            }
            _ => self.anomaly(AnomalyKind::EventUnknownId, seq, t, id, NONE, packet),
        }
    }

    /// The key of (`owner`, `ty`), or `NONE` for an owner that is pooled past the
    /// cap or not known: neither is "the same owner" recreating or replacing anything.
    #[inline]
    fn key_of(&mut self, owner: u32, ty: u16) -> u32 {
        if self.owners.is_overflow(owner) || !self.owners.is_known(owner) {
            NONE
        } else {
            self.owners.key(owner, ty)
        }
    }
}
