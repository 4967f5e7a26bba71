//! The findings section of a report: counts by severity and code, and the
//! examples the fold kept, with their names resolved.
//!
//! It reads the fold's finding log and never changes it.

use std::collections::BTreeMap;

use crate::analysis::fold::findings::FindingLog;
use crate::analysis::report::schema::findings::{FindingCount, FindingExample, FindingsReport};
use crate::event::{FindingSeverity, Name, Names};

fn text(name: Name, names: &Names) -> String {
    names.get(name).unwrap_or("<unnamed>").to_owned()
}

/// The findings section: every severity listed, codes most severe and most frequent first.
pub(crate) fn findings(log: &FindingLog, names: &Names) -> FindingsReport {
    let by_severity: BTreeMap<String, u64> = FindingSeverity::ALL
        .iter()
        .map(|s| (s.name().to_owned(), log.by_severity[*s as usize]))
        .collect();
    let mut by_code: Vec<(FindingSeverity, String, u64)> = log
        .by_code
        .iter()
        .map(|((severity, code), count)| (*severity, text(*code, names), *count))
        .collect();
    by_code.sort_by(|a, b| b.0.cmp(&a.0).then(b.2.cmp(&a.2)).then(a.1.cmp(&b.1)));
    let mut examples: Vec<FindingExample> = log
        .examples
        .iter()
        .map(|r| FindingExample {
            seq: r.seq,
            time_ns: r.time_ns,
            line: r.line,
            severity: r.severity.name().to_owned(),
            code: text(r.code, names),
            message: text(r.message, names),
            resource_id: r.resource.map(|r| r.0),
            lane: r.packet.map(|p| p.lane.0),
            packet: r.packet.map(|p| p.packet.0),
        })
        .collect();
    examples.sort_by_key(|e| e.seq);
    FindingsReport {
        total: log.total(),
        by_severity,
        by_code: by_code
            .into_iter()
            .map(|(severity, code, count)| FindingCount {
                severity: severity.name().to_owned(),
                code,
                count,
            })
            .collect(),
        untracked_codes: log.untracked,
        examples,
    }
}

/// The headline sentence for findings of severity error, if there are any.
pub(crate) fn headline(f: &FindingsReport) -> Option<String> {
    let errors = f.errors();
    if errors == 0 {
        return None;
    }
    let codes: Vec<&str> = f
        .by_code
        .iter()
        .filter(|c| c.severity == "error")
        .map(|c| c.code.as_str())
        .take(3)
        .collect();
    let more = f.by_code.iter().filter(|c| c.severity == "error").count() > codes.len();
    Some(format!(
        "Other checkers reported {errors} error{} ({}{}): see Findings.",
        if errors == 1 { "" } else { "s" },
        codes.join(", "),
        if more { ", ..." } else { "" }
    ))
}
