//! The crate's one public error type: [`Error`], classified by [`ErrorKind`].
//!
//! Writers are [`EventSink`](gpu_ledger::EventSink)s, which cannot fail per event:
//! they keep the first I/O error, stop writing, and return it from `finish`. The
//! message says what was being written; the [`std::io::Error`] is the
//! [`source`](std::error::Error::source), not repeated in the message.

use std::fmt;

/// What went wrong, broadly. New kinds may be added, so matches need a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Writing the output failed (the source is the [`std::io::Error`]): the
    /// first failed write, after which the writer wrote nothing more.
    Io,
}

/// An error from a gpu-ledger-viz writer: a [`kind`](Self::kind), a lowercase
/// message, and the underlying cause as its [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<std::io::Error>,
}

impl Error {
    pub(crate) fn io(message: impl Into<String>, source: std::io::Error) -> Self {
        Self {
            kind: ErrorKind::Io,
            message: message.into(),
            source: Some(source),
        }
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The message, without the cause.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The first I/O error of a writer that keeps going after it (an `EventSink`).
#[derive(Debug, Default)]
pub(crate) struct FirstError {
    error: Option<(String, std::io::Error)>,
}

impl FirstError {
    /// Whether a write already failed (nothing more should be written).
    pub(crate) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// Keeps `result`'s error if it is the first.
    pub(crate) fn keep(&mut self, what: &str, result: std::io::Result<()>) {
        if let (Err(e), None) = (result, &self.error) {
            self.error = Some((format!("cannot write the {what}"), e));
        }
    }

    /// The first error, as an [`Error`].
    pub(crate) fn into_result(self) -> Result<(), Error> {
        match self.error {
            Some((message, source)) => Err(Error::io(message, source)),
            None => Ok(()),
        }
    }
}
