//! The GoPro cloud client.
//!
//! GoPro's media API is undocumented; what it does is written down, with sources, in
//! `shared/design/gopro-api.md`. This module lists the media of a capture-date range
//! ([`GoProClient::search`]), resolves which files of a medium are originals and which are
//! skipped and why ([`select`]), and downloads originals from the signed CDN with `Range` resume
//! and URL re-resolution ([`GoProClient::download`]).

pub mod api;
mod client;
mod download;
mod error;
pub mod range;
pub mod select;
mod walk;

pub use client::{GoProClient, GoProCredentials, Thumbnail, VENDOR_ACCEPT};
pub use download::CdnStream;
pub use error::GoProError;
pub use range::CaptureRange;
pub use select::{Choice, Original, SelectOptions};
pub use walk::MediaWalk;
