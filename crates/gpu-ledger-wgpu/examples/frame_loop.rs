//! A wgpu user's whole loop, recorded: a [`Session`] started in one call writes the
//! trace, the device's tracked queue takes each frame's packet from the scope it is
//! submitted in, and the report comes back when the session finishes.
//!
//! ```sh
//! cargo run -p gpu-ledger-wgpu --example frame_loop -- [TRACE]   # default frame_loop.gltrace
//! gpu-ledger report frame_loop.gltrace                            # the same report, from the trace
//! ```
//!
//! A window (one offscreen target, headless) draws 30 frames; at frame 10 it is
//! resized (a `ResizeRebuild` of the same target) and a per-frame scratch texture
//! comes and goes every frame. With a surface, `queue.present(surface_texture)`
//! replaces `queue.presented()`.

use std::error::Error;

use gpu_ledger::analysis::TextOptions;
use gpu_ledger::{Owner, OwnerKind, PacketRef, PacketStage, ResourceType, Session};
use gpu_ledger_wgpu::{TrackedDevice, TrackedTexture};

/// Frames drawn.
const FRAMES: u64 = 30;

fn main() -> Result<(), Box<dyn Error>> {
    let trace = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "frame_loop.gltrace".to_owned());
    // 1. One call: a trace file and the live analysis (its findings go to the `log` facade).
    let session = Session::start(&trace)?;
    let (device, adapter) = pollster::block_on(TrackedDevice::request(session.ledger().clone()))?;
    eprintln!("drawing on {}", adapter.name);
    let queue = device.queue();

    let window = Owner::new(OwnerKind::RootVisual, 1);
    let mut target = texture(&device, ResourceType::NativeTarget, window, 640); // `Create`
    for frame in 1..=FRAMES {
        let packet = PacketRef::new(1, frame);
        session.packet(packet, PacketStage::Queued { command_id: frame });
        // 2. Inside the scope every event of this thread carries the packet.
        let _frame = session.enter_packet(packet);
        if frame == 10 {
            let size = wgpu::Extent3d {
                width: 800,
                height: 800,
                depth_or_array_layers: 1,
            };
            target.resize_rebuild(&device, size)?; // `ResizeRebuild`, same id
        }
        let scratch = texture(
            &device,
            ResourceType::Texture,
            Owner::new(OwnerKind::Transient, 1),
            64,
        );
        target.bind();
        let mut encoder = device.create_command_encoder(&Default::default());
        clear(&mut encoder, &target, frame);
        clear(&mut encoder, &scratch, frame);
        // 3. wgpu's own signature: `Submitted` now, `Completed` when the GPU is done.
        let index = queue.submit([encoder.finish()]);
        device.wait(index)?;
        // 4. Headless: the frame is handed off here (`queue.present(frame)` with a surface).
        queue.presented();
        drop(scratch); // `Destroy`: it lived one frame
    }
    session.shutdown_begins();
    drop(target);
    // 5. The trace is closed and its report handed back.
    let report = session.finish()?;
    print!("{}", report.render_text(&TextOptions::default()));
    eprintln!("trace written to {trace}");
    Ok(())
}

/// A tracked `size`×`size` render target.
fn texture(device: &TrackedDevice, ty: ResourceType, owner: Owner, size: u32) -> TrackedTexture {
    device.create_texture(
        &wgpu::TextureDescriptor {
            label: Some("frame_loop target"),
            size: wgpu::Extent3d {
                width: size,
                height: size,
                depth_or_array_layers: 1,
            },
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::Rgba8Unorm,
            usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
            view_formats: &[],
        },
        ty,
        owner,
    )
}

/// A render pass that clears `target` to a shade of grey that changes with `frame`.
fn clear(encoder: &mut wgpu::CommandEncoder, target: &TrackedTexture, frame: u64) {
    let view = target.create_view(&Default::default());
    let shade = (frame % 10) as f64 / 10.0;
    encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
        color_attachments: &[Some(wgpu::RenderPassColorAttachment {
            view: &view,
            depth_slice: None,
            resolve_target: None,
            ops: wgpu::Operations {
                load: wgpu::LoadOp::Clear(wgpu::Color {
                    r: shade,
                    g: shade,
                    b: shade,
                    a: 1.0,
                }),
                store: wgpu::StoreOp::Store,
            },
        })],
        ..Default::default()
    });
}
