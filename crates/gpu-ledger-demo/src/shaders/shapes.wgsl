// Shapes and their drop shadows, as signed distance fields in target pixels
// (common.wgsl is prepended). `fs_shape` fills or strokes a shape; `fs_shadow`
// draws the blurred, offset silhouette of one with the effect's style.

struct ShadowStyle {
    // Shadow colour; alpha is its full opacity.
    color: vec4<f32>,
    // Offset x, y and blur radius, in points.
    geometry: vec4<f32>,
};

@group(1) @binding(0) var<uniform> style: ShadowStyle;

fn sd_box(p: vec2<f32>, shape: vec4<f32>, radius: f32) -> f32 {
    let half = shape.zw * 0.5;
    let r = min(radius, min(half.x, half.y));
    let q = abs(p - (shape.xy + half)) - half + vec2<f32>(r);
    return length(max(q, vec2<f32>(0.0))) + min(max(q.x, q.y), 0.0) - r;
}

fn sd_ellipse(p: vec2<f32>, shape: vec4<f32>) -> f32 {
    let radii = shape.zw * 0.5;
    let q = (p - (shape.xy + radii)) / radii;
    let k = length(q);
    // First-order distance: (k - 1) divided by the gradient's length.
    let gradient = length(q / radii);
    return (k - 1.0) * k / max(gradient, 1e-6);
}

fn path_point(i: i32, shape: vec4<f32>) -> vec2<f32> {
    let pair = frame.path[i / 2];
    let unit = select(pair.xy, pair.zw, (i % 2) == 1);
    return shape.xy + unit * shape.zw;
}

fn sd_path(p: vec2<f32>, shape: vec4<f32>, stroke: f32) -> f32 {
    var d = 1e9;
    let count = i32(frame.path_count);
    for (var i = 0; i < count - 1; i++) {
        let a = path_point(i, shape);
        let b = path_point(i + 1, shape);
        let pa = p - a;
        let ba = b - a;
        let h = clamp(dot(pa, ba) / dot(ba, ba), 0.0, 1.0);
        d = min(d, length(pa - ba * h));
    }
    return d - stroke * 0.5;
}

fn sd_shape(p: vec2<f32>, shape: vec4<f32>, params: vec4<f32>) -> f32 {
    let kind = i32(params.x + 0.5);
    if kind == 1 {
        return sd_box(p, shape, params.y);
    } else if kind == 2 {
        return sd_ellipse(p, shape);
    } else if kind == 3 {
        return sd_path(p, shape, params.z);
    }
    return sd_box(p, shape, 0.0);
}

@fragment
fn fs_shape(in: Varyings) -> @location(0) vec4<f32> {
    let d = sd_shape(in.pixel, in.shape, in.params);
    let coverage = clamp(0.5 - d, 0.0, 1.0);
    return premultiplied(in.color.rgb, in.color.a * coverage);
}

@fragment
fn fs_shadow(in: Varyings) -> @location(0) vec4<f32> {
    let offset = style.geometry.xy * frame.scale;
    let blur = max(style.geometry.z * frame.scale, 0.5);
    let d = sd_shape(in.pixel - offset, in.shape, in.params);
    let coverage = 1.0 - smoothstep(-blur, blur, d);
    return premultiplied(style.color.rgb, style.color.a * in.color.a * coverage);
}
