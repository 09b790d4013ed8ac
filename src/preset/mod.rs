//! Presets: the answers file of the wizard, parsed strictly and validated in one place.

mod model;

pub use model::*;
