//! The two validation scenes as the app describes them: a tree of views and shape
//! elements, their layout for a window size and layout stage, and what each node draws.
//!
//! This is the app side of the demo, the same for both compositor architectures:
//! it knows nothing of targets, queues or the ledger. Coordinates are logical
//! points; [`DisplayList`]s are built in a target's pixels (logical × backing
//! scale, relative to the target's origin), so the same node draws identically
//! into its own target (legacy) or into the window's (pooled).

use crate::Scenario;
use crate::atlas::{self, Style};

/// An axis-aligned rectangle in logical points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub(crate) x: f32,
    pub(crate) y: f32,
    pub(crate) w: f32,
    pub(crate) h: f32,
}

impl Rect {
    pub(crate) const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    fn inset(self, d: f32) -> Self {
        Self::new(self.x + d, self.y + d, self.w - 2.0 * d, self.h - 2.0 * d)
    }

    /// Its size in backing pixels at `scale` (at least one pixel each way).
    pub(crate) fn pixels(self, scale: f32) -> (u32, u32) {
        let px = |v: f32| ((v * scale).round() as u32).max(1);
        (px(self.w), px(self.h))
    }
}

/// The shapes of the ellipse-path scene.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A stroked open polyline ([`PATH`]).
    Path,
    RoundedRect,
    Ellipse,
}

impl Shape {
    /// The shape code the shaders switch on (`params.x`).
    fn code(self) -> f32 {
        match self {
            Shape::Path => 3.0,
            Shape::RoundedRect => 1.0,
            Shape::Ellipse => 2.0,
        }
    }
}

/// A block of text drawn from the glyph atlas.
#[derive(Clone, Copy, Debug)]
pub(crate) struct TextBlock {
    pub(crate) text: &'static str,
    /// Glyph edge in points (a multiple of the font's 8 pixels).
    pub(crate) size: f32,
    pub(crate) line_height: f32,
    pub(crate) style: Style,
    pub(crate) color: [f32; 4],
    /// Whether it fades in with the intro animation.
    pub(crate) fades_in: bool,
}

/// What a node draws.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Content {
    Nothing,
    Fill([f32; 4]),
    /// The drop shadow of the shape of the view's element, drawn by the view's
    /// shadow effect pipeline.
    Shadow(Shape),
    Shape(Shape, [f32; 4]),
    Text(TextBlock),
}

/// A view or a shape element of the scene's tree.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node {
    pub(crate) name: &'static str,
    pub(crate) parent: Option<usize>,
    /// The attachment group: the app attaches the tree a group at a time.
    pub(crate) group: usize,
    pub(crate) content: Content,
}

/// Which render pass an instance belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pass {
    Shape,
    Shadow,
    Glyph,
}

/// One drawn quad: `[rect px; shape px; rgba; kind, radius, stroke, 0; uv]`.
pub(crate) type Instance = [f32; 20];

/// What a target draws in one frame, in order, in the target's pixels.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct DisplayList {
    pub(crate) items: Vec<(Pass, Instance)>,
}

/// The stroked path, in unit coordinates of its shape box: an open zigzag.
pub(crate) const PATH: [[f32; 2]; 5] = [
    [0.15, 0.10],
    [0.85, 0.30],
    [0.15, 0.55],
    [0.85, 0.75],
    [0.50, 0.92],
];
/// Shadow style in points: offset, blur radius; black at this opacity.
pub(crate) const SHADOW_OFFSET: [f32; 2] = [4.0, 6.0];
pub(crate) const SHADOW_BLUR: f32 = 6.0;
pub(crate) const SHADOW_ALPHA: f32 = 0.45;

const WHITE: [f32; 4] = [1.0, 1.0, 1.0, 1.0];
/// Shape colours of the ellipse-path scene.
pub(crate) const PATH_COLOR: [f32; 4] = [0.13, 0.36, 0.85, 1.0];
pub(crate) const RRECT_COLOR: [f32; 4] = [0.16, 0.62, 0.32, 1.0];
pub(crate) const ELLIPSE_COLOR: [f32; 4] = [0.88, 0.28, 0.20, 1.0];
const SHAPE_INSET: f32 = 16.0;
const STROKE: f32 = 6.0;
const CORNER: f32 = 18.0;

const TITLE: TextBlock = TextBlock {
    text: "Resource Ledger",
    size: 24.0,
    line_height: 24.0,
    style: Style::Bold,
    color: [0.08, 0.08, 0.10, 1.0],
    fades_in: false,
};
const BODY: TextBlock = TextBlock {
    text: "Every frame this compositor draws is a packet on a sync lane. Each packet \
           records the resources it creates, touches and destroys, so churn can be \
           measured from telemetry instead of guessed from log noise.",
    size: 16.0,
    line_height: 20.0,
    style: Style::Regular,
    color: [0.22, 0.22, 0.27, 1.0],
    fades_in: true,
};

/// A scene's tree and which of its attachment groups are canvas roots.
#[derive(Clone, Debug)]
pub(crate) struct Scene {
    pub(crate) scenario: Scenario,
    pub(crate) nodes: Vec<Node>,
    /// Per attachment group: whether its root is a canvas (which, in the legacy
    /// architecture, sends warm-up frames when attached).
    pub(crate) canvas_groups: Vec<bool>,
}

