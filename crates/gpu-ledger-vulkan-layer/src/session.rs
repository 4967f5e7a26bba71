//! The recording session: one [`Ledger`] per run of instances, started from the
//! `GPU_LEDGER_*` toggles when the first instance is created and finished when
//! the last one is destroyed.
//!
//! The loader may unload the layer's library once the last instance is gone, so
//! the ledger's drain thread must have ended by then: finishing at the last
//! `vkDestroyInstance` is the only point the layer knows is both late enough
//! and safe (a program that exits without destroying its instances has its
//! session finished by the `instance` module's exit handler). A program that
//! creates instances again after destroying them all starts a new session,
//! whose trace gets a `-2`, `-3`... suffix so that it never overwrites the
//! first. This module owns the layer's vocabulary (the resource types and owner
//! kinds it records under Vulkan's names) and the bounded table of debug names
//! used as owners. A bad toggle or an unwritable trace is reported on stderr
//! and leaves recording off: the program itself runs on unchanged.

use std::ffi::CStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use gpu_ledger::toggle::{DEFAULT_PREFIX, HostSink, Toggles};
use gpu_ledger::{
    Ledger, LedgerConfig, Marker, OwnerKind, ReleaseModel, ReleaseModels, ResourceType,
};
use rustc_hash::FxHashMap;

/// Distinct debug names used as owner kinds per session; later names fall back
/// to the creating device or swapchain, so a program that names every object
/// uniquely cannot grow the trace's name table without bound.
pub(crate) const MAX_OWNER_NAMES: usize = 1024;

/// The resource types, owner kinds and markers the layer records, interned once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Vocab {
    /// `VkImageView`.
    pub(crate) image_view: ResourceType,
    /// `VkDeviceMemory`.
    pub(crate) memory: ResourceType,
    /// `VkFramebuffer`.
    pub(crate) framebuffer: ResourceType,
    /// `VkCommandPool`.
    pub(crate) command_pool: ResourceType,
    /// `VkDevice`.
    pub(crate) device: ResourceType,
    /// `SwapchainImage`: an image a swapchain owns (`vkGetSwapchainImagesKHR`).
    pub(crate) swapchain_image: ResourceType,
    /// Owner kind `VkInstance` (key: the instance's number in the session).
    pub(crate) by_instance: OwnerKind,
    /// Owner kind `VkDevice` (key: the device's resource id).
    pub(crate) by_device: OwnerKind,
    /// Owner kind `VkSurfaceKHR` (key: the surface handle).
    pub(crate) by_surface: OwnerKind,
    /// Owner kind `VkSwapchainKHR` (key: the swapchain's resource id).
    pub(crate) by_swapchain: OwnerKind,
    /// Owner kind `VkCommandPool` (key: the pool's resource id).
    pub(crate) by_pool: OwnerKind,
    /// Marker `VK_SUBOPTIMAL_KHR`: a present succeeded on a swapchain that no
    /// longer matches its surface.
    pub(crate) suboptimal: Marker,
}

impl Vocab {
    fn intern(ledger: &Ledger) -> Self {
        Self {
            image_view: ledger.resource_type("VkImageView"),
            memory: ledger.resource_type("VkDeviceMemory"),
            framebuffer: ledger.resource_type("VkFramebuffer"),
            command_pool: ledger.resource_type("VkCommandPool"),
            device: ledger.resource_type("VkDevice"),
            swapchain_image: ledger.resource_type("SwapchainImage"),
            by_instance: ledger.owner_kind("VkInstance"),
            by_device: ledger.owner_kind("VkDevice"),
            by_surface: ledger.owner_kind("VkSurfaceKHR"),
            by_swapchain: ledger.owner_kind("VkSwapchainKHR"),
            by_pool: ledger.owner_kind("VkCommandPool"),
            suboptimal: ledger.marker_named("VK_SUBOPTIMAL_KHR"),
        }
    }
}

/// One recording: the ledger, its vocabulary and its debug-name owners.
pub(crate) struct Session {
    /// The ledger; [`Ledger::disabled`] when no toggle is on.
    pub(crate) ledger: Ledger,
    /// The names the layer records with.
    pub(crate) vocab: Vocab,
    owner_names: Mutex<FxHashMap<Box<str>, OwnerKind>>,
}

impl Session {
    fn new(ledger: Ledger) -> Self {
        Self {
            vocab: Vocab::intern(&ledger),
            ledger,
            owner_names: Mutex::new(FxHashMap::default()),
        }
    }

    /// Whether this session records anything: when not, the layer installs no
    /// device hooks at all and costs nothing per call.
    pub(crate) fn is_recording(&self) -> bool {
        self.ledger.is_enabled()
    }

    /// The owner kind for a debug name (`VK_EXT_debug_utils`), interned once per
    /// distinct name; `None` for an empty name or past [`MAX_OWNER_NAMES`].
    pub(crate) fn owner_named(&self, name: &CStr) -> Option<OwnerKind> {
        let text = name.to_string_lossy();
        if text.is_empty() {
            return None;
        }
        let mut names = self.owner_names.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&kind) = names.get(&*text) {
            return Some(kind);
        }
        if names.len() >= MAX_OWNER_NAMES {
            return None;
        }
        let kind = self.ledger.owner_kind(&text);
        names.insert(text.into(), kind);
        Some(kind)
    }
}

