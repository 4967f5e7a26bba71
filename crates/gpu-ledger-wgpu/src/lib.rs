//! Tracked wgpu wrappers: create textures, buffers and per-target objects through a
//! [`TrackedDevice`] and every create, destroy, resize rebuild, bind and packet
//! submission lands in a [`gpu_ledger::Ledger`] with its owner and packet, while
//! your code keeps using the plain wgpu objects (every wrapper derefs to them).
//!
//! ```
//! use std::sync::Arc;
//! use gpu_ledger::{Collected, Ledger, Owner, OwnerKind, PacketRef, ResourceType};
//! use gpu_ledger_wgpu::TrackedDevice;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // wgpu frees destroyed resources once the GPU is done: declare it, so reports agree.
//! let ledger = Arc::new(Ledger::start(gpu_ledger_wgpu::ledger_config(), Collected::default()));
//! // The first adapter wgpu finds; fails with install instructions when there is none.
//! let (device, adapter) = pollster::block_on(TrackedDevice::request(ledger.clone()))?;
//! println!("rendering on {}", adapter.name);
//!
//! let window = Owner::new(OwnerKind::RootVisual, 1);
//! let target = device.create_texture_scaled(
//!     &wgpu::TextureDescriptor {
//!         label: Some("window target"),
//!         size: wgpu::Extent3d { width: 1000, height: 1000, depth_or_array_layers: 1 },
//!         mip_level_count: 1,
//!         sample_count: 1,
//!         dimension: wgpu::TextureDimension::D2,
//!         format: wgpu::TextureFormat::Rgba8Unorm,
//!         usage: wgpu::TextureUsages::RENDER_ATTACHMENT,
//!         view_formats: &[],
//!     },
//!     ResourceType::NativeTarget,
//!     window,
//!     2.0,
//! ); // `Create NativeTarget 1000x1000@2 owner RootVisual:1`
//!
//! let packet = PacketRef::new(1, 1);
//! {
//!     let _scope = ledger.enter_packet(packet);
//!     target.bind(); // `Bind`, attributed to lane 1 packet 1
//!     let view = target.create_view(&Default::default()); // plain wgpu from here on
//!     let mut encoder = device.create_command_encoder(&Default::default());
//!     encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
//!         color_attachments: &[Some(wgpu::RenderPassColorAttachment {
//!             view: &view,
//!             depth_slice: None,
//!             resolve_target: None,
//!             ops: wgpu::Operations {
//!                 load: wgpu::LoadOp::Clear(wgpu::Color::WHITE),
//!                 store: wgpu::StoreOp::Store,
//!             },
//!         })],
//!         ..Default::default()
//!     });
//!     let index = device.submit([encoder.finish()], None); // `Submitted`
//!     device.wait(index)?; // `Completed`
//! }
//! drop(target); // the last handle: `Destroy`
//!
//! let events = ledger.finish().into_sink::<Collected>().expect("our sink").events;
//! assert_eq!(events.len(), 6); // 5 recorded, then the clean end of a finished ledger
//! # Ok(()) }
//! ```
//!
//! # Overview
//! - [`ledger_config`]: a ledger configuration declaring wgpu's [`RELEASE_MODEL`]
//!   (deferred), so reports accept destroys after submit and flag destroys before it.
//! - [`TrackedDevice`]: wraps `wgpu::Device` + `wgpu::Queue`; makes tracked
//!   resources and records `Submitted` / `Completed` for packets.
//! - [`TrackedQueue`]: the device's queue: `submit` with wgpu's own signature
//!   takes the packet from the current scope; `present` records `Presented`.
//!
//! `examples/frame_loop.rs` is a whole frame loop: a [`gpu_ledger::Session`]
//! writing a trace, tracked targets, `queue.submit`, `queue.present`, the report
//! at the end.
//! - [`TrackedTexture`]: wraps `wgpu::Texture` (targets, layer backings); resize
//!   rebuilds keep its id.
//! - [`TrackedBuffer`]: wraps `wgpu::Buffer`.
//! - [`TrackedResource`]: a drop guard for resources wgpu has no type for (command
//!   queues per target, fences, visuals).
//! - [`Error`]: the one error type, with [`ErrorKind`].
//!
//! # Principles
//! Wrap, don't hide: each wrapper derefs to its wgpu object and keeps wgpu's
//! names. No global state: the `Arc<Ledger>` is passed in. Packet context comes
//! from [`gpu_ledger::Ledger::enter_packet`] on the recording thread, or is given
//! explicitly to [`TrackedDevice::submit`]. Clones of a wrapper are one resource:
//! `Destroy` is recorded once, on explicit `destroy()` or when the last clone drops.
//!
//! # Feature flags
//! None; wgpu is used with its default features.

/// How wgpu frees what a program destroys: a texture or buffer that is dropped
/// or `destroy()`ed is released, and wgpu frees it once no submitted work uses
/// it any more (WebGPU semantics), so destroying after submit is legal and only a
/// destroy before the work that uses it is submitted is an error.
pub const RELEASE_MODEL: ReleaseModel = ReleaseModel::Deferred;

/// The default [`LedgerConfig`] declaring wgpu's [`RELEASE_MODEL`]: start the
/// ledger a [`TrackedDevice`] records into with it (changing any other field as
/// you like), so that reports hold the stream to wgpu's rules.
///
/// # Example
/// ```
/// use gpu_ledger::{ReleaseModel, ReleaseModels};
///
/// let config = gpu_ledger_wgpu::ledger_config();
/// assert_eq!(config.release, ReleaseModels::uniform(ReleaseModel::Deferred));
/// ```
pub fn ledger_config() -> LedgerConfig {
    LedgerConfig {
        release: ReleaseModels::uniform(RELEASE_MODEL),
        ..LedgerConfig::default()
    }
}

mod buffer;
mod device;
mod error;
mod queue;
mod record;
mod resource;
mod texture;

use gpu_ledger::{LedgerConfig, ReleaseModel, ReleaseModels};

pub use buffer::TrackedBuffer;
pub use device::TrackedDevice;
pub use error::{Error, ErrorKind};
pub use queue::TrackedQueue;
pub use resource::TrackedResource;
pub use texture::TrackedTexture;

#[cfg(test)]
mod tests {
    fn assert_send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}

    #[test]
    fn wrappers_are_send_sync_clone_and_debug() {
        assert_send_sync::<crate::TrackedDevice>();
        assert_send_sync::<crate::TrackedQueue>();
        assert_send_sync::<crate::TrackedTexture>();
        assert_send_sync::<crate::TrackedBuffer>();
        assert_send_sync::<crate::TrackedResource>();
    }
}
