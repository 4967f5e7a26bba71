//! The `gpu-ledger` command-line tool.
fn main() {}
