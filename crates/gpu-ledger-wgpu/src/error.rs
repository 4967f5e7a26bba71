//! The crate's one error type: what can go wrong when a tracked wrapper talks to wgpu.
//!
//! Recording itself never fails (the ledger counts what it drops), so errors here
//! are only about the GPU: finding an adapter, opening a device, waiting for work,
//! or using a resource that was already destroyed. This module must never print,
//! exit or panic; every message is lowercase, names the offending value and, where
//! one is known, suggests a fix. As in the core crate, wgpu's own error is the
//! [`source`](std::error::Error::source) and is not repeated in the message, so a
//! cause chain prints each fact once.

use std::fmt;

/// What kind of failure an [`Error`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// wgpu found no adapter on any enabled backend (no GPU driver, not even a
    /// software one). The message says how to install Mesa's software Vulkan driver.
    NoAdapter,
    /// The adapter refused to open a device (unsupported limits or features, lost GPU).
    RequestDevice,
    /// Waiting for submitted work failed: the wait timed out, the submission index
    /// was not from this device, or the device was lost.
    Poll,
    /// The operation needs a live resource, but [`destroy`](crate::TrackedTexture::destroy)
    /// was already called on it (or on a clone of it).
    Destroyed,
}

/// An error from a tracked wrapper.
///
/// # Example
/// ```
/// use gpu_ledger_wgpu::{Error, ErrorKind};
///
/// fn describe(err: &Error) -> &'static str {
///     match err.kind() {
///         ErrorKind::NoAdapter => "install a GPU driver",
///         _ => "something else",
///     }
/// }
/// # let _ = describe;
/// ```
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether no GPU adapter was found.
    pub fn is_no_adapter(&self) -> bool {
        self.kind == ErrorKind::NoAdapter
    }

    /// Whether the resource had already been destroyed.
    pub fn is_destroyed(&self) -> bool {
        self.kind == ErrorKind::Destroyed
    }

    #[cold]
    pub(crate) fn new(
        kind: ErrorKind,
        message: String,
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self {
            kind,
            message,
            source,
        }
    }

    #[cold]
    pub(crate) fn no_adapter(source: wgpu::RequestAdapterError) -> Self {
        Self::new(
            ErrorKind::NoAdapter,
            String::from(
                "no GPU adapter found: install a Vulkan, Metal, DX12 or GL driver, \
                 e.g. Mesa's software Vulkan driver: `apt-get install mesa-vulkan-drivers`",
            ),
            Some(Box::new(source)),
        )
    }

    #[cold]
    pub(crate) fn request_device(adapter: &str, source: wgpu::RequestDeviceError) -> Self {
        Self::new(
            ErrorKind::RequestDevice,
            format!("adapter `{adapter}` refused to open a device"),
            Some(Box::new(source)),
        )
    }

    #[cold]
    pub(crate) fn poll(source: wgpu::PollError) -> Self {
        Self::new(
            ErrorKind::Poll,
            String::from("waiting for submitted GPU work failed"),
            Some(Box::new(source)),
        )
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
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}
