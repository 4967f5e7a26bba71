//! Builds a [`Report`] from the fold's state, as if the stream ended now:
//! [`Analyzer::report`] is defined here, so the fold never depends on the report.
//!
//! This is the only place where internal indices become names and where order is
//! imposed: every list is sorted by a stable key and every map is a `BTreeMap`, so
//! hash-map iteration order never reaches a report. It reads the analyzer and never
//! changes it.

mod anomalies;
mod churn;
mod ending;
mod findings;
mod guardrails;
mod lanes;
mod restrict;
mod reuse;

use std::collections::BTreeMap;

use crate::analysis::fold::aggregate::{OwnerCounts, PacketCounts, WindowAgg};
use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::fold::attribution::{
    DestroyCause, Evidence, EvidenceKind, Examples, Settled, keep_example,
};
use crate::analysis::fold::owners::{OVERFLOW_OWNER, kind_name};
use crate::analysis::fold::packets::PacketMax;
use crate::analysis::fold::types::type_name;
use crate::analysis::fold::windows::Window;
use crate::analysis::report::numbers::{mean_ms, ms, ratio};
use crate::analysis::report::render::headline::headline;
use crate::analysis::report::schema::definitions::DefinitionsReport;
use crate::analysis::report::schema::sections::{
    Burst, CauseCounts, DestroyCauses, DestroyExample, EvidenceItem, PacketCount, PacketLabel,
    PacketReport, PerPacket, RecreateLoop, ShortLived, StartupSummary, StreamSummary, Totals,
    WindowReport, Windows,
};
use crate::analysis::report::schema::{REPORT_FORMAT, REPORT_VERSION, Report};
use crate::event::Owner;

use guardrails::{GuardFacts, evaluate};

/// Everything the sections need that is computed once.
struct Ctx<'a> {
    a: &'a Analyzer,
    type_names: Vec<String>,
    wins: [WindowAgg; 3],
    owners: Vec<(Owner, [OwnerCounts; 3])>,
}

impl Analyzer {
    /// The report on everything seen so far, as if the stream ended now.
    ///
    /// Cheap enough to call now and then (it costs about one pass over owners and
    /// live resources); calling it never changes what later reports say.
    ///
    /// # Example
    /// ```
    /// use gpu_ledger::analysis::Analyzer;
    /// use gpu_ledger::{Event, EventKind, EventSink, Marker};
    ///
    /// let mut analyzer = Analyzer::default();
    /// let before = analyzer.report();
    /// assert_eq!(before.totals.events, 0);
    /// analyzer.on_event(&Event { time_ns: 5, thread: 0, kind: EventKind::Marker(Marker::ShutdownBegins) });
    /// let after = analyzer.report();
    /// assert_eq!(after.window(gpu_ledger::analysis::Window::Shutdown).unwrap().events, 1);
    /// ```
    pub fn report(&self) -> Report {
        build(self)
    }
}

