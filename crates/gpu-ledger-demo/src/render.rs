//! The renderer: the shape, shadow and glyph pipelines, and how a [`DisplayList`]
//! becomes a render pass into a target.
//!
//! Both architectures draw with this one renderer, so their images differ only in
//! how they are composed, never in how shapes are shaded. It owns no tracked
//! resource (pipelines, layouts and the sampler are device state, not churn) and
//! records nothing: the buffers and textures it draws with belong to the caller.
//!
//! A display-list buffer holds the frame uniform in its first [`HEADER`] bytes and
//! the instances after it, so one buffer serves as uniform and vertex buffer.

use crate::scene::{self, DisplayList, Pass};

/// The colour format of every target: 8-bit RGBA, premultiplied alpha, no sRGB
/// conversion, so probes read back exactly what the shaders wrote.
pub(crate) const FORMAT: wgpu::TextureFormat = wgpu::TextureFormat::Rgba8Unorm;
/// Bytes before the first instance in a display-list buffer: the frame uniform,
/// padded to wgpu's largest uniform offset alignment.
pub(crate) const HEADER: u64 = 256;
const FRAME_BYTES: u64 = 80;
const INSTANCE_BYTES: u64 = 80;
const STYLE_BYTES: u64 = 32;
/// The usage of display-list buffers.
pub(crate) const LIST_USAGE: wgpu::BufferUsages = wgpu::BufferUsages::UNIFORM
    .union(wgpu::BufferUsages::VERTEX)
    .union(wgpu::BufferUsages::COPY_DST);

/// Pipelines and layouts for drawing display lists; one per device.
#[derive(Debug)]
pub(crate) struct Renderer {
    frame_layout: wgpu::BindGroupLayout,
    style_layout: wgpu::BindGroupLayout,
    atlas_layout: wgpu::BindGroupLayout,
    shape: wgpu::RenderPipeline,
    shadow: wgpu::RenderPipeline,
    glyph: wgpu::RenderPipeline,
    sampler: wgpu::Sampler,
}

/// The bind groups and buffer one target's frame draws with.
pub(crate) struct Bindings<'a> {
    /// The display-list buffer ([`frame_bytes`] written into it).
    pub(crate) buffer: &'a wgpu::Buffer,
    /// Its frame uniform, from [`Renderer::frame_bind_group`].
    pub(crate) frame: &'a wgpu::BindGroup,
    /// The shadow style, when the list has shadows.
    pub(crate) style: Option<&'a wgpu::BindGroup>,
    /// The glyph atlas, when the list has glyphs.
    pub(crate) atlas: Option<&'a wgpu::BindGroup>,
}

