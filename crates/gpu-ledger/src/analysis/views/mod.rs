//! The views: folds of their own over the same stream, each answering one question
//! on demand, each with its own document.
//!
//! [`ResourceStory`](crate::analysis::ResourceStory) (`explain`: one resource's
//! life, its cause taken from the core fold it runs alongside),
//! [`ResourceGraph`](crate::analysis::ResourceGraph) (`graph`: what is alive at one
//! point), [`Timeline`](crate::analysis::Timeline) (`timeline`: one line per packet
//! of a window, within a [`WindowSpan`](crate::analysis::WindowSpan) learnt from a
//! first pass), [`ReportDiff`](crate::analysis::ReportDiff) (`diff`: two reports
//! compared), [`CheckReport`](crate::analysis::CheckReport) (`check`: a report's
//! guardrails judged at one severity) and [`SeriesBuilder`](crate::analysis::SeriesBuilder)
//! (the HTML report's charts: live resources per type over time, creates and
//! destroys per packet). Views read the fold and the report; neither reads a view.

pub(crate) mod check;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod graph;
pub(crate) mod series;
pub(crate) mod span;
pub(crate) mod story;
pub(crate) mod timeline;
