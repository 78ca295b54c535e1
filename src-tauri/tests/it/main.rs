//! The app crate's integration tests: one binary, a module per module of `src/` it tests.
//!
//! - `awake`: the sleep inhibitor against a logind D-Bus service on a private bus.
//! - `updates`: updates against a local update server with a key made for the test.

mod awake;
mod updates;
