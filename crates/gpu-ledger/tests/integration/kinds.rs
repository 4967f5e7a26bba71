//! The kinds of fault behind the field cases, varied: other types, other owners, other
//! timings, both directions (issue 8). Each test builds its own stream, so a hidden
//! case of the same kind fails here first.

use gpu_ledger::analysis::{Analyzer, Report, TextOptions, Window, WindowReport};
use gpu_ledger::{Owner, OwnerKind, PacketRef, PacketStage, ResourceType};

use crate::util::{MS, Stream};

use ResourceType::{Buffer, CommandQueue, NativeTarget, Texture, TextureTarget};

fn owner(kind: OwnerKind, key: u64) -> Owner {
    Owner::new(kind, key)
}

fn root(key: u64) -> Owner {
    owner(OwnerKind::RootVisual, key)
}

fn child(key: u64) -> Owner {
    owner(OwnerKind::ChildVisual, key)
}

fn unknown() -> Owner {
    owner(OwnerKind::Unknown, 0)
}

fn p(packet: u64) -> PacketRef {
    PacketRef::new(1, packet)
}

fn w(r: &Report, window: Window) -> &WindowReport {
    r.window(window).expect("the window is in the report")
}

/// `n` presents of packets `first..`, 16 ms apart from `at_ms`.
fn presents(s: &mut Stream, at_ms: u64, first: u64, n: u64) {
    for k in 0..n {
        s.at(at_ms + 16 * k).frame(p(first + k), 1);
    }
}

/// The cause of the destroy of `id` in the report's examples.
fn cause(r: &Report, id: u64) -> (String, String) {
    let e = r
        .destroy_causes
        .examples
        .iter()
        .find(|e| e.resource_id == id)
        .unwrap_or_else(|| panic!("no example for resource {id}"));
    (e.cause.clone(), e.window.clone())
}

/// The headline's top-churn sentence.
fn top_churn(r: &Report) -> &str {
    r.headline
        .iter()
        .find(|h| h.starts_with("Top churn") || h.starts_with("No churn"))
        .expect("a top-churn sentence")
}

fn ended(s: &Stream) -> Report {
    let mut s = s.clone();
    s.clean_end();
    s.report()
}

// ---------------------------------------------------------------- replacement, both ways

#[test]
fn replaced_covers_make_before_break_and_break_before_make_for_any_type() {
    for (ty, o) in [
        (NativeTarget, root(7)),
        (TextureTarget, child(0x1400)),
        (Buffer, owner(OwnerKind::EffectPipeline, 3)),
    ] {
        let mut s = Stream::new();
        s.at(0).create(1, ty, o);
        presents(&mut s, 10, 1, 4);
        // Make-before-break: the new one 4 ms before the old one goes.
        s.at(200).create(2, ty, o).at(204).destroy(1, ty, o);
        // Break-before-make: the old one goes, the new one 50 ms later.
        s.at(400).destroy(2, ty, o).at(450).create(3, ty, o);
        presents(&mut s, 500, 5, 4);
        let r = ended(&s);
        assert_eq!(cause(&r, 1), ("replaced".into(), "steady".into()), "{ty:?}");
        assert_eq!(cause(&r, 2), ("replaced".into(), "steady".into()), "{ty:?}");
        let evidence = |id| {
            let e = r
                .destroy_causes
                .examples
                .iter()
                .find(|e| e.resource_id == id)
                .unwrap();
            e.evidence[0].what.clone()
        };
        assert_eq!(
            evidence(1),
            "create of resource 2 by the same owner, same type"
        );
        assert_eq!(
            evidence(2),
            "create of resource 3 by the same owner, same type"
        );
        let reuse = &r.reuse.by_type[&r.destroy_causes.examples[0].resource_type];
        assert_eq!(
            reuse.recreated, 2,
            "{ty:?}: two replacements, two recreations"
        );
    }
}

