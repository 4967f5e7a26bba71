//! A whole wgpu program as a user writes one (issue 8, item 9): 30 frames into one
//! render target that is resized 5 times the usual wgpu way
//! (`target = device.create_texture(..)`, which builds the new texture before the
//! old one drops), 3 buffers cleared every frame and living the whole run, a
//! shutdown marker, then the teardown. Its report must say what happened: 5
//! replacements, each one recreate; the teardown neither churn nor short-lived; the
//! target's owner the only churn source; nothing wrong under wgpu's release model.

use gpu_ledger::analysis::{Analyzer, Definitions, Report, Severity, Window};
use gpu_ledger::{
    Collected, EventKind, Owner, OwnerKind, PacketRef, PacketStage, ReleaseModel, ReleaseModels,
    ResourceAction, ResourceType,
};

use crate::lifecycle::target_desc;
use crate::util;

const FRAMES: u64 = 30;
/// A resize before frames 6, 11, 16, 21 and 26: 5 in all.
const RESIZE_EVERY: u64 = 5;
const BUFFER_BYTES: u64 = 256;

fn window() -> Owner {
    Owner::new(OwnerKind::RootVisual, 1)
}

fn uniforms() -> Owner {
    Owner::new(OwnerKind::ChildVisual, 2)
}

/// Runs the program on a real device and returns the stream it recorded.
fn run_program() -> Collected {
    let (device, ledger) = util::device();
    let buffers: Vec<_> = (0..3)
        .map(|i| {
            device.create_buffer(
                &wgpu::BufferDescriptor {
                    label: Some(["camera", "lights", "materials"][i]),
                    size: BUFFER_BYTES,
                    usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                    mapped_at_creation: false,
                },
                uniforms(),
            )
        })
        .collect();
    let mut size = 64;
    let mut target = device.create_texture(
        &target_desc(size, size),
        ResourceType::TextureTarget,
        window(),
    );
    for frame in 1..=FRAMES {
        if frame > 1 && (frame - 1) % RESIZE_EVERY == 0 {
            // The window was resized: the usual wgpu way, the new texture is made
            // before the assignment drops the old one.
            size += 16;
            target = device.create_texture(
                &target_desc(size, size),
                ResourceType::TextureTarget,
                window(),
            );
        }
        let packet = PacketRef::new(1, frame);
        let _scope = ledger.enter_packet(packet);
        target.bind();
        let view = target.create_view(&wgpu::TextureViewDescriptor::default());
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        for buffer in &buffers {
            encoder.clear_buffer(buffer, 0, None);
            buffer.touch();
        }
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("frame"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                    store: wgpu::StoreOp::Store,
                },
            })],
            ..Default::default()
        });
        device.submit([encoder.finish()], None);
        // An offscreen program: the frame is shown once its work is submitted.
        ledger.packet(packet, PacketStage::Presented);
    }
    ledger.shutdown_begins();
    device.wait_idle().expect("the last frames finish");
    drop(target);
    drop(buffers);
    let finished = ledger.finish();
    assert_eq!(finished.lost, 0, "the ledger dropped events");
    finished
        .into_sink::<Collected>()
        .expect("the ledger was started with a Collected sink")
}

fn report(stream: &Collected, defs: Definitions, models: Option<ReleaseModels>) -> Report {
    let mut analyzer = Analyzer::new(defs);
    if let Some(models) = models {
        analyzer = analyzer.with_release_models(models);
    }
    stream.replay(&mut analyzer);
    analyzer.report()
}

