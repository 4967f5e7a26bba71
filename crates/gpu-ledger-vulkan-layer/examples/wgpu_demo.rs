//! Runs gpu-ledger's demo compositor (wgpu) and writes what its tracked wgpu
//! wrappers recorded to a trace: the program the layer's tests run under
//! `VK_LAYER_gpu_ledger`, to compare the layer's view of the same run with the
//! wrappers' view.
//!
//! ```sh
//! cargo run -p gpu-ledger-vulkan-layer --example wgpu_demo -- wrappers.jsonl [ellipse-path|text] [legacy|pooled]
//! ```
//!
//! The trace path is required; the scenario and mode default to
//! `ellipse-path legacy`. wgpu passes its labels to Vulkan as debug names when
//! its debug flag is on (`WGPU_DEBUG=1`, the default in debug builds).

use std::error::Error;
use std::path::PathBuf;

use gpu_ledger::Session;
use gpu_ledger_demo::{DemoConfig, Mode, Scenario};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(
        args.next()
            .ok_or("usage: wgpu_demo TRACE [SCENARIO] [MODE]")?,
    );
    let scenario: Scenario = args.next().as_deref().unwrap_or("ellipse-path").parse()?;
    let mode: Mode = args.next().as_deref().unwrap_or("legacy").parse()?;
    let session = Session::start(&out)?;
    let config = DemoConfig {
        steady_frames: 2,
        ..DemoConfig::new(scenario, mode)
    };
    let outcome = gpu_ledger_demo::run(&config, session.ledger().clone())?;
    session.finish()?;
    println!(
        "{} {} on {}: {} presented, trace {}",
        scenario.name(),
        mode.name(),
        outcome.adapter,
        outcome.truth.presented,
        out.display()
    );
    Ok(())
}
