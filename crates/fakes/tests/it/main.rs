//! The fakes' integration tests: one binary, laid out as `src/` is, every fake driven over real
//! HTTP on loopback.
//!
//! - `google`: the Google OAuth and Photos fake, a module per area of `src/google/`.
//! - `gopro`: the GoPro cloud fake, a module per area of `src/gopro/`.
//! - `network`: outages and shared bandwidth of both fakes' sockets (`src/outage.rs`,
//!   `src/shaping.rs`).
//! - `common`: what the Google and GoPro tests share.

mod common;
mod google;
mod gopro;
mod network;
