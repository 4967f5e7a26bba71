//! GPU objects both architectures draw with: display-list buffers, shadow effect
//! pipelines and glyph atlases, each a tracked resource with its bind group.
//!
//! Who owns each one, how many there are and when they go is the architecture's
//! choice (a legacy visual has its own of each; a pooled window shares one); this
//! module only builds them through [`Ctx`], so every creation is recorded in the
//! ledger and counted in the ground truth, and releases them the same way.

use gpu_ledger::{Owner, OwnerKind, ResourceType};
use gpu_ledger_wgpu::{TrackedBuffer, TrackedTexture};

use crate::atlas;
use crate::compositor::Ctx;
use crate::render::{self, Bindings, LIST_USAGE};
use crate::scene::DisplayList;

/// A display-list buffer (frame uniform + instances) and its frame bind group.
pub(crate) struct ListBuffer {
    pub(crate) buffer: TrackedBuffer,
    pub(crate) frame: wgpu::BindGroup,
}

impl ListBuffer {
    /// A buffer owned by `owner` that holds at least `bytes`, rounded up to a
    /// power of two (at least 1 KiB) so small changes in content reuse it.
    pub(crate) fn new(ctx: &mut Ctx, owner: Owner, bytes: u64) -> Self {
        let buffer = ctx.buffer(
            &wgpu::BufferDescriptor {
                label: Some("display list"),
                size: bucket(bytes),
                usage: LIST_USAGE,
                mapped_at_creation: false,
            },
            owner,
        );
        let frame = ctx.renderer.frame_bind_group(&ctx.device, &buffer);
        Self { buffer, frame }
    }

    /// Whether `bytes` fit.
    pub(crate) fn fits(&self, bytes: u64) -> bool {
        bytes <= self.buffer.size()
    }

    pub(crate) fn release(self, ctx: &mut Ctx) {
        ctx.destroy_buffer(self.buffer);
    }
}

/// The size class a display list of `bytes` is allocated in.
pub(crate) fn bucket(bytes: u64) -> u64 {
    bytes.next_power_of_two().max(1024)
}

/// A drop-shadow effect pipeline: its style buffer, owned by an
/// [`OwnerKind::EffectPipeline`] owner.
pub(crate) struct Effect {
    pub(crate) style: TrackedBuffer,
    pub(crate) group: wgpu::BindGroup,
}

impl Effect {
    /// The effect pipeline with key `key`, its style written.
    pub(crate) fn new(ctx: &mut Ctx, key: u64) -> Self {
        let owner = Owner::new(OwnerKind::EffectPipeline, key);
        let style = ctx.buffer(&render::STYLE_BUFFER, owner);
        ctx.device
            .queue()
            .write_buffer(&style, 0, &render::style_bytes());
        let group = ctx.renderer.style_bind_group(&ctx.device, &style);
        Self { style, group }
    }

    pub(crate) fn release(self, ctx: &mut Ctx) {
        ctx.destroy_buffer(self.style);
    }
}

/// An uploaded glyph atlas texture and its bind group.
pub(crate) struct Atlas {
    pub(crate) texture: TrackedTexture,
    pub(crate) group: wgpu::BindGroup,
}

impl Atlas {
    /// Uploads the atlas as a [`ResourceType::Texture`] owned by `owner`.
    pub(crate) fn new(ctx: &mut Ctx, owner: Owner) -> Self {
        ctx.truth.create(ResourceType::Texture);
        let texture = atlas::upload(&ctx.device, owner);
        let group = ctx.renderer.atlas_bind_group(&ctx.device, &texture);
        Self { texture, group }
    }

    pub(crate) fn release(self, ctx: &mut Ctx) {
        ctx.destroy_texture(self.texture);
    }
}

/// Writes `list` for a target of `size` pixels at `scale` into `buffer` and
/// encodes its render pass into `target`, touching what it draws with.
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw(
    ctx: &Ctx,
    encoder: &mut wgpu::CommandEncoder,
    target: &wgpu::Texture,
    scale: f32,
    list: &DisplayList,
    buffer: &ListBuffer,
    effect: Option<&Effect>,
    atlas: Option<&Atlas>,
) {
    let size = (target.width(), target.height());
    ctx.device
        .queue()
        .write_buffer(&buffer.buffer, 0, &render::frame_bytes(size, scale, list));
    buffer.buffer.touch();
    if let Some(effect) = effect {
        effect.style.touch();
    }
    if let Some(atlas) = atlas {
        atlas.texture.touch();
    }
    let bindings = Bindings {
        buffer: &buffer.buffer,
        frame: &buffer.frame,
        style: effect.map(|e| &e.group),
        atlas: atlas.map(|a| &a.group),
    };
    ctx.renderer.encode(encoder, target, list, &bindings);
}
