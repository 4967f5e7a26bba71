//! The demo's integration tests, on the real GPU driver (Mesa's software Vulkan
//! driver in CI): one binary, a module per concern. No test skips for want of an
//! adapter: a missing one fails with the advice to install it.

mod util;

// Telemetry against truth: the ledger and the report count what the compositor counted.
mod truth;

// Why resources went: owners, packets, rebuilds and the shutdown window.
mod causes;

// Legacy against pooled: queue and target counts, churn ratios, pools, idle frames.
mod churn;

// Renders are checked: pixel probes of the final images.
mod render;

// Failure modes: no adapter says how to get one.
mod errors;
