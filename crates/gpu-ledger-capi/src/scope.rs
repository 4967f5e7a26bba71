//! The thread's packet context for C: [`gl_enter_packet`] and [`gl_leave_packet`].
//!
//! In Rust the context is a guard ([`gpu_ledger::PacketScope`]) that restores
//! the previous packet when dropped; a C caller cannot hold one. So each thread
//! keeps the guards it entered on a small fixed-size stack (no allocation, ever):
//! entering pushes a guard, leaving pops and drops it, which restores the packet
//! that was current before. Scopes nest up to [`GL_MAX_PACKET_DEPTH`] deep.

use std::cell::RefCell;

use gpu_ledger::{PacketRef, PacketScope};

use crate::ledger::{FINISHED, GlLedger, OFF};
use crate::status::{GL_OK, GlStatus, finished, guard, invalid, null_arg};

/// How deeply packet scopes can nest on one thread.
pub const GL_MAX_PACKET_DEPTH: u32 = 16;

/// The packet scopes a thread has entered and not yet left, innermost last.
struct Scopes {
    entered: [Option<PacketScope>; GL_MAX_PACKET_DEPTH as usize],
    depth: usize,
}

thread_local! {
    static SCOPES: RefCell<Scopes> = const {
        RefCell::new(Scopes {
            entered: [const { None }; GL_MAX_PACKET_DEPTH as usize],
            depth: 0,
        })
    };
}

/// Makes packet `packet` of sync lane `lane` the calling thread's current
/// packet until the matching [`gl_leave_packet`]: every resource event the
/// thread records meanwhile carries it.
///
/// Scopes nest (up to `GL_MAX_PACKET_DEPTH`); leaving restores the packet that
/// was current before. On a disabled ledger both calls do nothing.
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_INVALID_ARGUMENT`: scopes already nest `GL_MAX_PACKET_DEPTH` deep
///   on this thread (a `gl_leave_packet` is missing);
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish` (nothing is entered).
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe; the context belongs to the calling thread, so enter and leave
/// a packet on the same thread. No lock, no allocation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_enter_packet(
    ledger: *const GlLedger,
    lane: u64,
    packet: u64,
) -> GlStatus {
    const F: &str = "gl_enter_packet";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let Some(handle) = (unsafe { ledger.as_ref() }) else {
        return null_arg(F, "ledger");
    };
    match handle.state() {
        OFF => return GL_OK,
        FINISHED => return finished(F),
        _ => {}
    }
    guard(F, || {
        let pushed = SCOPES.try_with(|scopes| {
            let mut scopes = scopes.borrow_mut();
            let depth = scopes.depth;
            let slot = scopes.entered.get_mut(depth)?;
            *slot = Some(handle.ledger().enter_packet(PacketRef::new(lane, packet)));
            scopes.depth = depth + 1;
            Some(())
        });
        match pushed {
            Ok(Some(())) => GL_OK,
            Ok(None) => invalid(
                F,
                format_args!(
                    "packet scopes nest deeper than {GL_MAX_PACKET_DEPTH} on this thread \
                     (entering lane {lane} packet {packet}): is a gl_leave_packet missing?"
                ),
            ),
            Err(_) => invalid(F, format_args!("the calling thread is exiting")),
        }
    })
}

/// Leaves the packet the calling thread entered last with [`gl_enter_packet`],
/// making the packet current before it current again.
///
/// # Errors
/// - `GL_ERR_NULL_POINTER`: `ledger` is NULL;
/// - `GL_ERR_INVALID_ARGUMENT`: this thread has no packet to leave;
/// - `GL_ERR_FINISHED`: after `gl_ledger_finish` with no packet to leave (a
///   packet entered before the finish is still left, returning `GL_OK`).
///
/// # Safety
/// `ledger` must be NULL or a live handle.
///
/// # Threading
/// Thread-safe; leaves the calling thread's packet only. No lock, no allocation.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gl_leave_packet(ledger: *const GlLedger) -> GlStatus {
    const F: &str = "gl_leave_packet";
    // SAFETY: the caller promises `ledger` is NULL or a live handle.
    let Some(handle) = (unsafe { ledger.as_ref() }) else {
        return null_arg(F, "ledger");
    };
    let state = handle.state();
    if state == OFF {
        return GL_OK;
    }
    guard(F, || {
        let left = SCOPES.try_with(|scopes| {
            let mut scopes = scopes.borrow_mut();
            let depth = scopes.depth.checked_sub(1)?;
            scopes.depth = depth;
            // Dropping the guard restores the previous packet.
            scopes.entered[depth].take()
        });
        match left {
            Ok(Some(_restored)) => GL_OK,
            Ok(None) if state == FINISHED => finished(F),
            Ok(None) => invalid(
                F,
                format_args!("no packet to leave on this thread: gl_enter_packet was not called"),
            ),
            Err(_) => invalid(F, format_args!("the calling thread is exiting")),
        }
    })
}
