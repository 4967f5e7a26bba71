//! A headless compositor on wgpu that replays gpu-ledger's two validation
//! programs, EllipsePathCompositorTest and TextCompositorTest, in the older
//! (`legacy`) and the current (`pooled`) architecture, really drawing them and
//! recording every resource and packet into a [`gpu_ledger::Ledger`], while
//! counting for itself what it did, so telemetry can be checked against truth.
//!
//! ```
//! use std::sync::Arc;
//! use gpu_ledger::{Collected, Ledger, PacketStage, EventKind};
//! use gpu_ledger_demo::{DemoConfig, Mode, Scenario};
//!
//! # fn main() -> Result<(), gpu_ledger_demo::DemoError> {
//! let ledger = Arc::new(Ledger::start(gpu_ledger_demo::ledger_config(), Collected::default()));
//! let config = DemoConfig { steady_frames: 2, ..DemoConfig::new(Scenario::EllipsePath, Mode::Legacy) };
//! let outcome = gpu_ledger_demo::run(&config, ledger.clone())?; // fails without a GPU adapter
//! eprintln!("rendered on {}", outcome.adapter);
//!
//! let events = ledger.finish().into_sink::<Collected>().expect("our sink").events;
//! let presented = events
//!     .iter()
//!     .filter(|e| matches!(e.kind, EventKind::Packet { stage: PacketStage::Presented, .. }))
//!     .count() as u64;
//! assert_eq!(presented, outcome.truth.presented);
//! assert_eq!(outcome.image.pixel(20, 20), Some([255, 255, 255, 255])); // the white background
//! # Ok(()) }
//! ```
//!
//! # Overview
//! - [`run`] opens the first adapter wgpu finds and replays a [`DemoConfig`]:
//!   startup layout passes with their churn, an intro animation, a scripted
//!   resize, an idle phase and the shutdown marker, then teardown.
//! - [`DemoOutcome`]: the compositor's [`GroundTruth`], the window's final
//!   [`Image`] and the [`AdapterSummary`] it ran on.
//! - [`DemoError`]: no adapter (with how to get one), no device, or a GPU error.
//!
//! # What is "headless" here
//! Targets are offscreen textures. A frame is *presented* when its GPU work has
//! completed and its targets were handed to a stand-in window server, which
//! composes the final image when it is read back. Per-target command queues are
//! logical objects: wgpu gives a device one queue, through which every frame is
//! submitted once; the logical queues are created, destroyed and touched as the
//! architecture prescribes. There is no fake device: without an adapter, [`run`]
//! fails and says how to install one.
//!
//! The demo never depends on a driver's speed or scheduling: every step waits on
//! the work it needs, so the same run records the same events, in the same order
//! (timestamps aside), on Mesa's software Vulkan driver and on a hardware GPU.
//!
//! # Feature flags
//! None.

mod atlas;
mod compositor;
mod config;
mod display;
mod error;
mod image;
mod legacy;
mod pool;
mod pooled;
mod render;
mod report;
mod resources;
mod scene;
mod truth;

use std::fmt;
use std::sync::Arc;

use gpu_ledger::Ledger;
use gpu_ledger_wgpu::TrackedDevice;

pub use compositor::LOG_TARGET;
pub use config::{DemoConfig, Mode, ParseNameError, Scenario};
pub use error::{DemoError, ErrorKind};
/// The demo draws with wgpu: start the ledger it records into with wgpu's
/// configuration, which declares the deferred release model.
pub use gpu_ledger_wgpu::ledger_config;
pub use image::Image;
pub use report::{DEMO_FORMAT, DemoReport, TruthReport};
pub use truth::GroundTruth;

/// What a run produced.
#[derive(Clone, Debug)]
pub struct DemoOutcome {
    /// What was run.
    pub config: DemoConfig,
    /// The compositor's own counts.
    pub truth: GroundTruth,
    /// The window's final frame (1000×1000: 500×500 points at scale 2).
    pub image: Image,
    /// The adapter it ran on.
    pub adapter: AdapterSummary,
}

/// The adapter a run used, as wgpu describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdapterSummary {
    /// The adapter's name, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`.
    pub name: String,
    /// The backend: `Vulkan`, `Metal`, `Dx12` or `Gl`.
    pub backend: String,
    /// `DiscreteGpu`, `IntegratedGpu`, `VirtualGpu`, `Cpu` or `Other`.
    pub device_type: String,
    /// The driver and its version, where the backend reports them.
    pub driver: String,
}

impl fmt::Display for AdapterSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {}", self.name, self.backend, self.device_type)?;
        if !self.driver.is_empty() {
            write!(f, ", {}", self.driver)?;
        }
        f.write_str(")")
    }
}

/// Replays `config` on the first adapter wgpu finds, recording into `ledger`.
///
/// Every event is recorded on the calling thread, except `Completed`, which wgpu
/// reports from its completion callback during the demo's own waits. The phases
/// (layout settled, shutdown begins) are logged at info under [`LOG_TARGET`]. When this
/// returns, every event of the run has been recorded (finish or flush the ledger
/// to have them reach its sink), and every resource it created was destroyed
/// after the shutdown marker, or earlier by a rebuild.
///
/// # Errors
/// - [`ErrorKind::NoAdapter`] when wgpu finds no adapter; the message says how
///   to install one (a GPU driver, or Debian's `mesa-vulkan-drivers`);
/// - [`ErrorKind::Device`] when the adapter will not open a device;
/// - [`ErrorKind::Gpu`] when wgpu reports an error while drawing (the packet is
///   recorded `Failed`) or reading back the final image.
pub fn run(config: &DemoConfig, ledger: Arc<Ledger>) -> Result<DemoOutcome, DemoError> {
    let (device, info) =
        pollster::block_on(TrackedDevice::request(ledger.clone())).map_err(DemoError::open)?;
    let adapter = AdapterSummary {
        name: info.name.clone(),
        backend: format!("{:?}", info.backend),
        device_type: format!("{:?}", info.device_type),
        driver: [info.driver.as_str(), info.driver_info.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    };
    let mut session = compositor::Session::new(device, config.frame_interval);
    let mut arch: Box<dyn compositor::Architecture> = match config.mode {
        Mode::Legacy => Box::new(legacy::Legacy::new(
            scene::Scene::new(config.scenario).nodes.len(),
        )),
        Mode::Pooled => Box::new(pooled::Pooled::new(&ledger)),
    };
    let image = compositor::run_script(&mut session, arch.as_mut(), config)?;
    Ok(DemoOutcome {
        config: config.clone(),
        truth: session.ctx.truth,
        image,
        adapter,
    })
}