impl Scene {
    pub(crate) fn new(scenario: Scenario) -> Self {
        let node = |name, parent, group, content| Node {
            name,
            parent,
            group,
            content,
        };
        match scenario {
            Scenario::EllipsePath => Self {
                scenario,
                nodes: vec![
                    node("root view", None, 0, Content::Nothing),
                    node("background", Some(0), 0, Content::Fill(WHITE)),
                    node("stack view", Some(0), 0, Content::Nothing),
                    node("spacer 1", Some(2), 0, Content::Nothing),
                    node("spacer 2", Some(2), 0, Content::Nothing),
                    node("path widget", Some(2), 1, Content::Shadow(Shape::Path)),
                    node("path", Some(5), 1, Content::Shape(Shape::Path, PATH_COLOR)),
                    node(
                        "rect widget",
                        Some(2),
                        2,
                        Content::Shadow(Shape::RoundedRect),
                    ),
                    node(
                        "rounded rect",
                        Some(7),
                        2,
                        Content::Shape(Shape::RoundedRect, RRECT_COLOR),
                    ),
                    node(
                        "ellipse widget",
                        Some(2),
                        3,
                        Content::Shadow(Shape::Ellipse),
                    ),
                    node(
                        "ellipse",
                        Some(9),
                        3,
                        Content::Shape(Shape::Ellipse, ELLIPSE_COLOR),
                    ),
                ],
                canvas_groups: vec![false, true, true, true],
            },
            Scenario::Text => Self {
                scenario,
                nodes: vec![
                    node("text view", None, 0, Content::Fill(WHITE)),
                    node("title", Some(0), 0, Content::Text(TITLE)),
                    node("body", Some(0), 0, Content::Text(BODY)),
                ],
                canvas_groups: vec![true],
            },
        }
    }
}

/// The app: its scene and the state that drives layout and drawing.
#[derive(Clone, Debug)]
pub(crate) struct App {
    pub(crate) scene: Scene,
    /// Window size in points.
    pub(crate) window: (f32, f32),
    /// Backing scale: 1 until the window reaches the (2×) screen.
    pub(crate) scale: f32,
    /// Whether the stack and text have been measured (provisional sizes before).
    pub(crate) measured: bool,
    /// Intro animation progress, 0 to 1.
    pub(crate) intro: f32,
    /// Attachment groups attached so far.
    pub(crate) attached: usize,
}

impl App {
    pub(crate) fn new(scenario: Scenario) -> Self {
        Self {
            scene: Scene::new(scenario),
            window: (500.0, 500.0),
            scale: 1.0,
            measured: false,
            intro: 0.0,
            attached: 0,
        }
    }

    /// The window's backing size in pixels.
    pub(crate) fn window_pixels(&self) -> (u32, u32) {
        Rect::new(0.0, 0.0, self.window.0, self.window.1).pixels(self.scale)
    }

    /// Each node's frame in window points; `None` for nodes not attached yet.
    pub(crate) fn layout(&self) -> Vec<Option<Rect>> {
        let (w, h) = self.window;
        let frames = match self.scene.scenario {
            Scenario::EllipsePath => {
                let (ww, wh) = if self.measured {
                    (130.0, 220.0)
                } else {
                    (120.0, 200.0)
                };
                let stack = Rect::new(20.0, (h - wh) / 2.0, w - 40.0, wh);
                let gap = (stack.w - 3.0 * ww) / 2.0;
                let widget = |i: f32| Rect::new(stack.x + i * (ww + gap), stack.y, ww, wh);
                let spacer =
                    |i: f32| Rect::new(stack.x + (i + 1.0) * ww + i * gap, stack.y, gap, wh);
                let window = Rect::new(0.0, 0.0, w, h);
                vec![
                    window,
                    window,
                    stack,
                    spacer(0.0),
                    spacer(1.0),
                    widget(0.0),
                    widget(0.0),
                    widget(1.0),
                    widget(1.0),
                    widget(2.0),
                    widget(2.0),
                ]
            }
            Scenario::Text => {
                let width = w - 48.0;
                let (title_h, body_y, body_h) = if self.measured {
                    let lines = wrap(BODY.text, columns(width, BODY.size)).len() as f32;
                    (TITLE.line_height, 64.0, lines * BODY.line_height)
                } else {
                    (40.0, 72.0, 200.0)
                };
                vec![
                    Rect::new(0.0, 0.0, w, h),
                    Rect::new(24.0, 24.0, width, title_h),
                    Rect::new(24.0, body_y, width, body_h),
                ]
            }
        };
        frames
            .into_iter()
            .zip(&self.scene.nodes)
            .map(|(frame, node)| (node.group < self.attached).then_some(frame))
            .collect()
    }

