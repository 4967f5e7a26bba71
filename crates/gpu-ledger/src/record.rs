//! The recorder (being written).