#[test]
fn a_create_too_early_or_a_sibling_is_no_replacement() {
    let o = root(1);
    let mut s = Stream::new();
    // Two siblings created together; one is destroyed later: the other did not replace it.
    s.at(0).create(1, Texture, o).create(2, Texture, o);
    presents(&mut s, 10, 1, 4);
    s.at(80).destroy(1, Texture, o);
    // A create 150 ms before a destroy is beyond the replace window (100 ms).
    s.at(200)
        .create(3, Texture, o)
        .at(350)
        .destroy(2, Texture, o);
    presents(&mut s, 400, 5, 4);
    let r = ended(&s);
    assert_ne!(cause(&r, 1).0, "replaced", "a sibling is no replacement");
    assert_ne!(cause(&r, 2).0, "replaced", "150 ms is too long ago");
}

#[test]
fn make_before_break_in_the_shutdown_window_is_teardown() {
    let o = root(1);
    let mut s = Stream::new();
    s.at(0).create(1, Texture, o);
    presents(&mut s, 10, 1, 4);
    s.at(100).create(2, Texture, o).shutdown();
    s.at(102).destroy(1, Texture, o).destroy(2, Texture, o);
    let r = s.report();
    assert_eq!(cause(&r, 1), ("shutdown".into(), "shutdown".into()));
    let c = w(&r, Window::Shutdown).destroy_causes["Texture"];
    assert_eq!((c.shutdown, c.replaced), (2, 0));
}

// ---------------------------------------------------------------- generations

#[test]
fn siblings_rebuilt_together_are_one_recreate_whatever_their_number_or_order() {
    for siblings in [2u64, 3, 4] {
        for make_first in [false, true] {
            let o = child(9);
            let mut s = Stream::new();
            for i in 0..siblings {
                s.at(0).create(1 + i, Texture, o);
            }
            presents(&mut s, 10, 1, 4);
            // Three rebuilds 100 ms apart: each destroys every sibling and builds new ones.
            let mut old = 1;
            for (r, at) in [100u64, 200, 300].into_iter().enumerate() {
                let new = 100 * (r as u64 + 1);
                s.at(at);
                if make_first {
                    for i in 0..siblings {
                        s.create(new + i, Texture, o);
                    }
                }
                for i in 0..siblings {
                    s.destroy(old + i, Texture, o);
                }
                if !make_first {
                    for i in 0..siblings {
                        s.create(new + i, Texture, o);
                    }
                }
                old = new;
            }
            presents(&mut s, 400, 5, 4);
            let r = ended(&s);
            let label = format!("{siblings} siblings, make first {make_first}");
            assert_eq!(r.recreate_loops.len(), 1, "{label}");
            assert_eq!(
                r.recreate_loops[0].recreates, 3,
                "{label}: three generations"
            );
            assert_eq!(
                r.reuse.by_type["Texture"].recreated,
                3 * siblings,
                "{label}"
            );
        }
    }
}

#[test]
fn a_generation_spread_over_one_packet_is_one_recreate() {
    let o = root(2);
    let mut s = Stream::new();
    s.at(0)
        .create(1, TextureTarget, o)
        .create(2, TextureTarget, o);
    // One packet rebuilds both targets over 5 ms: still one generation.
    s.at(10).queued(p(1));
    s.destroy_in(1, TextureTarget, o, p(1))
        .create_in(3, TextureTarget, o, p(1));
    s.at(15)
        .destroy_in(2, TextureTarget, o, p(1))
        .create_in(4, TextureTarget, o, p(1));
    s.stage(p(1), PacketStage::Submitted).present(p(1));
    let r = ended(&s);
    let churn = &r.top_contributors[0];
    assert_eq!((churn.recreated, churn.churn), (2, 4));
    assert!(r.recreate_loops.is_empty());
    let mut a = Analyzer::default();
    s.feed(&mut a);
    assert_eq!(a.report().totals.recreate_loop_keys, 0);
}

