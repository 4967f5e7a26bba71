//! Work: submissions and presents as packets, and completion from the waits
//! the program makes (see the `work` module for the packet model).
//!
//! A submission's packet touches every resource its command buffers reference
//! (resolved now, in id order), then is `Submitted`, all before the driver sees
//! it, so that no completion can precede it in the stream. A present's packet
//! touches the swapchain image it presents (and so the swapchain), is
//! `Submitted`, and after the call `Presented` (`VK_SUCCESS`, or
//! `VK_SUBOPTIMAL_KHR` followed by a `VK_SUBOPTIMAL_KHR` marker) or `Failed`
//! (`VK_ERROR_OUT_OF_DATE_KHR` and every other error).

use ash::vk::{self, Handle};
use gpu_ledger::{PacketRef, PacketStage, ResourceId};

use super::{aliases, device_or, find_in_chain, next_or, slice};
use crate::device::{Device, settle_pending};
use crate::objects::Kind;
use crate::work::Sync;

/// Opens the packet of a submission on `queue` with command buffers `cbs`:
/// touches, `Submitted`, and its place in the lane's completion order.
fn submit_packet(d: &Device, queue: vk::Queue, cbs: &[u64], sync: &Sync) -> Option<PacketRef> {
    d.queue_seen(queue.as_raw());
    let ledger = d.ledger();
    let mut work = d.work();
    let packet = work.next_packet(queue.as_raw())?;
    let mut named = Vec::new();
    d.recording().collect(cbs.iter().copied(), &mut named);
    let mut ids = Vec::with_capacity(named.len());
    {
        let mut objects = d.objects();
        for (kind, handle) in named {
            objects.expand(kind, handle, ledger, &mut ids);
        }
    }
    touch_all(d, packet, ids);
    ledger.packet(packet, PacketStage::Submitted);
    work.submitted(packet, sync);
    Some(packet)
}

/// Records `packet` touching each of `ids` once, in id order.
fn touch_all(d: &Device, packet: PacketRef, mut ids: Vec<ResourceId>) {
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        d.ledger().touched(packet, id);
    }
}

/// A submission: `read` collects its command buffers and what it waits on and
/// signals, its packet opens, `call` hands it to the next layer, and a
/// submission the driver refuses is `Failed`.
fn submission(
    d: &Device,
    queue: vk::Queue,
    fence: vk::Fence,
    read: impl FnOnce(&mut Vec<u64>, &mut Sync),
    call: impl FnOnce() -> vk::Result,
) -> vk::Result {
    let mut cbs = Vec::new();
    let mut sync = Sync {
        fence: fence.as_raw(),
        ..Sync::default()
    };
    read(&mut cbs, &mut sync);
    let packet = submit_packet(d, queue, &cbs, &sync);
    let result = call();
    if let Some(packet) = packet
        && result != vk::Result::SUCCESS
    {
        d.ledger().packet(packet, PacketStage::Failed);
        d.work().failed(packet);
    }
    result
}

/// Records `Completed` for each packet `complete` reports.
fn completed(d: &Device, complete: impl FnOnce(&mut crate::work::Work, &mut dyn FnMut(PacketRef))) {
    let ledger = d.ledger();
    let mut work = d.work();
    complete(&mut work, &mut |p| ledger.packet(p, PacketStage::Completed));
}

