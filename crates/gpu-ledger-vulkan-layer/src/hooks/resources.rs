//! Lifecycles: images, image views, buffers, device memory, framebuffers,
//! command pools and their command buffers, swapchains and their images, and
//! the debug names that become owners.
//!
//! | Vulkan object | recorded as | owner (unless a debug name says otherwise) | dims |
//! |---|---|---|---|
//! | `VkImage` | `Texture` | `VkDevice` | width × height |
//! | `VkImageView` | `VkImageView` | `VkDevice` | - |
//! | `VkBuffer` | `Buffer` | `VkDevice` | bytes |
//! | `VkDeviceMemory` | `VkDeviceMemory` | `VkDevice` | bytes |
//! | `VkFramebuffer` | `VkFramebuffer` | `VkDevice` | width × height |
//! | `VkCommandPool` | `VkCommandPool` | `VkDevice` | - |
//! | `VkCommandBuffer` | `CommandBuffer` (per-frame) | `VkCommandPool` | - |
//! | `VkSwapchainKHR` | `NativeTarget` | `VkSurfaceKHR` | width × height |
//! | swapchain image | `SwapchainImage` | `VkSwapchainKHR` | width × height |
//!
//! A swapchain is owned by its surface, so a swapchain made with `oldSwapchain`
//! (or after the old one was destroyed) is the same owner creating the same
//! type: the analysis reports the old one's destroy as `replaced`, with the new
//! swapchain's create as the evidence.

use std::ffi::CStr;

use ash::vk::{self, Handle};
use gpu_ledger::{Dims, Owner, ResourceType};

use super::{aliases, device_or, next_or, slice};
use crate::device::{Device, settle_pending};
use crate::objects::Kind;

/// A destroy hook: records the object's destroy (before the driver may reuse
/// its handle), then calls the next layer.
macro_rules! destroy_hook {
    ($(#[$doc:meta])* $name:ident, $handle:ty, $kind:expr) => {
        $(#[$doc])*
        pub(crate) unsafe extern "system" fn $name(
            device: vk::Device,
            handle: $handle,
            allocator: *const vk::AllocationCallbacks<'_>,
        ) {
            settle_pending();
            let d = device_or!(device);
            if !handle.is_null() {
                d.objects().destroy($kind, handle.as_raw(), d.ledger());
            }
            if let Some(next) = d.next.$name {
                // SAFETY: the program's own arguments, passed on to the next layer.
                unsafe { next(device, handle, allocator) };
            }
        }
    };
}

destroy_hook!(
    /// `vkDestroyImage`.
    destroy_image,
    vk::Image,
    Kind::Image
);
destroy_hook!(
    /// `vkDestroyImageView`.
    destroy_image_view,
    vk::ImageView,
    Kind::ImageView
);
destroy_hook!(
    /// `vkDestroyBuffer`.
    destroy_buffer,
    vk::Buffer,
    Kind::Buffer
);
destroy_hook!(
    /// `vkFreeMemory`.
    free_memory,
    vk::DeviceMemory,
    Kind::Memory
);
destroy_hook!(
    /// `vkDestroyFramebuffer`.
    destroy_framebuffer,
    vk::Framebuffer,
    Kind::Framebuffer
);

fn extent_dims(width: u32, height: u32) -> Option<Dims> {
    Some(Dims::new(width, height, 0.0))
}

/// `vkCreateImage`.
pub(crate) unsafe extern "system" fn create_image(
    device: vk::Device,
    info: *const vk::ImageCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    image: *mut vk::Image,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, create_image, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, image) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage (`info` valid), and on success the
        // driver wrote the new handle to `image`.
        let (info, image) = unsafe { (&*info, *image) };
        let dims = extent_dims(info.extent.width, info.extent.height);
        d.made(
            Kind::Image,
            image.as_raw(),
            ResourceType::Texture,
            d.owner(),
            dims,
            None,
        );
    }
    result
}

