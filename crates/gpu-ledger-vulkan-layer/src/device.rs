//! The layer's data for one `VkDevice`: the next layer's functions, the
//! session it records into, and its objects, command-buffer references and
//! queues, each behind its own lock.
//!
//! Every intercepted device-level call starts with [`Device::of`] (a lock-free
//! lookup by dispatch key) and [`settle_pending`]. Locks are taken in one
//! order, work → recording → objects, and never held across a call into the
//! next layer. This module also keeps each thread's list of objects whose
//! create waits for a debug name (see the `objects` module): a thread's next
//! intercepted call other than allocating or binding memory or naming settles
//! them, so an unnamed object is recorded at most one call late.

use std::cell::RefCell;
use std::sync::{Arc, Mutex, MutexGuard};

use ash::vk::{self, Handle};
use gpu_ledger::{Dims, Ledger, Owner, ResourceId, ResourceType};

use crate::next::DeviceNext;
use crate::objects::{Kind, Object, Objects};
use crate::refs::Recording;
use crate::registry::{Keyed, Registry};
use crate::session::Session;
use crate::work::Work;

/// Devices alive at once that the layer can follow; `vkCreateDevice` refuses more.
pub(crate) const MAX_DEVICES: usize = 256;
/// Creates one thread keeps waiting for a name; past it the oldest is recorded.
const MAX_PENDING_PER_THREAD: usize = 16;

static DEVICES: Registry<Device, MAX_DEVICES> = Registry::new();

/// One device the layer follows.
pub(crate) struct Device {
    key: usize,
    /// The next layer's device functions.
    pub(crate) next: DeviceNext,
    /// The next layer's `vkGetDeviceProcAddr`, for what the layer does not intercept.
    pub(crate) gdpa: vk::PFN_vkGetDeviceProcAddr,
    /// The session it records into.
    pub(crate) session: Arc<Session>,
    /// The device's own resource id.
    pub(crate) id: ResourceId,
    /// The device's own owner: its instance.
    pub(crate) made_by: Owner,
    objects: Mutex<Objects>,
    recording: Mutex<Recording>,
    work: Mutex<Work>,
}

impl Keyed for Device {
    fn key(&self) -> usize {
        self.key
    }
}

