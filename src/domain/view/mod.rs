//! What one person is looking at: focus, overlays, selections, and the view
//! saved between sessions.

pub mod memory;
