//! The commands the frontend may call, one module per domain. Each is a thin adapter over the
//! engine: argument parsing, the backend, and `{code, message}` errors.

pub mod auth;
pub mod sessions;
pub mod settings;
pub mod sync;
pub mod updates;
