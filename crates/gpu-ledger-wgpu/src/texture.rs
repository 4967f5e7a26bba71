//! [`TrackedTexture`]: a `wgpu::Texture` that records its lifecycle.
//!
//! Textures are what a compositor churns: native targets, texture render targets,
//! layer backings. This module keeps one ledger identity per texture across clones
//! and across resize rebuilds (a rebuild swaps the backing `wgpu::Texture` but not
//! the [`ResourceId`](gpu_ledger::ResourceId)). It must never hide the wgpu object
//! (it derefs to it), never record a second destroy, and never destroy a backing
//! texture that another clone may still be drawing into.

use std::ops::Deref;
use std::sync::Arc;

use gpu_ledger::{Dims, Ledger, Owner, ResourceAction, ResourceType};

use crate::error::{Error, ErrorKind};
use crate::record::{Record, impl_tracked};

/// A `wgpu::Texture` whose create, destroy, resize rebuilds and binds are recorded
/// in a [`Ledger`] with its owner and the current packet.
///
/// Mirrors [`wgpu::Texture`] and derefs to it, so `texture.create_view(..)`,
/// `texture.size()` and `texture.as_image_copy()` work as usual.
///
/// # What it records
/// - `Create` (with width, height and scale) when made by
///   [`TrackedDevice::create_texture`](crate::TrackedDevice::create_texture) or
///   [`TrackedTexture::from_texture`];
/// - `ResizeRebuild` (with the new dims) on [`resize_rebuild`](Self::resize_rebuild);
/// - `Bind` / `Unbind` / `Touched` on [`bind`](Self::bind), [`unbind`](Self::unbind),
///   [`touch`](Self::touch);
/// - `Destroy` exactly once: on [`destroy`](Self::destroy), or when the last clone drops.
///
/// Every event carries the calling thread's current packet
/// ([`Ledger::enter_packet`]).
///
/// # Clones
/// Clones are handles to the same tracked resource: they share one id and one
/// destroy. A [`resize_rebuild`](Self::resize_rebuild) replaces the backing texture
/// of the handle it is called on only; other clones keep the old backing texture
/// until they drop, so rebuild through the one handle that owns the target.
///
/// # Cost
/// One ledger event per recording call (tens of nanoseconds, no lock, no
/// allocation); creating one allocates a shared record once. Everything else is
/// wgpu's own cost.
#[derive(Clone, Debug)]
pub struct TrackedTexture {
    texture: wgpu::Texture,
    record: Arc<Record>,
    label: Option<Arc<str>>,
    view_formats: Arc<[wgpu::TextureFormat]>,
}

impl TrackedTexture {
    /// Tracks a texture created elsewhere (by a surface, by another library):
    /// records its `Create` now, with its size and `scale` (0 when unknown).
    ///
    /// A later [`resize_rebuild`](Self::resize_rebuild) recreates it without a
    /// label and without extra view formats, since wgpu cannot report them.
    pub fn from_texture(
        texture: wgpu::Texture,
        ledger: Arc<Ledger>,
        ty: ResourceType,
        owner: Owner,
        scale: f32,
    ) -> Self {
        let record = Record::create(ledger, ty, owner, Some(dims_of(&texture, scale)));
        Self {
            texture,
            record,
            label: None,
            view_formats: Arc::from([]),
        }
    }

    pub(crate) fn create(
        device: &wgpu::Device,
        ledger: &Arc<Ledger>,
        desc: &wgpu::TextureDescriptor<'_>,
        ty: ResourceType,
        owner: Owner,
        scale: f32,
    ) -> Self {
        let texture = device.create_texture(desc);
        let record = Record::create(ledger.clone(), ty, owner, Some(dims_of(&texture, scale)));
        Self {
            texture,
            record,
            label: desc.label.map(Arc::from),
            view_formats: Arc::from(desc.view_formats),
        }
    }

