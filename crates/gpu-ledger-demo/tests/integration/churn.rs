use gpu_ledger::analysis::Window;
use gpu_ledger::{EventKind, PacketStage, ResourceAction, ResourceType};
use gpu_ledger_demo::{Mode, Scenario};

use crate::util;

#[test]
fn legacy_builds_three_queues_per_visual_before_the_first_layout_rebuild() {
    for (scenario, visuals) in [(Scenario::EllipsePath, 11), (Scenario::Text, 3)] {
        let run = util::shared(scenario, Mode::Legacy);
        let first_rebuild = run
            .events
            .iter()
            .position(|e| {
                matches!(
                    e.kind,
                    EventKind::Resource {
                        action: ResourceAction::ResizeRebuild,
                        ..
                    }
                )
            })
            .expect("layout rebuilds contexts");
        let created = |ty| {
            run.events[..first_rebuild]
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Resource { action: ResourceAction::Create, resource, .. } if resource.ty == ty))
                .count()
        };
        assert_eq!(
            [
                created(ResourceType::Visual),
                created(ResourceType::NativeTarget),
                created(ResourceType::CommandQueue),
                created(ResourceType::TextureTarget)
            ],
            [visuals, visuals, 3 * visuals, 2 * visuals],
            "{scenario}: [visuals, native targets, queues, texture targets] at first render"
        );
    }
}

#[test]
fn pooled_creates_far_fewer_queues_and_targets_than_legacy() {
    for scenario in Scenario::ALL {
        let legacy = &util::shared(scenario, Mode::Legacy).outcome.truth;
        let pooled = &util::shared(scenario, Mode::Pooled).outcome.truth;
        for ty in [
            ResourceType::CommandQueue,
            ResourceType::NativeTarget,
            ResourceType::TextureTarget,
        ] {
            assert_eq!(
                pooled.created_count(ty),
                1,
                "{scenario}: pooled creates one {ty:?} per window"
            );
            assert!(
                legacy.created_count(ty) >= 3 * pooled.created_count(ty),
                "{scenario}: legacy {} vs pooled {} {ty:?}",
                legacy.created_count(ty),
                pooled.created_count(ty)
            );
        }
        assert!(
            legacy.created_count(ResourceType::CommandQueue) >= 30,
            "{scenario}: legacy queues {}",
            legacy.created_count(ResourceType::CommandQueue)
        );
    }
}

#[test]
fn pooled_startup_churn_is_far_lower_than_legacy_and_its_steady_state_near_zero() {
    for scenario in Scenario::ALL {
        let ratio = |mode, window| {
            util::shared(scenario, mode)
                .report
                .window(window)
                .and_then(|w| w.churn_ratio)
                .unwrap_or_else(|| panic!("{scenario} {mode}: a {window:?} churn ratio"))
        };
        let (legacy, pooled) = (
            ratio(Mode::Legacy, Window::Startup),
            ratio(Mode::Pooled, Window::Startup),
        );
        assert!(
            pooled * 3.0 < legacy,
            "{scenario}: startup churn ratio pooled {pooled} vs legacy {legacy}"
        );
        let steady = util::shared(scenario, Mode::Pooled)
            .report
            .window(Window::Steady)
            .expect("a steady window");
        assert!(
            steady.created_total() <= 1 && steady.destroyed_total() == 0,
            "{scenario}: pooled steady state creates at most the one texture the wider window needs: {steady:?}"
        );
        let legacy_steady = ratio(Mode::Legacy, Window::Steady);
        assert!(
            ratio(Mode::Pooled, Window::Steady) < 1.0 && legacy_steady > 5.0,
            "{scenario}: legacy steady {legacy_steady}"
        );
    }
}

#[test]
fn pooled_pools_miss_once_then_hit() {
    for scenario in Scenario::ALL {
        let run = util::shared(scenario, Mode::Pooled);
        let pools = &run.report.reuse.pools;
        let pool = |kind: &str| {
            pools
                .iter()
                .find(|p| p.owner_kind == kind)
                .unwrap_or_else(|| panic!("{scenario}: a {kind} in {pools:?}"))
        };
        let presented = run.outcome.truth.presented;
        for kind in ["BufferPool", "FencePool"] {
            let p = pool(kind);
            assert_eq!(
                (p.misses, p.hits, p.releases),
                (1, presented - 1, presented),
                "{scenario}: {p:?}"
            );
        }
        let textures = pool("TexturePool");
        assert_eq!(
            (textures.misses, textures.hits),
            (3, 1),
            "{scenario}: 500², 1000², 1120×1000 miss; back to 1000² hits: {textures:?}"
        );
    }
}

#[test]
fn idle_frames_are_noops_that_touch_nothing() {
    for (scenario, mode, run) in util::all() {
        let shutdown = run.shutdown_index();
        let tail: Vec<_> = run.events[..shutdown]
            .iter()
            .rev()
            .take(2 * util::STEADY_FRAMES as usize)
            .collect();
        let noops = tail
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Packet {
                        stage: PacketStage::NoOp,
                        ..
                    }
                )
            })
            .count();
        let queued = tail
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
            .count();
        assert_eq!(
            (noops, queued, tail.len()),
            (
                util::STEADY_FRAMES as usize,
                util::STEADY_FRAMES as usize,
                2 * util::STEADY_FRAMES as usize
            ),
            "{scenario} {mode}: the idle phase is queued + no-op pairs only: {tail:?}"
        );
    }
}