impl Renderer {
    pub(crate) fn new(device: &wgpu::Device) -> Self {
        let uniform = |size| wgpu::BindGroupLayoutEntry {
            binding: 0,
            visibility: wgpu::ShaderStages::VERTEX_FRAGMENT,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Uniform,
                has_dynamic_offset: false,
                min_binding_size: wgpu::BufferSize::new(size),
            },
            count: None,
        };
        let frame_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("frame"),
            entries: &[uniform(FRAME_BYTES)],
        });
        let style_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("shadow style"),
            entries: &[uniform(STYLE_BYTES)],
        });
        let atlas_layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("glyph atlas"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Texture {
                        sample_type: wgpu::TextureSampleType::Float { filterable: true },
                        view_dimension: wgpu::TextureViewDimension::D2,
                        multisampled: false,
                    },
                    count: None,
                },
                wgpu::BindGroupLayoutEntry {
                    binding: 1,
                    visibility: wgpu::ShaderStages::FRAGMENT,
                    ty: wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering),
                    count: None,
                },
            ],
        });
        let common = include_str!("shaders/common.wgsl");
        let shapes = shader(
            device,
            "shapes",
            &[common, include_str!("shaders/shapes.wgsl")],
        );
        let glyphs = shader(
            device,
            "glyphs",
            &[common, include_str!("shaders/glyphs.wgsl")],
        );
        let shape = pipeline(device, "shape", &shapes, "fs_shape", &[&frame_layout]);
        let shadow = pipeline(
            device,
            "shadow",
            &shapes,
            "fs_shadow",
            &[&frame_layout, &style_layout],
        );
        let glyph = pipeline(
            device,
            "glyph",
            &glyphs,
            "fs_glyph",
            &[&frame_layout, &atlas_layout],
        );
        let sampler = device.create_sampler(&wgpu::SamplerDescriptor {
            label: Some("glyph atlas"),
            mag_filter: wgpu::FilterMode::Nearest,
            min_filter: wgpu::FilterMode::Nearest,
            ..Default::default()
        });
        Self {
            frame_layout,
            style_layout,
            atlas_layout,
            shape,
            shadow,
            glyph,
            sampler,
        }
    }

    /// The frame-uniform bind group of a display-list buffer.
    pub(crate) fn frame_bind_group(
        &self,
        device: &wgpu::Device,
        buffer: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        uniform_group(device, &self.frame_layout, buffer, FRAME_BYTES)
    }

    /// The bind group of a shadow-style buffer (written with [`style_bytes`]).
    pub(crate) fn style_bind_group(
        &self,
        device: &wgpu::Device,
        buffer: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        uniform_group(device, &self.style_layout, buffer, STYLE_BYTES)
    }

    /// The bind group of an uploaded glyph atlas.
    pub(crate) fn atlas_bind_group(
        &self,
        device: &wgpu::Device,
        atlas: &wgpu::Texture,
    ) -> wgpu::BindGroup {
        let view = atlas.create_view(&wgpu::TextureViewDescriptor::default());
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("glyph atlas"),
            layout: &self.atlas_layout,
            entries: &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(&view),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::Sampler(&self.sampler),
                },
            ],
        })
    }

    /// Records a render pass that clears `target` to transparent and draws `list`.
    ///
    /// Batches of shadows without a style, or of glyphs without an atlas, are
    /// skipped (the architectures always provide them where the scene has them).
    pub(crate) fn encode(
        &self,
        encoder: &mut wgpu::CommandEncoder,
        target: &wgpu::Texture,
        list: &DisplayList,
        bindings: &Bindings<'_>,
    ) {
        let view = target.create_view(&wgpu::TextureViewDescriptor::default());
        let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
            label: Some("display list"),
            color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                view: &view,
                depth_slice: None,
                resolve_target: None,
                ops: wgpu::Operations {
                    load: wgpu::LoadOp::Clear(wgpu::Color::TRANSPARENT),
                    store: wgpu::StoreOp::Store,
                },
            })],
            ..Default::default()
        });
        if list.is_empty() {
            return;
        }
        pass.set_vertex_buffer(0, bindings.buffer.slice(HEADER..));
        pass.set_bind_group(0, bindings.frame, &[]);
        let mut start = 0;
        while start < list.items.len() {
            let kind = list.items[start].0;
            let end = list.items[start..]
                .iter()
                .position(|(p, _)| *p != kind)
                .map_or(list.items.len(), |n| start + n);
            let (pipeline, group) = match kind {
                Pass::Shape => (&self.shape, None),
                Pass::Shadow => (&self.shadow, bindings.style),
                Pass::Glyph => (&self.glyph, bindings.atlas),
            };
            if kind == Pass::Shape || group.is_some() {
                pass.set_pipeline(pipeline);
                if let Some(group) = group {
                    pass.set_bind_group(1, group, &[]);
                }
                pass.draw(0..6, start as u32..end as u32);
            }
            start = end;
        }
    }
}

/// The size of the display-list buffer `list` needs.
pub(crate) fn list_bytes(list: &DisplayList) -> u64 {
    HEADER + list.items.len() as u64 * INSTANCE_BYTES
}

/// The contents of a display-list buffer: the frame uniform for a target of
/// `size` pixels at `scale`, padded to [`HEADER`], then the instances.
pub(crate) fn frame_bytes(size: (u32, u32), scale: f32, list: &DisplayList) -> Vec<u8> {
    let mut floats = vec![
        size.0 as f32,
        size.1 as f32,
        scale,
        scene::PATH.len() as f32,
    ];
    floats.extend(scene::PATH.iter().flatten());
    floats.resize(HEADER as usize / 4, 0.0);
    for (_, instance) in &list.items {
        floats.extend_from_slice(instance);
    }
    floats.iter().flat_map(|f| f.to_le_bytes()).collect()
}

/// The contents of a shadow-style buffer: black at the scene's shadow opacity,
/// its offset and blur radius in points.
pub(crate) fn style_bytes() -> Vec<u8> {
    let [dx, dy] = scene::SHADOW_OFFSET;
    [
        0.0,
        0.0,
        0.0,
        scene::SHADOW_ALPHA,
        dx,
        dy,
        scene::SHADOW_BLUR,
        0.0,
    ]
    .iter()
    .flat_map(|f: &f32| f.to_le_bytes())
    .collect()
}

