//! Faithful local fakes of the two clouds q2google talks to.
//!
//! - [`gopro`]: the unofficial GoPro cloud media API (`/media/search`, `/media/{id}/download`,
//!   `/media/user`), its signed CDN, and a login page that sets the `gp_access_token` cookie.
//! - [`google`]: Google OAuth 2 (authorize + token with PKCE) and the Photos Library API
//!   (`/v1/uploads` raw and resumable, `mediaItems:batchCreate`, listing, albums, quotas).
//!
//! Both start on `127.0.0.1:0` from a scenario, shut down on drop, and expose an inspection API
//! for tests. Behaviour follows `shared/design/gopro-api.md` and `google-photos-api.md`; where
//! the real behaviour is unknown, the scenario chooses. [`clouds::FakeClouds`] runs both with the
//! seeded demo library; the `fake-clouds` binary serves it from a scenario file. Every server
//! can be cut off the network with an [`Outage`] (see [`outage`]). [`updates`] fakes the app's
//! update server (a signed release for tauri-plugin-updater).

pub mod clock;
pub mod clouds;
pub mod content;
pub mod google;
pub mod gopro;
pub mod mp4;
pub mod outage;
pub mod scenario;
pub mod server;
pub mod shaping;
pub mod updates;

pub use clock::Clock;
pub use content::{Content, Format};
pub use outage::{Outage, OutageControl};
pub use server::ServerHandle;
pub use shaping::{Shaping, SharedLink};
