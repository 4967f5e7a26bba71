//! The legacy architecture: a visual per view and per shape element, each with its
//! own native target, command queue and render-target context.
//!
//! This replays the older Omega compositor whose churn the plan set out to
//! explain. Every visual owns:
//! - a `Visual` record, a `NativeTarget` texture (what the display shows) and the
//!   target's `CommandQueue`;
//! - a render-target context of two `TextureTarget` textures, drawn into in turn
//!   and copied onto the native target, each with its own `CommandQueue`;
//! - its display-list `Buffer`, and, as needed, a shadow effect pipeline (with
//!   its style `Buffer`) or a glyph atlas `Texture` of its own.
//!
//! The command queues are logical objects: wgpu gives the device one queue, and
//! every visual's work is submitted through it in the frame's single submission;
//! each logical queue a frame uses is recorded as touched by its packet.
//!
//! Whenever layout sets a visual's frame (a new size, a new position, a new
//! backing scale) the context is rebuilt: `ResizeRebuild` of the native target,
//! then both texture targets and their queues destroyed and created again. Each
//! canvas root sends two warm-up frames when attached. Nothing is released until
//! shutdown, when everything goes at once. It must never reuse or pool anything:
//! the churn is the point.

use gpu_ledger::{Owner, OwnerKind, ResourceType};
use gpu_ledger_wgpu::{TrackedResource, TrackedTexture};

use crate::compositor::{Architecture, Ctx, EFFECT, Frame, Update, VISUAL, key};
use crate::display::Layer;
use crate::error::DemoError;
use crate::render::{self, list_bytes};
use crate::resources::{self, Atlas, Effect, ListBuffer};
use crate::scene::{App, Content, DisplayList, Rect};

/// The legacy compositor: one visual per scene node.
pub(crate) struct Legacy {
    visuals: Vec<Option<Visual>>,
}

/// A texture render target and its own command queue.
struct TextureRenderTarget {
    texture: TrackedTexture,
    queue: TrackedResource,
}

/// A render-target context: two texture render targets, drawn into in turn.
struct Context {
    targets: Vec<TextureRenderTarget>,
    next: usize,
}

/// One node's visual and everything it owns.
struct Visual {
    node: usize,
    owner: Owner,
    /// The parent-relative frame layout last set, and the scale it was set at.
    frame: Rect,
    scale: f32,
    /// Its position on the window, in points.
    origin: (f32, f32),
    record: TrackedResource,
    native: TrackedTexture,
    queue: TrackedResource,
    context: Context,
    list: ListBuffer,
    effect: Option<Effect>,
    atlas: Option<Atlas>,
    /// What its native target shows; `None` when it must be drawn.
    shown: Option<DisplayList>,
}

impl Legacy {
    pub(crate) fn new(nodes: usize) -> Self {
        Self {
            visuals: (0..nodes).map(|_| None).collect(),
        }
    }
}

impl Architecture for Legacy {
    fn warm_up_frames(&self) -> u32 {
        2
    }

    fn update(&mut self, ctx: &mut Ctx, app: &App, update: Update) -> Result<Frame, DemoError> {
        let layout = app.layout();
        let mut geometry_changed = false;
        for (node, abs) in layout.iter().enumerate() {
            let Some(abs) = *abs else { continue };
            let parent = app.scene.nodes[node].parent.and_then(|p| layout[p]);
            let frame = match parent {
                Some(p) => Rect::new(abs.x - p.x, abs.y - p.y, abs.w, abs.h),
                None => abs,
            };
            let visual = match &mut self.visuals[node] {
                slot @ None => {
                    geometry_changed = true;
                    let mut list = DisplayList::default();
                    app.draw(node, abs, (abs.x, abs.y), &mut list);
                    slot.insert(Visual::new(ctx, app, node, frame, list_bytes(&list)))
                }
                Some(visual) => {
                    if visual.frame != frame || visual.scale != app.scale {
                        visual.set_render_target_size(ctx, frame, app.scale)?;
                        geometry_changed = true;
                    }
                    visual
                }
            };
            visual.origin = (abs.x, abs.y);
            if update == Update::WarmUp(app.scene.nodes[node].group) {
                visual.shown = None;
            }
        }

        let mut encoder: Option<wgpu::CommandEncoder> = None;
        for visual in self.visuals.iter_mut().flatten() {
            let Some(abs) = layout[visual.node] else {
                continue;
            };
            let mut list = DisplayList::default();
            app.draw(visual.node, abs, visual.origin, &mut list);
            if visual.shown.as_ref() == Some(&list) {
                continue;
            }
            let encoder = encoder
                .get_or_insert_with(|| ctx.device.create_command_encoder(&Default::default()));
            visual.render(ctx, encoder, &list);
            visual.shown = Some(list);
        }
        Ok(Frame {
            commands: encoder.map(wgpu::CommandEncoder::finish),
            geometry_changed,
        })
    }

    fn on_completed(&mut self, _ctx: &mut Ctx) {}

