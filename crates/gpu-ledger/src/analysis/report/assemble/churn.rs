//! Who churns: the contributor rows, the top-churn summary (ties stated as ties)
//! and the resources still live at the end, by owner and type.
//!
//! Top churn is churn *beyond the first creation and the teardown* (DESIGN.md,
//! "Top churn"): an owner's recreations and its destroys outside the shutdown
//! window, non-transient first. Its first creates and its teardown still count in
//! every churn ratio; they only do not make it a churn source. An owner the input
//! does not name is listed after every named one and never heads the list. This
//! module reads the fold's per-owner counts and never changes them.

use std::collections::BTreeMap;

use crate::analysis::fold::aggregate::OwnerCounts;
use crate::analysis::fold::analyzer::Analyzer;
use crate::analysis::fold::owners::kind_name;
use crate::analysis::fold::windows::{Part, Window};
use crate::analysis::report::schema::sections::{ChurnSources, Contributor, LiveGroup, OwnerCount};
use crate::event::{Owner, OwnerKind};

/// One owner's counts in the window asked for, with what ranks it.
fn row(a: &Analyzer, owner: Owner, w: &[OwnerCounts; 3], window: Option<Window>) -> Contributor {
    let (c, churn, teardown) = match window {
        Some(win) => {
            let c = w[win.index()];
            let nt_recreated = c.recreated - c.transient_recreated;
            let nt_destroyed = c.destroyed - c.transient_destroyed;
            match win {
                Window::Shutdown => (c, nt_recreated, c.destroyed),
                _ => (c, nt_recreated + nt_destroyed, 0),
            }
        }
        None => {
            let mut all = OwnerCounts::default();
            for c in w {
                all.merge(c);
            }
            let shut = w[Window::Shutdown.index()];
            let nt = |c: &OwnerCounts| {
                (
                    c.recreated - c.transient_recreated,
                    c.destroyed - c.transient_destroyed,
                )
            };
            let (all_recreated, all_destroyed) = nt(&all);
            let (_, shut_destroyed) = nt(&shut);
            (
                all,
                all_recreated + all_destroyed - shut_destroyed,
                shut.destroyed,
            )
        }
    };
    Contributor {
        owner_kind: kind_name(owner.kind, &a.names),
        owner_key: owner.key,
        owner_known: owner.kind != OwnerKind::Unknown,
        created: c.created,
        destroyed: c.destroyed,
        short_lived: c.short_lived,
        transient: c.transient,
        recreated: c.recreated,
        teardown,
        churn,
    }
}

/// Every owner with churn in `window` (or overall), ranked: named owners first,
/// then by churn beyond first creation and teardown, then by the same churn of
/// transient resources, then by all creates and destroys, creates, kind and key.
fn ranked(
    a: &Analyzer,
    owners: &[(Owner, [OwnerCounts; 3])],
    window: Option<Window>,
) -> Vec<Contributor> {
    let mut list: Vec<Contributor> = owners
        .iter()
        .map(|(owner, w)| row(a, *owner, w, window))
        .filter(|c| c.created + c.destroyed > 0)
        .collect();
    let transient_churn =
        |c: &Contributor| (c.recreated + c.destroyed).saturating_sub(c.teardown + c.churn);
    list.sort_by(|x, y| {
        y.owner_known
            .cmp(&x.owner_known)
            .then(y.churn.cmp(&x.churn))
            .then(transient_churn(y).cmp(&transient_churn(x)))
            .then((y.created + y.destroyed).cmp(&(x.created + x.destroyed)))
            .then(y.created.cmp(&x.created))
            .then(x.owner_kind.cmp(&y.owner_kind))
            .then(x.owner_key.cmp(&y.owner_key))
    });
    list
}

/// The top contributors in `window` (or overall) and the top-churn summary.
pub(super) fn contributors(
    a: &Analyzer,
    owners: &[(Owner, [OwnerCounts; 3])],
    window: Option<Window>,
) -> (Vec<Contributor>, ChurnSources) {
    let mut list = ranked(a, owners, window);
    let known: Vec<&Contributor> = list.iter().filter(|c| c.owner_known).collect();
    let top = known.first().map_or(0, |c| c.churn);
    let mut sources = ChurnSources {
        top_churn: top,
        tied: if top == 0 {
            0
        } else {
            known.iter().take_while(|c| c.churn == top).count() as u64
        },
        sources: known.iter().filter(|c| c.churn > 0).count() as u64,
        ..ChurnSources::default()
    };
    for c in list.iter().filter(|c| !c.owner_known) {
        sources.unknown_owner_created += c.created;
        sources.unknown_owner_destroyed += c.destroyed;
    }
    list.truncate(a.defs.top_contributors);
    (list, sources)
}

/// The owners with the most short-lived destroys in `window` (or overall).
pub(super) fn short_lived_owners(
    a: &Analyzer,
    owners: &[(Owner, [OwnerCounts; 3])],
    window: Option<Window>,
) -> Vec<OwnerCount> {
    let mut list: Vec<OwnerCount> = owners
        .iter()
        .map(|(o, w)| OwnerCount {
            owner_kind: kind_name(o.kind, &a.names),
            owner_key: o.key,
            count: match window {
                Some(win) => w[win.index()].short_lived,
                None => w.iter().map(|c| c.short_lived).sum(),
            },
        })
        .filter(|o| o.count > 0)
        .collect();
    list.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then(x.owner_kind.cmp(&y.owner_kind))
            .then(x.owner_key.cmp(&y.owner_key))
    });
    list.truncate(a.defs.top_contributors);
    list
}

/// The resources live now, by (owner, type), most first.
pub(super) fn still_live(a: &Analyzer, type_names: &[String]) -> Vec<LiveGroup> {
    let mut groups: BTreeMap<(u32, u16), (u64, u64, u64)> = BTreeMap::new();
    for l in a.live.values() {
        let g = groups.entry((l.owner, l.ty)).or_insert((0, u64::MAX, 0));
        g.0 += 1;
        g.1 = g.1.min(l.create_seq);
        g.2 = g.2.max(l.create_seq);
    }
    let mut list: Vec<LiveGroup> = groups
        .into_iter()
        .map(|((owner, ty), (count, first, last))| {
            let owner = a.owners.owners[owner as usize].owner;
            LiveGroup {
                owner_kind: kind_name(owner.kind, &a.names),
                owner_key: owner.key,
                owner_known: owner.kind != OwnerKind::Unknown,
                resource_type: type_names.get(ty as usize).cloned().unwrap_or_default(),
                count,
                first_create_seq: first,
                last_create_seq: last,
            }
        })
        .collect();
    list.sort_by(|x, y| {
        y.count
            .cmp(&x.count)
            .then(x.first_create_seq.cmp(&y.first_create_seq))
    });
    list.truncate(a.defs.top_contributors);
    list
}
