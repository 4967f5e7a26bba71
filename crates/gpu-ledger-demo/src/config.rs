//! What to run: the scene, the compositor architecture and the length of the idle phase.
//!
//! These are plain values with stable spellings (`ellipse-path`, `text`, `legacy`,
//! `pooled`) so that a command line, a test and a trace name the same run the same
//! way. Nothing here touches the GPU or the ledger.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Which validation program to replay.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Scenario {
    /// EllipsePathCompositorTest: three 130×220 widgets (a stroked path, a rounded
    /// rectangle, an ellipse), each with a drop shadow, in a horizontal stack on a
    /// 500×500 white background.
    #[default]
    EllipsePath,
    /// TextCompositorTest: one 500×500 white view with a bold title and a wrapped
    /// body paragraph drawn from a glyph atlas.
    Text,
}

impl Scenario {
    /// Every scenario, in a fixed order.
    pub const ALL: [Scenario; 2] = [Scenario::EllipsePath, Scenario::Text];

    /// The scenario's name as the command line spells it: `ellipse-path` or `text`.
    pub const fn name(self) -> &'static str {
        match self {
            Scenario::EllipsePath => "ellipse-path",
            Scenario::Text => "text",
        }
    }
}

/// Which compositor architecture draws the scene.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Mode {
    /// The older architecture: a visual per view and per shape element, each with
    /// its own native target, command queue and two-target render-target context;
    /// layout rebuilds contexts, canvases send warm-up frames, and nothing is
    /// released until shutdown.
    #[default]
    Legacy,
    /// The current architecture: one native target, one command queue and one
    /// context per window, with pooled textures, buffers and fences.
    Pooled,
}

impl Mode {
    /// Every mode, in a fixed order.
    pub const ALL: [Mode; 2] = [Mode::Legacy, Mode::Pooled];

    /// The mode's name as the command line spells it: `legacy` or `pooled`.
    pub const fn name(self) -> &'static str {
        match self {
            Mode::Legacy => "legacy",
            Mode::Pooled => "pooled",
        }
    }
}

/// What [`run`](crate::run) replays.
///
/// # Example
/// ```
/// use gpu_ledger_demo::{DemoConfig, Mode, Scenario};
///
/// let config = DemoConfig {
///     scenario: Scenario::Text,
///     mode: Mode::Pooled,
///     steady_frames: 4,
///     ..DemoConfig::default()
/// };
/// assert_eq!(config.intro_frames, 3);
/// assert_eq!("ellipse-path".parse::<Scenario>(), Ok(Scenario::EllipsePath));
/// assert!("ellipse".parse::<Scenario>().is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// The scene to draw.
    pub scenario: Scenario,
    /// The compositor architecture to draw it with.
    pub mode: Mode,
    /// Frames of the idle phase after the scripted resize. Nothing changes in it,
    /// so every one of its packets is a no-op. Default 30.
    pub steady_frames: u32,
    /// Frames of the intro animation that runs once the layout has settled (the
    /// shadows, or the body text, fade in). These are the first clean presents, so
    /// keep this at least the analysis's stable-window length (3 by default), or
    /// the report never leaves its startup window. Default 3.
    pub intro_frames: u32,
    /// The frame clock: each frame starts on the next tick of this interval (a
    /// late frame skips the ticks it missed, like a missed vsync), so the
    /// timeline follows the display, not the driver's speed. Zero runs frames
    /// back to back. Default 1/60 s.
    pub frame_interval: Duration,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            scenario: Scenario::default(),
            mode: Mode::default(),
            steady_frames: 30,
            intro_frames: 3,
            frame_interval: Duration::from_nanos(16_666_667),
        }
    }
}

impl DemoConfig {
    /// The default configuration for `scenario` in `mode`.
    pub fn new(scenario: Scenario, mode: Mode) -> Self {
        Self {
            scenario,
            mode,
            ..Self::default()
        }
    }
}

/// A scenario or mode name that is not one of the known spellings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNameError {
    what: &'static str,
    given: String,
    expected: &'static str,
}

impl fmt::Display for ParseNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}`; expected {}",
            self.what, self.given, self.expected
        )
    }
}

impl std::error::Error for ParseNameError {}

impl FromStr for Scenario {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| ParseNameError {
                what: "scenario",
                given: s.to_owned(),
                expected: "`ellipse-path` or `text`",
            })
    }
}

impl FromStr for Mode {
    type Err = ParseNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Mode::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| ParseNameError {
                what: "mode",
                given: s.to_owned(),
                expected: "`legacy` or `pooled`",
            })
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>(), Ok(s));
        }
        for m in Mode::ALL {
            assert_eq!(m.name().parse::<Mode>(), Ok(m));
        }
    }

    #[test]
    fn unknown_name_is_named_in_the_error() {
        let err = "pooling".parse::<Mode>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown mode `pooling`; expected `legacy` or `pooled`"
        );
    }
}
