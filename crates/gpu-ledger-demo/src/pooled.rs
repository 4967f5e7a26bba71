//! The pooled architecture: one native target, one command queue and one
//! render-target context per window, with pooled textures, buffers and fences.
//!
//! This is the current Omega design the legacy one is measured against. The
//! window owns a `Visual` record, a `NativeTarget` texture, its `CommandQueue`
//! (a logical queue: wgpu has one per device, as in [`crate::legacy`]), and a
//! context with one `TextureTarget` whose storage texture comes from the texture
//! pool. Every view and element draws into that target in tree order, in one
//! pass. Each presented frame borrows a display-list buffer and a fence from
//! their pools and gives them back once the GPU has finished with them.
//!
//! A change of the window's backing size rebuilds the native target and swaps
//! the context's storage through the pool (`ResizeRebuild`, never a destroy);
//! any other layout change is applied without rebuilding anything, and a frame
//! whose display list is unchanged is a no-op. It must never create per-view
//! GPU objects.

use gpu_ledger::{Dims, Ledger, Owner, OwnerKind, ResourceType};
use gpu_ledger_wgpu::{TrackedResource, TrackedTexture};

use crate::compositor::{Architecture, Ctx, EFFECT, Frame, POOL, Update, VISUAL, key};
use crate::display::Layer;
use crate::error::DemoError;
use crate::pool::Pool;
use crate::render::{self, list_bytes};
use crate::resources::{self, Atlas, Effect, ListBuffer, bucket};
use crate::scene::{App, Content, DisplayList};

/// The pooled compositor for one window.
pub(crate) struct Pooled {
    window: Option<Window>,
    textures: Pool<TrackedTexture>,
    buffers: Pool<ListBuffer>,
    fences: Pool<TrackedResource>,
    /// What the frame in flight borrowed: its buffer (with its size class) and fence.
    in_flight: Option<(u64, ListBuffer, TrackedResource)>,
}

/// The window's one target, queue and context.
struct Window {
    size: (u32, u32),
    scale: f32,
    record: TrackedResource,
    native: TrackedTexture,
    queue: TrackedResource,
    /// The context's texture render target: a stable identity whose storage is pooled.
    target: TrackedResource,
    storage: TrackedTexture,
    effect: Option<Effect>,
    atlas: Option<Atlas>,
    shown: Option<DisplayList>,
}

impl Pooled {
    pub(crate) fn new(ledger: &Ledger) -> Self {
        let owner = |name: &str, index| Owner::new(ledger.owner_kind(name), key(POOL, index));
        Self {
            window: None,
            textures: Pool::new(owner("TexturePool", 0), ResourceType::Texture),
            buffers: Pool::new(owner("BufferPool", 1), ResourceType::Buffer),
            fences: Pool::new(owner("FencePool", 2), ResourceType::Fence),
            in_flight: None,
        }
    }
}

impl Architecture for Pooled {
    fn warm_up_frames(&self) -> u32 {
        0
    }

    fn update(&mut self, ctx: &mut Ctx, app: &App, _update: Update) -> Result<Frame, DemoError> {
        let size = app.window_pixels();
        let mut geometry_changed = false;
        let window = match &mut self.window {
            slot @ None => {
                geometry_changed = true;
                slot.insert(Window::new(ctx, app, &mut self.textures))
            }
            Some(window) => {
                if window.size != size || window.scale != app.scale {
                    window.resize(ctx, &mut self.textures, size, app.scale)?;
                    geometry_changed = true;
                }
                window
            }
        };

        let mut list = DisplayList::default();
        for (node, frame) in app.layout().into_iter().enumerate() {
            if let Some(frame) = frame {
                app.draw(node, frame, (0.0, 0.0), &mut list);
            }
        }
        if !geometry_changed && window.shown.as_ref() == Some(&list) {
            return Ok(Frame {
                commands: None,
                geometry_changed,
            });
        }

        let class = bucket(list_bytes(&list));
        let buffer = match self
            .buffers
            .take(ctx.ledger(), class, Some(Dims::bytes(class)))
        {
            Some(buffer) => buffer,
            None => {
                let owner = self.buffers.owner();
                ListBuffer::new(ctx, owner, class)
            }
        };
        let fence = match self.fences.take(ctx.ledger(), 0, None) {
            Some(fence) => fence,
            None => {
                let owner = self.fences.owner();
                ctx.object(ResourceType::Fence, owner, None)
            }
        };
        let mut encoder = ctx.device.create_command_encoder(&Default::default());
        resources::draw(
            ctx,
            &mut encoder,
            &window.storage,
            window.scale,
            &list,
            &buffer,
            window.effect.as_ref(),
            window.atlas.as_ref(),
        );
        render::copy(&mut encoder, &window.storage, &window.native);
        window.storage.touch();
        window.target.touch();
        window.native.touch();
        window.queue.touch();
        window.record.touch();
        fence.touch();
        window.shown = Some(list);
        self.in_flight = Some((class, buffer, fence));
        Ok(Frame {
            commands: Some(encoder.finish()),
            geometry_changed,
        })
    }

