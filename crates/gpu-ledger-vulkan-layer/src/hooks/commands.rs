//! Command recording: what each command names, appended to its command
//! buffer's reference list (see the `refs` module), then the call passed on.
//!
//! The hottest path a layer sees: a device lookup, one lock and a few pushes
//! per command, nothing resolved until submit. Draws, dispatches and state
//! commands that name no image or buffer are not intercepted at all.

use std::iter::once;

use ash::vk::{self, Handle};

use super::{device_or, find_in_chain, next_or, slice};
use crate::device::{Device, settle_pending};
use crate::objects::Kind;
use crate::refs::Ref;

/// An object reference.
#[inline]
fn obj(kind: Kind, handle: impl Handle) -> Ref {
    Ref::Object(kind, handle.as_raw())
}

/// Notes that command buffer `cb` references `refs` (NULL handles skipped) and
/// returns its device.
///
/// # Safety
/// `cb` must be a live command buffer the loader dispatched to this layer.
#[inline]
unsafe fn note(
    cb: vk::CommandBuffer,
    refs: impl IntoIterator<Item = Ref>,
) -> Option<&'static Device> {
    settle_pending();
    // SAFETY: the caller's promise.
    let d = unsafe { Device::of(cb) }?;
    let mut refs = refs
        .into_iter()
        .filter(|r| !matches!(r, Ref::Object(_, 0) | Ref::Set(0)))
        .peekable();
    if refs.peek().is_some() {
        let mut recording = d.recording();
        for r in refs {
            recording.reference(cb.as_raw(), r);
        }
    }
    Some(d)
}

