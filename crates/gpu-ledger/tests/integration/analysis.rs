//! The analysis, end to end: hand-built event streams with hand-worked reports,
//! every DESIGN.md definition at its edges, destroy causes, anomalies, explain,
//! properties (windows partition the events, live equals offline, determinism)
//! and text-report snapshots.

use gpu_ledger::analysis::{Analyzer, Definitions, Report, ResourceStory, TextOptions, Window};

use crate::util::{MS, Stream};
use gpu_ledger::{
    Dims, Event, EventKind, EventSink, Marker, Owner, OwnerKind, PacketRef, PacketStage,
    PoolAction, Resource, ResourceAction, ResourceId, ResourceType,
};

fn owner(kind: OwnerKind, key: u64) -> Owner {
    Owner::new(kind, key)
}

fn root(key: u64) -> Owner {
    owner(OwnerKind::RootVisual, key)
}

fn child(key: u64) -> Owner {
    owner(OwnerKind::ChildVisual, key)
}

fn p(lane: u64, packet: u64) -> PacketRef {
    PacketRef::new(lane, packet)
}

fn w(r: &Report, window: Window) -> &gpu_ledger::analysis::WindowReport {
    r.window(window).expect("window present")
}

fn count(map: &std::collections::BTreeMap<String, u64>, key: &str) -> u64 {
    map.get(key).copied().unwrap_or(0)
}

/// An Ellipse-like run: startup churn with rebuilds, a steady state, a teardown.
fn ellipse_like() -> Stream {
    use ResourceType::*;
    let mut s = Stream::new();
    s.at(0)
        .create_sized(1, NativeTarget, root(0x100), 1000, 1000)
        .create(2, CommandQueue, root(0x100))
        .create(3, CommandQueue, child(0x1400))
        .create_sized(4, TextureTarget, child(0x1400), 500, 500);
    // Frame 1: a resize rebuilds the child's context: its queue and target are recreated.
    s.at(10)
        .stage(p(1, 1), PacketStage::Queued { command_id: 1 });
    s.destroy_in(3, CommandQueue, child(0x1400), p(1, 1))
        .destroy_in(4, TextureTarget, child(0x1400), p(1, 1))
        .create_in(5, TextureTarget, child(0x1400), p(1, 1))
        .rebuild(5, TextureTarget, child(0x1400), 1000, 1000)
        .create_in(6, CommandQueue, child(0x1400), p(1, 1));
    s.at(12)
        .stage(p(1, 1), PacketStage::Submitted)
        .at(16)
        .present(p(1, 1));
    // Frame 2: the child replaces its queue again.
    s.at(20)
        .destroy_in(6, CommandQueue, child(0x1400), p(1, 2))
        .create_in(7, CommandQueue, child(0x1400), p(1, 2));
    s.at(22).frame(p(1, 2), 10);
    // Frames 3..=7: clean, with per-frame command buffers.
    for (i, pk) in (3..=7u64).enumerate() {
        let t0 = 40 + 16 * i as u64;
        s.at(t0)
            .create_in(100 + pk, CommandBuffer, root(0x100), p(1, pk));
        s.at(t0 + 1)
            .destroy_in(100 + pk, CommandBuffer, root(0x100), p(1, pk));
        s.at(t0 + 2).frame(p(1, pk), 4);
    }
    // Teardown.
    s.at(200).shutdown();
    s.destroy(7, CommandQueue, child(0x1400))
        .destroy(5, TextureTarget, child(0x1400))
        .destroy(2, CommandQueue, root(0x100))
        .destroy(1, NativeTarget, root(0x100));
    s
}

// ---------------------------------------------------------------- windows

/// A create outside any packet, then presents every 16 ms.
fn presents_after_a_create(presents: u64) -> Stream {
    let mut s = Stream::new();
    s.at(0).create(1, ResourceType::CommandQueue, root(1));
    for pk in 1..=presents {
        s.at(16 * pk).present(p(1, pk));
    }
    s
}

#[test]
fn startup_ends_at_the_first_of_k_clean_presents() {
    let r = presents_after_a_create(4).report();
    // The first present follows the create (not clean); presents 2, 3, 4 are clean.
    assert!(r.startup.stabilised);
    assert_eq!(r.startup.frames_presented, 1);
    assert_eq!(r.startup.stabilisation_ms, Some(32.0));
    assert_eq!(r.startup.end_ns, Some(32 * MS));
    assert_eq!(r.startup.stable_present_seq, Some(2));
    let (startup, steady, shutdown) = (
        w(&r, Window::Startup),
        w(&r, Window::Steady),
        w(&r, Window::Shutdown),
    );
    assert_eq!((startup.events, steady.events, shutdown.events), (2, 3, 0));
    assert_eq!((startup.start_ns, startup.end_ns), (Some(0), Some(32 * MS)));
    assert_eq!(
        (steady.start_ns, steady.end_ns),
        (Some(32 * MS), Some(64 * MS))
    );
    assert_eq!((shutdown.start_ns, shutdown.end_ns), (None, None));
    assert_eq!(
        r.headline[0],
        "Startup presented 1 frame in 32.0 ms before stabilising (K=3 clean presents)."
    );
}

#[test]
fn k_minus_one_clean_presents_never_stabilise() {
    let s = presents_after_a_create(3);
    let a = s.analyze_with(Definitions::default());
    assert!(!a.is_startup_complete());
    assert_eq!(a.startup_end_ns(), None);
    let r = a.report();
    assert!(!r.startup.stabilised);
    assert_eq!(
        r.startup.frames_presented, 3,
        "startup runs to the last present"
    );
    assert_eq!(r.startup.stabilisation_ms, None);
    assert_eq!(w(&r, Window::Steady).events, 0);
    assert_eq!(
        r.startup.note,
        "never stabilised: no run of 3 consecutive clean presents"
    );
    assert_eq!(
        r.headline[0],
        "Startup never stabilised: 3 frames presented without a run of K=3 clean presents."
    );
    // With K = 2 the same stream stabilises at the second present.
    let mut defs = Definitions::default();
    defs.stable_presents = 2;
    let a = s.analyze_with(defs);
    assert!(a.is_startup_complete());
    assert_eq!(a.startup_end_ns(), Some(32 * MS));
    assert_eq!(a.report().definitions.stable_presents, 2);
}

#[test]
fn transient_churn_does_not_break_stability() {
    use ResourceType::*;
    let mut s = presents_after_a_create(1);
    for pk in 2..=6u64 {
        let t = 16 * pk;
        s.at(t - 8)
            .create_in(100 + pk, CommandBuffer, root(1), p(1, pk))
            .destroy_in(100 + pk, CommandBuffer, root(1), p(1, pk))
            .create(200 + pk, Texture, owner(OwnerKind::Transient, 9))
            .destroy(200 + pk, Texture, owner(OwnerKind::Transient, 9));
        if pk == 3 {
            // A non-transient create on the lane: present 3 is not clean.
            s.create_in(300, TextureTarget, child(2), p(1, pk));
        }
        s.at(t).present(p(1, pk));
    }
    let r = s.report();
    // Presents 1 and 3 are not clean; 4, 5, 6 are: startup is presents 1..=3.
    assert!(r.startup.stabilised);
    assert_eq!(r.startup.frames_presented, 3);
    assert_eq!(r.startup.stabilisation_ms, Some(64.0));
    // Transient resources are still counted like everything else.
    assert_eq!(r.totals.created, 1 + 5 + 5 + 1);
    // Presents 4..=6 are steady; the buffers of packet 4 came before its present.
    assert_eq!(count(&w(&r, Window::Steady).created, "CommandBuffer"), 2);
}

