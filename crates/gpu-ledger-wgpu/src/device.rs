//! [`TrackedDevice`]: a `wgpu::Device` and its `wgpu::Queue` that create tracked
//! resources and correlate submissions with compositor packets.
//!
//! This is the entry point of the crate: everything tracked is made here, and
//! every submission that belongs to a packet goes through
//! [`TrackedDevice::submit`], which records `Submitted` and, from wgpu's
//! `on_submitted_work_done` callback, `Completed`. It must never hold global state
//! (the ledger is passed in), never hide the wgpu objects (it derefs to the
//! device), and never block or panic on the render path.

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use gpu_ledger::{Dims, Ledger, Owner, PacketRef, ResourceType};

use crate::buffer::TrackedBuffer;
use crate::error::{Error, ErrorKind};
use crate::queue::TrackedQueue;
use crate::resource::TrackedResource;
use crate::texture::TrackedTexture;

/// A `wgpu::Device` with its `wgpu::Queue` and the [`Ledger`] its resources record into.
///
/// Mirrors [`wgpu::Device`] and derefs to it, so pipelines, shaders, encoders and
/// untracked objects are made exactly as with wgpu; the tracked `create_*` methods
/// shadow wgpu's (reach wgpu's own through [`device()`](Self::device)). Cloning is
/// cheap: wgpu devices, queues and the ledger are all shared handles.
///
/// # What it records
/// - nothing for itself: a device is the context resources live in, not a churned
///   resource (track per-target command queues with [`track`](Self::track));
/// - through the wrappers it makes: see [`TrackedTexture`], [`TrackedBuffer`],
///   [`TrackedResource`];
/// - through its [`queue`](Self::queue), a [`TrackedQueue`]: `Submitted` and
///   `Completed` for the current packet on `submit`, `Presented` on `present`;
/// - [`submit`](Self::submit): the same, for a packet given explicitly.
///
/// # Cost
/// One ledger event per recorded fact (tens of nanoseconds); a packet submission
/// adds one boxed callback, which wgpu allocates anyway.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use gpu_ledger::{Collected, Ledger, LedgerConfig, Owner, OwnerKind, PacketRef, ResourceType};
/// use gpu_ledger_wgpu::TrackedDevice;
///
/// # fn main() -> Result<(), gpu_ledger_wgpu::Error> {
/// let ledger = Arc::new(Ledger::start(LedgerConfig::default(), Collected::default()));
/// let (device, _adapter) = pollster::block_on(TrackedDevice::request(ledger.clone()))?;
/// let window = Owner::new(OwnerKind::RootVisual, 1);
/// let packet = PacketRef::new(1, 1);
/// let _scope = ledger.enter_packet(packet);
/// let encoder = device.create_command_encoder(&Default::default());
/// let index = device.submit([encoder.finish()], None); // `Submitted` for lane 1 packet 1
/// device.wait(index)?; // `Completed` is recorded while waiting
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TrackedDevice {
    device: wgpu::Device,
    queue: TrackedQueue,
    ledger: Arc<Ledger>,
}

impl TrackedDevice {
    /// Wraps a device and queue you opened yourself.
    pub fn new(device: wgpu::Device, queue: wgpu::Queue, ledger: Arc<Ledger>) -> Self {
        Self {
            device,
            queue: TrackedQueue::new(queue, ledger.clone()),
            ledger,
        }
    }

