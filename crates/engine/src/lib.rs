//! The q2google engine: everything that moves media from the GoPro cloud to Google Photos,
//! with no knowledge of Tauri or any UI.
//!
//! - [`config`]: base URLs of both clouds (real hosts by default, fakes by configuration) and
//!   the data folder the app and the CLI share.
//! - [`connect`]: [`Connector`](connect::Connector), the one place both clients are made.
//! - [`lock`]: [`RunLock`](lock::RunLock), one engine per data folder.
//! - [`secret`]: redaction types for tokens and signed URLs.
//! - [`http`]: the one HTTP core both clients share (retry policy, backoff, error shape).
//! - [`auth`]: OAuth 2 with PKCE for Google and the access-token cache.
//! - [`gopro`]: the GoPro cloud client (listing, originals selection, CDN download).
//! - [`photos`]: the Google Photos Library client (uploads, batchCreate, albums, listing).
//! - [`model`]: sessions, files and their persisted states.
//! - [`preview`]: what a range holds before anything moves.
//! - [`resumable`]: whether a stored session can be resumed.
//! - [`settings`], [`events`], [`metrics`], [`control`]: what a run is configured with, reports and obeys.
//! - [`orchestrator`]: [`GoProToPhotosSync`](orchestrator::GoProToPhotosSync), running discovery → transfer → create.
//! - [`store`]: the session store (SQLite on disk, in memory for tests).
//! - [`tokens`]: where sign-in tokens are kept (OS keyring, memory, environment overrides).
//! - [`vault`]: unfinished uploads' session URLs sealed for the session store.
//! - [`video_times`]: correct header times for videos from GoPros before the HERO11.

pub mod auth;
pub mod config;
pub mod connect;
pub mod control;
pub mod error;
pub mod events;
pub mod go_on;
pub mod gopro;
pub mod http;
pub mod interrupted;
pub mod lock;
pub mod metrics;
pub mod model;
pub mod orchestrator;
pub mod photos;
pub mod preview;
pub mod resumable;
pub mod secret;
pub mod settings;
mod stages;
pub mod store;
pub mod tokens;
pub mod vault;
pub mod video_times;

pub use stages::{CreateBatchResult, Stop};