#[test]
fn churn_on_another_lane_does_not_dirty_this_lane() {
    let mut s = presents_after_a_create(1);
    s.at(20)
        .create_in(5, ResourceType::TextureTarget, child(2), p(2, 10));
    for pk in 2..=4 {
        s.at(16 * pk).present(p(1, pk));
    }
    let r = s.report();
    assert_eq!(r.startup.frames_presented, 1);
    assert_eq!(r.startup.stable_present_seq, Some(3));
    // Outside any packet, churn dirties every lane.
    let mut s = presents_after_a_create(1);
    s.at(20).create(5, ResourceType::TextureTarget, child(2));
    for pk in 2..=4 {
        s.at(16 * pk).present(p(1, pk));
    }
    assert!(!s.report().startup.stabilised);
}

#[test]
fn shutdown_starts_at_the_marker() {
    use ResourceType::*;
    let mut s = presents_after_a_create(4);
    s.at(70).create(2, Texture, root(1));
    s.at(80)
        .shutdown()
        .at(81)
        .present(p(1, 5))
        .at(82)
        .destroy(1, CommandQueue, root(1));
    let r = s.report();
    let (steady, shutdown) = (w(&r, Window::Steady), w(&r, Window::Shutdown));
    // Steady: presents 2..=4 and the create after them (the marker decides, not the last present).
    assert_eq!(
        (
            steady.events,
            steady.packets.presented,
            count(&steady.created, "Texture")
        ),
        (4, 3, 1)
    );
    assert_eq!((shutdown.events, shutdown.packets.presented), (3, 1));
    assert_eq!(
        (shutdown.start_ns, shutdown.end_ns),
        (Some(80 * MS), Some(82 * MS))
    );
    assert_eq!(steady.end_ns, Some(80 * MS));
    assert_eq!(r.destroy_causes.by_type["CommandQueue"].shutdown, 1);
    let example = &r.destroy_causes.examples[0];
    assert_eq!(
        (example.cause.as_str(), example.window.as_str()),
        ("shutdown", "shutdown")
    );
    assert_eq!(example.evidence[0].seq, 6, "the marker is the evidence");
    assert_eq!(example.evidence[0].what, "shutdown marker");
}

#[test]
fn without_a_marker_shutdown_starts_after_the_last_present() {
    use ResourceType::*;
    let mut s = presents_after_a_create(4);
    s.at(70).destroy(1, CommandQueue, root(1)).clean_end();
    let r = s.report();
    let shutdown = w(&r, Window::Shutdown);
    assert_eq!(
        (shutdown.events, count(&shutdown.destroyed, "CommandQueue")),
        (2, 1),
        "the destroy and the clean end"
    );
    assert_eq!(shutdown.start_ns, Some(70 * MS));
    assert_eq!(
        w(&r, Window::Steady).end_ns,
        Some(70 * MS),
        "steady ends where shutdown starts"
    );
    let c = r.destroy_causes.examples[0].evidence[0].clone();
    assert_eq!(
        (c.seq, c.what.as_str()),
        (
            4,
            "after the last presented packet, in a stream that ended cleanly (shutdown inferred)"
        )
    );
    assert_eq!(
        (
            r.ending.shutdown.as_str(),
            r.ending.shutdown_from_seq,
            r.ending.clean_end
        ),
        ("inferred", Some(4), true)
    );
    assert!(
        r.headline[1].starts_with(
            "No shutdown marker: shutdown inferred after the last present at 64.000 ms"
        ),
        "{:?}",
        r.headline
    );
    // A present after it turns the same stretch into steady state (live report vs later).
    s.at(90).present(p(1, 5)).clean_end();
    let r = s.report();
    assert_eq!(w(&r, Window::Shutdown).events, 1, "only the clean end");
    assert_eq!(count(&w(&r, Window::Steady).destroyed, "CommandQueue"), 1);
}

#[test]
fn a_tail_is_teardown_only_when_the_stream_ended_cleanly_and_quietly() {
    use ResourceType::*;
    let tail = |end: &dyn Fn(&mut Stream)| {
        let mut s = presents_after_a_create(4);
        s.at(70).destroy(1, CommandQueue, root(1));
        end(&mut s);
        s.report()
    };
    // Cut (no clean-end record): the run ended without a shutdown.
    let cut = tail(&|_| {});
    assert_eq!(w(&cut, Window::Shutdown).events, 0);
    assert_eq!(count(&w(&cut, Window::Steady).destroyed, "CommandQueue"), 1);
    assert_eq!(
        (
            cut.ending.shutdown.as_str(),
            cut.ending.ended,
            cut.ending.clean_end
        ),
        ("none", true, false)
    );
    assert_eq!(
        cut.ending.reasons,
        ["no clean-end record: the trace was cut or its producer did not finish (crash, kill)"]
    );
    assert_eq!(
        cut.headline[1],
        "The run ended without a shutdown: no clean-end record: the trace was cut or its producer did not finish (crash, kill). What followed the last present counts as steady state, not as teardown."
    );
    assert_eq!(cut.destroy_causes.by_type["CommandQueue"].shutdown, 0);
    // Ended cleanly, but a packet was queued after the last present.
    let queued = tail(&|s| {
        s.stage(p(1, 5), PacketStage::Queued { command_id: 5 })
            .clean_end();
    });
    assert_eq!(w(&queued, Window::Shutdown).events, 0);
    assert_eq!(
        queued.ending.reasons,
        ["1 packet stage (queued, submitted, dropped or failed) after the last present"]
    );
    // Ended cleanly, but the tail recreates what it destroys: a storm, not teardown.
    let storm = tail(&|s| {
        s.create(2, CommandQueue, root(1))
            .destroy(2, CommandQueue, root(1))
            .create(3, CommandQueue, root(1))
            .clean_end();
    });
    assert_eq!(w(&storm, Window::Shutdown).events, 0);
    assert_eq!(
        storm.ending.reasons,
        ["2 recreates after the last present: a storm, not a teardown"]
    );
    // A live report (no finish yet) says the stream has not ended, and no headline of it.
    let mut live = Analyzer::default();
    for e in &presents_after_a_create(4).events {
        live.on_event(e);
    }
    let r = live.report();
    assert_eq!(
        (r.ending.shutdown.as_str(), r.ending.ended),
        ("none", false)
    );
    assert!(
        r.headline.iter().all(|h| !h.contains("ended without")),
        "{:?}",
        r.headline
    );
}

#[test]
fn without_presents_everything_is_startup() {
    use ResourceType::*;
    let mut s = Stream::new();
    s.at(0)
        .create(1, CommandQueue, root(1))
        .at(5)
        .destroy(1, CommandQueue, root(1));
    let r = s.report();
    assert_eq!(w(&r, Window::Startup).events, 2);
    assert_eq!(w(&r, Window::Shutdown).events, 0);
    assert_eq!(r.totals.churn_ratio, None);
    assert_eq!(
        r.headline[0],
        "No frames were presented: this stream has no packet information, so startup cannot be measured."
    );
    assert_eq!(
        r.startup.note,
        "no presented packets: this stream has no packet information"
    );
}

// ---------------------------------------------------------------- definitions at their edges

/// `cycles` destroy-then-create cycles of (ChildVisual 0x1400, TextureTarget) at the given ms.
fn recreates_at(times_ms: &[u64]) -> Report {
    let ty = ResourceType::TextureTarget;
    let mut s = Stream::new();
    s.at(0).create(1, ty, child(0x1400));
    for (i, &t) in times_ms.iter().enumerate() {
        let id = i as u64 + 1;
        s.at(t)
            .destroy(id, ty, child(0x1400))
            .create(id + 1, ty, child(0x1400));
    }
    s.report()
}