/// The report on `a` as if its stream ended now.
fn build(a: &Analyzer) -> Report {
    let b = &a.bounds;
    let mut wins = a.windows.view(b);
    let mut examples = a.attribution.examples.clone();
    for rec in a.attribution.waiting() {
        let settled = a.attribution.decide(rec, a.owner_now(rec.owner));
        let ts = wins[b.window_now(rec.seg).index()].ty(rec.ty);
        ts.pending = ts.pending.saturating_sub(1);
        ts.causes[settled.slot()] += 1;
        keep_example(&mut examples, a.attribution.max_examples(), settled);
    }
    // Teardown is never short-lived: a shutdown inferred at the end was not known
    // when its destroys were counted.
    let shutdown = Window::Shutdown.index();
    wins[shutdown]
        .types
        .iter_mut()
        .for_each(|t| t.short_lived = 0);
    let type_names = (0..a.types.len())
        .map(|i| type_name(a.types.get(i as u16), &a.names))
        .collect();
    let owners = a
        .owners
        .owners
        .iter()
        .map(|o| {
            let mut w = o.windows.view(b);
            w[shutdown].short_lived = 0;
            (o.owner, w)
        })
        .collect();
    let ctx = Ctx {
        a,
        type_names,
        wins,
        owners,
    };
    let windows = ctx.windows();
    let [startup, steady, shutdown] = &windows;
    let recreate_loops = ctx.recreate_loops();
    let totals = ctx.totals(&windows, recreate_loops.1);
    let (top_contributors, churn_sources) = churn::contributors(a, &ctx.owners, None);
    let mut report = Report {
        format: REPORT_FORMAT.to_owned(),
        version: REPORT_VERSION,
        stream: StreamSummary {
            source: a.info.source.clone(),
            start_unix_ns: a.info.start_unix_ns,
        },
        origin_ns: a.first_ns,
        window_filter: None,
        whole_run: Vec::new(),
        headline: Vec::new(),
        startup: ctx.startup(startup),
        ending: ending::ending(a),
        per_packet: ctx.per_packet(),
        short_lived: ctx.short_lived(),
        top_contributors,
        churn_sources,
        recreate_loops: recreate_loops.0,
        destroy_causes: DestroyCauses {
            by_type: causes_by_type(&windows),
            examples: ctx.examples(&examples),
        },
        lanes: lanes::lanes(&a.lanes, &a.packets),
        reuse: reuse::reuse(
            &a.reuse,
            a.live.values().map(|l| {
                let reused = a.presents.saturating_sub(l.presents_at_create) >= 2 || l.binds >= 2;
                (l.ty, reused)
            }),
            &ctx.type_names,
            &a.names,
            &a.defs,
        ),
        still_live: churn::still_live(a, &ctx.type_names),
        anomalies: anomalies::anomalies(a),
        findings: findings::findings(&a.findings, &a.names),
        lost_events: a.lost,
        definitions: DefinitionsReport::new(&a.defs, &a.names),
        release: ending::release(a),
        guardrails: Vec::new(),
        totals,
        windows: Windows {
            startup: Some(startup.clone()),
            steady: Some(steady.clone()),
            shutdown: Some(shutdown.clone()),
        },
    };
    report.headline = headline(&report);
    report.headline.extend(findings::headline(&report.findings));
    let facts = GuardFacts {
        loop_keys: ctx.non_transient_loop_keys(),
        refs_untracked: a.flight.untracked_refs,
        packets_evicted: a.flight.evicted,
        undeclared_in_flight: a.anomalies.undeclared_in_flight,
        checks_in_flight: ending::checks_in_flight(a),
    };
    report.guardrails = evaluate(&report, facts, &a.defs);
    report
}

fn causes_by_type(windows: &[WindowReport; 3]) -> BTreeMap<String, CauseCounts> {
    let mut out: BTreeMap<String, CauseCounts> = BTreeMap::new();
    for w in windows {
        for (ty, c) in &w.destroy_causes {
            let e = out.entry(ty.clone()).or_default();
            for cause in DestroyCause::ALL {
                e.add(cause, c.get(cause));
            }
        }
    }
    out
}

fn packets(p: &PacketCounts) -> PacketReport {
    PacketReport {
        queued: p.queued,
        submitted: p.submitted,
        completed: p.completed,
        presented: p.presented,
        dropped: p.dropped,
        noop: p.noop,
        failed: p.failed,
    }
}

fn packet_count(m: PacketMax) -> Option<PacketCount> {
    m.packet.map(|p| PacketCount {
        lane: p.lane.0,
        packet: p.packet.0,
        count: m.count,
    })
}

