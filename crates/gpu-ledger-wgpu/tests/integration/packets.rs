use gpu_ledger::{
    Dims, EventKind, Owner, OwnerKind, PacketRef, PacketStage, Resource, ResourceAction,
    ResourceType,
};

use crate::lifecycle::target_desc;
use crate::util;

fn stage(packet: PacketRef, stage: PacketStage) -> EventKind {
    EventKind::Packet { packet, stage }
}

fn empty_command_buffer(device: &wgpu::Device) -> wgpu::CommandBuffer {
    device
        .create_command_encoder(&wgpu::CommandEncoderDescriptor {
            label: Some("empty"),
        })
        .finish()
}

#[test]
fn resource_events_inside_enter_packet_carry_the_packet() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::ChildVisual, 21);
    let packet = PacketRef::new(2, 17);
    let texture;
    {
        let _scope = ledger.enter_packet(packet);
        texture = device.create_texture(&target_desc(20, 10), ResourceType::TextureTarget, owner);
        texture.bind();
        texture.touch();
        texture.unbind();
    }
    texture.touch(); // outside any packet: records nothing
    let id = texture.id();
    drop(texture);

    let resource = Resource {
        id,
        ty: ResourceType::TextureTarget,
        owner,
    };
    let event = |action, dims, packet| EventKind::Resource {
        action,
        resource,
        dims,
        packet,
    };
    assert_eq!(
        vec![
            event(
                ResourceAction::Create,
                Some(Dims::new(20, 10, 0.0)),
                Some(packet)
            ),
            event(ResourceAction::Bind, None, Some(packet)),
            EventKind::Touched {
                packet,
                resource: id
            },
            event(ResourceAction::Unbind, None, Some(packet)),
            event(ResourceAction::Destroy, None, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn submit_in_packet_scope_records_submitted_then_completed() {
    let (device, ledger) = util::device();
    let packet = PacketRef::new(1, 5);
    let index = {
        let _scope = ledger.enter_packet(packet);
        device.submit([empty_command_buffer(&device)], None)
    };
    device.wait(index).expect("waiting for a valid submission");

    assert_eq!(
        vec![
            stage(packet, PacketStage::Submitted),
            stage(packet, PacketStage::Completed)
        ],
        util::finish(&ledger)
    );
}

#[test]
fn submit_with_explicit_packet_wins_over_the_current_one() {
    let (device, ledger) = util::device();
    let current = PacketRef::new(1, 1);
    let explicit = PacketRef::new(3, 9);
    let index = {
        let _scope = ledger.enter_packet(current);
        device.submit([empty_command_buffer(&device)], Some(explicit))
    };
    device.wait(index).expect("waiting for a valid submission");

    assert_eq!(
        vec![
            stage(explicit, PacketStage::Submitted),
            stage(explicit, PacketStage::Completed)
        ],
        util::finish(&ledger)
    );
}

#[test]
fn submit_outside_a_packet_records_nothing_but_submits() {
    let (device, ledger) = util::device();
    let index = device.submit([empty_command_buffer(&device)], None);
    device.wait(index).expect("the work was really submitted");
    assert_eq!(Vec::<EventKind>::new(), util::finish(&ledger));
}

#[test]
fn completed_follows_submitted_for_every_packet_of_a_lane() {
    let (device, ledger) = util::device();
    let packets: Vec<PacketRef> = (1..=4).map(|p| PacketRef::new(7, p)).collect();
    for &packet in &packets {
        let _scope = ledger.enter_packet(packet);
        device.submit([empty_command_buffer(&device)], None);
    }
    device.wait_idle().expect("waiting for all submissions");

    let events = util::finish(&ledger);
    assert_eq!(events.len(), 2 * packets.len(), "{events:#?}");
    let position = |packet, s| {
        events
            .iter()
            .position(|e| *e == stage(packet, s))
            .unwrap_or_else(|| panic!("no {s:?} for {packet} in {events:#?}"))
    };
    for (i, &packet) in packets.iter().enumerate() {
        let submitted = position(packet, PacketStage::Submitted);
        let completed = position(packet, PacketStage::Completed);
        assert!(
            submitted < completed,
            "{packet}: completed before submitted in {events:#?}"
        );
        if i > 0 {
            let previous = position(packets[i - 1], PacketStage::Completed);
            assert!(
                previous < completed,
                "{packet}: completions out of submission order in {events:#?}"
            );
        }
    }
}

#[test]
fn completed_recorded_by_another_polling_thread_still_follows_submitted() {
    let (device, ledger) = util::device();
    let packet = PacketRef::new(4, 1);
    let index = device.submit([empty_command_buffer(&device)], Some(packet));
    let poller = device.clone();
    std::thread::spawn(move || poller.wait(index))
        .join()
        .expect("the polling thread did not panic")
        .expect("waiting for a valid submission");

    assert_eq!(
        vec![
            stage(packet, PacketStage::Submitted),
            stage(packet, PacketStage::Completed)
        ],
        util::finish(&ledger)
    );
}

#[test]
fn wait_timeout_returns_once_the_work_is_done() {
    let (device, ledger) = util::device();
    let packet = PacketRef::new(5, 1);
    let index = device.submit([empty_command_buffer(&device)], Some(packet));
    device
        .wait_timeout(index, std::time::Duration::from_secs(30))
        .expect("an empty submission finishes well within 30 s");
    assert_eq!(
        vec![
            stage(packet, PacketStage::Submitted),
            stage(packet, PacketStage::Completed)
        ],
        util::finish(&ledger)
    );
}