    /// The wrapped `wgpu::Texture` (also reachable through `Deref`).
    pub fn inner(&self) -> &wgpu::Texture {
        &self.texture
    }

    /// The backing scale factor reported with its dims; 0 when unknown.
    pub fn scale(&self) -> f32 {
        self.record.scale()
    }

    /// The dims the ledger knows this texture by: width, height and scale.
    pub fn dims(&self) -> Dims {
        dims_of(&self.texture, self.record.scale())
    }

    /// Destroys the GPU texture now ([`wgpu::Texture::destroy`]) and records
    /// `Destroy`, once: later calls, on this handle or any clone, and the final
    /// drop record nothing more.
    pub fn destroy(&self) {
        if self.record.destroy() {
            self.texture.destroy();
        }
    }

    /// Recreates the backing texture at `size`, keeping its format, usage, mip and
    /// sample counts, label, scale and its ledger id, and records `ResizeRebuild`
    /// with the new dims.
    ///
    /// It always rebuilds: a caller that wants to skip same-size resizes compares
    /// [`size`](wgpu::Texture::size) first. The old backing texture is released by
    /// this handle (not destroyed: clones and in-flight work may still use it).
    ///
    /// # Errors
    /// [`ErrorKind::Destroyed`] when the texture was already destroyed; nothing is
    /// created or recorded then.
    ///
    /// # Example
    /// ```
    /// # use gpu_ledger_wgpu::TrackedDevice;
    /// # fn demo(device: &TrackedDevice, target: &mut gpu_ledger_wgpu::TrackedTexture) -> Result<(), gpu_ledger_wgpu::Error> {
    /// let id = target.id();
    /// target.resize_rebuild(device, wgpu::Extent3d { width: 640, height: 480, depth_or_array_layers: 1 })?;
    /// assert_eq!((target.id(), target.width()), (id, 640));
    /// # Ok(()) }
    /// ```
    pub fn resize_rebuild(
        &mut self,
        device: &wgpu::Device,
        size: wgpu::Extent3d,
    ) -> Result<(), Error> {
        let scale = self.record.scale();
        self.resize_rebuild_scaled(device, size, scale)
    }

    /// Like [`resize_rebuild`](Self::resize_rebuild), also changing the backing
    /// scale reported from now on.
    ///
    /// # Errors
    /// [`ErrorKind::Destroyed`] when the texture was already destroyed.
    pub fn resize_rebuild_scaled(
        &mut self,
        device: &wgpu::Device,
        size: wgpu::Extent3d,
        scale: f32,
    ) -> Result<(), Error> {
        if self.record.is_destroyed() {
            return Err(Error::new(
                ErrorKind::Destroyed,
                format!(
                    "cannot resize texture {} to {}x{}: it was already destroyed; create a new one",
                    self.record.id().0,
                    size.width,
                    size.height
                ),
                None,
            ));
        }
        let old = &self.texture;
        let desc = wgpu::TextureDescriptor {
            label: self.label.as_deref(),
            size,
            mip_level_count: old.mip_level_count(),
            sample_count: old.sample_count(),
            dimension: old.dimension(),
            format: old.format(),
            usage: old.usage(),
            view_formats: &self.view_formats,
        };
        self.texture = device.create_texture(&desc);
        self.record.set_scale(scale);
        self.record.record(
            ResourceAction::ResizeRebuild,
            Some(dims_of(&self.texture, scale)),
        );
        Ok(())
    }
}

impl_tracked!(TrackedTexture, "texture");

impl Deref for TrackedTexture {
    type Target = wgpu::Texture;

    fn deref(&self) -> &wgpu::Texture {
        &self.texture
    }
}

impl AsRef<wgpu::Texture> for TrackedTexture {
    fn as_ref(&self) -> &wgpu::Texture {
        &self.texture
    }
}

fn dims_of(texture: &wgpu::Texture, scale: f32) -> Dims {
    Dims::new(texture.width(), texture.height(), scale)
}