/// `vkCreateImageView`.
pub(crate) unsafe extern "system" fn create_image_view(
    device: vk::Device,
    info: *const vk::ImageViewCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    view: *mut vk::ImageView,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        create_image_view,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, view) };
    if result == vk::Result::SUCCESS {
        // SAFETY: as in `create_image`.
        let (info, view) = unsafe { (&*info, *view) };
        let ty = d.session.vocab.image_view;
        let parent = Some((Kind::Image, info.image.as_raw()));
        d.made(Kind::ImageView, view.as_raw(), ty, d.owner(), None, parent);
    }
    result
}

/// `vkCreateBuffer`.
pub(crate) unsafe extern "system" fn create_buffer(
    device: vk::Device,
    info: *const vk::BufferCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    buffer: *mut vk::Buffer,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, create_buffer, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, buffer) };
    if result == vk::Result::SUCCESS {
        // SAFETY: as in `create_image`.
        let (info, buffer) = unsafe { (&*info, *buffer) };
        let dims = Some(Dims::bytes(info.size));
        d.made(
            Kind::Buffer,
            buffer.as_raw(),
            ResourceType::Buffer,
            d.owner(),
            dims,
            None,
        );
    }
    result
}

/// `vkAllocateMemory`. Does not settle waiting creates: allocating the memory
/// of an object belongs to making it.
pub(crate) unsafe extern "system" fn allocate_memory(
    device: vk::Device,
    info: *const vk::MemoryAllocateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    memory: *mut vk::DeviceMemory,
) -> vk::Result {
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(d, allocate_memory, vk::Result::ERROR_INITIALIZATION_FAILED);
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, memory) };
    if result == vk::Result::SUCCESS {
        // SAFETY: as in `create_image`.
        let (info, memory) = unsafe { (&*info, *memory) };
        let dims = Some(Dims::bytes(info.allocation_size));
        let ty = d.session.vocab.memory;
        d.made(Kind::Memory, memory.as_raw(), ty, d.owner(), dims, None);
    }
    result
}

/// Object `handle` of `kind` is now backed by `memory`.
fn bound(d: &Device, kind: Kind, handle: u64, memory: vk::DeviceMemory) {
    if let Some(object) = d.objects().get_mut(kind, handle) {
        object.parent = Some((Kind::Memory, memory.as_raw()));
    }
}

/// `vkBindImageMemory` (part of making the image: settles nothing).
pub(crate) unsafe extern "system" fn bind_image_memory(
    device: vk::Device,
    image: vk::Image,
    memory: vk::DeviceMemory,
    offset: vk::DeviceSize,
) -> vk::Result {
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        bind_image_memory,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, image, memory, offset) };
    if result == vk::Result::SUCCESS {
        bound(d, Kind::Image, image.as_raw(), memory);
    }
    result
}

/// `vkBindBufferMemory` (part of making the buffer: settles nothing).
pub(crate) unsafe extern "system" fn bind_buffer_memory(
    device: vk::Device,
    buffer: vk::Buffer,
    memory: vk::DeviceMemory,
    offset: vk::DeviceSize,
) -> vk::Result {
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        bind_buffer_memory,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, buffer, memory, offset) };
    if result == vk::Result::SUCCESS {
        bound(d, Kind::Buffer, buffer.as_raw(), memory);
    }
    result
}

/// `vkBindImageMemory2` and its KHR alias, calling down through `next`.
///
/// # Safety
/// The arguments of `vkBindImageMemory2`, and `next` the next layer's entry point.
unsafe fn bind_images(
    d: &Device,
    next: vk::PFN_vkBindImageMemory2,
    device: vk::Device,
    count: u32,
    infos: *const vk::BindImageMemoryInfo<'_>,
) -> vk::Result {
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, count, infos) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage: `count` valid infos.
        for info in unsafe { slice(infos, count) } {
            bound(d, Kind::Image, info.image.as_raw(), info.memory);
        }
    }
    result
}

/// `vkBindBufferMemory2` and its KHR alias, calling down through `next`.
///
/// # Safety
/// The arguments of `vkBindBufferMemory2`, and `next` the next layer's entry point.
unsafe fn bind_buffers(
    d: &Device,
    next: vk::PFN_vkBindBufferMemory2,
    device: vk::Device,
    count: u32,
    infos: *const vk::BindBufferMemoryInfo<'_>,
) -> vk::Result {
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, count, infos) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage: `count` valid infos.
        for info in unsafe { slice(infos, count) } {
            bound(d, Kind::Buffer, info.buffer.as_raw(), info.memory);
        }
    }
    result
}

