//! One error shape across IPC: `{code, message}`. The UI branches on `code`; `message` tells a
//! person what happened and what to do. Never a token, a URL with a signature, or a stack trace.

use engine::auth::OAuthError;
use engine::gopro::range::RangeError;
use engine::gopro::GoProError;
use engine::orchestrator::SyncError;
use engine::photos::PhotosError;
use engine::store::StoreError;
use engine::tokens::TokenStoreError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of failure, for the UI to choose the action it offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum ErrorCode {
    /// No login stored: log in.
    NotLoggedIn,
    /// The login expired: log in again.
    TokenExpired,
    /// A cloud asks to slow down: try again shortly.
    RateLimited,
    /// The network failed: check the connection.
    Network,
    /// Google's daily quota is used up: wait for the reset.
    QuotaExceeded,
    /// Google storage is full: free space.
    StorageFull,
    /// This computer's disk is full or not writable.
    DiskFull,
    /// Bad input (a date range, a session id).
    InvalidInput,
    /// No such session.
    NotFound,
    /// Something is already running.
    Busy,
    /// The person cancelled.
    Cancelled,
    /// The OS keyring is missing or locked.
    Keyring,
    /// Anything else.
    Internal,
}

/// The error every command rejects with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct CommandError {
    /// What kind.
    pub code: ErrorCode,
    /// A sentence for a person.
    pub message: String,
}

impl CommandError {
    /// An error with `code` and `message`.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<StoreError> for CommandError {
    fn from(err: StoreError) -> Self {
        let code = match &err {
            StoreError::UnknownSession(_) => ErrorCode::NotFound,
            StoreError::Busy { .. } => ErrorCode::Busy,
            StoreError::Io { detail, .. } if detail.to_ascii_lowercase().contains("full") => {
                ErrorCode::DiskFull
            }
            StoreError::Io { .. } => ErrorCode::DiskFull,
            StoreError::AlreadyExists(_) => ErrorCode::InvalidInput,
            StoreError::Corrupt { .. } | StoreError::TooNew { .. } => ErrorCode::Internal,
        };
        Self::new(code, err.to_string())
    }
}

impl From<TokenStoreError> for CommandError {
    fn from(err: TokenStoreError) -> Self {
        Self::new(ErrorCode::Keyring, err.to_string())
    }
}

impl From<GoProError> for CommandError {
    fn from(err: GoProError) -> Self {
        let code = match &err {
            GoProError::LoginExpired => ErrorCode::TokenExpired,
            GoProError::RateLimited => ErrorCode::RateLimited,
            GoProError::Network(_) | GoProError::Truncated { .. } => ErrorCode::Network,
            GoProError::NotFound { .. } => ErrorCode::NotFound,
            _ => ErrorCode::Internal,
        };
        Self::new(code, err.to_string())
    }
}

impl From<PhotosError> for CommandError {
    fn from(err: PhotosError) -> Self {
        let code = match &err {
            PhotosError::LoginExpired | PhotosError::MissingScope => ErrorCode::TokenExpired,
            PhotosError::DailyQuota { .. } => ErrorCode::QuotaExceeded,
            PhotosError::RateLimited => ErrorCode::RateLimited,
            PhotosError::StorageFull => ErrorCode::StorageFull,
            PhotosError::Network(_) => ErrorCode::Network,
            _ => ErrorCode::Internal,
        };
        Self::new(code, err.to_string())
    }
}

impl From<OAuthError> for CommandError {
    fn from(err: OAuthError) -> Self {
        let code = match &err {
            OAuthError::Http(_) => ErrorCode::Network,
            OAuthError::TimedOut(_) | OAuthError::Denied(_) => ErrorCode::Cancelled,
            OAuthError::MissingScope { .. } | OAuthError::InvalidGrant => ErrorCode::TokenExpired,
            _ => ErrorCode::Internal,
        };
        Self::new(code, err.to_string())
    }
}

impl From<RangeError> for CommandError {
    fn from(err: RangeError) -> Self {
        Self::new(ErrorCode::InvalidInput, err.to_string())
    }
}

impl From<SyncError> for CommandError {
    fn from(err: SyncError) -> Self {
        match err {
            SyncError::Range(e) => e.into(),
            SyncError::Store(e) => e.into(),
        }
    }
}