/// The buffer descriptor of a shadow-style buffer.
pub(crate) const STYLE_BUFFER: wgpu::BufferDescriptor<'static> = wgpu::BufferDescriptor {
    label: Some("shadow style"),
    size: STYLE_BYTES,
    usage: wgpu::BufferUsages::UNIFORM.union(wgpu::BufferUsages::COPY_DST),
    mapped_at_creation: false,
};

/// A texture descriptor for a render target of `size` pixels.
pub(crate) fn target_desc(
    label: &'static str,
    size: (u32, u32),
) -> wgpu::TextureDescriptor<'static> {
    wgpu::TextureDescriptor {
        label: Some(label),
        size: extent(size),
        mip_level_count: 1,
        sample_count: 1,
        dimension: wgpu::TextureDimension::D2,
        format: FORMAT,
        usage: wgpu::TextureUsages::RENDER_ATTACHMENT
            | wgpu::TextureUsages::TEXTURE_BINDING
            | wgpu::TextureUsages::COPY_SRC
            | wgpu::TextureUsages::COPY_DST,
        view_formats: &[],
    }
}

/// A 2D extent of `size` pixels.
pub(crate) fn extent(size: (u32, u32)) -> wgpu::Extent3d {
    wgpu::Extent3d {
        width: size.0,
        height: size.1,
        depth_or_array_layers: 1,
    }
}

/// Copies all of `from` onto `to` (same size).
pub(crate) fn copy(encoder: &mut wgpu::CommandEncoder, from: &wgpu::Texture, to: &wgpu::Texture) {
    let size = wgpu::Extent3d {
        width: from.width().min(to.width()),
        height: from.height().min(to.height()),
        depth_or_array_layers: 1,
    };
    encoder.copy_texture_to_texture(from.as_image_copy(), to.as_image_copy(), size);
}

fn shader(device: &wgpu::Device, label: &str, parts: &[&str]) -> wgpu::ShaderModule {
    device.create_shader_module(wgpu::ShaderModuleDescriptor {
        label: Some(label),
        source: wgpu::ShaderSource::Wgsl(parts.concat().into()),
    })
}

fn pipeline(
    device: &wgpu::Device,
    label: &str,
    module: &wgpu::ShaderModule,
    fragment: &str,
    groups: &[&wgpu::BindGroupLayout],
) -> wgpu::RenderPipeline {
    let groups: Vec<Option<&wgpu::BindGroupLayout>> = groups.iter().copied().map(Some).collect();
    let layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
        label: Some(label),
        bind_group_layouts: &groups,
        immediate_size: 0,
    });
    let attributes = wgpu::vertex_attr_array![
        0 => Float32x4, 1 => Float32x4, 2 => Float32x4, 3 => Float32x4, 4 => Float32x4
    ];
    device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
        label: Some(label),
        layout: Some(&layout),
        vertex: wgpu::VertexState {
            module,
            entry_point: Some("vs_main"),
            compilation_options: Default::default(),
            buffers: &[Some(wgpu::VertexBufferLayout {
                array_stride: INSTANCE_BYTES,
                step_mode: wgpu::VertexStepMode::Instance,
                attributes: &attributes,
            })],
        },
        primitive: wgpu::PrimitiveState::default(),
        depth_stencil: None,
        multisample: wgpu::MultisampleState::default(),
        fragment: Some(wgpu::FragmentState {
            module,
            entry_point: Some(fragment),
            compilation_options: Default::default(),
            targets: &[Some(wgpu::ColorTargetState {
                format: FORMAT,
                blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                write_mask: wgpu::ColorWrites::ALL,
            })],
        }),
        multiview_mask: None,
        cache: None,
    })
}

fn uniform_group(
    device: &wgpu::Device,
    layout: &wgpu::BindGroupLayout,
    buffer: &wgpu::Buffer,
    size: u64,
) -> wgpu::BindGroup {
    device.create_bind_group(&wgpu::BindGroupDescriptor {
        label: None,
        layout,
        entries: &[wgpu::BindGroupEntry {
            binding: 0,
            resource: wgpu::BindingResource::Buffer(wgpu::BufferBinding {
                buffer,
                offset: 0,
                size: wgpu::BufferSize::new(size),
            }),
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_bytes_put_instances_after_the_header() {
        let mut list = DisplayList::default();
        list.items.push((Pass::Shape, [1.0; 20]));
        let bytes = frame_bytes((100, 50), 2.0, &list);
        assert_eq!(bytes.len() as u64, list_bytes(&list));
        assert_eq!(&bytes[0..4], &100f32.to_le_bytes());
        assert_eq!(
            &bytes[HEADER as usize..HEADER as usize + 4],
            &1f32.to_le_bytes()
        );
    }
}
