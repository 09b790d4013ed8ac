//! One integration test binary (one link of the library), with a module per area.

mod completions;
mod errors;
mod fidelity;
mod generate;
mod impact;
mod layering;
mod live;
mod presets;
mod run_lock;
mod sandbox_tree;
mod support;
mod terraform_bin;
mod toolchain;
mod tui;
