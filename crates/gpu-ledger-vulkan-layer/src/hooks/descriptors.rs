//! Descriptor sets: what each holds, so that a command buffer that binds a set
//! touches the images and buffers in it when it is submitted.
//!
//! Followed: image views in sampled, storage, combined image-sampler and input
//! attachment descriptors, and buffers in uniform and storage descriptors
//! (dynamic ones included), written by `vkUpdateDescriptorSets` (writes and
//! copies). Not followed (documented limits): texel buffer views, acceleration
//! structures, inline uniform blocks, `vkUpdateDescriptorSetWithTemplate`
//! (opaque data), push descriptors and descriptor buffers.

use ash::vk::{self, Handle};

use super::{device_or, next_or, slice};
use crate::device::settle_pending;
use crate::objects::Kind;

/// `vkAllocateDescriptorSets`.
pub(crate) unsafe extern "system" fn allocate_descriptor_sets(
    device: vk::Device,
    info: *const vk::DescriptorSetAllocateInfo<'_>,
    sets: *mut vk::DescriptorSet,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        allocate_descriptor_sets,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, sets) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage, and on success the driver wrote
        // `descriptor_set_count` handles.
        let (pool, made) = unsafe {
            let info = &*info;
            (
                info.descriptor_pool,
                slice(sets.cast_const(), info.descriptor_set_count),
            )
        };
        let made: Vec<u64> = made.iter().map(|s| s.as_raw()).collect();
        d.recording().allocate_sets(pool.as_raw(), &made);
    }
    result
}

/// `vkFreeDescriptorSets`.
pub(crate) unsafe extern "system" fn free_descriptor_sets(
    device: vk::Device,
    pool: vk::DescriptorPool,
    count: u32,
    sets: *const vk::DescriptorSet,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        free_descriptor_sets,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the command's valid usage: `count` handles.
    let freed: Vec<u64> = unsafe { slice(sets, count) }
        .iter()
        .map(|s| s.as_raw())
        .collect();
    d.recording().free_sets(&freed);
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, pool, count, sets) }
}

/// `vkResetDescriptorPool`.
pub(crate) unsafe extern "system" fn reset_descriptor_pool(
    device: vk::Device,
    pool: vk::DescriptorPool,
    flags: vk::DescriptorPoolResetFlags,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        reset_descriptor_pool,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    d.recording().reset_pool(pool.as_raw());
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, pool, flags) }
}

/// `vkDestroyDescriptorPool`.
pub(crate) unsafe extern "system" fn destroy_descriptor_pool(
    device: vk::Device,
    pool: vk::DescriptorPool,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    d.recording().reset_pool(pool.as_raw());
    if let Some(next) = d.next.destroy_descriptor_pool {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, pool, allocator) };
    }
}

/// `vkUpdateDescriptorSets`.
pub(crate) unsafe extern "system" fn update_descriptor_sets(
    device: vk::Device,
    write_count: u32,
    writes: *const vk::WriteDescriptorSet<'_>,
    copy_count: u32,
    copies: *const vk::CopyDescriptorSet<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    {
        let mut recording = d.recording();
        // SAFETY: the command's valid usage: `write_count` valid writes.
        for write in unsafe { slice(writes, write_count) } {
            let set = write.dst_set.as_raw();
            let at = |i: u32| write.dst_array_element.wrapping_add(i);
            match write.descriptor_type {
                vk::DescriptorType::SAMPLED_IMAGE
                | vk::DescriptorType::STORAGE_IMAGE
                | vk::DescriptorType::COMBINED_IMAGE_SAMPLER
                | vk::DescriptorType::INPUT_ATTACHMENT => {
                    // SAFETY: for these types `p_image_info` holds `descriptor_count` infos.
                    let infos = unsafe { slice(write.p_image_info, write.descriptor_count) };
                    for (i, info) in (0..).zip(infos) {
                        let view = info.image_view.as_raw();
                        recording.write(set, write.dst_binding, at(i), Kind::ImageView, view);
                    }
                }
                vk::DescriptorType::UNIFORM_BUFFER
                | vk::DescriptorType::STORAGE_BUFFER
                | vk::DescriptorType::UNIFORM_BUFFER_DYNAMIC
                | vk::DescriptorType::STORAGE_BUFFER_DYNAMIC => {
                    // SAFETY: for these types `p_buffer_info` holds `descriptor_count` infos.
                    let infos = unsafe { slice(write.p_buffer_info, write.descriptor_count) };
                    for (i, info) in (0..).zip(infos) {
                        let buffer = info.buffer.as_raw();
                        recording.write(set, write.dst_binding, at(i), Kind::Buffer, buffer);
                    }
                }
                _ => {}
            }
        }
        // SAFETY: the command's valid usage: `copy_count` valid copies.
        for copy in unsafe { slice(copies, copy_count) } {
            recording.copy(
                (
                    copy.src_set.as_raw(),
                    copy.src_binding,
                    copy.src_array_element,
                ),
                (
                    copy.dst_set.as_raw(),
                    copy.dst_binding,
                    copy.dst_array_element,
                ),
                copy.descriptor_count,
            );
        }
    }
    if let Some(next) = d.next.update_descriptor_sets {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, write_count, writes, copy_count, copies) };
    }
}
