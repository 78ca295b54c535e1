//! Typed errors of the GoPro client; each message tells a person what to do.

use crate::http::HttpError;

/// Why a GoPro call failed.
#[derive(Debug, thiserror::Error)]
pub enum GoProError {
    /// 401: the GoPro login expired (browser tokens last a few hours).
    #[error(
        "GoPro needs you to log in again (it does this every few hours); your progress is saved"
    )]
    LoginExpired,
    /// 406 or 410: GoPro changed its API.
    #[error("GoPro changed its service (HTTP {status}); q2google needs an update before it can continue")]
    ApiChanged {
        /// 406 or 410.
        status: u16,
    },
    /// 404 on a medium that was listed: it was deleted or moved to the trash.
    #[error("GoPro no longer has media item {id} (deleted or in the trash)")]
    NotFound {
        /// The media id.
        id: String,
    },
    /// 429 until the retry budget ran out.
    #[error("GoPro is asking q2google to slow down; try again in a few minutes")]
    RateLimited,
    /// 5xx until the retry budget ran out.
    #[error("GoPro's service had a problem (HTTP {status}); try again later, and log in to GoPro again if it persists")]
    Server {
        /// The status.
        status: u16,
    },
    /// The listing stayed incomplete after retries.
    #[error("GoPro returned an incomplete list ({got} of {expected} items) several times; try again later")]
    IncompleteListing {
        /// Unique items received.
        got: u64,
        /// Items GoPro said there are.
        expected: u64,
    },
    /// The CDN refused a freshly signed URL.
    #[error("GoPro's download server refused the file (HTTP {status}); try again later")]
    CdnRefused {
        /// The status.
        status: u16,
    },
    /// The download ended before the size the CDN announced, and resuming failed.
    #[error("the download from GoPro kept stopping early ({received} of {expected} bytes); check your connection and resume")]
    Truncated {
        /// Bytes received.
        received: u64,
        /// Bytes announced.
        expected: u64,
    },
    /// The network failed.
    #[error("could not reach GoPro: {0}; check your internet connection, then resume")]
    Network(HttpError),
    /// GoPro answered something q2google cannot read.
    #[error("GoPro sent an answer q2google cannot read ({0}); q2google may need an update")]
    Protocol(String),
}

impl GoProError {
    /// Maps an HTTP failure of an API call.
    pub(crate) fn from_http(err: HttpError, media_id: Option<&str>) -> Self {
        let Some(failure) = err.status() else {
            return GoProError::Network(err);
        };
        match failure.status {
            401 => GoProError::LoginExpired,
            406 | 410 => GoProError::ApiChanged {
                status: failure.status,
            },
            404 => GoProError::NotFound {
                id: media_id.unwrap_or("?").to_string(),
            },
            429 => GoProError::RateLimited,
            s if s >= 500 => GoProError::Server { status: s },
            s => GoProError::Protocol(format!("HTTP {s}")),
        }
    }

    /// Whether resuming later may succeed without the person doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            GoProError::RateLimited
                | GoProError::Server { .. }
                | GoProError::IncompleteListing { .. }
                | GoProError::Truncated { .. }
                | GoProError::Network(_)
                | GoProError::CdnRefused { .. }
        )
    }
}
