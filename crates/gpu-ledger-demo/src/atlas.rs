//! The glyph atlas: printable ASCII in a regular and a bold style, rasterised from
//! the public-domain 8×8 bitmap font of the `font8x8` crate into one R8 texture.
//!
//! The layout of the atlas is fixed (a 16-column grid of 10×10 cells, each an 8×8
//! glyph with a 1-texel border), so the texture coordinates of a glyph are known
//! without the texture and every owner that uploads the atlas gets the same one.
//! Bold is the regular glyph smeared one texel to the right. This module never
//! records anything itself: the caller decides who owns each uploaded copy.

use gpu_ledger::{Owner, ResourceType};
use gpu_ledger_wgpu::{TrackedDevice, TrackedTexture};

/// Glyph cell edge in texels: an 8×8 glyph and a 1-texel border on each side.
const CELL: u32 = 10;
/// Glyph cells per atlas row.
const COLUMNS: u32 = 16;
/// The first and one past the last character in the atlas.
const FIRST: u32 = 0x20;
const END: u32 = 0x7f;
/// Atlas size in texels: two styles of 96 glyphs, 16 per row.
pub(crate) const WIDTH: u32 = COLUMNS * CELL;
pub(crate) const HEIGHT: u32 = 2 * (END - FIRST).div_ceil(COLUMNS) * CELL;

/// A text style in the atlas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    Regular,
    Bold,
}

/// The texture coordinates `[u0, v0, u1, v1]` of `ch` in `style`; characters
/// outside printable ASCII map to `?`.
pub(crate) fn uv(ch: char, style: Style) -> [f32; 4] {
    let (x, y) = cell(ch, style);
    let (w, h) = (WIDTH as f32, HEIGHT as f32);
    [
        (x + 1) as f32 / w,
        (y + 1) as f32 / h,
        (x + 9) as f32 / w,
        (y + 9) as f32 / h,
    ]
}

/// The atlas as one byte of coverage per texel (0 or 255), row-major.
pub(crate) fn bitmap() -> Vec<u8> {
    let mut pixels = vec![0u8; (WIDTH * HEIGHT) as usize];
    for style in [Style::Regular, Style::Bold] {
        for code in FIRST..END {
            let ch = char::from_u32(code).unwrap_or('?');
            let (cx, cy) = cell(ch, style);
            for (row, bits) in glyph_rows(ch, style).into_iter().enumerate() {
                for col in 0..8u32 {
                    if bits & (1 << col) != 0 {
                        let x = cx + 1 + col;
                        let y = cy + 1 + row as u32;
                        pixels[(y * WIDTH + x) as usize] = 255;
                    }
                }
            }
        }
    }
    pixels
}

/// Creates the atlas texture, uploads the bitmap and records it as a
/// [`ResourceType::Texture`] owned by `owner`.
pub(crate) fn upload(device: &TrackedDevice, owner: Owner) -> TrackedTexture {
    let size = wgpu::Extent3d {
        width: WIDTH,
        height: HEIGHT,
        depth_or_array_layers: 1,
    };
    let texture = device.create_texture(
        &wgpu::TextureDescriptor {
            label: Some("glyph atlas"),
            size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: wgpu::TextureDimension::D2,
            format: wgpu::TextureFormat::R8Unorm,
            usage: wgpu::TextureUsages::TEXTURE_BINDING | wgpu::TextureUsages::COPY_DST,
            view_formats: &[],
        },
        ResourceType::Texture,
        owner,
    );
    device.queue().write_texture(
        texture.as_image_copy(),
        &bitmap(),
        wgpu::TexelCopyBufferLayout {
            offset: 0,
            bytes_per_row: Some(WIDTH),
            rows_per_image: Some(HEIGHT),
        },
        size,
    );
    texture
}

/// The top-left texel of the cell of `ch` in `style`.
fn cell(ch: char, style: Style) -> (u32, u32) {
    let code = u32::from(ch);
    let index = if (FIRST..END).contains(&code) {
        code - FIRST
    } else {
        u32::from('?') - FIRST
    };
    let rows_per_style = (END - FIRST).div_ceil(COLUMNS);
    let row = index / COLUMNS
        + if style == Style::Bold {
            rows_per_style
        } else {
            0
        };
    ((index % COLUMNS) * CELL, row * CELL)
}

/// The eight rows of `ch` (bit 0 is the leftmost pixel), bold smeared right.
fn glyph_rows(ch: char, style: Style) -> [u8; 8] {
    let mut rows = font8x8::legacy::BASIC_LEGACY[(u32::from(ch) & 0x7f) as usize];
    if style == Style::Bold {
        for row in &mut rows {
            *row |= *row << 1;
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atlas_has_both_styles_and_bold_is_heavier() {
        let pixels = bitmap();
        assert_eq!(pixels.len(), (WIDTH * HEIGHT) as usize);
        let ink = |style| {
            let (x, y) = cell('A', style);
            (0..CELL)
                .flat_map(|dy| (0..CELL).map(move |dx| (x + dx, y + dy)))
                .filter(|&(px, py)| pixels[(py * WIDTH + px) as usize] > 0)
                .count()
        };
        let (regular, bold) = (ink(Style::Regular), ink(Style::Bold));
        assert!(regular > 10, "an `A` has ink: {regular}");
        assert!(
            bold > regular,
            "bold {bold} is heavier than regular {regular}"
        );
    }

    #[test]
    fn uv_is_inside_the_atlas_and_unknown_chars_fall_back() {
        let [u0, v0, u1, v1] = uv('~', Style::Bold);
        assert!(0.0 < u0 && u0 < u1 && u1 <= 1.0 && 0.0 < v0 && v0 < v1 && v1 <= 1.0);
        assert_eq!(uv('é', Style::Regular), uv('?', Style::Regular));
    }
}