/// A command hook with no return value, under one name or several (a core
/// command and its extension aliases): note `$refs`, call the next layer's
/// entry point for the name called.
macro_rules! cmd {
    ([$( $(#[$doc:meta])* $name:ident ),+ $(,)?] $params:tt => $refs:expr) => {
        $( cmd!($(#[$doc])* $name $params => $refs); )+
    };
    ($(#[$doc:meta])* $name:ident ($($arg:ident: $ty:ty),* $(,)?) => $refs:expr) => {
        $(#[$doc])*
        pub(crate) unsafe extern "system" fn $name(
            command_buffer: vk::CommandBuffer,
            $($arg: $ty),*
        ) {
            let refs = $refs;
            // SAFETY: the loader dispatched this command here through the command
            // buffer's own dispatch table, so it is live.
            let Some(d) = (unsafe { note(command_buffer, refs) }) else {
                return;
            };
            if let Some(next) = d.next.$name {
                // SAFETY: the program's own arguments, passed on to the next layer.
                unsafe { next(command_buffer, $($arg),*) };
            }
        }
    };
}

/// `vkBeginCommandBuffer`: an implicit reset, so it references nothing yet.
pub(crate) unsafe extern "system" fn begin_command_buffer(
    command_buffer: vk::CommandBuffer,
    info: *const vk::CommandBufferBeginInfo<'_>,
) -> vk::Result {
    settle_pending();
    let d = device_or!(command_buffer, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        begin_command_buffer,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    d.recording().reset(command_buffer.as_raw());
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(command_buffer, info) }
}

/// `vkResetCommandBuffer`.
pub(crate) unsafe extern "system" fn reset_command_buffer(
    command_buffer: vk::CommandBuffer,
    flags: vk::CommandBufferResetFlags,
) -> vk::Result {
    settle_pending();
    let d = device_or!(command_buffer, vk::Result::ERROR_INITIALIZATION_FAILED);
    let next = next_or!(
        d,
        reset_command_buffer,
        vk::Result::ERROR_INITIALIZATION_FAILED
    );
    d.recording().reset(command_buffer.as_raw());
    // SAFETY: the program's own arguments, passed on to the next layer.
    unsafe { next(command_buffer, flags) }
}

/// A render pass begin's framebuffer and, for an imageless framebuffer, the
/// views of `VkRenderPassAttachmentBeginInfo`.
///
/// # Safety
/// `info` must be a valid `VkRenderPassBeginInfo` (the command's valid usage).
unsafe fn render_pass_refs(info: *const vk::RenderPassBeginInfo<'_>) -> impl Iterator<Item = Ref> {
    // SAFETY: the caller's promise.
    let info = unsafe { &*info };
    // SAFETY: a valid pNext chain, in which this sType is that structure.
    let imageless = unsafe {
        find_in_chain::<vk::RenderPassAttachmentBeginInfo<'_>>(
            info.p_next,
            vk::StructureType::RENDER_PASS_ATTACHMENT_BEGIN_INFO,
        )
    };
    // SAFETY: the structure's valid usage: `attachment_count` views.
    let views = imageless.map_or(&[][..], |a| unsafe {
        slice(a.p_attachments, a.attachment_count)
    });
    once(obj(Kind::Framebuffer, info.framebuffer))
        .chain(views.iter().map(|&v| obj(Kind::ImageView, v)))
}

/// Every view a dynamic rendering pass draws to or resolves into.
///
/// # Safety
/// `info` must be a valid `VkRenderingInfo` (the command's valid usage).
unsafe fn rendering_refs(info: *const vk::RenderingInfo<'_>) -> impl Iterator<Item = Ref> {
    // SAFETY: the caller's promise, and the structure's valid usage for its
    // attachment pointers (`color_attachment_count` infos; depth and stencil NULL or valid).
    let (colors, depth, stencil) = unsafe {
        let info = &*info;
        (
            slice(info.p_color_attachments, info.color_attachment_count),
            info.p_depth_attachment.as_ref(),
            info.p_stencil_attachment.as_ref(),
        )
    };
    colors.iter().chain(depth).chain(stencil).flat_map(|a| {
        [
            obj(Kind::ImageView, a.image_view),
            obj(Kind::ImageView, a.resolve_image_view),
        ]
    })
}

cmd!(
    /// `vkCmdBeginRenderPass`.
    cmd_begin_render_pass(info: *const vk::RenderPassBeginInfo<'_>, contents: vk::SubpassContents)
        // SAFETY: the command's valid usage.
        => unsafe { render_pass_refs(info) }
);
cmd!(
    [
        /// `vkCmdBeginRenderPass2`.
        cmd_begin_render_pass2,
        /// `vkCmdBeginRenderPass2KHR`.
        cmd_begin_render_pass2_khr
    ]
    (info: *const vk::RenderPassBeginInfo<'_>, subpass: *const vk::SubpassBeginInfo<'_>)
        // SAFETY: the command's valid usage.
        => unsafe { render_pass_refs(info) }
);
cmd!(
    [
        /// `vkCmdBeginRendering`.
        cmd_begin_rendering,
        /// `vkCmdBeginRenderingKHR`.
        cmd_begin_rendering_khr
    ]
    (info: *const vk::RenderingInfo<'_>)
        // SAFETY: the command's valid usage.
        => unsafe { rendering_refs(info) }
);
cmd!(
    /// `vkCmdBindDescriptorSets`: the sets, expanded to their contents at submit.
    cmd_bind_descriptor_sets(
        bind_point: vk::PipelineBindPoint,
        layout: vk::PipelineLayout,
        first_set: u32,
        set_count: u32,
        sets: *const vk::DescriptorSet,
        dynamic_count: u32,
        dynamic_offsets: *const u32,
    )
        // SAFETY: the command's valid usage: `set_count` handles.
        => unsafe { slice(sets, set_count) }.iter().map(|s| Ref::Set(s.as_raw()))
);
cmd!(
    /// `vkCmdBindVertexBuffers`.
    cmd_bind_vertex_buffers(first: u32, count: u32, buffers: *const vk::Buffer, offsets: *const vk::DeviceSize)
        // SAFETY: the command's valid usage: `count` handles.
        => unsafe { slice(buffers, count) }.iter().map(|&b| obj(Kind::Buffer, b))
);
cmd!(
    [
        /// `vkCmdBindVertexBuffers2`.
        cmd_bind_vertex_buffers2,
        /// `vkCmdBindVertexBuffers2EXT`.
        cmd_bind_vertex_buffers2_ext
    ]
    (
        first: u32,
        count: u32,
        buffers: *const vk::Buffer,
        offsets: *const vk::DeviceSize,
        sizes: *const vk::DeviceSize,
        strides: *const vk::DeviceSize,
    )
        // SAFETY: the command's valid usage: `count` handles.
        => unsafe { slice(buffers, count) }.iter().map(|&b| obj(Kind::Buffer, b))
);
cmd!(
    /// `vkCmdBindIndexBuffer`.
    cmd_bind_index_buffer(buffer: vk::Buffer, offset: vk::DeviceSize, index_type: vk::IndexType)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdDrawIndirect`.
    cmd_draw_indirect(buffer: vk::Buffer, offset: vk::DeviceSize, draw_count: u32, stride: u32)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdDrawIndexedIndirect`.
    cmd_draw_indexed_indirect(buffer: vk::Buffer, offset: vk::DeviceSize, draw_count: u32, stride: u32)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdDispatchIndirect`.
    cmd_dispatch_indirect(buffer: vk::Buffer, offset: vk::DeviceSize)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdCopyBuffer`.
    cmd_copy_buffer(src: vk::Buffer, dst: vk::Buffer, count: u32, regions: *const vk::BufferCopy)
        => [obj(Kind::Buffer, src), obj(Kind::Buffer, dst)]
);
cmd!(
    /// `vkCmdCopyImage`.
    cmd_copy_image(
        src: vk::Image,
        src_layout: vk::ImageLayout,
        dst: vk::Image,
        dst_layout: vk::ImageLayout,
        count: u32,
        regions: *const vk::ImageCopy,
    )
        => [obj(Kind::Image, src), obj(Kind::Image, dst)]
);
cmd!(
    /// `vkCmdCopyBufferToImage`.
    cmd_copy_buffer_to_image(
        src: vk::Buffer,
        dst: vk::Image,
        dst_layout: vk::ImageLayout,
        count: u32,
        regions: *const vk::BufferImageCopy,
    )
        => [obj(Kind::Buffer, src), obj(Kind::Image, dst)]
);
cmd!(
    /// `vkCmdCopyImageToBuffer`.
    cmd_copy_image_to_buffer(
        src: vk::Image,
        src_layout: vk::ImageLayout,
        dst: vk::Buffer,
        count: u32,
        regions: *const vk::BufferImageCopy,
    )
        => [obj(Kind::Image, src), obj(Kind::Buffer, dst)]
);
cmd!(
    /// `vkCmdBlitImage`.
    cmd_blit_image(
        src: vk::Image,
        src_layout: vk::ImageLayout,
        dst: vk::Image,
        dst_layout: vk::ImageLayout,
        count: u32,
        regions: *const vk::ImageBlit,
        filter: vk::Filter,
    )
        => [obj(Kind::Image, src), obj(Kind::Image, dst)]
);
cmd!(
    /// `vkCmdResolveImage`.
    cmd_resolve_image(
        src: vk::Image,
        src_layout: vk::ImageLayout,
        dst: vk::Image,
        dst_layout: vk::ImageLayout,
        count: u32,
        regions: *const vk::ImageResolve,
    )
        => [obj(Kind::Image, src), obj(Kind::Image, dst)]
);

/// The two objects of a `*Info2` copy command.
macro_rules! info2 {
    ($info:expr, $src_kind:expr, $src:ident, $dst_kind:expr, $dst:ident) => {{
        // SAFETY: the command's valid usage: `info` is a valid structure.
        let info = unsafe { &*$info };
        [obj($src_kind, info.$src), obj($dst_kind, info.$dst)]
    }};
}

cmd!(
    [
        /// `vkCmdCopyBuffer2`.
        cmd_copy_buffer2,
        /// `vkCmdCopyBuffer2KHR`.
        cmd_copy_buffer2_khr
    ]
    (info: *const vk::CopyBufferInfo2<'_>)
        => info2!(info, Kind::Buffer, src_buffer, Kind::Buffer, dst_buffer)
);
cmd!(
    [
        /// `vkCmdCopyImage2`.
        cmd_copy_image2,
        /// `vkCmdCopyImage2KHR`.
        cmd_copy_image2_khr
    ]
    (info: *const vk::CopyImageInfo2<'_>)
        => info2!(info, Kind::Image, src_image, Kind::Image, dst_image)
);
cmd!(
    [
        /// `vkCmdCopyBufferToImage2`.
        cmd_copy_buffer_to_image2,
        /// `vkCmdCopyBufferToImage2KHR`.
        cmd_copy_buffer_to_image2_khr
    ]
    (info: *const vk::CopyBufferToImageInfo2<'_>)
        => info2!(info, Kind::Buffer, src_buffer, Kind::Image, dst_image)
);
cmd!(
    [
        /// `vkCmdCopyImageToBuffer2`.
        cmd_copy_image_to_buffer2,
        /// `vkCmdCopyImageToBuffer2KHR`.
        cmd_copy_image_to_buffer2_khr
    ]
    (info: *const vk::CopyImageToBufferInfo2<'_>)
        => info2!(info, Kind::Image, src_image, Kind::Buffer, dst_buffer)
);
cmd!(
    [
        /// `vkCmdBlitImage2`.
        cmd_blit_image2,
        /// `vkCmdBlitImage2KHR`.
        cmd_blit_image2_khr
    ]
    (info: *const vk::BlitImageInfo2<'_>)
        => info2!(info, Kind::Image, src_image, Kind::Image, dst_image)
);
cmd!(
    [
        /// `vkCmdResolveImage2`.
        cmd_resolve_image2,
        /// `vkCmdResolveImage2KHR`.
        cmd_resolve_image2_khr
    ]
    (info: *const vk::ResolveImageInfo2<'_>)
        => info2!(info, Kind::Image, src_image, Kind::Image, dst_image)
);
cmd!(
    /// `vkCmdClearColorImage`.
    cmd_clear_color_image(
        image: vk::Image,
        layout: vk::ImageLayout,
        color: *const vk::ClearColorValue,
        range_count: u32,
        ranges: *const vk::ImageSubresourceRange,
    )
        => [obj(Kind::Image, image)]
);
cmd!(
    /// `vkCmdClearDepthStencilImage`.
    cmd_clear_depth_stencil_image(
        image: vk::Image,
        layout: vk::ImageLayout,
        value: *const vk::ClearDepthStencilValue,
        range_count: u32,
        ranges: *const vk::ImageSubresourceRange,
    )
        => [obj(Kind::Image, image)]
);
cmd!(
    /// `vkCmdFillBuffer`.
    cmd_fill_buffer(buffer: vk::Buffer, offset: vk::DeviceSize, size: vk::DeviceSize, data: u32)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdUpdateBuffer`.
    cmd_update_buffer(buffer: vk::Buffer, offset: vk::DeviceSize, size: vk::DeviceSize, data: *const std::ffi::c_void)
        => [obj(Kind::Buffer, buffer)]
);
cmd!(
    /// `vkCmdPipelineBarrier`: the images and buffers its barriers name.
    cmd_pipeline_barrier(
        src_stages: vk::PipelineStageFlags,
        dst_stages: vk::PipelineStageFlags,
        dependency: vk::DependencyFlags,
        memory_count: u32,
        memory: *const vk::MemoryBarrier<'_>,
        buffer_count: u32,
        buffers: *const vk::BufferMemoryBarrier<'_>,
        image_count: u32,
        images: *const vk::ImageMemoryBarrier<'_>,
    )
        // SAFETY: the command's valid usage: the counts match the arrays.
        => unsafe { slice(buffers, buffer_count) }
            .iter()
            .map(|b| obj(Kind::Buffer, b.buffer))
            // SAFETY: as above.
            .chain(unsafe { slice(images, image_count) }.iter().map(|i| obj(Kind::Image, i.image)))
);

/// The images and buffers a `VkDependencyInfo`'s barriers name.
///
/// # Safety
/// `info` must be a valid `VkDependencyInfo` (the command's valid usage).
unsafe fn dependency_refs(info: *const vk::DependencyInfo<'_>) -> impl Iterator<Item = Ref> {
    // SAFETY: the caller's promise; the counts match the arrays.
    let (buffers, images) = unsafe {
        let info = &*info;
        (
            slice(
                info.p_buffer_memory_barriers,
                info.buffer_memory_barrier_count,
            ),
            slice(
                info.p_image_memory_barriers,
                info.image_memory_barrier_count,
            ),
        )
    };
    buffers
        .iter()
        .map(|b| obj(Kind::Buffer, b.buffer))
        .chain(images.iter().map(|i| obj(Kind::Image, i.image)))
}

cmd!(
    [
        /// `vkCmdPipelineBarrier2`.
        cmd_pipeline_barrier2,
        /// `vkCmdPipelineBarrier2KHR`.
        cmd_pipeline_barrier2_khr
    ]
    (info: *const vk::DependencyInfo<'_>)
        // SAFETY: the command's valid usage.
        => unsafe { dependency_refs(info) }
);
cmd!(
    /// `vkCmdExecuteCommands`: the secondary command buffers, followed at submit.
    cmd_execute_commands(count: u32, secondaries: *const vk::CommandBuffer)
        // SAFETY: the command's valid usage: `count` handles.
        => unsafe { slice(secondaries, count) }.iter().map(|&cb| obj(Kind::CommandBuffer, cb))
);
