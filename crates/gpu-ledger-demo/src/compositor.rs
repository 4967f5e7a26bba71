//! The compositor: the window's sync lane and its packets, the frame loop shared by
//! both architectures, and the scripted run of a scene.
//!
//! Every frame is a packet on the window's lane: `Queued`, then, inside the
//! packet's scope, the architecture applies the app's changes (creating,
//! rebuilding or pooling resources, each event attributed to the packet) and
//! encodes what changed; `Submitted` and `Completed` are recorded by the tracked
//! device around the one real `wgpu::Queue` submission; `Presented` once the work
//! completed and the targets were handed to the display. A packet with nothing
//! to draw is `NoOp`; one superseded before it ran is `Dropped`; one wgpu
//! reported an error for is `Failed`, and the run stops.
//!
//! The compositor counts all of this itself in its [`GroundTruth`]; it never
//! reads the ledger. Nothing here may depend on a driver's timing: frames start
//! on the ticks of a frame clock (the display's refresh, not the driver's
//! speed), and presents follow completion by waiting on the submission, never by
//! sleeping, so every driver records the same events in the same order.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gpu_ledger::{Dims, Ledger, Owner, PacketRef, PacketStage, ResourceType};
use gpu_ledger_wgpu::{TrackedBuffer, TrackedDevice, TrackedResource, TrackedTexture};

use crate::DemoConfig;
use crate::display::{Display, Layer};
use crate::error::DemoError;
use crate::image::Image;
use crate::render::Renderer;
use crate::scene::App;
use crate::truth::{GroundTruth, StartupReckoning};

/// The one window's sync lane.
pub(crate) const LANE: u64 = 1;

/// Stable owner keys: `tag << 32 | index`, so a key names the same owner in every run.
pub(crate) fn key(tag: u64, index: usize) -> u64 {
    (tag << 32) | (index as u64 + 1)
}
/// Key tags: visuals (by scene node), effect pipelines (by node), pools.
pub(crate) const VISUAL: u64 = 1;
pub(crate) const EFFECT: u64 = 2;
pub(crate) const POOL: u64 = 3;

/// What a frame asks an architecture to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Update {
    /// Bring everything up to date with the app; draw what changed.
    Changes,
    /// As `Changes`, and redraw attachment group `.0`'s canvas even if unchanged
    /// (a legacy canvas warm-up frame).
    WarmUp(usize),
}

/// What an architecture produced for a frame.
pub(crate) struct Frame {
    /// The frame's GPU work; `None` when there is nothing to draw (a no-op).
    pub(crate) commands: Option<wgpu::CommandBuffer>,
    /// Whether the frame created, resized or rebuilt a render target.
    pub(crate) geometry_changed: bool,
}

/// A compositor architecture: what it builds for the app's tree and how it draws.
pub(crate) trait Architecture {
    /// Warm-up frames each canvas root sends when attached; 0 when attachments
    /// are coalesced into the next frame instead.
    fn warm_up_frames(&self) -> u32;

    /// Applies the app's current state and encodes what changed. Runs inside the
    /// frame's packet scope, so every resource event is attributed to it.
    fn update(&mut self, ctx: &mut Ctx, app: &App, update: Update) -> Result<Frame, DemoError>;

    /// The frame's GPU work completed: take back what it borrowed.
    fn on_completed(&mut self, ctx: &mut Ctx);

    /// The layers the window shows, bottom first, for the display.
    fn layers(&self) -> Vec<Layer>;

    /// Releases everything (after the shutdown marker, outside any packet).
    fn teardown(&mut self, ctx: &mut Ctx);
}

/// What architectures create resources with: the device, the renderer and the
/// ground truth, which every creation and destruction here counts.
pub(crate) struct Ctx {
    pub(crate) device: TrackedDevice,
    pub(crate) renderer: Renderer,
    pub(crate) truth: GroundTruth,
}

impl Ctx {
    pub(crate) fn ledger(&self) -> &Arc<Ledger> {
        self.device.ledger()
    }

    /// A tracked texture recorded as `ty`.
    pub(crate) fn texture(
        &mut self,
        desc: &wgpu::TextureDescriptor<'_>,
        ty: ResourceType,
        owner: Owner,
        scale: f32,
    ) -> TrackedTexture {
        self.truth.create(ty);
        self.device.create_texture_scaled(desc, ty, owner, scale)
    }

