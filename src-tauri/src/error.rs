//! One error shape across IPC: `{code, message}`. The UI branches on `code`; `message` tells a
//! person what happened and what to do. Never a token, a URL with a signature, or a stack trace.

use engine::auth::OAuthError;
use engine::error::{Classified, ErrorKind};
use engine::gopro::range::RangeError;
use engine::gopro::GoProError;
use engine::lock::LockError;
use engine::orchestrator::SyncError;
use engine::photos::PhotosError;
use engine::resumable::ResumeError;
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

impl From<ErrorKind> for ErrorCode {
    /// The one place the app decides which code an engine error gets.
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::NeedsLogin { .. } => ErrorCode::TokenExpired,
            ErrorKind::Cancelled => ErrorCode::Cancelled,
            ErrorKind::RateLimited => ErrorCode::RateLimited,
            ErrorKind::Network => ErrorCode::Network,
            ErrorKind::QuotaExceeded => ErrorCode::QuotaExceeded,
            ErrorKind::StorageFull => ErrorCode::StorageFull,
            ErrorKind::DiskFull => ErrorCode::DiskFull,
            ErrorKind::InvalidInput => ErrorCode::InvalidInput,
            ErrorKind::NotFound => ErrorCode::NotFound,
            ErrorKind::Busy => ErrorCode::Busy,
            ErrorKind::Keyring => ErrorCode::Keyring,
            ErrorKind::DataUnreadable
            | ErrorKind::Refused
            | ErrorKind::Service
            | ErrorKind::Local => ErrorCode::Internal,
        }
    }
}

impl CommandError {
    /// An engine error as the UI gets it: its kind's code and its message.
    pub fn engine(err: &impl Classified) -> Self {
        Self::new(err.kind().into(), err.to_string())
    }
}

/// `From` for each engine error the commands meet, through [`CommandError::engine`].
macro_rules! from_engine {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for CommandError {
            fn from(err: $error) -> Self {
                Self::engine(&err)
            }
        })*
    };
}

from_engine!(
    StoreError,
    TokenStoreError,
    GoProError,
    PhotosError,
    OAuthError,
    RangeError,
    SyncError,
    LockError,
    ResumeError,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_errors_get_the_code_of_their_kind() {
        let full = CommandError::from(PhotosError::StorageFull);
        assert_eq!(full.code, ErrorCode::StorageFull);
        assert_eq!(full.message, PhotosError::StorageFull.to_string());
        let disk = CommandError::from(StoreError::Io {
            path: "/data/q2google.sqlite3".into(),
            detail: "permission denied".into(),
        });
        assert_eq!(disk.code, ErrorCode::DiskFull, "whatever the detail says");
        assert_eq!(
            CommandError::from(GoProError::LoginExpired).code,
            ErrorCode::TokenExpired
        );
        assert_eq!(
            CommandError::from(OAuthError::TimedOut(std::time::Duration::from_secs(300))).code,
            ErrorCode::Cancelled
        );
    }
}
