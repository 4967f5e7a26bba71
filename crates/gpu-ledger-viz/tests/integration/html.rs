//! `HtmlReport`: pages written to real files and opened in headless Chromium, which
//! must draw every chart with no console error and show the text report's headline.

use std::path::{Path, PathBuf};

use gpu_ledger::analysis::{Analyzer, Report, Series, SeriesBuilder, TextOptions};
use gpu_ledger::{Collected, Tee};
use gpu_ledger_viz::HtmlReport;

use crate::util;

const CHARTS: [&str; 5] = [
    "chart-live",
    "chart-packets",
    "chart-bursts",
    "chart-contributors",
    "chart-causes",
];

fn fold(stream: &Collected) -> (Report, Series) {
    let mut sinks = Tee(Analyzer::default(), SeriesBuilder::default());
    stream.replay(&mut sinks);
    (sinks.0.report(), sinks.1.series())
}

fn write_page(stream: &Collected, name: &str) -> (PathBuf, Report, Series) {
    let (report, series) = fold(stream);
    let path = util::artifacts().join(name);
    let file = std::fs::File::create(&path).expect("the page can be written");
    HtmlReport::new(&report, &series)
        .write_to(std::io::BufWriter::new(file))
        .expect("written");
    (path, report, series)
}

/// Opens `page`, checks it drew with no error, and returns its DOM.
fn open(page: &Path) -> String {
    let output = util::chromium(page, &["--dump-dom"]);
    assert_eq!(
        util::console_lines(&output),
        Vec::<String>::new(),
        "console output"
    );
    let dom = String::from_utf8(output.stdout).expect("the DOM is UTF-8");
    assert_eq!(
        util::attribute(&dom, "<body", "data-errors").as_deref(),
        Some("[]"),
        "script errors"
    );
    dom
}

#[test]
fn html_report_draws_every_chart_in_chromium_with_no_console_error() {
    let stream = util::synth_stream(20_000);
    let (page, _, _) = write_page(&stream, "synth.html");
    let dom = open(&page);
    assert_eq!(
        util::attribute(&dom, "<body", "data-rendered").as_deref(),
        Some("5")
    );
    for chart in CHARTS {
        let ink: u64 = util::attribute(
            &dom,
            &format!("<figure class=\"chart\" id=\"{chart}\""),
            "data-ink",
        )
        .unwrap_or_else(|| panic!("{chart} was not drawn"))
        .parse()
        .expect("a pixel count");
        assert!(ink > 300, "{chart} drew only {ink} coloured pixels");
    }
}

#[test]
fn html_headline_equals_the_text_reports() {
    let stream = util::synth_stream(20_000);
    let (page, report, _) = write_page(&stream, "synth-headline.html");
    let dom = open(&page);
    let list = &dom[dom.find("<ol id=\"headline\">").expect("the headline list")..];
    let list = &list[..list.find("</ol>").expect("closed")];
    let shown: Vec<String> = list
        .split("<li>")
        .skip(1)
        .map(|li| util::html_unescape(li.trim_end_matches("</li>")))
        .collect();
    let text = report.render_text(&TextOptions::default());
    let headline: Vec<String> = text
        .split("\nHeadline\n")
        .nth(1)
        .expect("a Headline section")
        .lines()
        .take_while(|l| l.starts_with("  "))
        .map(|l| l[2..].to_owned())
        .collect();
    assert!(headline.len() >= 4);
    assert_eq!(shown, headline);
}

#[test]
fn html_embeds_the_report_json_byte_for_byte() {
    let stream = util::synth_stream(5_000);
    let (page, report, series) = write_page(&stream, "synth-json.html");
    let html = std::fs::read_to_string(&page).expect("the page");
    let embedded = |id: &str| {
        let open = format!("<script type=\"application/json\" id=\"{id}\">");
        let start = html.find(&open).expect("embedded") + open.len();
        let len = html[start..].find("</script>").expect("closed");
        html[start..start + len].replace("\\u003c", "<")
    };
    assert_eq!(embedded("gl-report"), report.to_json_string());
    assert_eq!(embedded("gl-series"), series.to_json_string());
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing from the network"
    );
}

#[test]
fn html_screenshot_is_kept_as_a_test_artifact() {
    let stream = util::synth_stream(20_000);
    let (page, _, _) = write_page(&stream, "synth-shot.html");
    let shot = util::artifacts().join("synth-report.png");
    let _ = std::fs::remove_file(&shot);
    util::chromium(
        &page,
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("the screenshot was written");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(png[16..20].try_into().expect("IHDR width"));
    assert_eq!(width, 1280);
    assert!(
        png.len() > 50_000,
        "a page of charts, not a blank one ({} bytes)",
        png.len()
    );
}

#[test]
fn html_of_an_empty_run_says_so_without_errors() {
    let (page, _, _) = write_page(&Collected::default(), "empty.html");
    let dom = open(&page);
    assert_eq!(
        util::attribute(&dom, "<body", "data-rendered").as_deref(),
        Some("0")
    );
    assert!(dom.contains("No resource was created."));
}

#[test]
fn html_of_a_long_run_stays_small_and_says_it_is_downsampled() {
    let stream = util::synth_stream(400_000);
    let (page, _, series) = write_page(&stream, "synth-long.html");
    let bytes = std::fs::metadata(&page).expect("written").len();
    assert!(series.buckets <= 2_000 && series.bucket_ns > 1_000_000);
    assert!(series.packets.per_point > 1);
    assert!(bytes < 1_500_000, "{bytes} bytes");
    let dom = open(&page);
    let note = &dom[dom.find("id=\"note-live\"").expect("the live chart's note")..];
    assert!(
        note.contains("downsampled from 1 ms buckets"),
        "{}",
        &note[..200]
    );
}

#[test]
fn html_write_to_reports_the_write_error() {
    let (report, series) = fold(&Collected::default());
    struct Full;
    impl std::io::Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let err = HtmlReport::new(&report, &series)
        .write_to(Full)
        .expect_err("fails");
    assert_eq!(err.to_string(), "cannot write the html report");
}