#[test]
fn recreate_loops_need_r_cycles_within_t() {
    let below = recreates_at(&[100, 600]);
    assert!(below.recreate_loops.is_empty(), "R-1 cycles are no loop");
    assert_eq!(below.totals.recreate_loop_keys, 0);
    let at = recreates_at(&[100, 600, 1100]);
    assert_eq!(at.totals.recreate_loop_keys, 1);
    let l = &at.recreate_loops[0];
    assert_eq!(
        (
            l.owner_kind.as_str(),
            l.owner_key,
            l.resource_type.as_str(),
            l.recreates,
            l.loop_cycles
        ),
        ("ChildVisual", 0x1400, "TextureTarget", 3, 1)
    );
    assert_eq!(
        (
            l.first_loop_ns,
            l.first_loop_seq,
            l.window.as_str(),
            l.transient
        ),
        (1100 * MS, 6, "startup", false)
    );
    assert!(at.headline.iter().any(|h| h
        == "Recreate loop: ChildVisual 0x1400 recreated its TextureTarget 3 times, 3 or more within 1000.0 ms (first in startup)."));
    // R cycles spanning just over T are no loop.
    let mut s = Stream::new();
    s.at(0)
        .create(1, ResourceType::TextureTarget, child(0x1400));
    for (i, t) in [100 * MS, 600 * MS, 1100 * MS + 1].into_iter().enumerate() {
        let id = i as u64 + 1;
        s.at_ns(t)
            .destroy(id, ResourceType::TextureTarget, child(0x1400))
            .create(id + 1, ResourceType::TextureTarget, child(0x1400));
    }
    assert!(s.report().recreate_loops.is_empty());
}

#[test]
fn short_lived_by_time_is_inclusive_at_x() {
    let ty = ResourceType::Texture;
    let mut s = Stream::new();
    s.at(0).create(1, ty, root(1)).create(2, ty, root(1));
    s.at(250).destroy(1, ty, root(1));
    s.at_ns(250 * MS + 1).destroy(2, ty, root(1));
    let r = s.report();
    assert_eq!(
        r.short_lived.count, 1,
        "exactly X is short-lived, X + 1 ns is not"
    );
    assert_eq!(count(&r.short_lived.by_type, "Texture"), 1);
    assert_eq!(r.short_lived.top_owners[0].count, 1);
}

#[test]
fn short_lived_by_packets_is_inclusive_at_n() {
    let ty = ResourceType::Texture;
    let mut s = Stream::new();
    s.at(0)
        .create_in(1, ty, root(1), p(1, 1))
        .create_in(2, ty, root(1), p(1, 1));
    for pk in 1..=3 {
        s.at(200 * pk).present(p(1, pk));
        if pk == 2 {
            s.at(450).destroy(1, ty, root(1)); // 2 packets finished since its create
        }
    }
    s.at(650).destroy(2, ty, root(1)); // 3 packets
    let r = s.report();
    assert_eq!(r.short_lived.count, 1);
    let story = {
        let mut story = ResourceStory::new(ResourceId(1), Definitions::default());
        s.feed(&mut story);
        story.story()
    };
    assert!(story.destroyed.expect("destroyed").short_lived);
}

// ---------------------------------------------------------------- destroy causes

fn causes(r: &Report, ty: &str) -> [u64; 5] {
    let c = r
        .destroy_causes
        .by_type
        .get(ty)
        .copied()
        .unwrap_or_default();
    [
        c.rebuild,
        c.replaced,
        c.shutdown,
        c.owner_removed,
        c.unknown,
    ]
}

fn example_cause(r: &Report, resource: u64) -> (String, Vec<u64>) {
    let e = r
        .destroy_causes
        .examples
        .iter()
        .find(|e| e.resource_id == resource)
        .unwrap_or_else(|| panic!("no example for {resource}"));
    (e.cause.clone(), e.evidence.iter().map(|i| i.seq).collect())
}

#[test]
fn rebuild_cause_looks_back_and_ahead_within_the_window() {
    use ResourceType::*;
    let o = child(1);
    let mut s = Stream::new();
    s.at(0)
        .create(1, TextureTarget, o)
        .create(2, CommandQueue, o)
        .create(3, CommandQueue, o)
        .create(4, CommandQueue, o);
    s.at(10).rebuild(1, TextureTarget, o, 1000, 1000); // #4
    s.at_ns(10 * MS + 500_000).destroy(2, CommandQueue, o); // 0.5 ms after: rebuild
    s.at(20).destroy(3, CommandQueue, o); // #6
    s.at_ns(21 * MS).rebuild(1, TextureTarget, o, 500, 500); // #7, 1 ms after: rebuild
    s.at(40).destroy(4, CommandQueue, o);
    s.at_ns(41 * MS + 1).rebuild(1, TextureTarget, o, 400, 400); // 1 ms + 1 ns after: not
    let r = s.report();
    assert_eq!(causes(&r, "CommandQueue"), [2, 0, 0, 0, 1]);
    assert_eq!(example_cause(&r, 2), ("rebuild".to_owned(), vec![4]));
    assert_eq!(example_cause(&r, 3), ("rebuild".to_owned(), vec![7]));
    assert_eq!(example_cause(&r, 4), ("unknown".to_owned(), vec![]));
    assert_eq!(r.reuse.resize_rebuilds.total, 3);
}

#[test]
fn replaced_cause_pairs_creates_and_destroys_one_to_one() {
    use ResourceType::*;
    let o = child(1);
    let mut s = Stream::new();
    s.at(0)
        .create(1, Texture, o)
        .create(2, CommandQueue, o)
        .create(3, CommandQueue, o);
    s.at(10).destroy(2, CommandQueue, o); // #3: replaced by #5 (look-ahead)
    s.at(11).destroy(3, CommandQueue, o); // #4: only one create follows: not replaced
    s.at(60).create(4, CommandQueue, o); // #5
    s.at(300)
        .create(5, CommandQueue, o)
        .destroy(4, CommandQueue, o); // #6, #7: replaced by #6 (look-back)
    s.at(500).destroy(5, CommandQueue, o); // #8
    s.at_ns(600 * MS + 1).create(6, CommandQueue, o); // 100 ms + 1 ns later: too late
    let r = s.report();
    assert_eq!(causes(&r, "CommandQueue"), [0, 2, 0, 0, 2]);
    assert_eq!(example_cause(&r, 2), ("replaced".to_owned(), vec![5]));
    assert_eq!(example_cause(&r, 3), ("unknown".to_owned(), vec![]));
    assert_eq!(example_cause(&r, 4), ("replaced".to_owned(), vec![6]));
    assert_eq!(example_cause(&r, 5), ("unknown".to_owned(), vec![]));
}

#[test]
fn owner_removed_when_the_owner_empties_or_loses_its_visual() {
    use ResourceType::*;
    let mut s = Stream::new();
    // Owner A empties: both its destroys are owner-removed, evidence the last destroy.
    s.at(0)
        .create(1, CommandQueue, child(0xa))
        .create(2, TextureTarget, child(0xa));
    s.at(5)
        .destroy(1, CommandQueue, child(0xa))
        .destroy(2, TextureTarget, child(0xa)); // #2, #3
    // Owner B keeps a scratch texture but its visual (owned under its key) goes.
    s.at(300)
        .create(3, Visual, child(0xb))
        .create(4, CommandQueue, child(0xb))
        .create(5, Texture, child(0xb));
    s.at(305)
        .destroy(4, CommandQueue, child(0xb))
        .destroy(3, Visual, child(0xb)); // #7, #8
    let r = s.report();
    assert_eq!(example_cause(&r, 1), ("owner-removed".to_owned(), vec![3]));
    assert_eq!(example_cause(&r, 2), ("owner-removed".to_owned(), vec![3]));
    assert_eq!(example_cause(&r, 4), ("owner-removed".to_owned(), vec![8]));
    assert_eq!(example_cause(&r, 3), ("unknown".to_owned(), vec![]));
    let e = r
        .destroy_causes
        .examples
        .iter()
        .find(|e| e.resource_id == 4)
        .unwrap();
    assert_eq!(e.evidence[0].what, "destroy of the owner's visual 3");
}

