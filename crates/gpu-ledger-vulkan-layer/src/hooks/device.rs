//! Device teardown and queues: `vkDestroyDevice`, `vkGetDeviceQueue`,
//! `vkGetDeviceQueue2`.
//!
//! A queue becomes a `CommandQueue` resource (owned by its device) and a lane
//! the first time the program fetches it, and is destroyed with its device.

use ash::vk::{self, Handle};
use gpu_ledger::{ResourceId, ResourceType};

use super::device_or;
use crate::device::{Device, settle_pending};

/// `vkDestroyDevice`: records the queues' and the device's destroys, then
/// forgets everything the device made (what the program leaked stays live in
/// the trace, as a leak should).
pub(crate) unsafe extern "system" fn destroy_device(
    device: vk::Device,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    if device.is_null() {
        return;
    }
    // SAFETY: a non-NULL device handle the loader dispatched here is live.
    let key = unsafe { crate::loader::dispatch_key(device.as_raw()) };
    let Some(d) = Device::unregister(key) else {
        return;
    };
    let ledger = d.ledger();
    d.objects().settle_all(ledger);
    let lanes: Vec<u64> = d.work().lane_ids().collect();
    for lane in lanes {
        ledger.destroy(ResourceId(lane), ResourceType::CommandQueue, d.owner());
    }
    ledger.destroy(d.id, d.session.vocab.device, d.made_by);
    d.objects().clear();
    *d.recording() = Default::default();
    *d.work() = Default::default();
    if let Some(next) = d.next.destroy_device {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, allocator) };
    }
}

/// `vkGetDeviceQueue`.
pub(crate) unsafe extern "system" fn get_device_queue(
    device: vk::Device,
    family: u32,
    index: u32,
    queue: *mut vk::Queue,
) {
    settle_pending();
    let d = device_or!(device);
    let Some(next) = d.next.get_device_queue else {
        return;
    };
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, family, index, queue) };
    // SAFETY: the command's valid usage: `queue` is valid for a write, which the
    // next layer has just made.
    let queue = unsafe { *queue };
    d.queue_seen(queue.as_raw());
}

/// `vkGetDeviceQueue2`.
pub(crate) unsafe extern "system" fn get_device_queue2(
    device: vk::Device,
    info: *const vk::DeviceQueueInfo2<'_>,
    queue: *mut vk::Queue,
) {
    settle_pending();
    let d = device_or!(device);
    let Some(next) = d.next.get_device_queue2 else {
        return;
    };
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, info, queue) };
    // SAFETY: as in `get_device_queue`.
    let queue = unsafe { *queue };
    d.queue_seen(queue.as_raw());
}