    fn on_completed(&mut self, ctx: &mut Ctx) {
        if let Some((class, buffer, fence)) = self.in_flight.take() {
            self.buffers
                .give(ctx.ledger(), class, Some(Dims::bytes(class)), buffer);
            self.fences.give(ctx.ledger(), 0, None, fence);
        }
    }

    fn layers(&self) -> Vec<Layer> {
        self.window
            .iter()
            .map(|w| Layer {
                texture: w.native.inner().clone(),
                at: (0.0, 0.0),
            })
            .collect()
    }

    fn teardown(&mut self, ctx: &mut Ctx) {
        self.on_completed(ctx);
        if let Some(window) = self.window.take() {
            window.release(ctx, &mut self.textures);
        }
        let ledger = ctx.ledger().clone();
        for texture in self.textures.evict_all(&ledger) {
            ctx.destroy_texture(texture);
        }
        for buffer in self.buffers.evict_all(&ledger) {
            buffer.release(ctx);
        }
        for fence in self.fences.evict_all(&ledger) {
            ctx.destroy_object(fence);
        }
    }
}

impl Window {
    fn new(ctx: &mut Ctx, app: &App, textures: &mut Pool<TrackedTexture>) -> Self {
        let owner = Owner::new(OwnerKind::RootVisual, key(VISUAL, 0));
        let (size, scale) = (app.window_pixels(), app.scale);
        let record = ctx.object(ResourceType::Visual, owner, None);
        let native = ctx.texture(
            &render::target_desc("native target", size),
            ResourceType::NativeTarget,
            owner,
            scale,
        );
        let queue = ctx.object(ResourceType::CommandQueue, owner, None);
        let dims = Dims::new(size.0, size.1, scale);
        let target = ctx.object(ResourceType::TextureTarget, owner, Some(dims));
        let storage = acquire(ctx, textures, size, scale);
        let nodes = &app.scene.nodes;
        let effect = nodes
            .iter()
            .any(|n| matches!(n.content, Content::Shadow(_)))
            .then(|| Effect::new(ctx, key(EFFECT, 0)));
        let atlas = nodes
            .iter()
            .any(|n| matches!(n.content, Content::Text(_)))
            .then(|| Atlas::new(ctx, owner));
        Self {
            size,
            scale,
            record,
            native,
            queue,
            target,
            storage,
            effect,
            atlas,
            shown: None,
        }
    }

    /// A new backing size: rebuild the native target, swap the storage through the pool.
    fn resize(
        &mut self,
        ctx: &mut Ctx,
        textures: &mut Pool<TrackedTexture>,
        size: (u32, u32),
        scale: f32,
    ) -> Result<(), DemoError> {
        self.native
            .resize_rebuild_scaled(&ctx.device, render::extent(size), scale)
            .map_err(|e| DemoError::gpu_from("rebuilding the window's native target failed", e))?;
        let old = std::mem::replace(&mut self.storage, acquire(ctx, textures, size, scale));
        give_back(ctx, textures, old);
        self.target
            .resize_rebuild(Some(Dims::new(size.0, size.1, scale)))
            .map_err(|e| DemoError::gpu_from("rebuilding the window's texture target failed", e))?;
        self.size = size;
        self.scale = scale;
        self.shown = None;
        Ok(())
    }

    fn release(self, ctx: &mut Ctx, textures: &mut Pool<TrackedTexture>) {
        give_back(ctx, textures, self.storage);
        ctx.destroy_object(self.target);
        ctx.destroy_object(self.queue);
        ctx.destroy_texture(self.native);
        if let Some(effect) = self.effect {
            effect.release(ctx);
        }
        if let Some(atlas) = self.atlas {
            atlas.release(ctx);
        }
        ctx.destroy_object(self.record);
    }
}

/// A storage texture of `size` from the pool, made on a miss.
fn acquire(
    ctx: &mut Ctx,
    textures: &mut Pool<TrackedTexture>,
    size: (u32, u32),
    scale: f32,
) -> TrackedTexture {
    let class = (u64::from(size.0) << 32) | u64::from(size.1);
    let dims = Dims::new(size.0, size.1, scale);
    match textures.take(ctx.ledger(), class, Some(dims)) {
        Some(texture) => texture,
        None => {
            let owner = textures.owner();
            ctx.texture(
                &render::target_desc("pooled texture", size),
                ResourceType::Texture,
                owner,
                scale,
            )
        }
    }
}

fn give_back(ctx: &mut Ctx, textures: &mut Pool<TrackedTexture>, texture: TrackedTexture) {
    let (w, h) = (texture.width(), texture.height());
    let class = (u64::from(w) << 32) | u64::from(h);
    textures.give(ctx.ledger(), class, Some(texture.dims()), texture);
}