/// The sessions of this process.
struct Sessions {
    current: Option<Arc<Session>>,
    instances: usize,
    started: u32,
}

static SESSIONS: Mutex<Sessions> = Mutex::new(Sessions {
    current: None,
    instances: 0,
    started: 0,
});

/// A new instance joins the current session, starting one if there is none.
pub(crate) fn attach() -> Arc<Session> {
    let mut sessions = SESSIONS.lock().unwrap_or_else(|e| e.into_inner());
    sessions.instances += 1;
    if let Some(session) = &sessions.current {
        return session.clone();
    }
    sessions.started += 1;
    let session = Arc::new(start(sessions.started));
    sessions.current = Some(session.clone());
    session
}

/// An instance was destroyed (or its creation failed): returns the session
/// when that was its last instance, for the caller to [`finish`].
pub(crate) fn detach() -> Option<Arc<Session>> {
    let mut sessions = SESSIONS.lock().unwrap_or_else(|e| e.into_inner());
    sessions.instances = sessions.instances.saturating_sub(1);
    if sessions.instances > 0 {
        return None;
    }
    sessions.current.take()
}

/// The open session, taken out to be finished now (the process is exiting).
pub(crate) fn take_open() -> Option<Arc<Session>> {
    SESSIONS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .current
        .take()
}

/// Starts session `number` from the process environment.
fn start(number: u32) -> Session {
    let toggles = match Toggles::from_env(DEFAULT_PREFIX) {
        Ok(toggles) => toggles,
        Err(e) => {
            eprintln!("gpu-ledger layer: {e}; recording is off");
            Toggles::default()
        }
    };
    // Vulkan frees at vkDestroy*: the trace says so, and reports check destroys in
    // flight as errors.
    let config = LedgerConfig {
        release: ReleaseModels::uniform(ReleaseModel::Immediate),
        ..LedgerConfig::default()
    };
    let toggles = numbered(toggles, &config.source, number);
    let ledger = match gpu_ledger::toggle::start(&toggles, config, Box::new(std::io::stderr())) {
        Ok(ledger) => ledger,
        Err(e) => {
            eprintln!("gpu-ledger layer: {e}; recording is off");
            Ledger::disabled()
        }
    };
    Session::new(ledger)
}

/// The toggles of session `number`: from the second session on, the trace path
/// gets a `-<number>` suffix so that no session overwrites another's trace.
fn numbered(mut toggles: Toggles, source: &str, number: u32) -> Toggles {
    if toggles.trace && number > 1 {
        let path = toggles.trace_path_now(source);
        toggles.out = Some(with_suffix(&path, number));
    }
    toggles
}

/// `dir/run.gltrace` → `dir/run-2.gltrace`.
fn with_suffix(path: &Path, number: u32) -> PathBuf {
    let stem = path
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{number}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{number}"),
    };
    path.with_file_name(name)
}

/// Drains the session's ledger, writes the startup summary if it is still due
/// and closes the trace, reporting a write failure on stderr.
pub(crate) fn finish(session: &Session) {
    let done = session.ledger.finish();
    if let Some(sink) = done.into_sink::<HostSink>()
        && let Err(e) = sink.finish()
    {
        eprintln!("gpu-ledger layer: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_sessions_never_reuse_the_first_trace_path() {
        let toggles = Toggles {
            trace: true,
            report: false,
            out: Some(PathBuf::from("/tmp/runs/vkcube.gltrace")),
            ..Toggles::default()
        };
        assert_eq!(numbered(toggles.clone(), "vkcube", 1).out, toggles.out);
        assert_eq!(
            numbered(toggles, "vkcube", 3).out,
            Some(PathBuf::from("/tmp/runs/vkcube-3.gltrace"))
        );
        assert_eq!(with_suffix(Path::new("trace"), 2), PathBuf::from("trace-2"));
        let off = Toggles::default();
        assert_eq!(
            numbered(off, "vkcube", 2).out,
            None,
            "nothing is named when nothing is traced"
        );
    }

    #[test]
    fn debug_names_become_owner_kinds_once_and_are_bounded() {
        let session = Session::new(Ledger::disabled());
        let a = session.owner_named(c"display layer").expect("a name");
        assert_eq!(
            session.owner_named(c"display layer"),
            Some(a),
            "interned once"
        );
        assert_eq!(session.owner_named(c""), None, "an empty name is no owner");
        for i in 1..MAX_OWNER_NAMES {
            let name = std::ffi::CString::new(format!("object {i}")).expect("no NUL");
            assert!(session.owner_named(&name).is_some());
        }
        assert_eq!(session.owner_named(c"one too many"), None);
        assert_eq!(
            session.owner_named(c"display layer"),
            Some(a),
            "known names still resolve"
        );
    }
}