#[test]
fn every_destroy_gets_exactly_one_cause() {
    let r = ellipse_like().report();
    for window in Window::ALL {
        let win = w(&r, window);
        for (ty, destroyed) in &win.destroyed {
            let total = win.destroy_causes.get(ty).map_or(0, |c| c.total());
            assert_eq!(total, *destroyed, "{ty} in {window:?}");
        }
    }
    // The plan's second exit question, for the command queues.
    assert_eq!(causes(&r, "CommandQueue"), [1, 1, 2, 0, 0]);
    assert_eq!(
        r.headline[1],
        "4 CommandQueue destroyed: 2 in shutdown (teardown), 1 by rebuild in startup, 1 replaced in startup."
    );
}

// ---------------------------------------------------------------- anomalies

#[test]
fn anomalies_are_counted_with_examples_and_never_fatal() {
    use ResourceType::*;
    let mut s = Stream::new();
    s.at(0).destroy(9, CommandQueue, root(1)); // #0 unknown id
    s.create(1, CommandQueue, root(1))
        .destroy(1, CommandQueue, root(1)); // #1, #2
    s.destroy(1, CommandQueue, root(1)); // #3 double destroy
    s.create(2, Texture, root(1)).create(2, Texture, root(1)); // #4, #5 create of a live id
    s.destroy(2, Buffer, root(1)); // #6 type mismatch
    s.rebuild(7, Texture, root(1), 1, 1).touch(p(1, 1), 8); // #7, #8 unknown ids
    s.stage(p(1, 1), PacketStage::Submitted)
        .stage(p(1, 1), PacketStage::Queued { command_id: 0 }); // #10 backwards
    s.stage(p(1, 1), PacketStage::Submitted); // #11 duplicate
    s.present(p(1, 1)).present(p(1, 1)); // #13 after terminal
    s.stage(p(1, 1), PacketStage::Completed); // late completion: fine
    let r = s.report();
    let by_kind: Vec<(&str, u64)> = r
        .anomalies
        .by_kind
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        by_kind,
        vec![
            ("create-live-id", 1),
            ("destroy-before-submit", 0),
            ("destroy-in-flight", 0),
            ("destroy-type-mismatch", 1),
            ("destroy-unknown-id", 1),
            ("double-destroy", 1),
            ("event-unknown-id", 2),
            ("packet-after-terminal", 1),
            ("packet-duplicate-stage", 1),
            ("packet-stage-backwards", 1),
            ("presented-without-submit", 0),
            ("use-after-destroy", 0),
        ]
    );
    assert_eq!(r.anomalies.total, 9);
    let seqs: Vec<u64> = r.anomalies.examples.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, vec![0, 3, 5, 6, 7, 8, 10, 11, 13]);
    let backwards = &r.anomalies.examples[6];
    assert_eq!(
        (backwards.lane, backwards.packet, backwards.resource_id),
        (Some(1), Some(1), None)
    );
    // The unknown-id destroy counts; the double destroy does not; one present counted.
    assert_eq!(
        (r.totals.created, r.totals.destroyed, r.totals.presented),
        (3, 3, 1)
    );
    assert!(
        r.headline
            .iter()
            .any(|h| h == "Warning: 9 anomalies in the input (see Anomalies).")
    );
}

#[test]
fn lost_events_are_reported_in_every_report() {
    let mut s = presents_after_a_create(2);
    s.push(EventKind::Lost { count: 12 });
    let r = s.report();
    assert_eq!(r.lost_events, 12);
    assert!(
        r.headline
            .iter()
            .any(|h| h == "Warning: the recorder lost 12 events; every count may be low.")
    );
    assert!(
        r.render_text(&TextOptions::default())
            .ends_with("\nLost events: 12\n")
    );
}

// ---------------------------------------------------------------- lanes, packets, reuse

#[test]
fn lanes_report_outcomes_latency_and_the_rolling_window() {
    use ResourceType::*;
    let mut s = Stream::new();
    for (pk, lat) in [(1u64, 2u64), (2, 4), (3, 6), (4, 8)] {
        s.at(20 * pk);
        if pk == 3 {
            s.create_in(50, TextureTarget, child(1), p(1, 3)).create_in(
                51,
                TextureTarget,
                child(1),
                p(1, 3),
            );
        }
        s.frame(p(1, pk), lat);
    }
    s.at(100)
        .stage(p(1, 5), PacketStage::Queued { command_id: 5 })
        .stage(p(1, 5), PacketStage::Dropped);
    s.stage(p(2, 20), PacketStage::NoOp)
        .stage(p(2, 21), PacketStage::Failed);
    s.stage(p(2, 22), PacketStage::Queued { command_id: 22 })
        .stage(p(2, 22), PacketStage::Submitted);
    let mut defs = Definitions::default();
    defs.lane_window_packets = 3;
    let r = s.report_with(defs);
    assert_eq!(r.lanes.len(), 2);
    let l1 = &r.lanes[0];
    assert_eq!(
        (
            l1.lane,
            l1.packets.presented,
            l1.packets.dropped,
            l1.in_flight
        ),
        (1, 4, 1, 0)
    );
    assert_eq!(
        (l1.created, l1.destroyed, l1.churn_ratio),
        (2, 0, Some(0.5))
    );
    let lat = &l1.latency;
    assert_eq!(
        (lat.samples, lat.mean_ms, lat.max_ms),
        (4, Some(5.0), Some(8.0))
    );
    assert_eq!(
        (lat.recent_samples, lat.p50_ms, lat.p95_ms),
        (3, Some(6.0), Some(8.0))
    );
    // The last 3 finished packets: 3 (2 creates, presented), 4 (presented), 5 (dropped).
    let recent = &l1.recent;
    assert_eq!(
        (
            recent.packets,
            recent.presented,
            recent.churn,
            recent.churn_ratio
        ),
        (3, 2, 2, Some(1.0))
    );
    let l2 = &r.lanes[1];
    assert_eq!(
        (l2.lane, l2.packets.noop, l2.packets.failed, l2.in_flight),
        (2, 1, 1, 1)
    );
    assert_eq!((l2.churn_ratio, l2.latency.p50_ms), (None, None));
    // Presents 1, 2, 4 are clean, 3 is not: never stable. Packets were queued after
    // the last present, so no shutdown is inferred: everything is startup.
    let (startup, shutdown) = (w(&r, Window::Startup), w(&r, Window::Shutdown));
    assert_eq!(
        (
            startup.packets.queued,
            startup.packets.submitted,
            startup.packets.dropped
        ),
        (6, 5, 1)
    );
    assert_eq!(shutdown.events, 0);
    assert_eq!(r.ending.shutdown, "none");
}

#[test]
fn per_packet_counts_and_the_busiest_packet() {
    let r = ellipse_like().report();
    let pp = &r.per_packet;
    assert_eq!((pp.packets_finished, pp.packets_with_churn), (7, 7));
    assert_eq!((pp.created_in_packets, pp.created_outside_packets), (8, 4));
    assert_eq!(
        (pp.destroyed_in_packets, pp.destroyed_outside_packets),
        (8, 4)
    );
    assert_eq!(pp.created_per_presented, Some(1.143));
    let max = pp.max_created.expect("a busiest packet");
    assert_eq!((max.lane, max.packet, max.count), (1, 1, 2));
}

