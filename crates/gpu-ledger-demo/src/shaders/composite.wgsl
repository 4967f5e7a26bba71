// The headless display: copies each handed-off layer (premultiplied RGBA) onto
// the window's scanout at its position, blending over what is below.

struct Layer {
    // Where the layer goes on the scanout, in pixels: x, y, width, height.
    @location(0) rect: vec4<f32>,
    // Scanout width and height in pixels, then unused.
    @location(1) scanout: vec4<f32>,
};

struct Varyings {
    @builtin(position) position: vec4<f32>,
    @location(0) @interpolate(flat) rect: vec4<f32>,
};

@group(0) @binding(0) var layer: texture_2d<f32>;

@vertex
fn vs_main(@builtin(vertex_index) vertex: u32, instance: Layer) -> Varyings {
    let right = vertex == 1u || vertex == 4u || vertex == 5u;
    let down = vertex == 2u || vertex == 3u || vertex == 5u;
    let corner = vec2<f32>(select(0.0, 1.0, right), select(0.0, 1.0, down));
    let pixel = instance.rect.xy + corner * instance.rect.zw;
    let size = instance.scanout.xy;
    var out: Varyings;
    out.position = vec4<f32>(pixel.x / size.x * 2.0 - 1.0, 1.0 - pixel.y / size.y * 2.0, 0.0, 1.0);
    out.rect = instance.rect;
    return out;
}

@fragment
fn fs_main(in: Varyings) -> @location(0) vec4<f32> {
    let texel = vec2<i32>(floor(in.position.xy - in.rect.xy));
    let last = vec2<i32>(textureDimensions(layer)) - vec2<i32>(1);
    return textureLoad(layer, clamp(texel, vec2<i32>(0), last), 0);
}
