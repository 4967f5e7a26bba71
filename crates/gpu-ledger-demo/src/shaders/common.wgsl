// Shared by shapes.wgsl and glyphs.wgsl (prepended to each): the frame uniform and
// the vertex stage that expands one instance into a quad in target pixels.

struct Frame {
    // Target size in pixels.
    target_size: vec2<f32>,
    // Backing scale (pixels per point).
    scale: f32,
    // Points in `path`.
    path_count: f32,
    // The stroked path in unit coordinates of its shape box, two points per vec4.
    path: array<vec4<f32>, 4>,
};

@group(0) @binding(0) var<uniform> frame: Frame;

struct Instance {
    // The quad to cover, in target pixels: x, y, width, height.
    @location(0) rect: vec4<f32>,
    // The shape's box, in target pixels.
    @location(1) shape: vec4<f32>,
    // Straight (not premultiplied) colour; for shadows only alpha is used (opacity).
    @location(2) color: vec4<f32>,
    // Shape kind (0 box, 1 rounded box, 2 ellipse, 3 stroked path), corner radius
    // and stroke width in pixels.
    @location(3) params: vec4<f32>,
    // Glyph texture coordinates: u0, v0, u1, v1.
    @location(4) uv: vec4<f32>,
};

struct Varyings {
    @builtin(position) position: vec4<f32>,
    @location(0) pixel: vec2<f32>,
    @location(1) @interpolate(flat) rect: vec4<f32>,
    @location(2) @interpolate(flat) shape: vec4<f32>,
    @location(3) @interpolate(flat) color: vec4<f32>,
    @location(4) @interpolate(flat) params: vec4<f32>,
    @location(5) @interpolate(flat) uv: vec4<f32>,
};

@vertex
fn vs_main(@builtin(vertex_index) vertex: u32, instance: Instance) -> Varyings {
    // Two triangles: (0,0) (1,0) (0,1) and (0,1) (1,0) (1,1).
    let right = vertex == 1u || vertex == 4u || vertex == 5u;
    let down = vertex == 2u || vertex == 3u || vertex == 5u;
    let corner = vec2<f32>(select(0.0, 1.0, right), select(0.0, 1.0, down));
    let pixel = instance.rect.xy + corner * instance.rect.zw;
    let ndc = vec2<f32>(pixel.x / frame.target_size.x * 2.0 - 1.0, 1.0 - pixel.y / frame.target_size.y * 2.0);
    var out: Varyings;
    out.position = vec4<f32>(ndc, 0.0, 1.0);
    out.pixel = pixel;
    out.rect = instance.rect;
    out.shape = instance.shape;
    out.color = instance.color;
    out.params = instance.params;
    out.uv = instance.uv;
    return out;
}

fn premultiplied(color: vec3<f32>, alpha: f32) -> vec4<f32> {
    return vec4<f32>(color * alpha, alpha);
}