aliases!(
    /// `vkBindImageMemory2` (part of making the images: settles nothing).
    bind_image_memory2,
    /// `vkBindImageMemory2KHR`.
    bind_image_memory2_khr
    => bind_images(device: vk::Device, count: u32, infos: *const vk::BindImageMemoryInfo<'_>)
);
aliases!(
    /// `vkBindBufferMemory2` (part of making the buffers: settles nothing).
    bind_buffer_memory2,
    /// `vkBindBufferMemory2KHR`.
    bind_buffer_memory2_khr
    => bind_buffers(device: vk::Device, count: u32, infos: *const vk::BindBufferMemoryInfo<'_>)
);

/// `vkCreateFramebuffer`: an imageless framebuffer has no attachments of its
/// own (they come with each render pass begin).
pub(crate) unsafe extern "system" fn create_framebuffer(
    device: vk::Device,
    info: *const vk::FramebufferCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    framebuffer: *mut vk::Framebuffer,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        create_framebuffer,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, framebuffer) };
    if result == vk::Result::SUCCESS {
        // SAFETY: as in `create_image`.
        let (info, framebuffer) = unsafe { (&*info, *framebuffer) };
        let parts: Vec<u64> = if info.flags.contains(vk::FramebufferCreateFlags::IMAGELESS) {
            Vec::new()
        } else {
            // SAFETY: the command's valid usage: `attachment_count` views.
            let views = unsafe { slice(info.p_attachments, info.attachment_count) };
            views.iter().map(|v| v.as_raw()).collect()
        };
        let ty = d.session.vocab.framebuffer;
        let dims = extent_dims(info.width, info.height);
        d.made(
            Kind::Framebuffer,
            framebuffer.as_raw(),
            ty,
            d.owner(),
            dims,
            None,
        );
        if let Some(object) = d.objects().get_mut(Kind::Framebuffer, framebuffer.as_raw()) {
            object.parts = parts;
        }
    }
    result
}

/// `vkCreateCommandPool`.
pub(crate) unsafe extern "system" fn create_command_pool(
    device: vk::Device,
    info: *const vk::CommandPoolCreateInfo<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    pool: *mut vk::CommandPool,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        create_command_pool,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, pool) };
    if result == vk::Result::SUCCESS {
        // SAFETY: on success the driver wrote the new handle.
        let pool = unsafe { *pool };
        let ty = d.session.vocab.command_pool;
        d.made(Kind::CommandPool, pool.as_raw(), ty, d.owner(), None, None);
    }
    result
}

/// `vkDestroyCommandPool`: its command buffers go with it.
pub(crate) unsafe extern "system" fn destroy_command_pool(
    device: vk::Device,
    pool: vk::CommandPool,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    if !pool.is_null() {
        let children = {
            let mut objects = d.objects();
            let children = objects
                .get(Kind::CommandPool, pool.as_raw())
                .map(|p| p.children.clone())
                .unwrap_or_default();
            for &cb in &children {
                objects.destroy(Kind::CommandBuffer, cb, d.ledger());
            }
            objects.destroy(Kind::CommandPool, pool.as_raw(), d.ledger());
            children
        };
        let mut recording = d.recording();
        for cb in children {
            recording.forget(cb);
        }
    }
    if let Some(next) = d.next.destroy_command_pool {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, pool, allocator) };
    }
}

/// `vkResetCommandPool`: its command buffers reference nothing any more.
pub(crate) unsafe extern "system" fn reset_command_pool(
    device: vk::Device,
    pool: vk::CommandPool,
    flags: vk::CommandPoolResetFlags,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        reset_command_pool,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    let children = d
        .objects()
        .get(Kind::CommandPool, pool.as_raw())
        .map(|p| p.children.clone())
        .unwrap_or_default();
    {
        let mut recording = d.recording();
        for cb in children {
            recording.reset(cb);
        }
    }
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, pool, flags) }
}