#[test]
fn a_storm_recreating_one_target_is_one_recreate_each_time() {
    let o = root(3);
    let mut s = Stream::new();
    s.at(0).create(1, NativeTarget, o);
    presents(&mut s, 10, 1, 4);
    // Ten recreations 20 µs apart: each destroys what the one before created.
    for k in 0..10u64 {
        s.at_ns(100 * MS + 20_000 * k)
            .destroy(1 + k, NativeTarget, o)
            .create(2 + k, NativeTarget, o);
    }
    presents(&mut s, 200, 5, 4);
    let r = ended(&s);
    assert_eq!(r.recreate_loops[0].recreates, 10);
}

// ---------------------------------------------------------------- shutdown inference

#[test]
fn failing_packets_after_the_last_present_mean_no_shutdown() {
    let mut s = Stream::new();
    s.at(0).create(1, CommandQueue, root(1));
    presents(&mut s, 10, 1, 4);
    s.at(100).queued(p(9)).stage(p(9), PacketStage::Failed);
    s.at(110).destroy(1, CommandQueue, root(1));
    let r = ended(&s);
    assert_eq!(r.ending.shutdown, "none");
    assert_eq!(w(&r, Window::Shutdown).events, 0);
    assert_eq!(
        r.ending.reasons,
        ["2 packet stages (queued, submitted, dropped or failed) after the last present"]
    );
    assert_ne!(r.destroy_causes.by_type["CommandQueue"].shutdown, 1);
}

#[test]
fn a_marker_makes_a_shutdown_even_in_a_cut_trace() {
    let mut s = Stream::new();
    s.at(0).create(1, CommandQueue, root(1));
    presents(&mut s, 10, 1, 4);
    s.at(100).shutdown().destroy(1, CommandQueue, root(1));
    let r = s.report(); // no clean end
    assert_eq!(r.ending.shutdown, "marker");
    assert_eq!(r.destroy_causes.by_type["CommandQueue"].shutdown, 1);
}

// ---------------------------------------------------------------- unknown owners

#[test]
fn an_unknown_owner_is_never_made_a_churn_source_a_loop_or_owner_removed() {
    let mut s = Stream::new();
    // A named owner churns a little; the unknown one a lot, and empties itself.
    s.at(0).create(1, Texture, root(1));
    presents(&mut s, 10, 1, 4);
    s.at(80)
        .destroy(1, Texture, root(1))
        .create(2, Texture, root(1));
    for k in 0..6u64 {
        s.at(100 + 10 * k)
            .create(100 + k, CommandQueue, unknown())
            .res(
                gpu_ledger::ResourceAction::ResizeRebuild,
                100 + k,
                CommandQueue,
                unknown(),
                None,
                None,
            )
            .destroy(100 + k, CommandQueue, unknown());
    }
    presents(&mut s, 300, 5, 4);
    let r = ended(&s);
    let queues = r.destroy_causes.by_type["CommandQueue"];
    assert_eq!(
        (
            queues.unknown,
            queues.owner_removed,
            queues.rebuild,
            queues.replaced
        ),
        (6, 0, 0, 0)
    );
    assert!(r.recreate_loops.is_empty(), "{:?}", r.recreate_loops);
    assert_eq!(r.top_contributors[0].owner_kind, "RootVisual");
    let last = r.top_contributors.last().unwrap();
    assert_eq!(
        (last.owner_kind.as_str(), last.owner_known),
        ("Unknown", false)
    );
    assert_eq!(
        (
            r.churn_sources.unknown_owner_created,
            r.churn_sources.unknown_owner_destroyed
        ),
        (6, 6)
    );
    let example = r
        .destroy_causes
        .examples
        .iter()
        .find(|e| e.owner_kind == "Unknown")
        .unwrap();
    assert!(
        example.evidence[0]
            .what
            .starts_with("the input does not say who owned it"),
        "{:?}",
        example.evidence
    );
    assert!(
        top_churn(&r).starts_with("Top churn (beyond first creations and teardown): RootVisual 0x1 ")
            && top_churn(&r).ends_with(
                "6 creates and 6 destroys have no known owner (the input does not name it), so they make no owner a churn source."
            ),
        "{:?}",
        r.headline
    );
}