#[test]
fn reuse_counts_targets_rebuilds_pools_and_candidate_pools() {
    use ResourceType::*;
    let pool = owner(OwnerKind::Other(gpu_ledger::Name(0)), 0x77);
    let mut s = Stream::new();
    s.at(0)
        .create_sized(1, NativeTarget, root(1), 1000, 1000)
        .create(10, CommandQueue, root(1))
        .bind(10, CommandQueue, root(1))
        .bind(10, CommandQueue, root(1));
    s.create_sized(2, NativeTarget, root(2), 500, 500)
        .destroy(2, NativeTarget, root(2));
    s.create_sized(3, NativeTarget, root(2), 500, 500);
    s.rebuild(1, NativeTarget, root(1), 1000, 1000)
        .rebuild(1, NativeTarget, root(1), 800, 600);
    s.rebuild(10, CommandQueue, root(1), 1, 1);
    for (i, action) in [
        PoolAction::Miss,
        PoolAction::Hit,
        PoolAction::Hit,
        PoolAction::Hit,
    ]
    .into_iter()
    .enumerate()
    {
        s.at(i as u64).push(EventKind::Pool {
            action,
            ty: Buffer,
            owner: pool,
            dims: None,
        });
    }
    for i in 0..4u64 {
        s.at(10 + i)
            .create_sized(100 + i, Texture, owner(OwnerKind::Transient, 5), 256, 256)
            .destroy(100 + i, Texture, owner(OwnerKind::Transient, 5));
    }
    for pk in 1..=3 {
        s.at(20 + pk).present(p(1, pk));
    }
    s.at(30).destroy(10, CommandQueue, root(1));
    let mut a = Analyzer::default();
    a.on_name(gpu_ledger::Name(0), "BufferPool");
    s.feed(&mut a);
    let r = a.report();
    let nt = r.reuse.native_targets;
    // 1 and 3 lived across the 3 presents (reused), 2 did not; 3 recreated 2.
    assert_eq!(
        (
            nt.created,
            nt.recreated,
            nt.reused,
            nt.single_use,
            nt.reuse_rate
        ),
        (3, 1, 2, 1, Some(0.667))
    );
    assert_eq!(r.reuse.queue_reuse_hit_rate, Some(1.0));
    let rb = r.reuse.resize_rebuilds;
    assert_eq!(
        (rb.total, rb.resized, rb.same_size, rb.unknown_size),
        (3, 1, 1, 1)
    );
    assert_eq!(r.reuse.pools.len(), 1);
    let p0 = &r.reuse.pools[0];
    assert_eq!(
        (
            p0.owner_kind.as_str(),
            p0.owner_key,
            p0.resource_type.as_str()
        ),
        ("BufferPool", 0x77, "Buffer")
    );
    assert_eq!((p0.hits, p0.misses, p0.hit_rate), (3, 1, Some(0.75)));
    assert_eq!(r.reuse.candidate_pools.len(), 1);
    let c = &r.reuse.candidate_pools[0];
    assert_eq!(
        (c.resource_type.as_str(), c.width, c.height),
        ("Texture", 256, 256)
    );
    assert_eq!(
        (
            c.would_be_hits,
            c.churn_removed,
            c.churn_removed_pct,
            c.pool_size
        ),
        (3, 6, Some(75.0), 1)
    );
}

// ---------------------------------------------------------------- windows in detail

#[test]
fn windows_count_types_lifetimes_and_bursts() {
    let r = ellipse_like().report();
    let startup = w(&r, Window::Startup);
    let got: Vec<(&str, u64)> = startup
        .created
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        got,
        vec![
            ("CommandBuffer", 1),
            ("CommandQueue", 4),
            ("NativeTarget", 1),
            ("TextureTarget", 2)
        ]
    );
    assert_eq!(count(&startup.destroyed, "CommandQueue"), 2);
    assert_eq!(
        startup.avg_destroyed_lifetime_ms["CommandQueue"],
        Some(10.0)
    );
    assert_eq!(startup.avg_destroyed_lifetime_ms["NativeTarget"], None);
    let bursts: Vec<(u64, u64)> = startup
        .destroy_bursts
        .iter()
        .map(|b| (b.bucket_start_ns / MS, b.count))
        .collect();
    assert_eq!(bursts, vec![(10, 2), (20, 1), (41, 1)]);
    let shutdown = w(&r, Window::Shutdown);
    assert_eq!(shutdown.destroy_bursts[0].count, 4);
    assert_eq!(
        shutdown.avg_destroyed_lifetime_ms["CommandQueue"],
        Some(190.0)
    );
    assert_eq!((startup.start_ns, startup.end_ns), (Some(0), Some(46 * MS)));
    assert_eq!(startup.churn_ratio, Some(6.0));
    assert_eq!(w(&r, Window::Steady).churn_ratio, Some(1.6));
    assert_eq!(shutdown.churn_ratio, None);
    assert_eq!(r.totals.churn_ratio, Some(3.429));
}

#[test]
fn a_report_restricted_to_a_window_describes_that_window() {
    let r = ellipse_like().report();
    let s = r.restrict(Window::Startup);
    assert_eq!(s.window_filter.as_deref(), Some("startup"));
    assert!(s.windows.steady.is_none() && s.windows.shutdown.is_none());
    assert_eq!(
        (s.totals.created, s.totals.destroyed, s.totals.presented),
        (8, 4, 2)
    );
    let top = &s.top_contributors[0];
    assert_eq!(
        (
            top.owner_kind.as_str(),
            top.created,
            top.destroyed,
            top.transient
        ),
        ("ChildVisual", 5, 3, 0)
    );
    assert!(
        s.recreate_loops.is_empty(),
        "the command-buffer loop starts in steady state"
    );
    assert!(
        s.destroy_causes
            .examples
            .iter()
            .all(|e| e.window == "startup")
    );
    let json: serde_json::Value = serde_json::from_str(&s.to_json_string()).expect("json");
    let windows: Vec<&String> = json["windows"]
        .as_object()
        .expect("windows")
        .keys()
        .collect();
    assert_eq!(windows, vec!["startup"]);
    assert!(
        s.render_text(&TextOptions::default())
            .starts_with("gpu-ledger report: 21 events, startup window only; times in ms since the stream started, first event at 0.000\n")
    );
    // The three restricted reports partition the whole.
    let events: u64 = Window::ALL
        .iter()
        .map(|&win| r.restrict(win).totals.events)
        .sum();
    assert_eq!(events, r.totals.events);
}

// ---------------------------------------------------------------- explain

fn story_of(s: &Stream, id: u64) -> gpu_ledger::analysis::Story {
    let mut story = ResourceStory::new(ResourceId(id), Definitions::default());
    s.feed(&mut story);
    story.story()
}

#[test]
fn explain_tells_a_rebuilt_queue_story() {
    let story = story_of(&ellipse_like(), 3);
    let expected = concat!(
        "Resource 3: CommandQueue owned by ChildVisual 0x1400; times in ms since the stream started, first event at 0.000\n",
        "  created    #2 at 0.000 ms in startup\n",
        "  binds      0 binds, 0 unbinds\n",
        "  packets    1 touches: 1/1\n",
        "  destroyed  #5 at 10.000 ms in startup, lane 1 packet 1: rebuild\n",
        "    evidence #8 ResizeRebuild of resource 5 by the same owner\n",
        "  lifetime   10.000 ms (short-lived)\n",
    );
    assert_eq!(story.render_text(), expected);
    let json: serde_json::Value = serde_json::from_str(&story.to_json_string()).expect("json");
    assert_eq!(json["destroyed"]["cause"], "rebuild");
    assert_eq!(json["destroyed"]["evidence"][0]["seq"], 8);
    assert_eq!(json["created"]["window"], "startup");
}

