//! The crate's one public error type: [`Error`], classified by [`ErrorKind`].
//!
//! Library code never prints, exits or panics on bad input: it returns an
//! [`Error`] for what makes the input unusable, and counts what it can recover
//! from (see [`crate::format::ReadSummary`]). Messages are lowercase, name the
//! offending value (for trace files the byte offset and the block, record or
//! line index) and suggest a fix when one is known. The underlying cause (an
//! [`std::io::Error`], a JSON error) is kept as the [`source`](std::error::Error::source)
//! and is not repeated in the message, so a caller printing the whole cause
//! chain prints each fact once.

use std::fmt;
use std::path::{Path, PathBuf};

/// What went wrong, broadly: the part of an [`Error`] a program can match on.
///
/// New kinds may be added in minor releases, so matches need a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Reading or writing the underlying file or stream failed (the source is
    /// the [`std::io::Error`]); for trace writers, the first failed write,
    /// after which the writer stops writing.
    Io,
    /// The input does not start like a gpu-ledger trace: the binary magic tag
    /// is wrong, or a JSON Lines trace does not begin with its header record.
    BadMagic,
    /// The trace's format version is newer than this build understands (or is
    /// not a valid version at all): upgrade gpu-ledger.
    UnsupportedVersion,
    /// The input ended before its header was complete, so not even the
    /// stream's description could be read. (A trace cut off after its header
    /// is not an error: the reader reports the loss in its summary.)
    Truncated,
    /// Bytes that must be intact are not: the binary trace header fails its
    /// checksum or holds impossible values. (Corrupt blocks after the header
    /// are skipped and reported in the reader's summary, not returned as errors.)
    Corrupt,
    /// A JSON Lines trace's header line is not valid JSON (the source is the
    /// `serde_json` error). Malformed lines after the header are counted, not
    /// returned as errors.
    Json,
    /// The input is valid but this reader cannot handle it: a raw renderer log
    /// given to a trace reader (logs are read by [`crate::import`]), or a JSON
    /// Lines trace in a build without the `json` feature.
    Unsupported,
    /// A runtime toggle (`GPU_LEDGER_TRACE` and friends) has a value that is
    /// not a switch: use 1 or 0.
    InvalidToggle,
    /// A value given to gpu-ledger is outside what it accepts, and changing it
    /// would be silent data loss: a name longer than
    /// [`MAX_NAME_LEN`](crate::format::MAX_NAME_LEN) handed to a trace writer
    /// (which then stops writing), a synthetic workload asked for fewer events
    /// than its shape needs (or a shape it would round up), an output that is
    /// one of the inputs.
    InvalidInput,
}

impl ErrorKind {
    /// A short lowercase description of the kind, as `Display` prints it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "i/o error",
            ErrorKind::BadMagic => "not a gpu-ledger trace",
            ErrorKind::UnsupportedVersion => "unsupported trace format version",
            ErrorKind::Truncated => "truncated input",
            ErrorKind::Corrupt => "corrupt input",
            ErrorKind::Json => "invalid json",
            ErrorKind::Unsupported => "unsupported input",
            ErrorKind::InvalidToggle => "invalid toggle",
            ErrorKind::InvalidInput => "invalid input",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error from gpu-ledger: a [`kind`](Self::kind), a lowercase message naming
/// the offending value, and where known the byte offset, the file path and the
/// underlying cause.
///
/// `Display` prints the message, prefixed with the path when there is one;
/// the cause is available through [`std::error::Error::source`].
///
/// # Example
///
/// ```
/// use gpu_ledger::format::BinaryReader;
/// use gpu_ledger::ErrorKind;
///
/// let err = BinaryReader::new(&b"not a trace at all"[..]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::BadMagic);
/// assert_eq!(err.offset(), Some(0));
/// assert!(err.to_string().starts_with("not a gpu-ledger binary trace"));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
    message: String,
    offset: Option<u64>,
    path: Option<PathBuf>,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// A new error of `kind` with a lowercase `message`.
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            inner: Box::new(Inner {
                kind,
                message: message.into(),
                offset: None,
                path: None,
                source: None,
            }),
        }
    }

    /// An [`ErrorKind::Io`] error: `message` says what was being done.
    pub(crate) fn io(message: impl Into<String>, source: std::io::Error) -> Self {
        Self::new(ErrorKind::Io, message).with_source(source)
    }

    /// Records the byte offset the error is about.
    pub(crate) fn at(mut self, offset: u64) -> Self {
        self.inner.offset = Some(offset);
        self
    }

    /// Records the underlying cause.
    pub(crate) fn with_source(
        mut self,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        self.inner.source = Some(Box::new(source));
        self
    }

    /// Adds `more` to the end of the message (what could still be read, say).
    pub(crate) fn and(mut self, more: &str) -> Self {
        self.inner.message.push_str(more);
        self
    }

    /// Records the file the error is about, unless one is already recorded.
    pub(crate) fn with_path(mut self, path: &Path) -> Self {
        if self.inner.path.is_none() {
            self.inner.path = Some(path.to_path_buf());
        }
        self
    }

    /// What kind of error this is.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind
    }

    /// The byte offset in the input or output the error is about, when known.
    pub fn offset(&self) -> Option<u64> {
        self.inner.offset
    }

    /// The file the error is about, when known.
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    /// The message alone, without the path.
    pub fn message(&self) -> &str {
        &self.inner.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.inner.path {
            write!(f, "{}: ", path.display())?;
        }
        f.write_str(&self.inner.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Error");
        s.field("kind", &self.inner.kind)
            .field("message", &self.inner.message);
        if let Some(offset) = self.inner.offset {
            s.field("offset", &offset);
        }
        if let Some(path) = &self.inner.path {
            s.field("path", path);
        }
        if let Some(source) = &self.inner.source {
            s.field("source", source);
        }
        s.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn display_prefixes_path_and_keeps_source_separate() {
        let err = Error::io(
            "cannot read trace at byte 12",
            std::io::Error::other("disk on fire"),
        )
        .at(12)
        .with_path(Path::new("run.trace"));
        assert_eq!(err.to_string(), "run.trace: cannot read trace at byte 12");
        assert_eq!(err.kind(), ErrorKind::Io);
        assert_eq!(err.offset(), Some(12));
        assert_eq!(err.path(), Some(Path::new("run.trace")));
        assert_eq!(
            err.source().map(|s| s.to_string()).as_deref(),
            Some("disk on fire")
        );
    }

    #[test]
    fn first_path_wins() {
        let err = Error::new(ErrorKind::Corrupt, "bad")
            .with_path(Path::new("a"))
            .with_path(Path::new("b"));
        assert_eq!(err.to_string(), "a: bad");
    }

    #[test]
    fn error_is_send_sync_and_small() {
        fn assert_send_sync<T: Send + Sync + 'static>() {}
        assert_send_sync::<Error>();
        assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
    }
}
