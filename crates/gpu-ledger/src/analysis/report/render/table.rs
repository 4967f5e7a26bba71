//! Aligned plain-text tables for the text report.
//!
//! A column whose cells all look like numbers (or `-`) is right-aligned, any other
//! column left-aligned; widths come from the widest cell. Output depends only on
//! the cells, so the same rows always render to the same bytes. Cells are
//! untrusted (names come from the input): each is escaped ([`crate::text`]), so a
//! row is always one line.

use std::borrow::Cow;

use crate::text::escape;

/// A table under construction.
#[derive(Clone, Debug, Default)]
pub(crate) struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub(crate) fn new(headers: &[&str]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row (missing cells are blank, extra cells dropped), each cell
    /// escaped.
    pub(crate) fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.headers.len(), String::new());
        for cell in &mut cells {
            if let Cow::Owned(escaped) = escape(cell) {
                *cell = escaped;
            }
        }
        self.rows.push(cells);
    }

    /// Whether no row was added.
    pub(crate) fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table, each line indented by `indent` spaces and ending in a newline.
    pub(crate) fn render(&self, indent: usize) -> String {
        let n = self.headers.len();
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        let mut numeric = vec![true; n];
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                width[i] = width[i].max(cell.chars().count());
                numeric[i] &= looks_numeric(cell);
            }
        }
        let pad = " ".repeat(indent);
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            let mut line = pad.clone();
            for (i, cell) in row.iter().enumerate() {
                let fill = " ".repeat(width[i] - cell.chars().count());
                if i > 0 {
                    line.push_str("  ");
                }
                if numeric[i] {
                    line.push_str(&fill);
                    line.push_str(cell);
                } else {
                    line.push_str(cell);
                    line.push_str(&fill);
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

fn looks_numeric(cell: &str) -> bool {
    cell == "-"
        || cell.is_empty()
        || (cell.starts_with(|c: char| c.is_ascii_digit())
            && cell
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_right_text_left() {
        let mut t = Table::new(&["name", "count"]);
        t.row(vec!["CommandQueue".into(), "12".into()]);
        t.row(vec!["Fence".into(), "3".into()]);
        let expected = concat!(
            "  name          count\n",
            "  CommandQueue     12\n",
            "  Fence             3\n",
        );
        assert_eq!(t.render(2), expected);
    }

    #[test]
    fn a_cell_never_breaks_its_row() {
        let mut t = Table::new(&["name", "count"]);
        t.row(vec!["Evil\n  PASS fake".into(), "1".into()]);
        assert_eq!(
            t.render(0),
            "name               count\nEvil\\n  PASS fake      1\n"
        );
    }
}