impl Device {
    /// Starts following the device with dispatch key `key` (made by the
    /// instance `made_by`), recording its create. Returns `None` when
    /// [`MAX_DEVICES`] devices are already alive.
    pub(crate) fn register(
        key: usize,
        (next, gdpa): (DeviceNext, vk::PFN_vkGetDeviceProcAddr),
        session: Arc<Session>,
        made_by: Owner,
    ) -> Option<&'static Device> {
        let id = session.ledger.next_resource_id();
        let device = DEVICES.insert(Device {
            key,
            next,
            gdpa,
            id,
            made_by,
            objects: Mutex::default(),
            recording: Mutex::default(),
            work: Mutex::default(),
            session,
        })?;
        device
            .ledger()
            .create(id, device.session.vocab.device, made_by, None);
        Some(device)
    }

    /// Stops following the device with dispatch key `key` (its data stays valid).
    pub(crate) fn unregister(key: usize) -> Option<&'static Device> {
        DEVICES.remove(key)
    }

    /// The device data for a dispatchable device-level handle (`VkDevice`,
    /// `VkQueue`, `VkCommandBuffer`).
    ///
    /// # Safety
    /// `handle` must be a live dispatchable handle the loader initialised.
    #[inline]
    pub(crate) unsafe fn of(handle: impl Handle) -> Option<&'static Device> {
        // SAFETY: the caller's promise.
        DEVICES.get(unsafe { crate::loader::dispatch_key(handle.as_raw()) })
    }

    /// The device data registered under dispatch key `key`.
    pub(crate) fn by_key(key: usize) -> Option<&'static Device> {
        DEVICES.get(key)
    }

    /// The session's ledger.
    #[inline]
    pub(crate) fn ledger(&self) -> &Ledger {
        &self.session.ledger
    }

    /// The owner of what the device makes when nothing names it.
    pub(crate) fn owner(&self) -> Owner {
        Owner::new(self.session.vocab.by_device, self.id.0)
    }

    /// The device's objects.
    pub(crate) fn objects(&self) -> MutexGuard<'_, Objects> {
        self.objects.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// What its command buffers and descriptor sets reference.
    pub(crate) fn recording(&self) -> MutexGuard<'_, Recording> {
        self.recording.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Its queues, lanes and synchronisation objects.
    pub(crate) fn work(&self) -> MutexGuard<'_, Work> {
        self.work.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The program fetched `queue`: the first time, it becomes a `CommandQueue`
    /// resource and a lane (whose id is the queue's resource id).
    pub(crate) fn queue_seen(&self, queue: u64) {
        if queue == 0 {
            return;
        }
        let mut work = self.work();
        if work.has_queue(queue) {
            return;
        }
        let id = self.ledger().next_resource_id();
        self.ledger()
            .create(id, ResourceType::CommandQueue, self.owner(), None);
        work.add_queue(queue, id.0);
    }

    /// The device made `handle`: follow it as `ty` owned by `owner`, its create
    /// waiting for a name on this thread. Returns its id.
    pub(crate) fn made(
        &'static self,
        kind: Kind,
        handle: u64,
        ty: ResourceType,
        owner: Owner,
        dims: Option<Dims>,
        parent: Option<(Kind, u64)>,
    ) -> ResourceId {
        let id = self.ledger().next_resource_id();
        let mut object = Object::new(id, ty, owner, dims);
        object.parent = parent;
        self.objects().insert(kind, handle, object);
        wait_for_name(self, kind, handle);
        id
    }
}

/// Records every create still waiting for a name, on every device of
/// `session`: its trace is about to close.
pub(crate) fn settle_session(session: &Session) {
    for device in DEVICES
        .iter()
        .filter(|d| std::ptr::eq(&*d.session, session))
    {
        device.objects().settle_all(device.ledger());
    }
}

thread_local! {
    static PENDING: RefCell<Vec<(&'static Device, Kind, u64)>> = const { RefCell::new(Vec::new()) };
}

/// Keeps `handle`'s create waiting for a name until this thread's next unrelated call.
fn wait_for_name(device: &'static Device, kind: Kind, handle: u64) {
    let overflow = PENDING.try_with(|pending| {
        let mut pending = pending.borrow_mut();
        pending.push((device, kind, handle));
        (pending.len() > MAX_PENDING_PER_THREAD).then(|| pending.remove(0))
    });
    match overflow {
        Ok(None) => {}
        Ok(Some((device, kind, handle))) => settle(device, kind, handle),
        // The thread is exiting: record it now.
        Err(_) => settle(device, kind, handle),
    }
}

fn settle(device: &Device, kind: Kind, handle: u64) {
    device.objects().settle(kind, handle, device.ledger());
}

/// Records the creates this thread left waiting for a name: called first by
/// every intercepted call except memory allocation, memory binding and naming
/// (the steps between making an object and naming it).
#[inline]
pub(crate) fn settle_pending() {
    let waiting = PENDING.try_with(|pending| {
        let mut pending = pending.borrow_mut();
        (!pending.is_empty()).then(|| std::mem::take(&mut *pending))
    });
    if let Ok(Some(waiting)) = waiting {
        settle_all(waiting);
    }
}

#[cold]
fn settle_all(mut waiting: Vec<(&'static Device, Kind, u64)>) {
    for &(device, kind, handle) in &waiting {
        settle(device, kind, handle);
    }
    // Hand the buffer back, so that waiting costs no allocation once warm.
    waiting.clear();
    let _ = PENDING.try_with(|pending| {
        let mut pending = pending.borrow_mut();
        if pending.is_empty() {
            *pending = waiting;
        }
    });
}