impl Ctx<'_> {
    fn windows(&self) -> [WindowReport; 3] {
        let starts = self.wins.each_ref().map(|w| w.first_ns);
        let mut live = 0i64;
        Window::ALL.map(|w| {
            let next = starts[w.index() + 1..].iter().find_map(|s| *s);
            live += self.wins[w.index()].live_delta;
            self.window(w, next, live.max(0) as u64)
        })
    }

    fn window(&self, window: Window, next_start: Option<u64>, live_at_end: u64) -> WindowReport {
        let agg = &self.wins[window.index()];
        let shutdown = window == Window::Shutdown;
        let mut created = BTreeMap::new();
        let mut destroyed = BTreeMap::new();
        let mut short = BTreeMap::new();
        let mut rebuilds = BTreeMap::new();
        let mut lifetimes: BTreeMap<String, (u128, u64)> = BTreeMap::new();
        let mut causes: BTreeMap<String, CauseCounts> = BTreeMap::new();
        for (i, name) in self.type_names.iter().enumerate() {
            let t = agg.types.get(i).copied().unwrap_or_default();
            *created.entry(name.clone()).or_insert(0) += t.created;
            *destroyed.entry(name.clone()).or_insert(0) += t.destroyed;
            *short.entry(name.clone()).or_insert(0) += t.short_lived;
            *rebuilds.entry(name.clone()).or_insert(0) += t.rebuilds;
            let l = lifetimes.entry(name.clone()).or_insert((0, 0));
            l.0 += t.lifetime_sum_ns;
            l.1 += t.lifetimes;
            if t.destroyed > 0 {
                let c = causes.entry(name.clone()).or_default();
                for (index, n) in t.causes.iter().enumerate() {
                    c.add(DestroyCause::of_slot(index, shutdown), *n);
                }
                c.add(
                    DestroyCause::of_slot(DestroyCause::Unknown.intrinsic_index(), shutdown),
                    t.pending,
                );
            }
        }
        let start_ns = agg.first_ns;
        let end_ns = start_ns.map(|_| next_start.unwrap_or(agg.last_ns));
        let bucket = self.a.defs.bucket_ns();
        let (top_contributors, churn_sources) =
            churn::contributors(self.a, &self.owners, Some(window));
        WindowReport {
            start_ns,
            end_ns,
            duration_ms: start_ns.zip(end_ns).map(|(s, e)| ms(e.saturating_sub(s))),
            events: agg.events,
            packets: packets(&agg.packets),
            avg_destroyed_lifetime_ms: lifetimes
                .into_iter()
                .map(|(name, (sum, n))| (name, mean_ms(sum, n)))
                .collect(),
            created,
            destroyed,
            short_lived: short,
            rebuilds,
            destroy_causes: causes,
            destroy_bursts: agg
                .bursts
                .top(self.a.defs.top_bursts)
                .into_iter()
                .map(|(b, count)| Burst {
                    bucket_start_ns: b.saturating_mul(bucket),
                    count,
                })
                .collect(),
            churn_ratio: ratio(agg.churn(), agg.packets.presented),
            lost_events: agg.lost,
            top_contributors,
            churn_sources,
            short_lived_owners: churn::short_lived_owners(self.a, &self.owners, Some(window)),
            live_at_end,
        }
    }

    fn totals(&self, windows: &[WindowReport; 3], loop_keys: u64) -> Totals {
        let created = windows.iter().map(WindowReport::created_total).sum();
        let destroyed = windows.iter().map(WindowReport::destroyed_total).sum();
        let presented = windows.iter().map(|w| w.packets.presented).sum();
        Totals {
            events: self.a.events,
            created,
            destroyed,
            presented,
            churn_ratio: ratio(created + destroyed, presented),
            live_at_end: self.a.live.len() as u64,
            short_lived: windows.iter().flat_map(|w| w.short_lived.values()).sum(),
            rebuilds: windows.iter().flat_map(|w| w.rebuilds.values()).sum(),
            recreate_loop_keys: loop_keys,
        }
    }

    fn startup(&self, w: &WindowReport) -> StartupSummary {
        let a = self.a;
        let k = a.defs.k();
        let first = a.first_ns.unwrap_or(0);
        let stable = a.bounds.stable;
        let frames = w.packets.presented;
        let note = match (stable, a.bounds.shutdown, a.presents) {
            (Some(s), ..) => format!(
                "stabilised after {frames} presented frames in {:.3} ms ({k} consecutive clean presents from event #{})",
                ms(s.time_ns.saturating_sub(first)),
                s.seq
            ),
            (None, _, 0) => {
                "no presented packets: this stream has no packet information".to_owned()
            }
            (None, Some(_), _) => {
                format!("never stabilised: shutdown began before {k} consecutive clean presents")
            }
            (None, None, _) => {
                format!("never stabilised: no run of {k} consecutive clean presents")
            }
        };
        StartupSummary {
            stabilised: stable.is_some(),
            frames_presented: frames,
            stabilisation_ms: stable.map(|s| ms(s.time_ns.saturating_sub(first))),
            end_ns: stable.map(|s| s.time_ns),
            stable_present_seq: stable.map(|s| s.seq),
            created: w.created_total(),
            destroyed: w.destroyed_total(),
            churn_ratio: w.churn_ratio,
            note,
        }
    }

    fn per_packet(&self) -> PerPacket {
        let s = self.a.packets.stats;
        let (mut max_c, mut max_d) = (s.max_created, s.max_destroyed);
        for (p, st) in self.a.packets.live.iter() {
            max_c.offer(u64::from(st.created), *p);
            max_d.offer(u64::from(st.destroyed), *p);
        }
        PerPacket {
            packets_finished: s.finished,
            packets_with_churn: s.with_resources,
            created_in_packets: s.created_in,
            destroyed_in_packets: s.destroyed_in,
            created_outside_packets: s.created_outside,
            destroyed_outside_packets: s.destroyed_outside,
            late_resource_events: s.late,
            packets_evicted: s.evicted,
            created_per_presented: ratio(s.created_in, self.a.presents),
            destroyed_per_presented: ratio(s.destroyed_in, self.a.presents),
            max_created: packet_count(max_c),
            max_destroyed: packet_count(max_d),
        }
    }

    fn short_lived(&self) -> ShortLived {
        let mut by_type: BTreeMap<String, u64> = BTreeMap::new();
        for w in &self.wins {
            for (i, name) in self.type_names.iter().enumerate() {
                let n = w.types.get(i).map_or(0, |t| t.short_lived);
                *by_type.entry(name.clone()).or_insert(0) += n;
            }
        }
        ShortLived {
            count: by_type.values().sum(),
            by_type,
            top_owners: churn::short_lived_owners(self.a, &self.owners, None),
        }
    }

    /// How many non-transient keys are flagged as recreate loops.
    fn non_transient_loop_keys(&self) -> u64 {
        let a = self.a;
        a.owners
            .keys
            .iter()
            .filter(|k| k.first_loop.is_some())
            .filter(|k| {
                a.owners
                    .owners
                    .get(k.owner as usize)
                    .is_some_and(|o| !a.defs.is_transient(o.owner.kind, a.types.get(k.ty)))
            })
            .count() as u64
    }

    /// The flagged keys (top ones) and how many keys are flagged.
    fn recreate_loops(&self) -> (Vec<RecreateLoop>, u64) {
        let a = self.a;
        let mut list: Vec<RecreateLoop> = a
            .owners
            .keys
            .iter()
            .filter_map(|k| {
                let first = k.first_loop?;
                let owner = a.owners.owners.get(k.owner as usize)?.owner;
                let ty = a.types.get(k.ty);
                Some(RecreateLoop {
                    transient: a.defs.is_transient(owner.kind, ty),
                    owner_kind: kind_name(owner.kind, &a.names),
                    owner_key: owner.key,
                    resource_type: self
                        .type_names
                        .get(k.ty as usize)
                        .cloned()
                        .unwrap_or_default(),
                    recreates: k.cycles,
                    loop_cycles: k.loops,
                    first_loop_ns: first.time_ns,
                    first_loop_seq: first.seq,
                    window: a.bounds.window_now(first.seg).name().to_owned(),
                })
            })
            .collect();
        let flagged = list.len() as u64;
        list.sort_by(|x, y| {
            x.transient
                .cmp(&y.transient)
                .then(y.loop_cycles.cmp(&x.loop_cycles))
                .then(y.recreates.cmp(&x.recreates))
                .then(x.first_loop_seq.cmp(&y.first_loop_seq))
        });
        list.truncate(a.defs.top_contributors);
        (list, flagged)
    }

    fn examples(&self, slots: &[Examples]) -> Vec<DestroyExample> {
        let mut all: Vec<&Settled> = Vec::new();
        for slot in slots {
            all.extend(slot.first.iter());
            all.extend(slot.last.iter());
        }
        all.sort_by_key(|s| s.record.seq);
        all.dedup_by_key(|s| s.record.seq);
        let mut out: Vec<DestroyExample> = all.into_iter().map(|s| self.example(s)).collect();
        out.sort_by(|x, y| {
            (x.transient, &x.resource_type, x.destroy_seq).cmp(&(
                y.transient,
                &y.resource_type,
                y.destroy_seq,
            ))
        });
        out
    }

    fn example(&self, s: &Settled) -> DestroyExample {
        let a = self.a;
        let r = &s.record;
        let window = a.bounds.window_now(r.seg);
        let cause = s.shown(window == Window::Shutdown);
        let owner = a
            .owners
            .owners
            .get(r.owner as usize)
            .map_or(OVERFLOW_OWNER, |o| o.owner);
        let mut evidence: Vec<EvidenceItem> = Vec::new();
        if cause == DestroyCause::Shutdown {
            evidence.extend(shutdown_evidence(a));
        }
        evidence.extend(s.evidence.iter().map(evidence_item));
        DestroyExample {
            resource_id: r.resource,
            resource_type: self
                .type_names
                .get(r.ty as usize)
                .cloned()
                .unwrap_or_default(),
            owner_kind: kind_name(owner.kind, &a.names),
            owner_key: owner.key,
            cause: cause.name().to_owned(),
            window: window.name().to_owned(),
            destroy_seq: r.seq,
            destroy_ns: r.time_ns,
            create_seq: r.create_seq,
            packet: r.packet.map(|p| PacketLabel {
                lane: p.lane.0,
                packet: p.packet.0,
            }),
            lifetime_ms: r.lifetime_ns.map(ms),
            short_lived: r.short_lived && window != Window::Shutdown,
            transient: a.defs.is_transient(owner.kind, a.types.get(r.ty)),
            evidence,
        }
    }
}

