//! [`TrackedBuffer`]: a `wgpu::Buffer` that records its lifecycle.
//!
//! Buffers (uniforms, vertices, readbacks, pooled staging) are recorded as
//! [`ResourceType::Buffer`] with their size in bytes. This module keeps one ledger
//! identity per buffer across clones; it must never hide the wgpu object (it
//! derefs to it) and never record a second destroy.

use std::ops::Deref;
use std::sync::Arc;

use gpu_ledger::{Dims, Ledger, Owner, ResourceType};

use crate::record::{Record, impl_tracked};

/// A `wgpu::Buffer` whose create, destroy and binds are recorded in a [`Ledger`]
/// with its owner and the current packet.
///
/// Mirrors [`wgpu::Buffer`] and derefs to it, so `buffer.slice(..)`,
/// `buffer.map_async(..)` and `buffer.size()` work as usual.
///
/// # What it records
/// - `Create` as [`ResourceType::Buffer`] with its size in bytes
///   ([`Dims::bytes`]) when made by
///   [`TrackedDevice::create_buffer`](crate::TrackedDevice::create_buffer) or
///   [`TrackedBuffer::from_buffer`];
/// - `Bind` / `Unbind` / `Touched` on [`bind`](Self::bind), [`unbind`](Self::unbind),
///   [`touch`](Self::touch);
/// - `Destroy` exactly once: on [`destroy`](Self::destroy), or when the last clone drops.
///
/// # Cost
/// One ledger event per recording call (tens of nanoseconds, no lock, no
/// allocation); creating one allocates a shared record once.
#[derive(Clone, Debug)]
pub struct TrackedBuffer {
    buffer: wgpu::Buffer,
    record: Arc<Record>,
}

impl TrackedBuffer {
    /// Tracks a buffer created elsewhere: records its `Create` now, as
    /// [`ResourceType::Buffer`] with its size.
    pub fn from_buffer(buffer: wgpu::Buffer, ledger: Arc<Ledger>, owner: Owner) -> Self {
        let record = Record::create(
            ledger,
            ResourceType::Buffer,
            owner,
            Some(Dims::bytes(buffer.size())),
        );
        Self { buffer, record }
    }

    /// The wrapped `wgpu::Buffer` (also reachable through `Deref`).
    pub fn inner(&self) -> &wgpu::Buffer {
        &self.buffer
    }

    /// Destroys the GPU buffer now ([`wgpu::Buffer::destroy`]) and records
    /// `Destroy`, once: later calls, on this handle or any clone, and the final
    /// drop record nothing more.
    pub fn destroy(&self) {
        if self.record.destroy() {
            self.buffer.destroy();
        }
    }
}

impl_tracked!(TrackedBuffer, "buffer");

impl Deref for TrackedBuffer {
    type Target = wgpu::Buffer;

    fn deref(&self) -> &wgpu::Buffer {
        &self.buffer
    }
}

impl AsRef<wgpu::Buffer> for TrackedBuffer {
    fn as_ref(&self) -> &wgpu::Buffer {
        &self.buffer
    }
}
