//! [`HtmlReport`]: the churn report as one self-contained HTML page — the headline
//! answers first, then charts, then the text report's tables.
//!
//! The page carries everything it needs: the [`Report`] as JSON (the document
//! `gpu-ledger report --format json` prints, so the two never disagree), the
//! [`Series`] of the run (live resources per type over time, creates and destroys per
//! packet and per time bucket, bounded to a few thousand points however long the
//! run), the text report, and uPlot 1.6.32 (MIT, vendored in `vendor/uplot/`,
//! its licence in the page). It loads nothing from the network. Its script draws
//! the headline and the charts from the embedded JSON; the tables are the text
//! report's sections, verbatim. Same report and series, same bytes.
//!
//! Once drawn, the page marks `body[data-rendered]` with the number of charts,
//! each chart's `data-ink` with the coloured pixels inside its plot area and
//! `body[data-errors]` with any script error, so a headless browser can check it.

use std::io::Write;

use gpu_ledger::analysis::{Report, Series, TextOptions};

use crate::error::{Error, FirstError};

const TEMPLATE: &str = include_str!("page.html");
const PAGE_CSS: &str = include_str!("page.css");
const PAGE_JS: &str = include_str!("page.js");
const UPLOT_JS: &str = include_str!("../../vendor/uplot/uPlot.iife.min.js");
const UPLOT_CSS: &str = include_str!("../../vendor/uplot/uPlot.min.css");
const UPLOT_LICENCE: &str = include_str!("../../vendor/uplot/LICENSE");
const UPLOT_VERSION: &str = "1.6.32";

/// The one-file HTML report of a run.
///
/// # Example
/// ```
/// use gpu_ledger::analysis::{Analyzer, SeriesBuilder};
/// use gpu_ledger::{Event, EventKind, EventSink, PacketRef, PacketStage, Tee};
/// use gpu_ledger_viz::HtmlReport;
///
/// let mut sinks = Tee(Analyzer::default(), SeriesBuilder::default());
/// for p in 1..=4 {
///     let kind = EventKind::Packet { packet: PacketRef::new(1, p), stage: PacketStage::Presented };
///     sinks.on_event(&Event { time_ns: p * 16_000_000, thread: 0, kind });
/// }
/// sinks.on_finish();
/// let (report, series) = (sinks.0.report(), sinks.1.series());
/// let page = HtmlReport::new(&report, &series).render();
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("<script type=\"application/json\" id=\"gl-report\">{\n  \"format\": \"gpu-ledger-report\""));
/// assert!(!page.contains("src=\"http"), "nothing is loaded from the network");
/// ```
#[derive(Clone, Debug)]
pub struct HtmlReport<'a> {
    report: &'a Report,
    series: &'a Series,
    text: TextOptions,
}

impl<'a> HtmlReport<'a> {
    /// The page of `report`, with the charts of `series` (built from the same stream).
    pub fn new(report: &'a Report, series: &'a Series) -> Self {
        Self {
            report,
            series,
            text: TextOptions::default(),
        }
    }

    /// The same page with the text report's tables rendered with `options`.
    pub fn with_text_options(mut self, options: TextOptions) -> Self {
        self.text = options;
        self
    }