/// `vkAllocateCommandBuffers`: each is a per-frame `CommandBuffer` owned by its pool.
pub(crate) unsafe extern "system" fn allocate_command_buffers(
    device: vk::Device,
    info: *const vk::CommandBufferAllocateInfo<'_>,
    command_buffers: *mut vk::CommandBuffer,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        allocate_command_buffers,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, command_buffers) };
    if result == vk::Result::SUCCESS {
        // SAFETY: the command's valid usage, and on success the driver wrote
        // `command_buffer_count` handles.
        let (info, made) = unsafe {
            let info = &*info;
            (
                info,
                slice(command_buffers.cast_const(), info.command_buffer_count),
            )
        };
        let pool = info.command_pool.as_raw();
        let Some(pool_id) = d.objects().get(Kind::CommandPool, pool).map(|p| p.id) else {
            return result;
        };
        let owner = Owner::new(d.session.vocab.by_pool, pool_id.0);
        for cb in made {
            let parent = Some((Kind::CommandPool, pool));
            d.made(
                Kind::CommandBuffer,
                cb.as_raw(),
                ResourceType::CommandBuffer,
                owner,
                None,
                parent,
            );
        }
        if let Some(p) = d.objects().get_mut(Kind::CommandPool, pool) {
            p.children.extend(made.iter().map(|cb| cb.as_raw()));
        }
    }
    result
}

/// `vkFreeCommandBuffers`.
pub(crate) unsafe extern "system" fn free_command_buffers(
    device: vk::Device,
    pool: vk::CommandPool,
    count: u32,
    command_buffers: *const vk::CommandBuffer,
) {
    settle_pending();
    let d = device_or!(device);
    // SAFETY: the command's valid usage: `count` handles (NULL ones allowed).
    let freed = unsafe { slice(command_buffers, count) };
    {
        let mut objects = d.objects();
        for cb in freed.iter().filter(|cb| !cb.is_null()) {
            objects.destroy(Kind::CommandBuffer, cb.as_raw(), d.ledger());
        }
        if let Some(p) = objects.get_mut(Kind::CommandPool, pool.as_raw()) {
            p.children
                .retain(|c| !freed.iter().any(|f| f.as_raw() == *c));
        }
    }
    {
        let mut recording = d.recording();
        for cb in freed {
            recording.forget(cb.as_raw());
        }
    }
    if let Some(next) = d.next.free_command_buffers {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, pool, count, command_buffers) };
    }
}

/// `vkCreateSwapchainKHR`: a `NativeTarget` owned by its surface.
pub(crate) unsafe extern "system" fn create_swapchain_khr(
    device: vk::Device,
    info: *const vk::SwapchainCreateInfoKHR<'_>,
    allocator: *const vk::AllocationCallbacks<'_>,
    swapchain: *mut vk::SwapchainKHR,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        create_swapchain_khr,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, info, allocator, swapchain) };
    if result == vk::Result::SUCCESS {
        // SAFETY: as in `create_image`.
        let (info, swapchain) = unsafe { (&*info, *swapchain) };
        let owner = Owner::new(d.session.vocab.by_surface, info.surface.as_raw());
        let dims = extent_dims(info.image_extent.width, info.image_extent.height);
        d.made(
            Kind::Swapchain,
            swapchain.as_raw(),
            ResourceType::NativeTarget,
            owner,
            dims,
            None,
        );
    }
    result
}