// ---------------------------------------------------------------- the headline

#[test]
fn ties_are_stated_across_owner_kinds_and_a_single_top_owner_is_named() {
    let mut s = Stream::new();
    s.at(0)
        .create(1, Texture, root(1))
        .create(2, Buffer, child(2))
        .create(3, TextureTarget, owner(OwnerKind::EffectPipeline, 3));
    presents(&mut s, 10, 1, 4);
    s.at(100)
        .destroy(1, Texture, root(1))
        .destroy(2, Buffer, child(2))
        .destroy(3, TextureTarget, owner(OwnerKind::EffectPipeline, 3));
    presents(&mut s, 200, 5, 4);
    let r = ended(&s);
    assert_eq!(r.churn_sources.tied, 3);
    assert!(
        top_churn(&r).starts_with(
            "Top churn (beyond first creations and teardown): 3 owners tie at 1 each ("
        ),
        "{:?}",
        r.headline
    );
    // One more destroy and recreate breaks the tie.
    s.at(300)
        .create(4, Buffer, child(2))
        .destroy(4, Buffer, child(2));
    presents(&mut s, 400, 9, 4);
    let r = ended(&s);
    assert_eq!(r.churn_sources.tied, 1);
    assert!(
        top_churn(&r)
            .starts_with("Top churn (beyond first creations and teardown): ChildVisual 0x2 ("),
        "{:?}",
        r.headline
    );
}

#[test]
fn resources_live_after_teardown_are_named_per_owner_and_only_after_a_shutdown() {
    let mut s = Stream::new();
    for k in 0..3 {
        s.at(k).create(1 + k, Texture, root(1));
    }
    s.at(5).create(10, Buffer, child(2));
    presents(&mut s, 10, 1, 4);
    let cut = s.report();
    assert!(
        cut.headline.iter().all(|h| !h.starts_with("Likely leak")),
        "no shutdown, no leak verdict: {:?}",
        cut.headline
    );
    s.at(100).shutdown();
    let r = s.report();
    assert!(
        r.headline.iter().any(|h| h
            == "Likely leak: 4 resources still live after teardown: 3 Texture of RootVisual 0x1, 1 Buffer of ChildVisual 0x2."),
        "{:?}",
        r.headline
    );
}

#[test]
fn a_lane_with_nothing_presented_has_no_churn_ratio() {
    let mut s = Stream::new();
    presents(&mut s, 0, 1, 4);
    let lane2 = PacketRef::new(2, 1);
    s.at(10).queued(lane2);
    s.create_in(1, Texture, root(1), lane2)
        .stage(lane2, PacketStage::Failed);
    let r = ended(&s);
    let l2 = r.lanes.iter().find(|l| l.lane == 2).unwrap();
    assert_eq!(
        (l2.created, l2.churn_ratio, l2.recent.churn_ratio),
        (1, None, None)
    );
    let text = r.render_text(&TextOptions::default());
    let lanes = &text[text.find("\nLanes (").expect("a lanes section")..];
    let row = lanes
        .lines()
        .find(|l| l.trim_start().starts_with("2 "))
        .expect("lane 2's row");
    assert!(
        !row.contains("0.000"),
        "no ratio of nothing presented: {row}"
    );
}

// ---------------------------------------------------------------- the wgpu program's findings