    /// The page, as one string.
    pub fn render(&self) -> String {
        let title = if self.report.stream.source.is_empty() {
            "gpu-ledger report".to_owned()
        } else {
            format!("gpu-ledger report \u{2014} {}", self.report.stream.source)
        };
        // The very document `report --format json` prints (less its `input`).
        let report_json = self.report.to_json_string();
        let licence = format!(
            "<!-- uPlot {UPLOT_VERSION}, inlined below:\n{}-->",
            UPLOT_LICENCE.replace("--", "- -")
        );
        // Each marker appears once in the template; substitutions are done in
        // template order so inserted text is never searched again.
        let parts: [(&str, String); 11] = [
            ("<!--gl:title-->", escape(&title)),
            ("<!--gl:uplot-css-->", UPLOT_CSS.to_owned()),
            ("<!--gl:page-css-->", PAGE_CSS.to_owned()),
            ("<!--gl:tables-->", self.tables()),
            ("<!--gl:uplot-version-->", UPLOT_VERSION.to_owned()),
            ("<!--gl:report-->", script_json(&report_json)),
            (
                "<!--gl:series-->",
                script_json(&self.series.to_json_string()),
            ),
            ("<!--gl:uplot-licence-->", licence),
            ("<!--gl:uplot-js-->", UPLOT_JS.to_owned()),
            ("<!--gl:page-js-->", PAGE_JS.to_owned()),
            ("", String::new()),
        ];
        let mut out =
            String::with_capacity(TEMPLATE.len() + UPLOT_JS.len() + report_json.len() * 2);
        let mut rest = TEMPLATE;
        for (marker, text) in parts.iter().filter(|(m, _)| !m.is_empty()) {
            match rest.find(marker) {
                Some(at) => {
                    out.push_str(&rest[..at]);
                    out.push_str(text);
                    rest = &rest[at + marker.len()..];
                }
                None => debug_assert!(false, "template lacks {marker}"),
            }
        }
        out.push_str(rest);
        out
    }

    /// Writes the page to `out`.
    ///
    /// # Errors
    /// [`ErrorKind::Io`](crate::ErrorKind::Io): writing failed.
    pub fn write_to(&self, mut out: impl Write) -> Result<(), Error> {
        let mut error = FirstError::default();
        let written = out
            .write_all(self.render().as_bytes())
            .and_then(|()| out.flush());
        error.keep("html report", written);
        error.into_result()
    }

    /// The text report's sections, each a collapsible block.
    fn tables(&self) -> String {
        let text = self.report.render_text(&self.text);
        let mut out = String::new();
        for (title, body) in sections(&text) {
            // The headline is already at the top of the page.
            let open = if title == "Headline" { "" } else { " open" };
            out.push_str(&format!(
                "    <details{open}><summary>{}</summary><pre>{}</pre></details>\n",
                escape(title),
                escape(body.trim_end_matches('\n'))
            ));
        }
        out
    }
}

/// Splits the text report into (title, body) sections: a title is a line that is
/// not indented; its body runs to the next title. The first line (the report's own
/// title) is a section of its own.
fn sections(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        if line.is_empty() {
            continue;
        }
        if !line.starts_with(' ') {
            match line
                .split_once(": ")
                .filter(|_| out.is_empty() || line.starts_with("Lost events"))
            {
                // "Lost events: 0" and the title line carry their value on the same line.
                Some((title, value)) => out.push((title, format!("{value}\n"))),
                None => out.push((line, String::new())),
            }
            continue;
        }
        if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// `text` with `&`, `<`, `>` and `"` escaped for HTML.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// JSON made safe inside `<script>`: `<` only occurs inside JSON strings, where
/// `\u003c` means the same, so no `</script>` or `<!--` can end the element early.
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_on_unindented_titles() {
        let text = "gpu-ledger report: 4 events; times in ms\n\nHeadline\n  a\n  b\n\nGuardrails: 0 of 3 failed\n  PASS x\n\nLost events: 0\n";
        let got = sections(text);
        let titles: Vec<&str> = got.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            titles,
            [
                "gpu-ledger report",
                "Headline",
                "Guardrails: 0 of 3 failed",
                "Lost events"
            ]
        );
        assert_eq!(got[1].1, "  a\n  b\n");
        assert_eq!(got[3].1, "0\n");
    }

    #[test]
    fn script_json_cannot_close_its_element() {
        let json = r#"{"source":"</script><!--x"}"#;
        let safe = script_json(json);
        assert!(!safe.contains("</") && !safe.contains("<!--"));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["source"], "</script><!--x");
    }
}
