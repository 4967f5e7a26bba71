use gpu_ledger::analysis::Window;
use gpu_ledger::{EventKind, OwnerKind, ResourceAction, ResourceType};
use gpu_ledger_demo::{Mode, Scenario};

use crate::util;

#[test]
fn every_command_queue_destroy_has_an_owner_and_a_packet_unless_in_teardown() {
    for (scenario, mode, run) in util::all() {
        let shutdown = run.shutdown_index();
        let mut destroys = 0;
        for (i, event) in run.events.iter().enumerate() {
            let EventKind::Resource {
                action: ResourceAction::Destroy,
                resource,
                packet,
                ..
            } = event.kind
            else {
                continue;
            };
            if resource.ty != ResourceType::CommandQueue {
                continue;
            }
            destroys += 1;
            assert!(
                matches!(
                    resource.owner.kind,
                    OwnerKind::RootVisual | OwnerKind::ChildVisual
                ) && resource.owner.key != 0,
                "{scenario} {mode}: queue {} destroyed with owner {:?}",
                resource.id.0,
                resource.owner
            );
            if i < shutdown {
                let packet = packet.unwrap_or_else(|| {
                    panic!(
                        "{scenario} {mode}: queue {} destroyed before shutdown outside any packet",
                        resource.id.0
                    )
                });
                assert_eq!(packet.lane.0, 1, "{scenario} {mode}: the window's lane");
            } else {
                assert_eq!(
                    packet, None,
                    "{scenario} {mode}: teardown runs outside packets"
                );
            }
        }
        assert_eq!(
            destroys,
            run.outcome
                .truth
                .destroyed_count(ResourceType::CommandQueue),
            "{scenario} {mode}: every queue destroy was seen"
        );
    }
}

#[test]
fn legacy_teardown_burst_lands_in_the_shutdown_window_and_startup_destroys_are_rebuilds() {
    for (scenario, queues) in [(Scenario::EllipsePath, 33), (Scenario::Text, 9)] {
        let run = util::shared(scenario, Mode::Legacy);
        let shutdown = run
            .report
            .window(Window::Shutdown)
            .expect("a shutdown window");
        assert_eq!(
            shutdown.destroyed.get("CommandQueue"),
            Some(&queues),
            "{scenario}: the teardown releases every live queue at once"
        );
        let causes = shutdown.destroy_causes["CommandQueue"];
        assert_eq!(
            (causes.shutdown, causes.total()),
            (queues, queues),
            "{scenario}: {causes:?}"
        );
        let startup = run
            .report
            .window(Window::Startup)
            .expect("a startup window");
        let startup_destroys = startup.destroyed.get("CommandQueue").copied().unwrap_or(0);
        assert!(
            startup_destroys > 0,
            "{scenario}: startup layout rebuilds contexts"
        );
        let causes = startup.destroy_causes["CommandQueue"];
        assert_eq!(causes.rebuild, startup_destroys, "{scenario}: {causes:?}");
        assert_eq!(
            startup.destroyed_total()
                + run
                    .report
                    .window(Window::Steady)
                    .map_or(0, |w| w.destroyed_total()),
            run.report
                .destroy_causes
                .by_type
                .values()
                .map(|c| c.rebuild)
                .sum::<u64>(),
            "{scenario}: every destroy before shutdown is a rebuild"
        );
    }
}

#[test]
fn legacy_top_churn_source_is_a_visual_rebuilding_its_context() {
    for scenario in Scenario::ALL {
        let run = util::shared(scenario, Mode::Legacy);
        let top = run
            .report
            .top_contributors
            .first()
            .expect("a top contributor");
        assert!(
            top.owner_kind == "ChildVisual" || top.owner_kind == "RootVisual",
            "{scenario}: top contributor {top:?}"
        );
        assert!(
            top.destroyed > 3,
            "{scenario}: {top:?} rebuilt its context more than once"
        );
        let causes = &run.report.destroy_causes.by_type["CommandQueue"];
        assert!(
            causes.rebuild > causes.shutdown,
            "{scenario}: rebuilds destroy more queues than the teardown: {causes:?}"
        );
    }
}

#[test]
fn pooled_destroys_nothing_before_shutdown() {
    for scenario in Scenario::ALL {
        let run = util::shared(scenario, Mode::Pooled);
        let shutdown = run.shutdown_index();
        let early: Vec<_> = run.events[..shutdown]
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Resource {
                        action: ResourceAction::Destroy,
                        ..
                    }
                )
            })
            .collect();
        assert!(
            early.is_empty(),
            "{scenario}: destroys before shutdown: {early:?}"
        );
        let causes = &run.report.destroy_causes.by_type;
        assert!(
            causes.values().all(|c| c.shutdown == c.total()),
            "{scenario}: every pooled destroy is teardown: {causes:?}"
        );
    }
}
