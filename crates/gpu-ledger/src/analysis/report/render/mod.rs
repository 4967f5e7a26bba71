//! Rendering a finished report for people: the headline sentences, the text report
//! and the aligned tables it (and the views) print.
//!
//! Renderers read a [`Report`](crate::analysis::Report) and nothing else, so the same
//! report always renders to the same bytes.

pub(crate) mod headline;
pub(crate) mod table;
pub(crate) mod text;