#[test]
fn explain_tells_a_teardown_story_with_rebuilds() {
    let story = story_of(&ellipse_like(), 5);
    let expected = concat!(
        "Resource 5: TextureTarget owned by ChildVisual 0x1400; times in ms since the stream started, first event at 0.000\n",
        "  created    #7 at 10.000 ms in startup, lane 1 packet 1\n",
        "  rebuilt    #8 at 10.000 ms in startup, 1000x1000 @2\n",
        "  binds      0 binds, 0 unbinds\n",
        "  packets    1 touches: 1/1\n",
        "  destroyed  #44 at 200.000 ms in shutdown: shutdown\n",
        "    evidence #42 shutdown marker\n",
        "    evidence #44 the destroy that left the owner with no live resource\n",
        "  lifetime   190.000 ms\n",
    );
    assert_eq!(story.render_text(), expected);
    assert_eq!(story.rebuild_count, 1);
}

#[test]
fn explain_reports_unknown_and_live_resources() {
    let s = ellipse_like();
    assert!(!story_of(&s, 999).found);
    let mut live = s.clone();
    live.events.truncate(44); // stop before the teardown destroys
    let story = story_of(&live, 1);
    assert!(story.live_at_end && story.destroyed.is_none());
    assert!(
        story
            .render_text()
            .contains("  destroyed  never: live at the end of the stream\n")
    );
    let mut bad = Stream::new();
    bad.destroy(4, ResourceType::Fence, root(1))
        .destroy(4, ResourceType::Fence, root(1));
    let story = story_of(&bad, 4);
    assert_eq!(
        story.anomalies,
        vec![
            "destroyed at #0 without a create in the stream".to_owned(),
            "destroyed again at #1".to_owned()
        ]
    );
}

// ---------------------------------------------------------------- JSON and text

#[test]
fn json_follows_the_design_contract() {
    let r = ellipse_like().report();
    let v: serde_json::Value = serde_json::from_str(&r.to_json_string()).expect("valid json");
    assert_eq!(v["format"], "gpu-ledger-report");
    assert_eq!(v["version"], 1);
    for path in [
        "/totals/created",
        "/totals/destroyed",
        "/totals/presented",
        "/totals/churn_ratio",
        "/startup/frames_presented",
        "/startup/stabilisation_ms",
        "/top_contributors/0/owner_kind",
        "/top_contributors/0/owner_key",
        "/top_contributors/0/created",
        "/top_contributors/0/destroyed",
        "/recreate_loops",
        "/lanes/0/latency/p95_ms",
        "/reuse/native_targets/reused",
        "/reuse/queue_reuse_hit_rate",
        "/reuse/resize_rebuilds/total",
        "/reuse/pools",
        "/reuse/candidate_pools",
        "/anomalies/by_kind",
        "/lost_events",
        "/definitions/stable_presents",
        "/destroy_causes/by_type/CommandQueue/owner-removed",
        "/headline/0",
    ] {
        assert!(v.pointer(path).is_some(), "missing {path}");
    }
    for window in ["startup", "steady", "shutdown"] {
        for field in [
            "start_ns",
            "end_ns",
            "created",
            "destroyed",
            "avg_destroyed_lifetime_ms",
            "destroy_bursts",
            "churn_ratio",
            "packets/queued",
            "packets/submitted",
            "packets/presented",
            "packets/dropped",
            "packets/noop",
            "packets/failed",
        ] {
            let path = format!("/windows/{window}/{field}");
            assert!(v.pointer(&path).is_some(), "missing {path}");
        }
    }
    assert_eq!(
        v.pointer("/windows/startup/created/CommandQueue"),
        Some(&serde_json::json!(4))
    );
    assert_eq!(
        v.pointer("/windows/shutdown/churn_ratio"),
        Some(&serde_json::Value::Null)
    );
    assert_eq!(
        v.pointer("/totals/churn_ratio"),
        Some(&serde_json::json!(3.429))
    );
    assert_eq!(
        v.pointer("/definitions/short_lived_ms"),
        Some(&serde_json::json!(250.0))
    );
}

#[test]
fn the_same_stream_gives_the_same_bytes_live_or_offline() {
    let s = ellipse_like();
    let one = s.report().to_json_string();
    assert_eq!(one, s.report().to_json_string());
    // Through a Collected replay (what a trace reader does), with names and finish.
    let mut collected = gpu_ledger::Collected::default();
    s.feed(&mut collected);
    let mut a = Analyzer::default();
    collected.replay(&mut a);
    assert_eq!(one, a.report().to_json_string());
    // A live host asking for reports along the way ends with the same report.
    let mut live = Analyzer::default();
    for (i, e) in s.events.iter().enumerate() {
        live.on_event(e);
        if i % 5 == 0 {
            let _ = live.report();
        }
    }
    live.on_finish();
    assert_eq!(one, live.report().to_json_string());
}