/// The stream's target creates, as (sequence number, resource id), in order.
fn target_creates(stream: &Collected) -> Vec<(u64, u64)> {
    stream
        .events
        .iter()
        .enumerate()
        .filter_map(|(seq, e)| match e.kind {
            EventKind::Resource {
                action: ResourceAction::Create,
                resource,
                ..
            } if resource.ty == ResourceType::TextureTarget => Some((seq as u64, resource.id.0)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_wgpu_program_resizing_its_target_five_times_is_reported_right() {
    let stream = run_program();
    assert_eq!(
        stream.info.release,
        ReleaseModels::uniform(ReleaseModel::Deferred),
        "gpu-ledger-wgpu declares wgpu's release model"
    );
    let r = report(&stream, Definitions::default(), None);
    assert_eq!(r.release.model.as_deref(), Some("deferred"));
    assert_eq!(r.ending.shutdown, "marker");
    assert!(r.ending.clean_end);
    assert_eq!(
        (
            r.totals.presented,
            r.totals.created,
            r.totals.destroyed,
            r.totals.live_at_end
        ),
        (30, 9, 9, 0)
    );
    assert_eq!(r.anomalies.total, 0, "{:?}", r.anomalies);

    // Five replacements, each by the create made just before the old target dropped.
    let targets = &r.destroy_causes.by_type["TextureTarget"];
    assert_eq!((targets.replaced, targets.shutdown), (5, 1));
    assert_eq!(r.destroy_causes.by_type["Buffer"].shutdown, 3);
    let creates = target_creates(&stream);
    assert_eq!(creates.len(), 6);
    let replaced: Vec<_> = r
        .destroy_causes
        .examples
        .iter()
        .filter(|e| e.cause == "replaced")
        .collect();
    assert!(!replaced.is_empty());
    for e in replaced {
        let next = creates
            .iter()
            .position(|&(_, id)| id == e.resource_id)
            .map(|i| creates[i + 1].0)
            .expect("a replaced target has a successor");
        let evidence: Vec<u64> = e.evidence.iter().map(|i| i.seq).collect();
        assert_eq!(
            evidence,
            [next],
            "target {} is replaced by the next create",
            e.resource_id
        );
        assert!(next < e.destroy_seq, "make before break");
    }

    // Five replacements are five recreates, not four.
    let reuse = &r.reuse.by_type["TextureTarget"];
    assert_eq!((reuse.created, reuse.recreated), (6, 5));

    // Teardown is not churn: the target's owner churns (5 recreates and 5 destroys
    // beyond its first create and teardown), the buffers' owner not at all.
    let row = |owner: Owner| {
        r.top_contributors
            .iter()
            .find(|c| c.owner_key == owner.key)
            .unwrap_or_else(|| panic!("no row for {owner:?}"))
    };
    let w = row(window());
    assert_eq!(
        (w.created, w.destroyed, w.recreated, w.teardown, w.churn),
        (6, 6, 5, 1, 10)
    );
    let u = row(uniforms());
    assert_eq!(
        (u.created, u.destroyed, u.recreated, u.teardown, u.churn),
        (3, 3, 0, 3, 0)
    );
    assert_eq!(
        (
            r.churn_sources.top_churn,
            r.churn_sources.tied,
            r.churn_sources.sources
        ),
        (10, 1, 1)
    );
    let top = r
        .headline
        .iter()
        .find(|h| h.starts_with("Top churn"))
        .expect("a top-churn sentence");
    assert!(
        top.starts_with(
            "Top churn (beyond first creations and teardown): RootVisual 0x1 (5 recreations, 5 destroys outside teardown;"
        ),
        "{top}"
    );
    // Any recreate loop is the resized target's, never the buffers'.
    assert!(
        r.recreate_loops
            .iter()
            .all(|l| l.owner_key == window().key && l.resource_type == "TextureTarget"),
        "{:?}",
        r.recreate_loops
    );

    // Teardown destroys are never short-lived, however fast the run was.
    let shutdown = r.window(Window::Shutdown).expect("a shutdown window");
    assert_eq!(shutdown.short_lived.values().sum::<u64>(), 0);
    assert!(r.totals.short_lived <= 5);
    let mut patient = Definitions::default();
    patient.short_lived_ns = u64::MAX / 4;
    let all = report(&stream, patient, None);
    assert_eq!(
        all.short_lived.by_type.get("TextureTarget").copied(),
        Some(5),
        "every replaced target lived less than forever, every torn-down resource is exempt"
    );
    assert_eq!(all.totals.short_lived, 5);

    // Nothing is wrong under wgpu's rules: destroying after submit is a release.
    assert!(
        r.failed_guardrails(Severity::Error).is_empty(),
        "{}",
        r.render_guardrails_text()
    );
    // Under any model no destroy came before its work was submitted, and no
    // packet used a destroyed target.
    let strict = report(
        &stream,
        Definitions::default(),
        Some(ReleaseModels::uniform(ReleaseModel::Immediate)),
    );
    for id in ["destroy-before-submit", "use-after-destroy"] {
        let g = strict
            .guardrails
            .iter()
            .find(|g| g.id == id)
            .expect("the guardrail");
        assert!(g.passed, "{}", g.message);
    }
}
