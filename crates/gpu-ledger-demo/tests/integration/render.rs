use gpu_ledger_demo::{Image, Mode, Scenario};

use crate::util;

/// The pixel at window point (`x`, `y`) of a 2× image.
fn at(image: &Image, scenario: Scenario, mode: Mode, x: f32, y: f32) -> [u8; 4] {
    let (px, py) = ((x * 2.0) as u32, (y * 2.0) as u32);
    image
        .pixel(px, py)
        .unwrap_or_else(|| panic!("{scenario} {mode}: ({px}, {py}) is outside the {image:?}"))
}

fn assert_near(got: [u8; 4], want: [u8; 3], what: &str) {
    let close = got[..3].iter().zip(want).all(|(&g, w)| g.abs_diff(w) <= 3) && got[3] == 255;
    assert!(close, "{what}: got {got:?}, want about {want:?}");
}

fn is_grey(p: [u8; 4]) -> bool {
    p[0].abs_diff(p[1]) <= 2 && p[1].abs_diff(p[2]) <= 2
}

#[test]
fn ellipse_path_draws_three_shapes_with_shadows_on_white() {
    let scenario = Scenario::EllipsePath;
    for mode in Mode::ALL {
        let image = &util::shared(scenario, mode).outcome.image;
        assert_eq!(
            (image.width(), image.height()),
            (1000, 1000),
            "{mode}: 500×500 at scale 2"
        );
        let p = |x, y| at(image, scenario, mode, x, y);
        let white = [255, 255, 255];
        for (x, y, what) in [
            (10.0, 10.0, "corner"),
            (250.0, 60.0, "above the stack"),
            (167.0, 250.0, "spacer"),
            (490.0, 490.0, "corner"),
        ] {
            assert_near(
                p(x, y),
                white,
                &format!("{mode}: white background at the {what}"),
            );
        }
        // Shape boxes are the widgets inset by 16 points: x 36, 201, 366; y 156; 98×188.
        assert_near(
            p(250.0, 250.0),
            [41, 158, 82],
            &format!("{mode}: rounded rectangle centre"),
        );
        assert_near(
            p(415.0, 250.0),
            [224, 71, 51],
            &format!("{mode}: ellipse centre"),
        );
        // The middle of the path's first segment, (0.15, 0.10)–(0.85, 0.30) of its box.
        assert_near(
            p(85.0, 193.6),
            [33, 92, 217],
            &format!("{mode}: stroked path"),
        );
        assert_near(
            p(110.0, 250.0),
            white,
            &format!("{mode}: inside the zigzag, off the stroke and its shadow"),
        );
        // Shadows fall 6 points below each shape: grey, darker than the background.
        for (x, y, what) in [
            (254.0, 347.0, "rounded rectangle"),
            (419.0, 346.0, "ellipse"),
        ] {
            let shadow = p(x, y);
            assert!(
                is_grey(shadow) && (100..235).contains(&shadow[0]),
                "{mode}: the {what}'s shadow is a grey darker than white: {shadow:?}"
            );
        }
        // Nothing of the black desktop shows through.
        assert!(
            image
                .rgba()
                .chunks_exact(4)
                .all(|p| p[3] == 255 && p[..3] != [0, 0, 0]),
            "{mode}: no desktop pixel"
        );
    }
}

#[test]
fn text_draws_a_dark_bold_title_and_a_body_on_white() {
    let scenario = Scenario::Text;
    for mode in Mode::ALL {
        let image = &util::shared(scenario, mode).outcome.image;
        let dark_share = |x0: f32, y0: f32, x1: f32, y1: f32, limit: u8| {
            let (mut dark, mut all) = (0u32, 0u32);
            for y in (y0 * 2.0) as u32..(y1 * 2.0) as u32 {
                for x in (x0 * 2.0) as u32..(x1 * 2.0) as u32 {
                    let p = image.pixel(x, y).expect("inside the image");
                    all += 1;
                    dark += u32::from(p[0] < limit && p[1] < limit && p[2] < limit);
                }
            }
            f64::from(dark) / f64::from(all)
        };
        // The title: 15 bold 24-point glyphs from (24, 24).
        let title = dark_share(24.0, 24.0, 384.0, 48.0, 60);
        assert!(
            (0.25..0.8).contains(&title),
            "{mode}: share of dark pixels in the title's box: {title}"
        );
        // The body: 16-point glyphs from (24, 64), a lighter ink.
        let body = dark_share(24.0, 64.0, 476.0, 224.0, 110);
        assert!(
            (0.08..0.6).contains(&body),
            "{mode}: share of ink in the body's box: {body}"
        );
        // Between the title and the body, and below the body: white.
        assert_eq!(
            dark_share(24.0, 50.0, 476.0, 62.0, 250),
            0.0,
            "{mode}: gap under the title"
        );
        assert_eq!(
            dark_share(0.0, 300.0, 500.0, 500.0, 250),
            0.0,
            "{mode}: empty lower half"
        );
        assert_eq!(
            at(image, scenario, mode, 10.0, 10.0),
            [255, 255, 255, 255],
            "{mode}: background"
        );
    }
}

#[test]
fn legacy_and_pooled_render_the_same_image() {
    for scenario in Scenario::ALL {
        let legacy = &util::shared(scenario, Mode::Legacy).outcome.image;
        let pooled = &util::shared(scenario, Mode::Pooled).outcome.image;
        assert_eq!(
            (legacy.width(), legacy.height()),
            (pooled.width(), pooled.height())
        );
        let worst = legacy
            .rgba()
            .iter()
            .zip(pooled.rgba())
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap_or(0);
        // Legacy composes shadows and shapes through 8-bit layers; pooled draws
        // them in one pass: they may differ by rounding, never by content.
        assert!(worst <= 3, "{scenario}: largest channel difference {worst}");
    }
}