/// `vkQueueSubmit`: one packet for the whole call.
pub(crate) unsafe extern "system" fn queue_submit(
    queue: vk::Queue,
    count: u32,
    submits: *const vk::SubmitInfo<'_>,
    fence: vk::Fence,
) -> vk::Result {
    settle_pending();
    let d = device_or!(queue, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, queue_submit, vk::Result::ERROR_INITIALIZATION_FAILED);
    let read = |cbs: &mut Vec<u64>, sync: &mut Sync| {
        // SAFETY: the command's valid usage: `count` valid submit infos, each with
        // arrays of the stated lengths and a valid pNext chain, in which a
        // VkTimelineSemaphoreSubmitInfo carries values for as many semaphores as
        // its own counts say.
        unsafe {
            for info in slice(submits, count) {
                let buffers = slice(info.p_command_buffers, info.command_buffer_count);
                cbs.extend(buffers.iter().map(|cb| cb.as_raw()));
                let timeline = find_in_chain::<vk::TimelineSemaphoreSubmitInfo<'_>>(
                    info.p_next,
                    vk::StructureType::TIMELINE_SEMAPHORE_SUBMIT_INFO,
                );
                let (wait_values, signal_values) = timeline.map_or((&[][..], &[][..]), |t| {
                    (
                        slice(t.p_wait_semaphore_values, t.wait_semaphore_value_count),
                        slice(t.p_signal_semaphore_values, t.signal_semaphore_value_count),
                    )
                });
                let waits = slice(info.p_wait_semaphores, info.wait_semaphore_count);
                let signals = slice(info.p_signal_semaphores, info.signal_semaphore_count);
                let value = |values: &[u64], i: usize| values.get(i).copied().unwrap_or(0);
                sync.waits.extend(
                    waits
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (s.as_raw(), value(wait_values, i))),
                );
                sync.signals.extend(
                    signals
                        .iter()
                        .enumerate()
                        .map(|(i, s)| (s.as_raw(), value(signal_values, i))),
                );
            }
        }
    };
    // SAFETY: the program's own arguments, passed on to the next layer.
    let call = || unsafe { next(queue, count, submits, fence) };
    submission(d, queue, fence, read, call)
}

/// `vkQueueSubmit2` and its KHR alias, calling down through `next`.
///
/// # Safety
/// The arguments of `vkQueueSubmit2`, and `next` the next layer's entry point.
unsafe fn submit2(
    d: &Device,
    next: vk::PFN_vkQueueSubmit2,
    queue: vk::Queue,
    count: u32,
    submits: *const vk::SubmitInfo2<'_>,
    fence: vk::Fence,
) -> vk::Result {
    settle_pending();
    let read = |cbs: &mut Vec<u64>, sync: &mut Sync| {
        // SAFETY: the command's valid usage: `count` valid submit infos whose arrays
        // have the stated lengths.
        unsafe {
            for info in slice(submits, count) {
                let buffers = slice(info.p_command_buffer_infos, info.command_buffer_info_count);
                cbs.extend(buffers.iter().map(|b| b.command_buffer.as_raw()));
                let waits = slice(info.p_wait_semaphore_infos, info.wait_semaphore_info_count);
                let signals = slice(
                    info.p_signal_semaphore_infos,
                    info.signal_semaphore_info_count,
                );
                sync.waits
                    .extend(waits.iter().map(|s| (s.semaphore.as_raw(), s.value)));
                sync.signals
                    .extend(signals.iter().map(|s| (s.semaphore.as_raw(), s.value)));
            }
        }
    };
    // SAFETY: the program's own arguments, passed on to the next layer.
    let call = || unsafe { next(queue, count, submits, fence) };
    submission(d, queue, fence, read, call)
}