pub(crate) fn evidence_item(e: &Evidence) -> EvidenceItem {
    let what = match e.kind {
        EvidenceKind::Rebuild => {
            format!("ResizeRebuild of resource {} by the same owner", e.resource)
        }
        EvidenceKind::Replacement => format!(
            "create of resource {} by the same owner, same type",
            e.resource
        ),
        EvidenceKind::OwnerEmptied => {
            "the destroy that left the owner with no live resource".to_owned()
        }
        EvidenceKind::OwnerVisualDestroyed => {
            format!("destroy of the owner's visual {}", e.resource)
        }
        EvidenceKind::OwnerUnknown => "the input does not say who owned it, so no cause that \
             needs the same owner (rebuild, replaced, owner-removed) applies"
            .to_owned(),
    };
    EvidenceItem::at(e.seq, what)
}

/// The event that puts a destroy in the shutdown window.
pub(crate) fn shutdown_evidence(a: &Analyzer) -> Option<EvidenceItem> {
    if let Some(m) = a.bounds.shutdown {
        return Some(EvidenceItem::at(m.seq, "shutdown marker".to_owned()));
    }
    a.bounds.last_present.map(|p| {
        EvidenceItem::at(
            p.seq,
            "after the last presented packet, in a stream that ended cleanly (shutdown inferred)"
                .to_owned(),
        )
    })
}
