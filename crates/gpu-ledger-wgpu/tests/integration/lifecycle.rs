use gpu_ledger::{
    Dims, EventKind, Owner, OwnerKind, Resource, ResourceAction, ResourceId, ResourceType,
};
use gpu_ledger_wgpu::{ErrorKind, TrackedTexture};

use crate::util;

pub(crate) fn target_desc(width: u32, height: u32) -> wgpu::TextureDescriptor<'static> {
    wgpu::TextureDescriptor {
        label: Some("test target"),
        size: wgpu::Extent3d {
            width,
            height,
            depth_or_array_layers: 1,
        },
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: wgpu::TextureFormat::Rgba8Unorm,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        view_formats: &[],
    }
}

pub(crate) fn resource_event(
    action: ResourceAction,
    id: ResourceId,
    ty: ResourceType,
    owner: Owner,
    dims: Option<Dims>,
) -> EventKind {
    EventKind::Resource {
        action,
        resource: Resource { id, ty, owner },
        dims,
        packet: None,
    }
}

#[test]
fn texture_records_create_with_owner_and_dims_and_destroy_on_drop() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::ChildVisual, 42);
    let texture = device.create_texture_scaled(
        &target_desc(260, 440),
        ResourceType::TextureTarget,
        owner,
        2.0,
    );
    let id = texture.id();
    assert_eq!(
        (
            texture.owner(),
            texture.resource_type(),
            texture.size().width,
            texture.scale()
        ),
        (owner, ResourceType::TextureTarget, 260, 2.0)
    );
    drop(texture);

    let ty = ResourceType::TextureTarget;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(260, 440, 2.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn unscaled_texture_records_scale_zero() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::RootVisual, 1);
    let texture = device.create_texture(&target_desc(16, 8), ResourceType::NativeTarget, owner);
    let id = texture.id();
    drop(texture);

    let ty = ResourceType::NativeTarget;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(16, 8, 0.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn buffer_records_create_with_bytes_and_destroy_on_drop() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::EffectPipeline, 9);
    let buffer = device.create_buffer(
        &wgpu::BufferDescriptor {
            label: Some("uniforms"),
            size: 4096,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        },
        owner,
    );
    let id = buffer.id();
    assert_eq!(
        (buffer.size(), buffer.resource_type()),
        (4096, ResourceType::Buffer)
    );
    drop(buffer);

    let ty = ResourceType::Buffer;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::bytes(4096))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn clones_share_one_id_and_destroy_once_on_last_drop() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::RootVisual, 3);
    let texture = device.create_texture(&target_desc(32, 32), ResourceType::Texture, owner);
    let clone = texture.clone();
    let id = texture.id();
    assert_eq!(clone.id(), id, "a clone is the same resource");
    drop(texture);
    ledger.flush();
    let third = clone.clone();
    drop(clone);
    drop(third);

    let ty = ResourceType::Texture;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(32, 32, 0.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn explicit_destroy_then_drop_records_one_destroy() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::Transient, 5);
    let texture = device.create_texture(&target_desc(8, 8), ResourceType::Texture, owner);
    let buffer = device.create_buffer(
        &wgpu::BufferDescriptor {
            label: None,
            size: 256,
            usage: wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        },
        owner,
    );
    let queue = device.track(ResourceType::CommandQueue, owner, None);
    let (t, b, q) = (texture.id(), buffer.id(), queue.id());

    let texture_clone = texture.clone();
    texture.destroy();
    texture_clone.destroy();
    assert!(texture.is_destroyed() && texture_clone.is_destroyed());
    buffer.destroy();
    buffer.destroy();
    queue.destroy();
    drop((texture, texture_clone, buffer, queue));

    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                t,
                ResourceType::Texture,
                owner,
                Some(Dims::new(8, 8, 0.0))
            ),
            resource_event(
                ResourceAction::Create,
                b,
                ResourceType::Buffer,
                owner,
                Some(Dims::bytes(256))
            ),
            resource_event(
                ResourceAction::Create,
                q,
                ResourceType::CommandQueue,
                owner,
                None
            ),
            resource_event(
                ResourceAction::Destroy,
                t,
                ResourceType::Texture,
                owner,
                None
            ),
            resource_event(
                ResourceAction::Destroy,
                b,
                ResourceType::Buffer,
                owner,
                None
            ),
            resource_event(
                ResourceAction::Destroy,
                q,
                ResourceType::CommandQueue,
                owner,
                None
            ),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn resize_rebuild_keeps_id_records_new_dims_and_really_resizes() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::ChildVisual, 11);
    let mut texture = device.create_texture_scaled(
        &target_desc(100, 50),
        ResourceType::TextureTarget,
        owner,
        2.0,
    );
    let id = texture.id();

    texture
        .resize_rebuild(
            &device,
            wgpu::Extent3d {
                width: 260,
                height: 440,
                depth_or_array_layers: 1,
            },
        )
        .expect("the texture is alive");
    assert_eq!(
        (
            texture.id(),
            texture.size(),
            texture.format(),
            texture.usage()
        ),
        (
            id,
            wgpu::Extent3d {
                width: 260,
                height: 440,
                depth_or_array_layers: 1
            },
            wgpu::TextureFormat::Rgba8Unorm,
            wgpu::TextureUsages::RENDER_ATTACHMENT | wgpu::TextureUsages::COPY_SRC,
        ),
        "the backing texture is rebuilt at the new size with the same format and usage"
    );
    texture
        .resize_rebuild_scaled(
            &device,
            wgpu::Extent3d {
                width: 130,
                height: 220,
                depth_or_array_layers: 1,
            },
            1.0,
        )
        .expect("the texture is alive");
    assert_eq!(
        (texture.width(), texture.height(), texture.scale()),
        (130, 220, 1.0)
    );
    drop(texture);

    let ty = ResourceType::TextureTarget;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(100, 50, 2.0))
            ),
            resource_event(
                ResourceAction::ResizeRebuild,
                id,
                ty,
                owner,
                Some(Dims::new(260, 440, 2.0))
            ),
            resource_event(
                ResourceAction::ResizeRebuild,
                id,
                ty,
                owner,
                Some(Dims::new(130, 220, 1.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn err_resize_rebuild_after_destroy_records_nothing() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::ChildVisual, 12);
    let mut texture =
        device.create_texture(&target_desc(10, 10), ResourceType::TextureTarget, owner);
    let id = texture.id();
    texture.destroy();

    let err = texture
        .resize_rebuild(
            &device,
            wgpu::Extent3d {
                width: 20,
                height: 20,
                depth_or_array_layers: 1,
            },
        )
        .expect_err("a destroyed texture cannot be rebuilt");
    assert_eq!(err.kind(), ErrorKind::Destroyed);
    assert_eq!(
        format!(
            "cannot resize texture {} to 20x20: it was already destroyed; create a new one",
            id.0
        ),
        err.to_string()
    );
    assert_eq!(
        texture.width(),
        10,
        "the destroyed backing texture is left alone"
    );
    drop(texture);

    let ty = ResourceType::TextureTarget;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(10, 10, 0.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn from_texture_tracks_a_texture_made_elsewhere() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::RootVisual, 77);
    let raw = device.device().create_texture(&target_desc(64, 32));
    let texture =
        TrackedTexture::from_texture(raw, ledger.clone(), ResourceType::NativeTarget, owner, 2.0);
    let id = texture.id();
    let mut texture = texture;
    texture
        .resize_rebuild(
            &device,
            wgpu::Extent3d {
                width: 128,
                height: 64,
                depth_or_array_layers: 1,
            },
        )
        .expect("alive");
    assert_eq!(texture.size().width, 128);
    drop(texture);

    let ty = ResourceType::NativeTarget;
    assert_eq!(
        vec![
            resource_event(
                ResourceAction::Create,
                id,
                ty,
                owner,
                Some(Dims::new(64, 32, 2.0))
            ),
            resource_event(
                ResourceAction::ResizeRebuild,
                id,
                ty,
                owner,
                Some(Dims::new(128, 64, 2.0))
            ),
            resource_event(ResourceAction::Destroy, id, ty, owner, None),
        ],
        util::finish(&ledger)
    );
}

#[test]
fn ids_are_fresh_per_resource_and_never_zero() {
    let (device, ledger) = util::device();
    let owner = Owner::new(OwnerKind::Transient, 0);
    let a = device.create_texture(&target_desc(4, 4), ResourceType::Texture, owner);
    let b = device.create_texture(&target_desc(4, 4), ResourceType::Texture, owner);
    let c = device.track(ResourceType::Fence, owner, None);
    assert!(
        a.id().0 != 0 && a.id() < b.id() && b.id() < c.id(),
        "{:?} {:?} {:?}",
        a.id(),
        b.id(),
        c.id()
    );
    drop((a, b, c));
    assert_eq!(6, util::finish(&ledger).len());
}

#[test]
fn err_no_adapter_names_wgpu_cause_and_how_to_get_one() {
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: wgpu::Backends::empty(),
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let ledger = std::sync::Arc::new(gpu_ledger::Ledger::disabled());
    let err = pollster::block_on(gpu_ledger_wgpu::TrackedDevice::request_on(
        &instance, ledger,
    ))
    .expect_err("an instance with no backends has no adapter");
    assert_eq!(err.kind(), ErrorKind::NoAdapter);
    assert_eq!(
        err.to_string(),
        "no GPU adapter found: install a Vulkan, Metal, DX12 or GL driver, e.g. Mesa's software \
         Vulkan driver: `apt-get install mesa-vulkan-drivers`"
    );
    // wgpu's own words are the source, not repeated in the message: a cause chain
    // (`{:#}` with anyhow) prints each fact once.
    let source = std::error::Error::source(&err).expect("the wgpu error is the source");
    assert!(
        source
            .to_string()
            .starts_with("No suitable graphics adapter found"),
        "{source}"
    );
}
