use gpu_ledger::{EventKind, PacketStage, ResourceAction};

use crate::util;

#[test]
fn packet_outcomes_in_the_ledger_equal_the_compositors_count() {
    for (scenario, mode, run) in util::all() {
        let truth = &run.outcome.truth;
        let queued = run
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Packet {
                        stage: PacketStage::Queued { .. },
                        ..
                    }
                )
            })
            .count() as u64;
        assert_eq!(
            [
                truth.queued,
                truth.presented,
                truth.dropped,
                truth.noop,
                truth.failed
            ],
            [
                queued,
                run.packets(PacketStage::Presented),
                run.packets(PacketStage::Dropped),
                run.packets(PacketStage::NoOp),
                run.packets(PacketStage::Failed),
            ],
            "{scenario} {mode}: [queued, presented, dropped, noop, failed], compositor vs ledger"
        );
        assert_eq!(
            [
                run.packets(PacketStage::Submitted),
                run.packets(PacketStage::Completed)
            ],
            [truth.presented, truth.presented],
            "{scenario} {mode}: every presented packet was submitted and completed once"
        );
    }
}

#[test]
fn the_reports_presented_frames_equal_the_compositors_count() {
    for (scenario, mode, run) in util::all() {
        let truth = &run.outcome.truth;
        assert_eq!(
            (
                run.report.totals.presented,
                run.report.startup_frames_presented()
            ),
            (truth.presented, truth.presented_startup),
            "{scenario} {mode}: (presented, presented during startup), report vs compositor"
        );
        assert!(
            run.report.startup.stabilised,
            "{scenario} {mode}: {}",
            run.report.startup.note
        );
    }
}

#[test]
fn the_compositor_counts_known_frames_per_scene_and_mode() {
    // (presented, presented during startup): startup is every attach / warm-up /
    // layout frame up to the last that changed target geometry; then 3 intro
    // frames and 2 resize frames are presented (the repeated configure and the
    // idle frames are no-ops, the superseded resize is dropped).
    let expected = [
        ("ellipse-path", "legacy", 14, 9),
        ("ellipse-path", "pooled", 8, 2),
        ("text", "legacy", 9, 4),
        ("text", "pooled", 8, 2),
    ];
    for ((scenario, mode, run), (s, m, presented, startup)) in util::all().zip(expected) {
        assert_eq!((scenario.name(), mode.name()), (s, m));
        let truth = &run.outcome.truth;
        assert_eq!(
            (
                truth.presented,
                truth.presented_startup,
                truth.dropped,
                truth.noop
            ),
            (presented, startup, 1, u64::from(util::STEADY_FRAMES) + 1),
            "{scenario} {mode}: (presented, presented_startup, dropped, noop)"
        );
    }
}

#[test]
fn created_and_destroyed_per_type_in_the_ledger_equal_the_compositors_count() {
    for (scenario, mode, run) in util::all() {
        let truth = &run.outcome.truth;
        for (&ty, &created) in &truth.created {
            assert_eq!(
                run.resource_events(ResourceAction::Create, ty),
                created,
                "{scenario} {mode}: creates of {ty:?}"
            );
        }
        for (&ty, &destroyed) in &truth.destroyed {
            assert_eq!(
                run.resource_events(ResourceAction::Destroy, ty),
                destroyed,
                "{scenario} {mode}: destroys of {ty:?}"
            );
        }
        assert_eq!(
            (run.report.totals.created, run.report.totals.destroyed),
            (truth.created_total(), truth.destroyed_total()),
            "{scenario} {mode}: report totals"
        );
        assert_eq!(
            truth.created, truth.destroyed,
            "{scenario} {mode}: everything created is released"
        );
        assert_eq!(
            run.report.totals.live_at_end, 0,
            "{scenario} {mode}: nothing left live"
        );
        assert_eq!(
            run.report.anomalies.total, 0,
            "{scenario} {mode}: {:?}",
            run.report.anomalies
        );
        assert_eq!(
            run.report.lost_events, 0,
            "{scenario} {mode}: no event lost"
        );
    }
}
