// Glyphs from the R8 glyph atlas (common.wgsl is prepended): each instance covers
// one glyph cell and samples its texels, nearest, as coverage.

@group(1) @binding(0) var atlas: texture_2d<f32>;
@group(1) @binding(1) var atlas_sampler: sampler;

@fragment
fn fs_glyph(in: Varyings) -> @location(0) vec4<f32> {
    let local = clamp((in.pixel - in.rect.xy) / in.rect.zw, vec2<f32>(0.0), vec2<f32>(1.0));
    let uv = mix(in.uv.xy, in.uv.zw, local);
    let coverage = textureSample(atlas, atlas_sampler, uv).r;
    return premultiplied(in.color.rgb, in.color.a * coverage);
}