#[test]
fn teardown_is_not_churn_and_never_short_lived() {
    // Resources created once and torn down after the marker: no churn source.
    let mut s = Stream::new();
    s.at(0)
        .create(1, Buffer, root(1))
        .create(2, Buffer, root(1));
    presents(&mut s, 1, 1, 4);
    s.at(70)
        .shutdown()
        .destroy(1, Buffer, root(1))
        .destroy(2, Buffer, root(1));
    let r = s.report();
    assert_eq!(
        r.totals.short_lived, 0,
        "teardown within 250 ms is not short-lived"
    );
    assert_eq!(r.churn_sources.sources, 0);
    assert!(
        top_churn(&r).starts_with("No churn source"),
        "{:?}",
        r.headline
    );
    assert_eq!(r.top_contributors[0].teardown, 2);
    // The same tail, inferred (clean end, no marker): the same answers.
    let mut t = Stream::new();
    t.at(0)
        .create(1, Buffer, root(1))
        .create(2, Buffer, root(1));
    presents(&mut t, 1, 1, 4);
    t.at(70)
        .destroy(1, Buffer, root(1))
        .destroy(2, Buffer, root(1));
    let r = ended(&t);
    assert_eq!(r.ending.shutdown, "inferred");
    assert_eq!((r.totals.short_lived, r.churn_sources.sources), (0, 0));
}

#[test]
fn presented_without_submit_is_an_anomaly_only_beside_submits() {
    let mut s = Stream::new();
    presents(&mut s, 0, 1, 3); // queued, submitted, presented
    s.at(60).queued(p(4)).present(p(4)); // never submitted
    let r = ended(&s);
    assert_eq!(r.anomalies.by_kind["presented-without-submit"], 1);
    let mut logs = Stream::new();
    for k in 1..=4 {
        logs.at(16 * k).present(p(k));
    }
    assert_eq!(ended(&logs).anomalies.total, 0);
}

// ---------------------------------------------------------------- windowed reports

#[test]
fn a_startup_report_tells_every_section_for_startup_or_says_it_is_whole_run() {
    let o = child(5);
    let mut s = Stream::new();
    s.at(0).create(1, Texture, o).create(2, Texture, o);
    // Startup churn: both replaced in packets that are not clean.
    for k in 0..2u64 {
        s.at(10 + 16 * k).queued(p(1 + k));
        s.destroy_in(1 + 2 * k, Texture, o, p(1 + k))
            .create_in(3 + 2 * k, Texture, o, p(1 + k));
        s.destroy_in(2 + 2 * k, Texture, o, p(1 + k))
            .create_in(4 + 2 * k, Texture, o, p(1 + k));
        s.stage(p(1 + k), PacketStage::Submitted).present(p(1 + k));
    }
    presents(&mut s, 60, 3, 4);
    // Steady: one more churn, and a leak.
    s.at(200)
        .destroy(5, Texture, o)
        .create(7, Texture, o)
        .create(8, Buffer, o);
    presents(&mut s, 220, 7, 4);
    let r = ended(&s).restrict(Window::Startup);
    let startup = w(&r, Window::Startup);
    assert_eq!(r.totals.created, startup.created_total());
    assert_eq!(r.totals.destroyed, startup.destroyed_total());
    assert_eq!(
        r.totals.live_at_end, startup.live_at_end,
        "live at the end of startup"
    );
    assert_eq!(r.totals.live_at_end, r.totals.created - r.totals.destroyed);
    // One owner, one count of its short-lived destroys, in both tables.
    let row = &r.top_contributors[0];
    assert_eq!(r.short_lived.top_owners[0].count, row.short_lived);
    assert!(r.whole_run.iter().any(|s| s == "lanes"));
    assert!(r.still_live.is_empty(), "the leak is no startup fact");
    assert!(
        r.headline.iter().all(|h| !h.contains("steady state")),
        "{:?}",
        r.headline
    );
    let text = r.render_text(&TextOptions::default());
    assert!(
        text.contains("\nLanes (1 total; recent = last W=120 packets) (whole run)\n"),
        "{text}"
    );
}