    fn layers(&self) -> Vec<Layer> {
        self.visuals
            .iter()
            .flatten()
            .map(|v| Layer {
                texture: v.native.inner().clone(),
                at: (v.origin.0 * v.scale, v.origin.1 * v.scale),
            })
            .collect()
    }

    fn teardown(&mut self, ctx: &mut Ctx) {
        for visual in self.visuals.iter_mut().filter_map(Option::take) {
            visual.release(ctx);
        }
    }
}

impl Visual {
    /// The visual of `node` at `frame`, its display-list buffer sized for `list_bytes`.
    fn new(ctx: &mut Ctx, app: &App, node: usize, frame: Rect, list_bytes: u64) -> Self {
        let content = app.scene.nodes[node].content;
        let kind = if app.scene.nodes[node].parent.is_none() {
            OwnerKind::RootVisual
        } else {
            OwnerKind::ChildVisual
        };
        let owner = Owner::new(kind, key(VISUAL, node));
        let scale = app.scale;
        let size = frame.pixels(scale);
        let record = ctx.object(ResourceType::Visual, owner, None);
        let native = ctx.texture(
            &render::target_desc(app.scene.nodes[node].name, size),
            ResourceType::NativeTarget,
            owner,
            scale,
        );
        let queue = ctx.object(ResourceType::CommandQueue, owner, None);
        let context = Context::new(ctx, owner, size, scale);
        let list = ListBuffer::new(ctx, owner, list_bytes);
        let effect =
            matches!(content, Content::Shadow(_)).then(|| Effect::new(ctx, key(EFFECT, node)));
        let atlas = matches!(content, Content::Text(_)).then(|| Atlas::new(ctx, owner));
        Self {
            node,
            owner,
            frame,
            scale,
            origin: (0.0, 0.0),
            record,
            native,
            queue,
            context,
            list,
            effect,
            atlas,
            shown: None,
        }
    }

    /// The older architecture's `setRenderTargetSize`: always rebuilds.
    fn set_render_target_size(
        &mut self,
        ctx: &mut Ctx,
        frame: Rect,
        scale: f32,
    ) -> Result<(), DemoError> {
        let size = frame.pixels(scale);
        self.native
            .resize_rebuild_scaled(&ctx.device, render::extent(size), scale)
            .map_err(|e| DemoError::gpu_from("rebuilding a native target failed", e))?;
        self.context.rebuild(ctx, self.owner, size, scale);
        self.frame = frame;
        self.scale = scale;
        self.shown = None;
        Ok(())
    }

    /// Draws `list` into the context's next target and copies it onto the native target.
    fn render(&mut self, ctx: &mut Ctx, encoder: &mut wgpu::CommandEncoder, list: &DisplayList) {
        let bytes = list_bytes(list);
        if !self.list.fits(bytes) {
            let old = std::mem::replace(&mut self.list, ListBuffer::new(ctx, self.owner, bytes));
            old.release(ctx);
        }
        let target = &self.context.targets[self.context.next];
        self.context.next ^= 1;
        resources::draw(
            ctx,
            encoder,
            &target.texture,
            self.scale,
            list,
            &self.list,
            self.effect.as_ref(),
            self.atlas.as_ref(),
        );
        render::copy(encoder, &target.texture, &self.native);
        for touched in [&target.queue, &self.queue] {
            touched.touch();
        }
        target.texture.touch();
        self.native.touch();
        self.record.touch();
    }

    fn release(self, ctx: &mut Ctx) {
        self.context.release(ctx);
        ctx.destroy_object(self.queue);
        ctx.destroy_texture(self.native);
        self.list.release(ctx);
        if let Some(effect) = self.effect {
            effect.release(ctx);
        }
        if let Some(atlas) = self.atlas {
            atlas.release(ctx);
        }
        ctx.destroy_object(self.record);
    }
}

impl Context {
    fn new(ctx: &mut Ctx, owner: Owner, size: (u32, u32), scale: f32) -> Self {
        let mut context = Self {
            targets: Vec::with_capacity(2),
            next: 0,
        };
        context.build(ctx, owner, size, scale);
        context
    }

    fn build(&mut self, ctx: &mut Ctx, owner: Owner, size: (u32, u32), scale: f32) {
        for _ in 0..2 {
            self.targets.push(TextureRenderTarget {
                texture: ctx.texture(
                    &render::target_desc("texture render target", size),
                    ResourceType::TextureTarget,
                    owner,
                    scale,
                ),
                queue: ctx.object(ResourceType::CommandQueue, owner, None),
            });
        }
        self.next = 0;
    }

    /// Destroys both targets and their queues, then creates them again at `size`.
    fn rebuild(&mut self, ctx: &mut Ctx, owner: Owner, size: (u32, u32), scale: f32) {
        self.release_targets(ctx);
        self.build(ctx, owner, size, scale);
    }

    fn release_targets(&mut self, ctx: &mut Ctx) {
        for target in self.targets.drain(..) {
            ctx.destroy_texture(target.texture);
            ctx.destroy_object(target.queue);
        }
    }

    fn release(mut self, ctx: &mut Ctx) {
        self.release_targets(ctx);
    }
}
