//! The engine's integration tests: one binary, a module per concept of `src/`, against the
//! fakes of both clouds over loopback HTTP (never mocks of the engine's own functions).
//!
//! - `auth`: Google sign-in through the browser and the loopback redirect.
//! - `gopro`, `photos`: the two clients against their fakes.
//! - `lock`: the run lock across processes.
//! - `orchestrator`: whole runs, with a module per area (stops, failures, doubt, pace, …).
//! - `store`: the session store, SQLite and memory.
//! - `tokens`: the token stores and the real OS keyring (`scripts/test-keyring`).
//! - `common`: the clients as the app makes them, pointed at the fakes.

mod auth;
mod common;
mod gopro;
mod lock;
mod orchestrator;
mod photos;
mod store;
mod tokens;
