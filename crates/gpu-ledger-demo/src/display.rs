//! The headless display: where presented targets are handed off, and how the
//! window's final image is composed and read back.
//!
//! It stands in for the window server (Core Animation, DWM, a Wayland
//! compositor): it is not part of the app, so it records nothing in the ledger
//! and its scanout, layer bindings and readback buffer are plain wgpu objects.
//! A present hands it the window's layers (textures and positions); composing
//! them is deferred to [`Display::capture`], since only the final frame is
//! looked at. It must never keep a tracked handle (that would postpone the
//! app's `Destroy` events): it holds plain `wgpu::Texture` clones.

use wgpu::util::DeviceExt;

use crate::error::DemoError;
use crate::image::Image;
use crate::render::{self, FORMAT};

/// One handed-off layer: a presented target and where it sits on the window, in pixels.
#[derive(Clone, Debug)]
pub(crate) struct Layer {
    pub(crate) texture: wgpu::Texture,
    pub(crate) at: (f32, f32),
}

/// The window server stand-in for one window.
#[derive(Debug)]
pub(crate) struct Display {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    size: (u32, u32),
    layers: Vec<Layer>,
}

impl Display {
    pub(crate) fn new(device: &wgpu::Device) -> Self {
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("display layer"),
            entries: &[wgpu::BindGroupLayoutEntry {
                binding: 0,
                visibility: wgpu::ShaderStages::FRAGMENT,
                ty: wgpu::BindingType::Texture {
                    sample_type: wgpu::TextureSampleType::Float { filterable: false },
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled: false,
                },
                count: None,
            }],
        });
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("display"),
            source: wgpu::ShaderSource::Wgsl(include_str!("shaders/composite.wgsl").into()),
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("display"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let attributes = wgpu::vertex_attr_array![0 => Float32x4, 1 => Float32x4];
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("display"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                compilation_options: Default::default(),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: 32,
                    step_mode: wgpu::VertexStepMode::Instance,
                    attributes: &attributes,
                })],
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                compilation_options: Default::default(),
                targets: &[Some(wgpu::ColorTargetState {
                    format: FORMAT,
                    blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
            }),
            multiview_mask: None,
            cache: None,
        });
        Self {
            pipeline,
            layout,
            size: (1, 1),
            layers: Vec::new(),
        }
    }

    /// A present: the window (`size` pixels) now shows `layers`, bottom first.
    pub(crate) fn hand_off(&mut self, size: (u32, u32), layers: Vec<Layer>) {
        self.size = size;
        self.layers = layers;
    }

    /// Composes the last handed-off layers over an opaque black desktop and
    /// reads the window back.
    ///
    /// # Errors
    /// A [`crate::ErrorKind::Gpu`] error when the wait or the buffer mapping fails.
    pub(crate) fn capture(
        &self,
        device: &gpu_ledger_wgpu::TrackedDevice,
    ) -> Result<Image, DemoError> {
        let (width, height) = self.size;
        let wgpu_device = device.device();
        let scanout = wgpu_device.create_texture(&render::target_desc("scanout", self.size));
        let instances: Vec<u8> = self
            .layers
            .iter()
            .flat_map(|layer| {
                let (x, y) = layer.at;
                [
                    x,
                    y,
                    layer.texture.width() as f32,
                    layer.texture.height() as f32,
                    width as f32,
                    height as f32,
                    0.0,
                    0.0,
                ]
            })
            .flat_map(f32::to_le_bytes)
            .collect();
        let groups: Vec<wgpu::BindGroup> = self
            .layers
            .iter()
            .map(|layer| {
                let view = layer
                    .texture
                    .create_view(&wgpu::TextureViewDescriptor::default());
                wgpu_device.create_bind_group(&wgpu::BindGroupDescriptor {
                    label: Some("display layer"),
                    layout: &self.layout,
                    entries: &[wgpu::BindGroupEntry {
                        binding: 0,
                        resource: wgpu::BindingResource::TextureView(&view),
                    }],
                })
            })
            .collect();
        let row = (width * 4).next_multiple_of(wgpu::COPY_BYTES_PER_ROW_ALIGNMENT);
        let readback = wgpu_device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("scanout readback"),
            size: u64::from(row) * u64::from(height),
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let mut encoder = wgpu_device.create_command_encoder(&Default::default());
        {
            let view = scanout.create_view(&wgpu::TextureViewDescriptor::default());
            let mut pass = encoder.begin_render_pass(&wgpu::RenderPassDescriptor {
                label: Some("display composite"),
                color_attachments: &[Some(wgpu::RenderPassColorAttachment {
                    view: &view,
                    depth_slice: None,
                    resolve_target: None,
                    ops: wgpu::Operations {
                        load: wgpu::LoadOp::Clear(wgpu::Color::BLACK),
                        store: wgpu::StoreOp::Store,
                    },
                })],
                ..Default::default()
            });
            if !groups.is_empty() {
                let buffer = wgpu_device.create_buffer_init(&wgpu::util::BufferInitDescriptor {
                    label: Some("display layers"),
                    contents: &instances,
                    usage: wgpu::BufferUsages::VERTEX,
                });
                pass.set_pipeline(&self.pipeline);
                pass.set_vertex_buffer(0, buffer.slice(..));
                for (i, group) in groups.iter().enumerate() {
                    pass.set_bind_group(0, group, &[]);
                    pass.draw(0..6, i as u32..i as u32 + 1);
                }
            }
        }
        encoder.copy_texture_to_buffer(
            scanout.as_image_copy(),
            wgpu::TexelCopyBufferInfo {
                buffer: &readback,
                layout: wgpu::TexelCopyBufferLayout {
                    offset: 0,
                    bytes_per_row: Some(row),
                    rows_per_image: Some(height),
                },
            },
            render::extent(self.size),
        );
        device.queue().submit([encoder.finish()]);
        let (sender, receiver) = std::sync::mpsc::channel();
        readback.map_async(wgpu::MapMode::Read, .., move |result| {
            let _ = sender.send(result);
        });
        device
            .wait_idle()
            .map_err(|e| DemoError::gpu_from("waiting for the display readback failed", e))?;
        receiver
            .try_recv()
            .map_err(|_| DemoError::gpu("the display readback was never mapped".into()))?
            .map_err(|e| DemoError::gpu(format!("mapping the display readback failed: {e}")))?;
        let mapped = readback
            .get_mapped_range(..)
            .map_err(|e| DemoError::gpu(format!("reading the display readback failed: {e}")))?;
        let mut rgba = Vec::with_capacity((width * height * 4) as usize);
        for y in 0..height as usize {
            let start = y * row as usize;
            rgba.extend_from_slice(&mapped[start..start + width as usize * 4]);
        }
        drop(mapped);
        readback.unmap();
        Ok(Image::new(width, height, rgba))
    }
}