    /// Appends what `node`, laid out at `frame`, draws into a target whose
    /// top-left corner is at `origin` (window points).
    pub(crate) fn draw(
        &self,
        node: usize,
        frame: Rect,
        origin: (f32, f32),
        list: &mut DisplayList,
    ) {
        let s = self.scale;
        let px = |r: Rect| [(r.x - origin.0) * s, (r.y - origin.1) * s, r.w * s, r.h * s];
        match self.scene.nodes[node].content {
            Content::Nothing => {}
            Content::Fill(color) => {
                let r = px(frame);
                list.push(Pass::Shape, r, r, color, [0.0; 4], [0.0; 4]);
            }
            Content::Shape(shape, color) => {
                let r = px(frame.inset(SHAPE_INSET));
                list.push(Pass::Shape, r, r, color, shape_params(shape, s), [0.0; 4]);
            }
            Content::Shadow(shape) => {
                // Drawn even while fully transparent, so the list keeps its length
                // (and its buffer) through the intro animation.
                let shape_px = px(frame.inset(SHAPE_INSET));
                let reach = SHADOW_BLUR + SHADOW_OFFSET[0].max(SHADOW_OFFSET[1]) + 2.0;
                let cover = px(frame.inset(SHAPE_INSET - reach));
                let opacity = [0.0, 0.0, 0.0, self.intro];
                list.push(
                    Pass::Shadow,
                    cover,
                    shape_px,
                    opacity,
                    shape_params(shape, s),
                    [0.0; 4],
                );
            }
            Content::Text(block) => {
                let mut color = block.color;
                if block.fades_in {
                    color[3] *= self.intro;
                }
                for (line, text) in wrap(block.text, columns(frame.w, block.size))
                    .iter()
                    .enumerate()
                {
                    let y = frame.y
                        + line as f32 * block.line_height
                        + (block.line_height - block.size) / 2.0;
                    for (i, ch) in text.chars().enumerate().filter(|(_, c)| *c != ' ') {
                        let glyph = px(Rect::new(
                            frame.x + i as f32 * block.size,
                            y,
                            block.size,
                            block.size,
                        ));
                        list.push(
                            Pass::Glyph,
                            glyph,
                            glyph,
                            color,
                            [0.0; 4],
                            atlas::uv(ch, block.style),
                        );
                    }
                }
            }
        }
    }
}

impl DisplayList {
    fn push(
        &mut self,
        pass: Pass,
        rect: [f32; 4],
        shape: [f32; 4],
        color: [f32; 4],
        params: [f32; 4],
        uv: [f32; 4],
    ) {
        let mut instance = [0.0; 20];
        for (chunk, part) in instance
            .chunks_exact_mut(4)
            .zip([rect, shape, color, params, uv])
        {
            chunk.copy_from_slice(&part);
        }
        self.items.push((pass, instance));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// `[kind, corner radius px, stroke width px, 0]` for a shape at `scale`.
fn shape_params(shape: Shape, scale: f32) -> [f32; 4] {
    [shape.code(), CORNER * scale, STROKE * scale, 0.0]
}

/// How many glyphs of edge `size` fit in `width` (at least one).
fn columns(width: f32, size: f32) -> usize {
    ((width / size).floor() as usize).max(1)
}

/// Greedy word wrap to lines of at most `columns` characters (longer words are split).
pub(crate) fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > columns {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..columns).collect());
        }
        let needed = if line.is_empty() {
            word.len()
        } else {
            line.chars().count() + 1 + word.len()
        };
        if needed > columns && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.extend(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_words_whole_and_lines_short() {
        assert_eq!(wrap("aa bb cc dd", 5), vec!["aa bb", "cc dd"]);
        assert_eq!(wrap("abcdefgh x", 3), vec!["abc", "def", "gh", "x"]);
        assert_eq!(wrap("ab cdefg h", 4), vec!["ab", "cdef", "g h"]);
        assert!(wrap("", 4).is_empty());
    }

    #[test]
    fn ellipse_path_has_seven_views_and_four_elements_in_a_centred_stack() {
        let mut app = App::new(Scenario::EllipsePath);
        assert_eq!(app.scene.nodes.len(), 11);
        app.attached = app.scene.canvas_groups.len();
        app.measured = true;
        let frames: Vec<Rect> = app.layout().into_iter().map(Option::unwrap).collect();
        assert_eq!(frames[5], Rect::new(20.0, 140.0, 130.0, 220.0));
        assert_eq!(frames[7], Rect::new(185.0, 140.0, 130.0, 220.0));
        assert_eq!(frames[9], Rect::new(350.0, 140.0, 130.0, 220.0));
        assert_eq!(frames[3], Rect::new(150.0, 140.0, 35.0, 220.0));
    }

    #[test]
    fn unattached_groups_have_no_frame() {
        let mut app = App::new(Scenario::EllipsePath);
        app.attached = 1;
        let frames = app.layout();
        assert!(frames[..5].iter().all(Option::is_some));
        assert!(frames[5..].iter().all(Option::is_none));
    }

    #[test]
    fn text_body_rewraps_when_the_window_widens() {
        let mut app = App::new(Scenario::Text);
        app.attached = 1;
        app.measured = true;
        let narrow = app.layout()[2].unwrap();
        app.window.0 = 560.0;
        let wide = app.layout()[2].unwrap();
        assert!(wide.h < narrow.h, "{wide:?} vs {narrow:?}");
    }
}
