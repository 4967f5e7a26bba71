//! The analysis (stub: being written).
