//! The demo's one error type.
//!
//! The demo fails only when the GPU does: no adapter, no device, an error wgpu
//! reports while a frame is encoded or executed, or a failed readback. It never
//! falls back to a fake device, and the message for a missing adapter says how
//! to get one. Messages are lowercase and name what failed.

use std::fmt;

/// What kind of failure a [`DemoError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// wgpu found no adapter on any enabled backend (Vulkan, Metal, DX12, GL): no
    /// GPU driver, not even Mesa's software one.
    NoAdapter,
    /// The adapter refused to open a device.
    Device,
    /// wgpu reported an error while the demo drew, waited for or read back a frame
    /// (a validation error, a lost device, a failed map).
    Gpu,
}

/// Why a demo run failed.
///
/// # Example
/// ```
/// use gpu_ledger_demo::{DemoError, ErrorKind};
///
/// fn advice(err: &DemoError) -> &'static str {
///     match err.kind() {
///         ErrorKind::NoAdapter => "install mesa-vulkan-drivers or a GPU driver",
///         _ => "see the message",
///     }
/// }
/// # let _ = advice;
/// ```
#[derive(Debug)]
pub struct DemoError {
    kind: ErrorKind,
    message: String,
}

impl DemoError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Whether no GPU adapter was found.
    pub fn is_no_adapter(&self) -> bool {
        self.kind == ErrorKind::NoAdapter
    }

    #[cold]
    pub(crate) fn gpu(message: String) -> Self {
        Self {
            kind: ErrorKind::Gpu,
            message,
        }
    }

    #[cold]
    pub(crate) fn gpu_from(what: &str, source: gpu_ledger_wgpu::Error) -> Self {
        Self::gpu(format!("{what}: {}", innermost(&source)))
    }

    #[cold]
    pub(crate) fn open(source: gpu_ledger_wgpu::Error) -> Self {
        let cause = innermost(&source);
        if source.is_no_adapter() {
            Self {
                kind: ErrorKind::NoAdapter,
                message: format!(
                    "no GPU adapter found ({cause}); the demo needs a real one and never \
                     falls back to a fake device: install a GPU driver, or Mesa's software \
                     Vulkan driver (Debian/Ubuntu package `mesa-vulkan-drivers`)"
                ),
            }
        } else {
            Self {
                kind: ErrorKind::Device,
                message: format!("cannot open a GPU device: {source}: {cause}"),
            }
        }
    }
}

/// The text of the deepest error in `error`'s source chain: the one that says
/// what wgpu itself reported, without the wrappers' rephrasings of it.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = error;
    while let Some(next) = deepest.source() {
        deepest = next;
    }
    deepest.to_string()
}

impl fmt::Display for DemoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DemoError {}
