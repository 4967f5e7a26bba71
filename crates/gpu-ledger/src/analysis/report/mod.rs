//! The report: its schema (plain data, the JSON contract), its assembly from the
//! fold's state, and its rendering as text.
//!
//! Dependencies point one way: `assemble` reads the fold and builds the `schema`
//! (calling `render::headline` for the sentences); `render` reads the schema only;
//! the schema refers to nothing but the fold's public vocabulary
//! ([`Window`](crate::analysis::Window), [`DestroyCause`](crate::analysis::DestroyCause)).
//! Nothing here changes the fold.

pub(crate) mod assemble;
pub(crate) mod numbers;
pub(crate) mod render;
pub(crate) mod schema;