    /// Opens a device on the first adapter wgpu finds and wraps it.
    ///
    /// The instance takes its flags from wgpu's environment variables
    /// (`WGPU_DEBUG`, `WGPU_VALIDATION`, ...) and its backends from
    /// `WGPU_BACKEND` when set; otherwise it looks at the primary backends
    /// (Vulkan, Metal, DX12) first and at GL only when none has an adapter, since
    /// probing GL on a machine without a GL driver makes EGL log an error even
    /// where Vulkan works. The rest is [`request_on`](Self::request_on). Returns
    /// the adapter's description alongside, for reports.
    ///
    /// # Errors
    /// - [`ErrorKind::NoAdapter`](crate::ErrorKind::NoAdapter) when no adapter is
    ///   found; the message says how to install Mesa's software Vulkan driver;
    /// - [`ErrorKind::RequestDevice`](crate::ErrorKind::RequestDevice) when the
    ///   adapter refuses the device.
    pub async fn request(ledger: Arc<Ledger>) -> Result<(Self, wgpu::AdapterInfo), Error> {
        let order = match wgpu::Backends::from_env() {
            Some(backends) => vec![backends],
            None => vec![wgpu::Backends::PRIMARY, wgpu::Backends::SECONDARY],
        };
        let mut none = None;
        for backends in order {
            let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
                backends,
                ..wgpu::InstanceDescriptor::new_without_display_handle_from_env()
            });
            match Self::request_on(&instance, ledger.clone()).await {
                Err(err) if err.kind() == ErrorKind::NoAdapter => none = Some(err),
                found => return found,
            }
        }
        Err(none.expect("at least one set of backends was tried"))
    }

    /// Opens a device on the first adapter `instance` finds and wraps it.
    ///
    /// The adapter is wgpu's default choice (no surface, no forced fallback); the
    /// device gets no optional features and wgpu's downlevel limits raised to the
    /// adapter's texture sizes, so the same code runs on Vulkan, Metal, DX12 and
    /// GL. Open the device yourself and use [`new`](Self::new) for anything else.
    ///
    /// # Errors
    /// As [`request`](Self::request).
    ///
    /// # Example
    /// ```
    /// use std::sync::Arc;
    /// use gpu_ledger::Ledger;
    /// use gpu_ledger_wgpu::{ErrorKind, TrackedDevice};
    ///
    /// // An instance with no backends finds no adapter, and says how to get one.
    /// let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
    ///     backends: wgpu::Backends::empty(),
    ///     ..wgpu::InstanceDescriptor::new_without_display_handle()
    /// });
    /// let request = TrackedDevice::request_on(&instance, Arc::new(Ledger::disabled()));
    /// let err = pollster::block_on(request).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::NoAdapter);
    /// assert!(err.to_string().ends_with("apt-get install mesa-vulkan-drivers`"));
    /// ```
    pub async fn request_on(
        instance: &wgpu::Instance,
        ledger: Arc<Ledger>,
    ) -> Result<(Self, wgpu::AdapterInfo), Error> {
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .map_err(Error::no_adapter)?;
        let info = adapter.get_info();
        let desc = wgpu::DeviceDescriptor {
            label: Some("gpu-ledger-wgpu"),
            required_limits: wgpu::Limits::downlevel_defaults().using_resolution(adapter.limits()),
            ..Default::default()
        };
        let (device, queue) = adapter
            .request_device(&desc)
            .await
            .map_err(|e| Error::request_device(&info.name, e))?;
        Ok((Self::new(device, queue, ledger), info))
    }

    /// The wrapped `wgpu::Device` (also reachable through `Deref`).
    pub fn device(&self) -> &wgpu::Device {
        &self.device
    }

    /// The device's queue, tracked: it derefs to the `wgpu::Queue`, and its
    /// `submit` (wgpu's signature) and `present` record for the current packet.
    pub fn queue(&self) -> &TrackedQueue {
        &self.queue
    }

    /// The ledger tracked resources and submissions record into.
    pub fn ledger(&self) -> &Arc<Ledger> {
        &self.ledger
    }

    /// Creates a texture ([`wgpu::Device::create_texture`]) recorded as `ty`
    /// (`TextureTarget`, `NativeTarget`, `Texture`, ...) owned by `owner`, with
    /// its width and height and an unknown (0) scale.
    pub fn create_texture(
        &self,
        desc: &wgpu::TextureDescriptor<'_>,
        ty: ResourceType,
        owner: Owner,
    ) -> TrackedTexture {
        self.create_texture_scaled(desc, ty, owner, 0.0)
    }

    /// Like [`create_texture`](Self::create_texture), recording the backing `scale`
    /// (2.0 for a 2× display) with its dims.
    pub fn create_texture_scaled(
        &self,
        desc: &wgpu::TextureDescriptor<'_>,
        ty: ResourceType,
        owner: Owner,
        scale: f32,
    ) -> TrackedTexture {
        TrackedTexture::create(&self.device, &self.ledger, desc, ty, owner, scale)
    }

    /// Creates a buffer ([`wgpu::Device::create_buffer`]) recorded as
    /// [`ResourceType::Buffer`] owned by `owner`, with its size in bytes.
    pub fn create_buffer(&self, desc: &wgpu::BufferDescriptor<'_>, owner: Owner) -> TrackedBuffer {
        let buffer = self.device.create_buffer(desc);
        TrackedBuffer::from_buffer(buffer, self.ledger.clone(), owner)
    }

    /// Records the creation of a resource wgpu has no object for (a command queue
    /// per target, a fence, a visual) and returns its drop guard.
    pub fn track(&self, ty: ResourceType, owner: Owner, dims: Option<Dims>) -> TrackedResource {
        TrackedResource::new(self.ledger.clone(), ty, owner, dims)
    }

    /// Submits `command_buffers` to the queue ([`wgpu::Queue::submit`]) on behalf of
    /// `packet` (or, when `None`, the calling thread's current packet), recording
    /// `Submitted` once the queue has taken the work and `Completed` when the GPU
    /// has finished it.
    ///
    /// `Completed` is recorded from [`wgpu::Queue::on_submitted_work_done`], which
    /// runs during a later device poll (see [`wait`](Self::wait)) or submit, on
    /// whichever thread makes it; it always comes after `Submitted` in the stream.
    /// wgpu attaches that callback to the queue's latest submission, so if another
    /// thread submits between this submit and the callback's registration,
    /// `Completed` is recorded when that later work finishes: late, never early.
    /// With no packet, or a disabled ledger, this is a plain submit.
    pub fn submit<I: IntoIterator<Item = wgpu::CommandBuffer>>(
        &self,
        command_buffers: I,
        packet: Option<PacketRef>,
    ) -> wgpu::SubmissionIndex {
        self.queue.submit_for(command_buffers, packet)
    }

    /// Blocks until the submission `index` has finished on the GPU and its
    /// callbacks (`Completed` events, buffer mappings) have run.
    ///
    /// # Errors
    /// [`ErrorKind::Poll`](crate::ErrorKind::Poll) when wgpu reports the wait
    /// failed (an index from another device, a lost device).
    pub fn wait(&self, index: wgpu::SubmissionIndex) -> Result<(), Error> {
        self.poll_wait(Some(index), None)
    }

    /// Like [`wait`](Self::wait), giving up after `timeout`.
    ///
    /// # Errors
    /// [`ErrorKind::Poll`](crate::ErrorKind::Poll) when the work is not done within
    /// `timeout`, or the wait fails as in [`wait`](Self::wait).
    pub fn wait_timeout(
        &self,
        index: wgpu::SubmissionIndex,
        timeout: Duration,
    ) -> Result<(), Error> {
        self.poll_wait(Some(index), Some(timeout))
    }

    /// Blocks until every submission made so far has finished and its callbacks have run.
    ///
    /// # Errors
    /// [`ErrorKind::Poll`](crate::ErrorKind::Poll) when wgpu reports the wait failed.
    pub fn wait_idle(&self) -> Result<(), Error> {
        self.poll_wait(None, None)
    }

    fn poll_wait(
        &self,
        submission_index: Option<wgpu::SubmissionIndex>,
        timeout: Option<Duration>,
    ) -> Result<(), Error> {
        self.device
            .poll(wgpu::PollType::Wait {
                submission_index,
                timeout,
            })
            .map(|_| ())
            .map_err(Error::poll)
    }
}

impl Deref for TrackedDevice {
    type Target = wgpu::Device;

    fn deref(&self) -> &wgpu::Device {
        &self.device
    }
}

impl AsRef<wgpu::Device> for TrackedDevice {
    fn as_ref(&self) -> &wgpu::Device {
        &self.device
    }
}
