use gpu_ledger::{
    Dims, EventKind, Owner, OwnerKind, PacketRef, PacketStage, Resource, ResourceAction,
    ResourceType,
};

use crate::lifecycle::target_desc;
use crate::util;

const SIZE: u32 = 64;
/// 64 pixels × 4 bytes: already a multiple of `COPY_BYTES_PER_ROW_ALIGNMENT`.
const ROW_BYTES: u32 = SIZE * 4;

#[test]
fn render_pass_clears_tracked_texture_and_readback_through_tracked_buffer_gives_the_colour() {
    assert_eq!(ROW_BYTES % wgpu::COPY_BYTES_PER_ROW_ALIGNMENT, 0);
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::RootVisual, 1);
    let packet = PacketRef::new(1, 1);
    let target = device.create_texture_scaled(
        &target_desc(SIZE, SIZE),
        ResourceType::TextureTarget,
        owner,
        2.0,
    );
    let readback = device.create_buffer(
        &wgpu::BufferDescriptor {
            label: Some("readback"),
            size: u64::from(ROW_BYTES * SIZE),
            usage: wgpu::BufferUsages::COPY_DST | wgpu::BufferUsages::MAP_READ,
            mapped_at_creation: false,
        },
        owner,
    );

    let index = {
        let _scope = ledger.enter_packet(packet);
        target.bind();
        let view = target.create_view(&wgpu::TextureViewDescriptor::default());
        let mut encoder = device.create_command_encoder(&wgpu::CommandEncoderDescriptor::default());
        encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("clear"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color {
                        r: 0.2,
                        g: 0.4,
                        b: 1.0,
                        a: 1.0,
                    }),
                    store: wgpu::StoreOp::Store,
                },
            })],
            ..Default::default()
        });
        encoder.copy_texture_to_buffer(
            target.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(ROW_BYTES),
                    rows_per_image: Some(SIZE),
                },
            },
            target.size(),
        );
        readback.touch();
        device.submit([encoder.finish()], None)
    };
    device.wait(index).expect("the clear and the copy finish");

    let (sender, receiver) = std::sync::mpsc::channel();
    readback.map_async(wgpu::MapMode::Read, .., move |result| {
        let _ = sender.send(result);
    });
    device.wait_idle().expect("the mapping finishes");
    receiver
        .recv()
        .expect("wgpu ran the map callback while waiting")
        .expect("the readback buffer maps");
    {
        let bytes = readback.get_mapped_range(..).expect("the buffer is mapped");
        assert_eq!(bytes.len(), (ROW_BYTES * SIZE) as usize);
        let wrong: Vec<(usize, &[u8])> = bytes
            .chunks_exact(4)
            .enumerate()
            .filter(|(_, px)| *px != [51, 102, 255, 255])
            .take(5)
            .collect();
        assert!(
            wrong.is_empty(),
            "pixels not cleared to rgba(51, 102, 255, 255): {wrong:?}"
        );
    }
    readback.unmap();
    let (t, b) = (target.id(), readback.id());
    drop((target, readback));

    let resource = |id, ty| Resource { id, ty, owner };
    let event = |action, resource, dims, packet| EventKind::Resource {
        action,
        resource,
        dims,
        packet,
    };
    let texture = resource(t, ResourceType::TextureTarget);
    let buffer = resource(b, ResourceType::Buffer);
    assert_eq!(
        vec![
            event(
                ResourceAction::Create,
                texture,
                Some(Dims::new(SIZE, SIZE, 2.0)),
                None
            ),
            event(
                ResourceAction::Create,
                buffer,
                Some(Dims::bytes(u64::from(ROW_BYTES * SIZE))),
                None
            ),
            event(ResourceAction::Bind, texture, None, Some(packet)),
            EventKind::Touched {
                packet,
                resource: b
            },
            EventKind::Packet {
                packet,
                stage: PacketStage::Submitted
            },
            EventKind::Packet {
                packet,
                stage: PacketStage::Completed
            },
            event(ResourceAction::Destroy, texture, None, None),
            event(ResourceAction::Destroy, buffer, None, None),
        ],
        util::finish(&ledger)
    );
}