aliases!(
    /// `vkQueueSubmit2`.
    queue_submit2,
    /// `vkQueueSubmit2KHR`.
    queue_submit2_khr
    => submit2(queue: vk::Queue, count: u32, submits: *const vk::SubmitInfo2<'_>, fence: vk::Fence)
);

/// A result no driver writes: marks a present result the driver left unset.
const UNSET: vk::Result = vk::Result::from_raw(i32::MIN);

/// `vkQueuePresentKHR`: one packet per swapchain presented.
pub(crate) unsafe extern "system" fn queue_present_khr(
    queue: vk::Queue,
    info: *const vk::PresentInfoKHR<'_>,
) -> vk::Result {
    settle_pending();
    let d = device_or!(queue, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        queue_present_khr,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the command's valid usage: a valid present info whose arrays have
    // `swapchain_count` (swapchains, indices, results) and `wait_semaphore_count` elements.
    let (info, swapchains, indices, waits) = unsafe {
        let info = &*info;
        (
            info,
            slice(info.p_swapchains, info.swapchain_count),
            slice(info.p_image_indices, info.swapchain_count),
            slice(info.p_wait_semaphores, info.wait_semaphore_count),
        )
    };
    d.queue_seen(queue.as_raw());
    let mut packets = Vec::with_capacity(swapchains.len());
    {
        let ledger = d.ledger();
        let mut work = d.work();
        let waited: Vec<u64> = waits.iter().map(|s| s.as_raw()).collect();
        work.present_waited(&waited);
        for (swapchain, &index) in swapchains.iter().zip(indices) {
            let Some(packet) = work.next_packet(queue.as_raw()) else {
                break;
            };
            let mut ids = Vec::new();
            {
                let mut objects = d.objects();
                let image = objects
                    .get(Kind::Swapchain, swapchain.as_raw())
                    .and_then(|s| s.children.get(index as usize).copied());
                match image {
                    Some(image) => objects.expand(Kind::Image, image, ledger, &mut ids),
                    None => objects.expand(Kind::Swapchain, swapchain.as_raw(), ledger, &mut ids),
                }
            }
            touch_all(d, packet, ids);
            ledger.packet(packet, PacketStage::Submitted);
            packets.push(packet);
        }
    }
    let mut results = vec![UNSET; swapchains.len()];
    let mut local = *info;
    if info.p_results.is_null() {
        local.p_results = results.as_mut_ptr();
    }
    // SAFETY: the program's present info, with a results array of
    // `swapchain_count` entries when it had none (VkPresentInfoKHR::pResults).
    let result = unsafe { next(queue, &local) };
    let results: &[vk::Result] = if info.p_results.is_null() {
        &results
    } else {
        // SAFETY: the program's own `swapchain_count` results, just written.
        unsafe { slice(info.p_results, info.swapchain_count) }
    };
    let ledger = d.ledger();
    for (i, packet) in packets.into_iter().enumerate() {
        let each = results
            .get(i)
            .copied()
            .filter(|&r| r != UNSET)
            .unwrap_or(result);
        let (stage, suboptimal) = present_outcome(each);
        ledger.packet(packet, stage);
        if suboptimal {
            ledger.marker(d.session.vocab.suboptimal);
        }
    }
    result
}

/// What a swapchain's present result makes of its packet: `Presented` for
/// `VK_SUCCESS` and `VK_SUBOPTIMAL_KHR` (the image was presented; the second
/// value asks for the `VK_SUBOPTIMAL_KHR` marker), `Failed` for everything else,
/// `VK_ERROR_OUT_OF_DATE_KHR` included (nothing was presented).
fn present_outcome(result: vk::Result) -> (PacketStage, bool) {
    match result {
        vk::Result::SUCCESS => (PacketStage::Presented, false),
        vk::Result::SUBOPTIMAL_KHR => (PacketStage::Presented, true),
        _ => (PacketStage::Failed, false),
    }
}

/// `vkQueueWaitIdle`: every packet of the queue completed.
pub(crate) unsafe extern "system" fn queue_wait_idle(queue: vk::Queue) -> vk::Result {
    settle_pending();
    let d = device_or!(queue, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, queue_wait_idle, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(queue) };
    if result == vk::Result::SUCCESS {
        completed(d, |work, done| work.queue_idle(queue.as_raw(), done));
    }
    result
}

/// `vkDeviceWaitIdle`: every packet of the device completed.
pub(crate) unsafe extern "system" fn device_wait_idle(device: vk::Device) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, device_wait_idle, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device) };
    if result == vk::Result::SUCCESS {
        completed(d, |work, done| work.device_idle(done));
    }
    result
}

/// `vkWaitForFences`: with `waitAll` (or one fence), each fence's packet completed.
pub(crate) unsafe extern "system" fn wait_for_fences(
    device: vk::Device,
    count: u32,
    fences: *const vk::Fence,
    wait_all: vk::Bool32,
    timeout: u64,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, wait_for_fences, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, count, fences, wait_all, timeout) };
    if result == vk::Result::SUCCESS && (wait_all == vk::TRUE || count == 1) {
        // SAFETY: the command's valid usage: `count` handles.
        let fences = unsafe { slice(fences, count) };
        completed(d, |work, done| {
            for fence in fences {
                work.fence_signalled(fence.as_raw(), &mut *done);
            }
        });
    }
    result
}

/// `vkGetFenceStatus`: `VK_SUCCESS` means the fence's packet completed.
pub(crate) unsafe extern "system" fn get_fence_status(
    device: vk::Device,
    fence: vk::Fence,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, get_fence_status, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, fence) };
    if result == vk::Result::SUCCESS {
        completed(d, |work, done| work.fence_signalled(fence.as_raw(), done));
    }
    result
}

/// `vkDestroyFence`.
pub(crate) unsafe extern "system" fn destroy_fence(
    device: vk::Device,
    fence: vk::Fence,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    d.work().forget_fence(fence.as_raw());
    if let Some(next) = d.next.destroy_fence {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, fence, allocator) };
    }
}

