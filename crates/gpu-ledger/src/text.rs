//! Text from an input, made safe to print: [`escape`] and [`Escaped`].
//!
//! Names, markers, sources, paths and quoted log lines come from inputs nobody
//! vouches for. Printed as they are, a name holding a newline could forge a line
//! of a report (`Guardrails: 0 of 3 failed`), and one holding an escape sequence
//! could recolour or erase the terminal. Every text output (the report, the
//! views, the input section, warnings and errors on stderr) passes each such
//! string through this module, so the only line breaks and control characters
//! in it are the renderer's own. It never changes JSON output, which carries
//! every name exactly (JSON escapes control characters itself).

use std::borrow::Cow;
use std::fmt;

/// `text` with every character that could change how the output around it
/// reads written as an escape: `\n`, `\r`, `\t`, and `\u{..}` for the other
/// control characters (C0, DEL, C1), the Unicode line and paragraph separators
/// and the bidirectional-text controls (which can make a line read backwards).
/// Everything else, backslashes included, is kept, so ordinary names print
/// unchanged (and are borrowed, not copied).
///
/// # Example
/// ```
/// use gpu_ledger::text::escape;
///
/// assert_eq!(escape("TextureTarget"), "TextureTarget");
/// assert_eq!(escape("Evil\nGuardrails: 0 of 3 failed"), "Evil\\nGuardrails: 0 of 3 failed");
/// assert_eq!(escape("Esc\u{1b}[31mRED"), "Esc\\u{1b}[31mRED");
/// assert_eq!(escape("a\u{202e}b"), "a\\u{202e}b");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A string shown through [`escape`] when formatted: `format!("{}", Escaped(name))`.
///
/// # Example
/// ```
/// use gpu_ledger::text::Escaped;
///
/// assert_eq!(format!("type {}", Escaped("a\tb")), "type a\\tb");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&escape(self.0))
    }
}

/// Whether `c` is written as an escape by [`escape`].
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
            | '\u{200e}' | '\u{200f}' // left-to-right and right-to-left marks
            | '\u{202a}'..='\u{202e}' // embeddings and overrides
            | '\u{2066}'..='\u{2069}' // isolates
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_character_is_escaped_and_nothing_else() {
        for c in (0u32..0x20).chain(0x7f..0xa0).filter_map(char::from_u32) {
            let shown = escape(&c.to_string()).into_owned();
            assert!(
                shown.starts_with('\\') && !shown.chars().any(char::is_control),
                "{c:?} shown as {shown:?}"
            );
        }
        let plain = "Texture/42 ü 東京 C:\\path \"quoted\"";
        assert!(matches!(escape(plain), Cow::Borrowed(s) if s == plain));
    }
}