    /// A tracked buffer.
    pub(crate) fn buffer(
        &mut self,
        desc: &wgpu::BufferDescriptor<'_>,
        owner: Owner,
    ) -> TrackedBuffer {
        self.truth.create(ResourceType::Buffer);
        self.device.create_buffer(desc, owner)
    }

    /// A tracked object with no wgpu object of its own (a logical queue, a fence, a visual).
    pub(crate) fn object(
        &mut self,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
    ) -> TrackedResource {
        self.truth.create(ty);
        self.device.track(ty, owner, dims)
    }

    pub(crate) fn destroy_texture(&mut self, texture: TrackedTexture) {
        self.truth.destroy(texture.resource_type());
        texture.destroy();
    }

    pub(crate) fn destroy_buffer(&mut self, buffer: TrackedBuffer) {
        self.truth.destroy(ResourceType::Buffer);
        buffer.destroy();
    }

    pub(crate) fn destroy_object(&mut self, object: TrackedResource) {
        self.truth.destroy(object.resource_type());
        object.destroy();
    }
}

/// The display's refresh ticks: when the next frame may start.
struct FrameClock {
    start: Instant,
    interval: Duration,
    next: Instant,
}

impl FrameClock {
    fn new(interval: Duration) -> Self {
        let start = Instant::now();
        Self {
            start,
            interval,
            next: start,
        }
    }

    /// Waits for the next tick; a frame that ran past its tick skips the ones it missed.
    fn wait(&mut self) {
        if self.interval.is_zero() {
            return;
        }
        let now = Instant::now();
        if now < self.next {
            std::thread::sleep(self.next - now);
        }
        let ticks =
            Instant::now().duration_since(self.start).as_nanos() / self.interval.as_nanos() + 1;
        self.next = self.start + self.interval * u32::try_from(ticks).unwrap_or(u32::MAX);
    }
}

/// The frame loop: the lane, its packets, the frame clock, the display, and
/// wgpu's error reports.
pub(crate) struct Session {
    pub(crate) ctx: Ctx,
    display: Display,
    clock: FrameClock,
    startup: StartupReckoning,
    next_packet: u64,
    next_command: u64,
    errors: Arc<Mutex<Vec<String>>>,
}

impl Session {
    pub(crate) fn new(device: TrackedDevice, frame_interval: Duration) -> Self {
        let errors = Arc::new(Mutex::new(Vec::new()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |error: wgpu::Error| {
            sink.lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(error.to_string());
        }));
        let renderer = Renderer::new(&device);
        let display = Display::new(&device);
        Self {
            ctx: Ctx {
                device,
                renderer,
                truth: GroundTruth::default(),
            },
            display,
            clock: FrameClock::new(frame_interval),
            startup: StartupReckoning::default(),
            next_packet: 1,
            next_command: 1,
            errors,
        }
    }

    /// Queues a packet on the lane.
    fn queue(&mut self) -> PacketRef {
        let packet = PacketRef::new(LANE, self.next_packet);
        self.next_packet += 1;
        let command_id = self.next_command;
        self.next_command += 1;
        self.ctx
            .ledger()
            .packet(packet, PacketStage::Queued { command_id });
        self.ctx.truth.queued += 1;
        packet
    }

    /// Drops a queued packet that a newer one superseded before it ran.
    fn drop_packet(&mut self, packet: PacketRef) {
        self.ctx.ledger().packet(packet, PacketStage::Dropped);
        self.ctx.truth.dropped += 1;
    }

    /// Runs one frame as a packet: queue, update, submit, complete, present.
    ///
    /// # Errors
    /// A [`crate::ErrorKind::Gpu`] error, after recording the packet `Failed`,
    /// when wgpu reports an error for it or the wait fails.
    pub(crate) fn frame(
        &mut self,
        arch: &mut dyn Architecture,
        app: &App,
        update: Update,
    ) -> Result<(), DemoError> {
        self.clock.wait();
        let packet = self.queue();
        let ledger = self.ctx.ledger().clone();
        let _scope = ledger.enter_packet(packet);
        let result = self.execute(arch, app, update, packet);
        if result.is_err() {
            ledger.packet(packet, PacketStage::Failed);
            self.ctx.truth.failed += 1;
        }
        result
    }

