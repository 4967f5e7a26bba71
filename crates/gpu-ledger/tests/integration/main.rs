//! The core crate's integration tests: one binary, a module per concern.

#[path = "../util.rs"]
mod util;

// The recorder: ordering, loss accounting, packet context, toggles.
mod record;

// Omega log import: fixture logs to exact event streams.
mod import;

// The Omega field cases (14, 15, 16): each answer of EXPECTED.md on its case file.
mod omega_field;

// Trace formats: exact round trips, crash and corruption recovery, detection, size bar.
mod format;

// Property-based fuzzing of the JSON Lines reader, the Omega importer and block sequencing.
mod fuzz;

// Issue 9's fault kinds: block sequencing, lossless names, linear interning, detection.
mod hardening;

// Analysis: hand-worked reports, every definition at its edges, properties, text snapshots.
mod analysis;

// Runtime toggles: the ledger they start, its trace and its one startup summary.
mod toggle;

// Guardrails: each verdict at its threshold, the destroy checks under each release model.
mod guardrails;

// The field cases: real churn patterns read from tests/data/field, each answer a test.
mod field;

// The kinds of fault behind the field cases, varied: types, owners, timings, directions.
mod kinds;

// On-demand dumps: the live resource graph, window timelines, report diffs.
mod dump;

// The live analysis: findings while recording, destroy checks, dumps under threads.
mod live;

// The module graph read from the source: no import loop, dependencies one way.
mod layout;
