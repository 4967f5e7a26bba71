//! Omega log import: fixture logs to exact event streams and summaries.

use gpu_ledger::import::{ImportSummary, OmegaImport, Sources};
use gpu_ledger::{Collected, EventKind, PacketStage, PoolAction, ResourceAction, ResourceType};

fn import(log: &str) -> (ImportSummary, Collected) {
    let sources = Sources::scan(log.as_bytes()).expect("reading a string cannot fail");
    let mut collected = Collected::default();
    let summary = OmegaImport::new(sources)
        .import(log.as_bytes(), &mut collected)
        .expect("reading a string cannot fail");
    (summary, collected)
}

/// A compact spelling of an event, to compare whole streams at a glance.
fn spell(collected: &Collected) -> Vec<String> {
    collected
        .events
        .iter()
        .map(|e| match e.kind {
            EventKind::Resource {
                action, resource, ..
            } => {
                format!(
                    "{action:?} {} #{}",
                    resource.ty.resolve(&collected.names),
                    resource.id.0
                )
            }
            EventKind::Packet { packet, stage } => {
                format!("{} {}/{}", stage.name(), packet.lane.0, packet.packet.0)
            }
            EventKind::Pool { action, ty, .. } => {
                format!("Pool{action:?} {}", ty.resolve(&collected.names))
            }
            other => format!("{other:?}"),
        })
        .collect()
}

#[test]
fn mixed_log_takes_each_fact_once_from_its_best_family() {
    let (summary, collected) = import(include_str!("../data/omega-mixed.log"));
    assert_eq!(
        vec![
            "Create CommandQueue #1",
            "Create NativeTarget #2",
            "Create TextureTarget #3",
            "ResizeRebuild TextureTarget #3",
            "queued 1/1",
            "submitted 1/1",
            "presented 1/1",
            "noop 1/2",
            "dropped 1/3",
            "PoolMiss Buffer",
            "Destroy CommandQueue #1",
        ],
        spell(&collected)
    );
    assert_eq!(summary.lines, 21);
    assert_eq!(
        summary.recognised,
        [5, 4, 6, 2, 3],
        "toolkit, engine, sync, debug, nslog"
    );
    assert_eq!(summary.other_lines, 1, "the objc line");
    assert_eq!(summary.malformed, 1);
    assert_eq!(summary.malformed_examples[0].line, 18);
    assert_eq!(
        summary.malformed_examples[0].reason,
        "ts=bad is not a whole number"
    );
    // Debug create + destroy, engine present, NSLog present and NSLog queue destroy.
    assert_eq!(summary.duplicates_skipped, 5);
    assert_eq!(summary.events, 11);
    assert_eq!(collected.info.start_unix_ns, 1_772_235_876_900_000_000);
    let times: Vec<u64> = collected.events.iter().map(|e| e.time_ns).collect();
    assert_eq!(times.first(), Some(&0));
    assert_eq!(
        times.last(),
        Some(&239_000_000),
        "the destroy is 239 ms after the first ts"
    );
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "time never runs backwards: {times:?}"
    );
}

#[test]
fn nslog_only_log_yields_the_queue_destroy_burst_and_presents() {
    let (summary, collected) = import(include_str!("../data/omega-nslog-only.log"));
    let destroys: Vec<_> = collected
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Resource { action: ResourceAction::Destroy, resource, .. } if resource.ty == ResourceType::CommandQueue))
        .collect();
    assert_eq!(destroys.len(), 33);
    assert!(
        destroys.iter().all(|e| e.time_ns == 639_000_000),
        "one burst, 639 ms after the first line"
    );
    let presents = collected
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::Packet {
                    stage: PacketStage::Presented,
                    ..
                }
            )
        })
        .count();
    assert_eq!(presents, 2);
    assert_eq!(
        summary.informational, 1,
        "the completed-command-buffer line"
    );
    assert_eq!(
        summary.limitations,
        vec![
            "no packet information in this log ([OmegaWTKSync] lines): presents come from engine or NSLog present lines, and no event has packet context".to_owned(),
            "command-queue destroys come from NSLog lines without ids: their lifetimes and owners are unknown".to_owned(),
        ]
    );
}

#[test]
fn an_id_reused_after_its_destroy_is_a_new_resource_with_an_implied_create() {
    // The stack-copy quirk: Create, ResizeRebuild, Destroy, then more events for the same id.
    let log = "\
[OmegaWTKGPU] ts=10 event=Create type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1 width=500 height=500 scale=2
[OmegaWTKGPU] ts=10 event=ResizeRebuild type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1 width=1000 height=1000 scale=2
[OmegaWTKGPU] ts=10 event=Destroy type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=1
[OmegaWTKGPU] ts=12 event=Bind type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=2
[OmegaWTKGPU] ts=15 event=Destroy type=TextureTarget id=4 ownerKind=BackendRenderTargetContext ownerKey=2
";
    let (summary, collected) = import(log);
    assert_eq!(
        vec![
            "Create TextureTarget #1",
            "ResizeRebuild TextureTarget #1",
            "Destroy TextureTarget #1",
            "Create TextureTarget #2",
            "Bind TextureTarget #2",
            "Destroy TextureTarget #2",
        ],
        spell(&collected)
    );
    assert_eq!(summary.implicit_creates, 1);
    let owner_keys: Vec<u64> = collected
        .events
        .iter()
        .filter_map(|e| e.resource())
        .map(|r| r.owner.key)
        .collect();
    assert_eq!(owner_keys, vec![1, 1, 1, 2, 2, 2]);
}

#[test]
fn pool_events_and_names_reach_the_sink() {
    let log = "[OmegaWTKGPU] ts=1 event=PoolHit type=Fence id=0 ownerKind=FencePool ownerKey=77\n";
    let (_, collected) = import(log);
    let EventKind::Pool {
        action,
        ty,
        owner,
        dims,
    } = collected.events[0].kind
    else {
        panic!("not a pool event: {:?}", collected.events[0]);
    };
    assert_eq!(
        (action, ty, dims),
        (PoolAction::Hit, ResourceType::Fence, None)
    );
    assert_eq!(owner.kind.resolve(&collected.names), "FencePool");
    assert_eq!(owner.key, 77);
}
