//! [`TrackedQueue`]: a `wgpu::Queue` whose `submit` keeps wgpu's own signature and
//! records the submission for the calling thread's current packet, and whose
//! `present` records the frame presented.
//!
//! A renderer submits and presents from many places; carrying the ledger and a
//! packet to each is what makes instrumentation fail. The packet comes from the
//! scope the thread is in ([`gpu_ledger::Ledger::enter_packet`]), so a `submit`
//! written for wgpu records the right packet unchanged. It must never hide the
//! wgpu queue (it derefs to it), never block and never record outside a packet
//! (it says so once, on the log, instead).

use std::ops::Deref;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use gpu_ledger::{Ledger, PacketRef, PacketStage, current_packet};

/// A `wgpu::Queue` that records submissions and presents into a [`Ledger`].
///
/// Mirrors [`wgpu::Queue`] and derefs to it: writes, uploads and everything else
/// are wgpu's own. [`TrackedDevice::queue`](crate::TrackedDevice::queue) is one,
/// so the device's queue records whatever submits through it.
///
/// # What it records
/// - [`submit`](Self::submit): `Submitted` for the current packet when the queue
///   has taken the work, then `Completed` when the GPU has finished it;
/// - [`present`](Self::present), [`presented`](Self::presented): `Presented` for
///   the current packet.
///
/// Outside a packet scope it records nothing, and logs once (info, target
/// `gpu_ledger_wgpu`) that submissions are going unrecorded.
///
/// # Cost
/// One ledger event per stage (tens of nanoseconds); a submission in a packet adds
/// one boxed callback, which wgpu allocates anyway.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use gpu_ledger::{Collected, EventKind, Ledger, LedgerConfig, PacketRef, PacketStage};
/// use gpu_ledger_wgpu::TrackedDevice;
///
/// # fn main() -> Result<(), gpu_ledger_wgpu::Error> {
/// let ledger = Arc::new(Ledger::start(LedgerConfig::default(), Collected::default()));
/// let (device, _) = pollster::block_on(TrackedDevice::request(ledger.clone()))?;
/// let queue = device.queue();
/// {
///     let _frame = ledger.enter_packet(PacketRef::new(1, 1));
///     let encoder = device.create_command_encoder(&Default::default());
///     let index = queue.submit([encoder.finish()]); // wgpu's signature: `Submitted` for lane 1 packet 1
///     device.wait(index)?; // `Completed`
///     queue.presented(); // `Presented` (headless: no surface to present)
/// }
/// let events = ledger.finish().into_sink::<Collected>().expect("our sink").events;
/// let stages: Vec<_> = events.iter().filter_map(|e| match e.kind {
///     EventKind::Packet { stage, .. } => Some(stage),
///     _ => None,
/// }).collect();
/// assert_eq!(stages, [PacketStage::Submitted, PacketStage::Completed, PacketStage::Presented]);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TrackedQueue {
    queue: wgpu::Queue,
    ledger: Arc<Ledger>,
    /// Whether an unrecorded submission (outside any packet) was logged already.
    said_unrecorded: Arc<AtomicBool>,
}

impl TrackedQueue {
    /// Wraps a queue you opened yourself.
    pub fn new(queue: wgpu::Queue, ledger: Arc<Ledger>) -> Self {
        Self {
            queue,
            ledger,
            said_unrecorded: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The wrapped `wgpu::Queue` (also reachable through `Deref`).
    pub fn queue(&self) -> &wgpu::Queue {
        &self.queue
    }

    /// The ledger it records into.
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// Submits `command_buffers` ([`wgpu::Queue::submit`], same signature) for the
    /// calling thread's current packet: `Submitted` once the queue has taken the
    /// work, `Completed` when the GPU has finished it.
    ///
    /// `Completed` is recorded from [`wgpu::Queue::on_submitted_work_done`], which
    /// runs during a later device poll or submit, on whichever thread makes it; it
    /// always comes after `Submitted` in the stream. wgpu attaches that callback to
    /// the queue's latest submission, so if another thread submits between this
    /// submit and the callback's registration, `Completed` is recorded when that
    /// later work finishes: late, never early. Outside a packet, or with a disabled
    /// ledger, this is a plain submit.
    pub fn submit<I: IntoIterator<Item = wgpu::CommandBuffer>>(
        &self,
        command_buffers: I,
    ) -> wgpu::SubmissionIndex {
        self.submit_for(command_buffers, current_packet())
    }

    /// Like [`submit`](Self::submit), for `packet` (or, when `None`, the current packet).
    pub fn submit_for<I: IntoIterator<Item = wgpu::CommandBuffer>>(
        &self,
        command_buffers: I,
        packet: Option<PacketRef>,
    ) -> wgpu::SubmissionIndex {
        let index = self.queue.submit(command_buffers);
        if !self.ledger.is_enabled() {
            return index;
        }
        match packet.or_else(current_packet) {
            Some(packet) => {
                self.ledger.packet(packet, PacketStage::Submitted);
                let ledger = self.ledger.clone();
                self.queue.on_submitted_work_done(move || {
                    ledger.packet(packet, PacketStage::Completed);
                });
            }
            None => self.unrecorded("submit"),
        }
        index
    }

    /// Presents `surface_texture` ([`wgpu::Queue::present`], same signature) and
    /// records `Presented` for the calling thread's current packet.
    pub fn present(&self, surface_texture: wgpu::SurfaceTexture) {
        self.queue.present(surface_texture);
        self.presented();
    }

    /// Records `Presented` for the calling thread's current packet, for a frame
    /// handed off without a `wgpu::Surface` (headless, an offscreen target composed
    /// elsewhere).
    pub fn presented(&self) {
        if !self.ledger.is_enabled() {
            return;
        }
        match current_packet() {
            Some(packet) => self.ledger.packet(packet, PacketStage::Presented),
            None => self.unrecorded("present"),
        }
    }

    /// Says once that a submission or present outside any packet is not recorded.
    #[cold]
    fn unrecorded(&self, what: &str) {
        if !self.said_unrecorded.swap(true, Ordering::Relaxed) {
            log::info!(
                target: "gpu_ledger_wgpu",
                "a {what} outside any packet scope is not recorded (enter one with \
                 Ledger::enter_packet around the frame); said once per queue"
            );
        }
    }
}

impl Deref for TrackedQueue {
    type Target = wgpu::Queue;

    fn deref(&self) -> &wgpu::Queue {
        &self.queue
    }
}

impl AsRef<wgpu::Queue> for TrackedQueue {
    fn as_ref(&self) -> &wgpu::Queue {
        &self.queue
    }
}
