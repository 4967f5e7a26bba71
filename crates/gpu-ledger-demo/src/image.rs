//! [`Image`]: the window's final frame as read back from the GPU.
//!
//! Plain bytes with pixel accessors and a dependency-free PPM encoding, so tests
//! can probe a render and people can look at one. It never touches the GPU.

use std::io::{self, Write};

/// An RGBA8 image, rows top to bottom, no padding.
///
/// Pixels are what the GPU wrote: premultiplied colour over an opaque black
/// desktop, so every pixel the window covers is opaque.
#[derive(Clone, PartialEq, Eq)]
pub struct Image {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl Image {
    pub(crate) fn new(width: u32, height: u32, rgba: Vec<u8>) -> Self {
        debug_assert_eq!(rgba.len(), (width * height * 4) as usize);
        Self {
            width,
            height,
            rgba,
        }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// All pixels, RGBA8, row-major.
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }

    /// The pixel at `(x, y)`, or `None` outside the image.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = ((y * self.width + x) * 4) as usize;
        self.rgba[i..i + 4].try_into().ok()
    }

    /// Writes the image as a binary PPM (`P6`, alpha dropped): a format every
    /// image viewer and converter reads.
    ///
    /// # Errors
    /// Whatever `out` returns.
    pub fn write_ppm(&self, mut out: impl Write) -> io::Result<()> {
        write!(out, "P6\n{} {}\n255\n", self.width, self.height)?;
        let rgb: Vec<u8> = self
            .rgba
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect();
        out.write_all(&rgb)
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_and_ppm() {
        let image = Image::new(2, 1, vec![1, 2, 3, 255, 4, 5, 6, 255]);
        assert_eq!(image.pixel(1, 0), Some([4, 5, 6, 255]));
        assert_eq!(image.pixel(2, 0), None);
        let mut ppm = Vec::new();
        image.write_ppm(&mut ppm).unwrap();
        assert_eq!(ppm, b"P6\n2 1\n255\n\x01\x02\x03\x04\x05\x06");
    }
}