    fn execute(
        &mut self,
        arch: &mut dyn Architecture,
        app: &App,
        update: Update,
        packet: PacketRef,
    ) -> Result<(), DemoError> {
        let frame = arch.update(&mut self.ctx, app, update)?;
        self.check_errors(packet)?;
        let Some(commands) = frame.commands else {
            self.ctx.ledger().packet(packet, PacketStage::NoOp);
            self.ctx.truth.noop += 1;
            return Ok(());
        };
        let index = self.ctx.device.submit([commands], Some(packet));
        self.ctx
            .device
            .wait(index)
            .map_err(|e| DemoError::gpu_from(&format!("waiting for {packet} failed"), e))?;
        self.check_errors(packet)?;
        arch.on_completed(&mut self.ctx);
        self.display.hand_off(app.window_pixels(), arch.layers());
        self.ctx.ledger().packet(packet, PacketStage::Presented);
        self.startup
            .present(&mut self.ctx.truth, frame.geometry_changed);
        Ok(())
    }

    fn check_errors(&self, packet: PacketRef) -> Result<(), DemoError> {
        let errors = std::mem::take(&mut *self.errors.lock().unwrap_or_else(|e| e.into_inner()));
        match errors.first() {
            None => Ok(()),
            Some(first) => Err(DemoError::gpu(format!(
                "wgpu reported {} error(s) while drawing {packet}; the first: {first}",
                errors.len()
            ))),
        }
    }
}

/// The log target of the demo's own lines (its phases, at info).
pub const LOG_TARGET: &str = "gpu_ledger_demo";

/// Replays the scene's script on `arch` and returns the window's final image.
///
/// 1. Startup: the app attaches its tree while the window is not yet on screen
///    (scale 1, provisional sizes); the window reaches the 2× screen; the stack
///    and the text measure their content. Then the layout has settled.
/// 2. The intro animation: shadows (or the body text) fade in.
/// 3. The scripted resize: 540 points wide (superseded before it runs: dropped),
///    560 wide, 560 again (a repeated configure: nothing changes), back to 500.
/// 4. The idle phase: `steady_frames` frames in which nothing changes.
/// 5. The final image is read back; the shutdown marker; teardown.
pub(crate) fn run_script(
    session: &mut Session,
    arch: &mut dyn Architecture,
    config: &DemoConfig,
) -> Result<Image, DemoError> {
    let mut app = App::new(config.scenario);
    let warm_ups = arch.warm_up_frames();
    for group in 0..app.scene.canvas_groups.len() {
        app.attached = group + 1;
        if warm_ups == 0 {
            continue;
        }
        session.frame(arch, &app, Update::Changes)?;
        if app.scene.canvas_groups[group] {
            for _ in 1..warm_ups {
                session.frame(arch, &app, Update::WarmUp(group))?;
            }
        }
    }
    if warm_ups == 0 {
        session.frame(arch, &app, Update::Changes)?;
    }
    app.scale = 2.0;
    session.frame(arch, &app, Update::Changes)?;
    app.measured = true;
    session.frame(arch, &app, Update::Changes)?;
    session.startup.settle();
    log::info!(target: LOG_TARGET, "layout settled: the intro animation begins");

    for i in 1..=config.intro_frames {
        app.intro = i as f32 / config.intro_frames as f32;
        session.frame(arch, &app, Update::Changes)?;
    }
    app.intro = 1.0;

    app.window.0 = 540.0;
    let stale = session.queue();
    app.window.0 = 560.0;
    session.drop_packet(stale);
    session.frame(arch, &app, Update::Changes)?;
    session.frame(arch, &app, Update::Changes)?;
    app.window.0 = 500.0;
    session.frame(arch, &app, Update::Changes)?;

    for _ in 0..config.steady_frames {
        session.frame(arch, &app, Update::Changes)?;
    }

    let image = session.display.capture(&session.ctx.device)?;
    log::info!(target: LOG_TARGET, "shutdown begins: tearing the compositor down");
    session.ctx.ledger().shutdown_begins();
    arch.teardown(&mut session.ctx);
    session
        .ctx
        .device
        .wait_idle()
        .map_err(|e| DemoError::gpu_from("waiting for teardown failed", e))?;
    Ok(image)
}