#[test]
fn names_announced_by_the_stream_are_resolved() {
    let blur = ResourceType::Other(gpu_ledger::Name(0));
    let scratch = owner(OwnerKind::Other(gpu_ledger::Name(1)), 3);
    let mut s = Stream::new();
    s.create(1, blur, scratch)
        .create(2, ResourceType::Other(gpu_ledger::Name(7)), scratch);
    let mut a = Analyzer::default();
    a.on_name(gpu_ledger::Name(0), "BlurScratch");
    a.on_name(gpu_ledger::Name(1), "LayerBlurScratch");
    s.feed(&mut a);
    let r = a.report();
    let startup = w(&r, Window::Startup);
    assert_eq!(count(&startup.created, "BlurScratch"), 1);
    assert_eq!(
        count(&startup.created, "#7"),
        1,
        "an unannounced name reads #index"
    );
    assert_eq!(r.top_contributors[0].owner_kind, "LayerBlurScratch");
}
#[test]
fn text_report_snapshot() {
    let text = ellipse_like()
        .report()
        .render_text(&TextOptions::default().with_max_rows(3));
    let expected = r#"gpu-ledger report: 47 events; times in ms since the stream started, first event at 0.000

Headline
  Startup presented 2 frames in 46.0 ms before stabilising (K=3 clean presents).
  4 CommandQueue destroyed: 2 in shutdown (teardown), 1 by rebuild in startup, 1 replaced in startup.
  Top churn (beyond first creations and teardown): ChildVisual 0x1400 (3 recreations, 3 destroys outside teardown; 25.0% of all creates and destroys).
  Startup waste vs teardown: 4 destroys in startup (4 short-lived), 4 in steady state, 4 in shutdown (teardown).

Guardrails: 0 of 6 failed
  release model: not declared (destroys in flight are warnings; pass --release-model) [the trace declares none]
  PASS  recreate-churn              warning  0 non-transient (owner, type) keys in a recreate loop (R=3 recreates within T=1000.000 ms; limit 0)
  PASS  queue-destroys-vs-presents  warning  CommandQueue destroys vs presents: 4 vs 7 overall (limit 14 at 2.000x), 2 vs 2 in startup (limit 4)
  PASS  destroy-before-submit       error    0 destroys of a resource a packet used before that packet was submitted (wrong under every release model; limit 0)
  PASS  destroy-in-flight           error    0 destroys of a resource that submitted, uncompleted GPU work referenced, under the immediate release model (limit 0)
  PASS  use-after-destroy           error    0 uses of a resource by a packet after its destroy (wrong under every release model; limit 0)
  PASS  error-findings              error    0 findings of severity error reported by other checkers (limit 0)

Windows
  window    start_ms   end_ms  events  queued  submitted  presented  dropped  noop  failed  created  destroyed  churn_ratio
  startup      0.000   46.000      21       3          3          2        0     0       0        8          4        6.000
  steady      46.000  200.000      21       4          4          5        0     0       0        4          4        1.600
  shutdown   200.000  200.000       5       0          0          0        0     0       0        0          4            -
  startup: stabilised after 2 presented frames in 46.000 ms (3 consecutive clean presents from event #21)
  shutdown: shutdown began at the shutdown marker (event #42)
  totals: created 12, destroyed 12, presented 7, churn ratio 3.429, live at end 0

Resource types by window (destroys by cause)
  type           window    created  destroyed  short_lived  rebuilds  avg_lifetime_ms  rebuild  replaced  shutdown  owner-removed  unknown
  CommandBuffer  startup         1          1            1         0            1.000        0         1         0              0        0
  CommandQueue   startup         4          2            2         0           10.000        1         1         0              0        0
  NativeTarget   startup         1          0            0         0                -        0         0         0              0        0
  TextureTarget  startup         2          1            1         1           10.000        1         0         0              0        0
  CommandBuffer  steady          4          4            4         0            1.000        0         3         0              1        0
  CommandQueue   shutdown        0          2            0         0          190.000        0         0         2              0        0
  NativeTarget   shutdown        0          1            0         0          200.000        0         0         1              0        0
  TextureTarget  shutdown        0          1            0         0          190.000        0         0         1              0        0

Top destroy bursts (1.000 ms buckets)
  window    bucket_start_ms  destroys
  startup            10.000         2
  startup            20.000         1
  startup            41.000         1
  steady             57.000         1
  steady             73.000         1
  steady             89.000         1
  shutdown          200.000         4

Top churn contributors (churn = recreations and destroys beyond first creation and teardown; 1 source)
  owner_kind   owner_key  churn  recreated  created  destroyed  teardown  transient  short_lived
  ChildVisual  0x1400         6          3        5          5         2          0            3
  RootVisual   0x100          0          4        7          7         2         10            5

Recreate loops (R=3 within T=1000.000 ms): 1 keys
  owner_kind  owner_key  type           recreates  loop_cycles  first_loop_ms  window  transient
  RootVisual  0x100      CommandBuffer          4            2         88.000  steady  yes

Short-lived resources (within N=2 packets or X=250.000 ms): 8
  owner_kind   owner_key  short_lived
  RootVisual   0x100                5
  ChildVisual  0x1400               3

Destroy causes
  type           rebuild  replaced  shutdown  owner-removed  unknown
  CommandBuffer        0         4         0              1        0
  CommandQueue         1         1         2              0        0
  NativeTarget         0         0         1              0        0
  TextureTarget        1         0         1              0        0
  examples (3 of 12):
  seq  resource  type          owner               cause     window    packet  lifetime_ms  evidence
    5         3  CommandQueue  ChildVisual 0x1400  rebuild   startup   1/1          10.000  #8 ResizeRebuild of resource 5 by the same owner
   12         6  CommandQueue  ChildVisual 0x1400  replaced  startup   1/2          10.000  #13 create of resource 7 by the same owner, same type
   43         7  CommandQueue  ChildVisual 0x1400  shutdown  shutdown  -           180.000  #42 shutdown marker; #44 the destroy that left the owner with no live resource

Lanes (1 total; recent = last W=120 packets)
  lane  presented  dropped  noop  failed  in_flight  churn_ratio  recent_churn  p50_ms  p95_ms  max_ms
     1          7        0     0       0          0        2.286         2.286   4.000  10.000  10.000

Per packet
  finished 7, with churn 7, evicted 0
  created in packets 8 (1.143 per presented), outside 4
  destroyed in packets 8 (1.143 per presented), outside 4
  most created in one packet: 2 (lane 1 packet 1)
  most destroyed in one packet: 2 (lane 1 packet 1)

Reuse
  native targets: created 1, recreated 0, reused 1, single-use 0
  queue reuse hit rate: 0.500
  resize rebuilds: 1 (0 resized, 0 same size, 1 unknown size)
  candidate pools:
  type           width  height  created  destroyed  hits  churn_removed     pct  pool_size
  CommandBuffer      0       0        5          5     4              8  80.000          1

Anomalies: 0
  none

Findings reported by other checkers: 0 (0 error, 0 warning, 0 info)
  none

Definitions
  K=3 clean presents; transient owner kinds [Transient]; per-frame types [CommandBuffer]
  short-lived: N=2 packets or X=250.000 ms; recreate loop: R=3 within T=1000.000 ms
  bursts: 1.000 ms buckets, top 5; lane window W=120 packets; top 10 contributors
  causes: rebuild within 1.000 ms, replaced/look-ahead within 100.000 ms; candidate pool: >= 3 hits
  guardrails: recreate-churn <= 0 keys; queue destroys <= 2.000x presents; destroy-before-submit <= 0; destroy-in-flight <= 0; use-after-destroy <= 0 (refs kept per packet: 256); error findings <= 0

Lost events: 0
"#;
    assert_eq!(text, expected, "text report changed:\n{text}");
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    const TYPES: [ResourceType; 5] = [
        ResourceType::CommandQueue,
        ResourceType::TextureTarget,
        ResourceType::CommandBuffer,
        ResourceType::Visual,
        ResourceType::NativeTarget,
    ];
    const KINDS: [OwnerKind; 3] = [
        OwnerKind::RootVisual,
        OwnerKind::ChildVisual,
        OwnerKind::Transient,
    ];

    fn stage(i: u8) -> PacketStage {
        match i {
            0 => PacketStage::Queued { command_id: 1 },
            1 => PacketStage::Submitted,
            2 => PacketStage::Completed,
            3 => PacketStage::Dropped,
            4 => PacketStage::NoOp,
            5 => PacketStage::Failed,
            _ => PacketStage::Presented,
        }
    }

    /// One random event: resource ids, owners, lanes and packets come from small
    /// ranges so recreates, double destroys and out-of-order packets all happen.
    fn event() -> impl Strategy<Value = (u64, EventKind)> {
        let resource =
            (1u64..12, 0usize..5, 0usize..3, 1u64..4).prop_map(|(id, ty, kind, key)| Resource {
                id: ResourceId(id),
                ty: TYPES[ty],
                owner: Owner::new(KINDS[kind], key),
            });
        let packet = prop::option::of((1u64..3, 1u64..10).prop_map(|(l, p)| PacketRef::new(l, p)));
        let action = prop_oneof![
            3 => Just(ResourceAction::Create),
            3 => Just(ResourceAction::Destroy),
            1 => Just(ResourceAction::ResizeRebuild),
            1 => Just(ResourceAction::Bind),
            1 => Just(ResourceAction::Unbind),
        ];
        let kind = prop_oneof![
            6 => (action, resource, packet, 0u32..3).prop_map(|(action, resource, packet, w)| EventKind::Resource {
                action,
                resource,
                dims: (w > 0).then(|| Dims::new(w * 100, w * 100, 2.0)),
                packet,
            }),
            5 => (1u64..3, 1u64..10, 0u8..10).prop_map(|(l, p, s)| EventKind::Packet {
                packet: PacketRef::new(l, p),
                stage: stage(s),
            }),
            1 => (1u64..3, 1u64..10, 1u64..12).prop_map(|(l, p, id)| EventKind::Touched {
                packet: PacketRef::new(l, p),
                resource: ResourceId(id),
            }),
            1 => (0u8..4).prop_map(|a| EventKind::Pool {
                action: [PoolAction::Hit, PoolAction::Miss, PoolAction::Release, PoolAction::Evict][a as usize],
                ty: ResourceType::Buffer,
                owner: Owner::new(OwnerKind::RootVisual, 9),
                dims: None,
            }),
        ];
        (0u64..4_000_000, kind)
    }

    fn stream() -> impl Strategy<Value = (Vec<Event>, usize)> {
        (
            prop::collection::vec(event(), 0..300),
            prop::option::of(0usize..300),
            any::<prop::sample::Index>(),
            0u64..5,
        )
            .prop_map(|(raw, marker, cut, lost)| {
                let mut t = 0;
                let mut events: Vec<Event> = raw
                    .into_iter()
                    .map(|(dt, kind)| {
                        t += dt;
                        Event {
                            time_ns: t,
                            thread: 0,
                            kind,
                        }
                    })
                    .collect();
                if let Some(at) = marker.filter(|&at| at < events.len()) {
                    let time_ns = events[at].time_ns;
                    events.insert(
                        at,
                        Event {
                            time_ns,
                            thread: 1,
                            kind: EventKind::Marker(Marker::ShutdownBegins),
                        },
                    );
                }
                if lost > 0 {
                    events.push(Event {
                        time_ns: t,
                        thread: 0,
                        kind: EventKind::Lost { count: lost },
                    });
                }
                let cut = cut.index(events.len() + 1);
                (events, cut)
            })
    }

    fn analyze(events: &[Event]) -> Analyzer {
        let mut a = Analyzer::default();
        for e in events {
            a.on_event(e);
        }
        a.on_finish();
        a
    }

    fn assert_partition(r: &Report, events: u64) {
        let windows: Vec<_> = Window::ALL.iter().map(|&win| w(r, win)).collect();
        assert_eq!(windows.iter().map(|x| x.events).sum::<u64>(), events);
        assert_eq!(r.totals.events, events);
        assert_eq!(
            windows.iter().map(|x| x.packets.presented).sum::<u64>(),
            r.totals.presented
        );
        assert_eq!(
            r.lanes.iter().map(|l| l.packets.presented).sum::<u64>(),
            r.totals.presented
        );
        assert_eq!(
            windows.iter().map(|x| x.created_total()).sum::<u64>(),
            r.totals.created
        );
        assert_eq!(
            windows.iter().map(|x| x.destroyed_total()).sum::<u64>(),
            r.totals.destroyed
        );
        for x in &windows {
            for (ty, destroyed) in &x.destroyed {
                assert_eq!(
                    x.destroy_causes.get(ty).map_or(0, |c| c.total()),
                    *destroyed,
                    "causes of {ty}"
                );
            }
        }
        let restricted: u64 = Window::ALL
            .iter()
            .map(|&win| r.restrict(win).totals.events)
            .sum();
        assert_eq!(restricted, events);
    }

    proptest! {
        #[test]
        fn windows_partition_the_events((events, _cut) in stream()) {
            let r = analyze(&events).report();
            assert_partition(&r, events.len() as u64);
            prop_assert_eq!(r.lost_events, w(&r, Window::Startup).lost_events
                + w(&r, Window::Steady).lost_events + w(&r, Window::Shutdown).lost_events);
        }

        #[test]
        fn a_live_report_midway_changes_nothing((events, cut) in stream()) {
            let offline = analyze(&events).report();
            let mut live = Analyzer::default();
            for e in &events[..cut] {
                live.on_event(e);
            }
            let midway = live.report();
            assert_partition(&midway, cut as u64);
            for e in &events[cut..] {
                live.on_event(e);
            }
            live.on_finish();
            prop_assert_eq!(live.report(), offline);
        }

        #[test]
        fn the_same_stream_gives_the_same_json_bytes((events, _cut) in stream()) {
            let a = analyze(&events).report().to_json_string();
            let b = analyze(&events).report().to_json_string();
            prop_assert_eq!(&a, &b);
            let text = analyze(&events).report().render_text(&TextOptions::default());
            prop_assert_eq!(text, analyze(&events).report().render_text(&TextOptions::default()));
        }

        #[test]
        fn stories_agree_with_the_report((events, cut) in stream()) {
            let id = (cut % 12) as u64;
            let mut story = ResourceStory::new(ResourceId(id), Definitions::default());
            for e in &events {
                story.on_event(e);
            }
            story.on_finish();
            let told = story.story();
            prop_assert_eq!(story.analyzer().report(), analyze(&events).report());
            if let Some(d) = &told.destroyed {
                prop_assert!(gpu_ledger::analysis::DestroyCause::from_name(&d.cause).is_some());
            }
        }
    }
}

// ---------------------------------------------------------------- a synthetic compositor

#[test]
fn synth_totals_match_the_generators_own_counts() {
    use gpu_ledger::synth::{self, SynthConfig};
    let config = SynthConfig {
        events: 20_000,
        ..SynthConfig::default()
    };
    let (summary, finished) = synth::record(
        &config,
        gpu_ledger::LedgerConfig::default(),
        Analyzer::default(),
    )
    .expect("enough events for the workload");
    let analyzer = finished
        .into_sink::<Analyzer>()
        .expect("the analyzer comes back");
    let r = analyzer.report();
    assert_eq!(r.totals.events, summary.events);
    assert_eq!(r.totals.presented, summary.presented);
    assert_eq!(
        (r.totals.created, r.totals.destroyed),
        (summary.created, summary.destroyed)
    );
    assert_eq!(r.anomalies.total, 0);
    assert!(r.startup.stabilised);
    assert_eq!(
        r.startup.frames_presented, summary.presented_startup,
        "the generator's startup storm is exactly the report's startup window"
    );
    // Each context rebuild logs one ResizeRebuild and drops its two targets.
    let tt = r.destroy_causes.by_type["TextureTarget"];
    assert_eq!(tt.rebuild, 2 * r.reuse.resize_rebuilds.total);
    assert_eq!(tt.shutdown + tt.rebuild + tt.replaced, tt.total());
}

#[test]
fn extreme_values_never_panic() {
    let odd = ResourceType::Other(gpu_ledger::Name(u32::MAX));
    let who = owner(OwnerKind::Other(gpu_ledger::Name(u32::MAX - 1)), u64::MAX);
    let mut s = Stream::new();
    s.at_ns(u64::MAX - 1)
        .create(u64::MAX, odd, who)
        .create(0, odd, who);
    s.push(EventKind::Lost { count: u64::MAX })
        .push(EventKind::Lost { count: u64::MAX });
    s.at_ns(0)
        .destroy(u64::MAX, odd, who)
        .present(p(u64::MAX, u64::MAX));
    s.at_ns(u64::MAX)
        .present(p(u64::MAX, u64::MAX))
        .destroy(0, odd, who);
    let mut defs = Definitions::default();
    defs.stable_presents = 0;
    defs.recreate_loop_count = 0;
    defs.burst_bucket_ns = 0;
    defs.top_bursts = 0;
    defs.lane_window_packets = 0;
    defs.max_owners = 0;
    defs.max_live_packets = 0;
    defs.max_lanes = 0;
    defs.recent_destroys = 0;
    defs.replace_window_ns = u64::MAX;
    let r = s.report_with(defs);
    assert_eq!(r.lost_events, u64::MAX);
    assert_eq!(r.totals.events, 8);
    assert!(!r.render_text(&TextOptions::default()).is_empty());
    assert!(
        r.to_json_string()
            .contains("\"lost_events\": 18446744073709551615")
    );
}
