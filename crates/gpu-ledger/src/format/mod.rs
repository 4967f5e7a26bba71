//! Trace file formats (stub: being written).