/// `vkGetSwapchainImagesKHR`: each image, the first time it is returned,
/// becomes a `SwapchainImage` owned by its swapchain.
pub(crate) unsafe extern "system" fn get_swapchain_images_khr(
    device: vk::Device,
    swapchain: vk::SwapchainKHR,
    count: *mut u32,
    images: *mut vk::Image,
) -> vk::Result {
    settle_pending();
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        get_swapchain_images_khr,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the program's own arguments, passed on to the next layer.
    let result = unsafe { next(device, swapchain, count, images) };
    if images.is_null() || !(result == vk::Result::SUCCESS || result == vk::Result::INCOMPLETE) {
        return result;
    }
    // SAFETY: the command's valid usage; the driver wrote `*count` handles.
    let returned = unsafe { slice(images.cast_const(), *count) };
    let handle = swapchain.as_raw();
    let found = {
        let mut objects = d.objects();
        let id = objects.settle(Kind::Swapchain, handle, d.ledger());
        id.zip(objects.get(Kind::Swapchain, handle).map(|s| s.dims))
    };
    let Some((swapchain_id, dims)) = found else {
        return result;
    };
    let owner = Owner::new(d.session.vocab.by_swapchain, swapchain_id.0);
    let ty = d.session.vocab.swapchain_image;
    for image in returned {
        let raw = image.as_raw();
        let known = d
            .objects()
            .get(Kind::Swapchain, handle)
            .is_some_and(|s| s.children.contains(&raw));
        if known {
            continue;
        }
        d.made(
            Kind::Image,
            raw,
            ty,
            owner,
            dims,
            Some((Kind::Swapchain, handle)),
        );
        if let Some(s) = d.objects().get_mut(Kind::Swapchain, handle) {
            s.children.push(raw);
        }
    }
    result
}

/// `vkDestroySwapchainKHR`: its images go with it.
pub(crate) unsafe extern "system" fn destroy_swapchain_khr(
    device: vk::Device,
    swapchain: vk::SwapchainKHR,
    allocator: *const vk::AllocationCallbacks<'_>,
) {
    settle_pending();
    let d = device_or!(device);
    if !swapchain.is_null() {
        let mut objects = d.objects();
        let images = objects
            .get(Kind::Swapchain, swapchain.as_raw())
            .map(|s| s.children.clone())
            .unwrap_or_default();
        for image in images {
            objects.destroy(Kind::Image, image, d.ledger());
        }
        objects.destroy(Kind::Swapchain, swapchain.as_raw(), d.ledger());
    }
    if let Some(next) = d.next.destroy_swapchain_khr {
        // SAFETY: the program's own arguments, passed on to the next layer.
        unsafe { next(device, swapchain, allocator) };
    }
}

/// The kind of object a debug name may own.
fn named_kind(ty: vk::ObjectType) -> Option<Kind> {
    Some(match ty {
        vk::ObjectType::IMAGE => Kind::Image,
        vk::ObjectType::IMAGE_VIEW => Kind::ImageView,
        vk::ObjectType::BUFFER => Kind::Buffer,
        vk::ObjectType::DEVICE_MEMORY => Kind::Memory,
        vk::ObjectType::FRAMEBUFFER => Kind::Framebuffer,
        vk::ObjectType::COMMAND_POOL => Kind::CommandPool,
        vk::ObjectType::COMMAND_BUFFER => Kind::CommandBuffer,
        vk::ObjectType::SWAPCHAIN_KHR => Kind::Swapchain,
        _ => return None,
    })
}

/// `vkSetDebugUtilsObjectNameEXT`: the name becomes the owner of an object
/// whose create is still waiting (it settles nothing else: naming belongs to
/// making an object).
pub(crate) unsafe extern "system" fn set_debug_utils_object_name_ext(
    device: vk::Device,
    info: *const vk::DebugUtilsObjectNameInfoEXT<'_>,
) -> vk::Result {
    let d = device_or!(device, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        set_debug_utils_object_name_ext,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    // SAFETY: the command's valid usage: `info` is valid, its name NULL or a
    // NUL-terminated UTF-8 string.
    let (kind, handle, name) = unsafe {
        let info = &*info;
        let name = (!info.p_object_name.is_null()).then(|| CStr::from_ptr(info.p_object_name));
        (named_kind(info.object_type), info.object_handle, name)
    };
    if let Some(kind) = kind {
        match name.and_then(|n| d.session.owner_named(n)) {
            Some(owner_kind) => {
                d.objects().name(kind, handle, owner_kind, d.ledger());
            }
            None => {
                d.objects().settle(kind, handle, d.ledger());
            }
        }
    }
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(device, info) }
}
