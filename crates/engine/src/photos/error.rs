//! Typed errors of the Photos client and per-item failure classes.

use chrono::{DateTime, Utc};

use crate::auth::OAuthError;
use crate::http::HttpError;

/// Why a Google Photos call failed; each message says what a person can do.
#[derive(Debug, thiserror::Error)]
pub enum PhotosError {
    /// The Google login expired or was revoked.
    #[error("Google needs you to sign in again; your progress is saved")]
    LoginExpired,
    /// Signing in failed for another reason.
    #[error(transparent)]
    Auth(OAuthError),
    /// Google does not say which account signed in (a sign-in from before q2google asked to
    /// see the account's email address).
    #[error("sign in to Google again: q2google now checks which Google account it moves into, and this sign-in does not say")]
    AccountHidden,
    /// The token lacks a needed permission (unticked on the consent screen).
    #[error("Google Photos permission is missing; sign in to Google again and leave every permission ticked")]
    MissingScope,
    /// The app's daily request quota is used up.
    /// The time is not in the sentence: the app and the CLI show it in the person's own time
    /// zone beside it (`SessionRecord::quota_resets_at`).
    #[error("Google's daily limit for this app is used up. What has moved is safe; the rest moves after the limit resets")]
    DailyQuota {
        /// When the quota resets.
        resets_at: DateTime<Utc>,
    },
    /// Per-minute or concurrent-write limits persisted through the retry budget.
    #[error("Google Photos is asking q2google to slow down; it will try again shortly")]
    RateLimited,
    /// The Google account has no storage left.
    #[error("your Google storage is full; free up space or buy more storage, then resume")]
    StorageFull,
    /// Google no longer accepts an upload token (it expired): the bytes must be uploaded again.
    #[error("Google no longer accepts an upload; it will be uploaded again")]
    InvalidUploadToken,
    /// The album was not created by q2google, or no longer exists, so items cannot be added to
    /// it (a session's create stage then makes a new album).
    #[error("q2google can only add to albums it created; choose another album or none")]
    AlbumNotWritable,
    /// The album holds as many items as Google allows (the session goes on in a new album).
    #[error(
        "the album is full (Google allows 20,000 items per album); q2google goes on in a new album"
    )]
    AlbumFull,
    /// The file is bigger than Google accepts.
    #[error("the file is too large for Google Photos ({0})")]
    TooLarge(String),
    /// An empty file.
    #[error("the file is empty; Google Photos does not accept empty files")]
    EmptyPayload,
    /// The resumable upload session is gone (expired or cancelled).
    #[error("the upload session expired; the upload will start again")]
    UploadSessionLost,
    /// A create request failed in a way that may or may not have taken effect.
    #[error("Google did not confirm whether the items were added ({0}); q2google will check before trying again")]
    OutcomeUnknown(String),
    /// Google refused the request.
    #[error("Google Photos refused the request: {0}")]
    Rejected(String),
    /// Google's service failed until the retry budget ran out.
    #[error("Google Photos had a problem (HTTP {status}); try again later")]
    Server {
        /// The status.
        status: u16,
    },
    /// The network failed.
    #[error("could not reach Google Photos: {0}; check your internet connection, then resume")]
    Network(HttpError),
    /// The source of the bytes (the GoPro download) failed mid-upload.
    #[error("reading the file from GoPro failed: {0}")]
    Source(String),
    /// Google answered something q2google cannot read.
    #[error("Google Photos sent an answer q2google cannot read ({0})")]
    Protocol(String),
}

impl From<OAuthError> for PhotosError {
    fn from(err: OAuthError) -> Self {
        match err {
            OAuthError::InvalidGrant => PhotosError::LoginExpired,
            // The token endpoint could not be reached: an outage, not a login problem (an
            // access token expires during a night without network).
            OAuthError::Http(err) if err.status().is_none() => PhotosError::Network(err),
            other => PhotosError::Auth(other),
        }
    }
}

/// How one item of a `batchCreate` failed, for the engine to act on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemFailureClass {
    /// Transient (UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL,
    /// UNAVAILABLE): retry the create.
    Retryable,
    /// Google does not accept this file (NOT_IMAGE, BAD_IMAGE): skip it for good.
    Unsupported,
    /// The upload token was refused: upload the bytes again.
    InvalidToken,
    /// Google's answer does not say whether it made the item (no result for it, or success
    /// without an item): looked for before anything is sent again.
    InDoubt,
    /// Anything else: Google refuses this file for good; failed with Google's message and not
    /// sent again on resume.
    Rejected,
}

/// One failed item of a `batchCreate`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemFailure {
    /// What to do about it.
    pub class: ItemFailureClass,
    /// The gRPC code Google gave.
    pub code: i32,
    /// Google's message.
    pub message: String,
}

impl ItemFailure {
    /// Classifies a per-item status.
    pub fn classify(code: i32, message: &str) -> Self {
        let upper = message.to_ascii_uppercase();
        let class = match code {
            // UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNAVAILABLE:
            // nothing says the file itself is refused.
            2 | 4 | 8 | 10 | 13 | 14 => ItemFailureClass::Retryable,
            _ if upper.starts_with("NOT_IMAGE") || upper.starts_with("BAD_IMAGE") => {
                ItemFailureClass::Unsupported
            }
            _ if upper.contains("UPLOAD TOKEN") => ItemFailureClass::InvalidToken,
            _ => ItemFailureClass::Rejected,
        };
        Self {
            class,
            code,
            message: message.to_string(),
        }
    }

    /// A sentence for a person.
    pub fn human(&self) -> String {
        match self.class {
            ItemFailureClass::Retryable => format!("Google Photos had a temporary problem adding this item ({}); it will be retried on resume.", self.message),
            ItemFailureClass::Unsupported => "Google Photos does not accept this file type.".to_string(),
            ItemFailureClass::InvalidToken => "Google no longer accepted the upload; it will be uploaded again on resume.".to_string(),
            ItemFailureClass::InDoubt => format!("Google did not say whether it added this item ({}); q2google looks before sending it again.", self.message),
            ItemFailureClass::Rejected => format!("Google Photos refused this file ({}); q2google will not send it again.", self.message),
        }
    }
}