/// `vkCreateSemaphore`: notes timeline semaphores.
pub(crate) unsafe extern "system" fn create_semaphore(
    device: vk::Device,
    info: *const vk::SemaphoreCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    semaphore: *mut vk::Semaphore,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, create_semaphore, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, semaphore) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage (a valid create info and pNext
        // chain), and on success the driver wrote the handle.
        let (ty, semaphore) = unsafe {
            let ty = find_in_chain::<vk::SemaphoreTypeCreateInfo<'_>>(
                (*info).p_next,
                vk::StructureType::SEMAPHORE_TYPE_CREATE_INFO,
            );
            (ty.map(|t| t.semaphore_type), *semaphore)
        };
        if ty == Some(vk::SemaphoreType::TIMELINE) {
            d.work().add_timeline(semaphore.as_raw());
        }
    }
    result
}

/// `vkDestroySemaphore`.
pub(crate) unsafe extern "system" fn destroy_semaphore(
    device: vk::Device,
    semaphore: vk::Semaphore,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    d.work().forget_semaphore(semaphore.as_raw());
    if let Some(next) = d.next.destroy_semaphore {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, semaphore, allocator) };
    }
}

/// `vkWaitSemaphores` and its KHR alias: with all semaphores waited for (or
/// one), each reached its value.
///
/// # Safety
/// The arguments of `vkWaitSemaphores`, and `next` the next layer's entry point.
unsafe fn wait_semaphores_with(
    d: &Device,
    next: vk::PFN_vkWaitSemaphores,
    device: vk::Device,
    info: *const vk::SemaphoreWaitInfo<'_>,
    timeout: u64,
) -> vk::Result {
    settle_pending();
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, timeout) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage: `semaphore_count` semaphores and values.
        let (any, semaphores, values) = unsafe {
            let info = &*info;
            (
                info.flags.contains(vk::SemaphoreWaitFlags::ANY),
                slice(info.p_semaphores, info.semaphore_count),
                slice(info.p_values, info.semaphore_count),
            )
        };
        if !any || semaphores.len() == 1 {
            completed(d, |work, done| {
                for (semaphore, &value) in semaphores.iter().zip(values) {
                    work.timeline_reached(semaphore.as_raw(), value, &mut *done);
                }
            });
        }
    }
    result
}

aliases!(
    /// `vkWaitSemaphores`.
    wait_semaphores,
    /// `vkWaitSemaphoresKHR`.
    wait_semaphores_khr
    => wait_semaphores_with(device: vk::Device, info: *const vk::SemaphoreWaitInfo<'_>, timeout: u64)
);

/// `vkGetSemaphoreCounterValue` and its KHR alias: the semaphore reached the value read.
///
/// # Safety
/// The arguments of `vkGetSemaphoreCounterValue`, and `next` the next layer's entry point.
unsafe fn counter_value_with(
    d: &Device,
    next: vk::PFN_vkGetSemaphoreCounterValue,
    device: vk::Device,
    semaphore: vk::Semaphore,
    value: *mut u64,
) -> vk::Result {
    settle_pending();
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, semaphore, value) };
    if result == vk::Result::SUCCESS {
        // SAFETY: on success the driver wrote the value.
        let value = unsafe { *value };
        completed(d, |work, done| {
            work.timeline_reached(semaphore.as_raw(), value, done)
        });
    }
    result
}

aliases!(
    /// `vkGetSemaphoreCounterValue`.
    get_semaphore_counter_value,
    /// `vkGetSemaphoreCounterValueKHR`.
    get_semaphore_counter_value_khr
    => counter_value_with(device: vk::Device, semaphore: vk::Semaphore, value: *mut u64)
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_date_fails_and_suboptimal_presents_with_a_marker() {
        assert_eq!(
            present_outcome(vk::Result::SUCCESS),
            (PacketStage::Presented, false)
        );
        assert_eq!(
            present_outcome(vk::Result::SUBOPTIMAL_KHR),
            (PacketStage::Presented, true)
        );
        assert_eq!(
            present_outcome(vk::Result::ERROR_OUT_OF_DATE_KHR),
            (PacketStage::Failed, false)
        );
        assert_eq!(
            present_outcome(vk::Result::ERROR_SURFACE_LOST_KHR),
            (PacketStage::Failed, false)
        );
    }
}
