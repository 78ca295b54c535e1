//! What an engine error means, decided once.
//!
//! Every error type the engine hands to the app or the CLI has an exhaustive [`Classified::kind`]
//! here (no catch-all arm), and the app and the CLI each map an [`ErrorKind`] in one exhaustive
//! `match`: an error code for the UI, an exit code for scripts. A new variant anywhere is a
//! compile error until someone decides what it means; nobody matches on message text.

use crate::auth::OAuthError;
use crate::connect::ConnectError;
use crate::gopro::range::RangeError;
use crate::gopro::GoProError;
use crate::lock::LockError;
use crate::model::Cloud;
use crate::orchestrator::SyncError;
use crate::photos::PhotosError;
use crate::resumable::ResumeError;
use crate::store::StoreError;
use crate::tokens::TokenStoreError;

/// What a failure means to the person and to whoever shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A login is missing, expired, lacks a permission, or is another account: sign in to
    /// `cloud`.
    NeedsLogin {
        /// Where to sign in.
        cloud: Cloud,
    },
    /// The person cancelled, denied or did not finish a sign-in.
    Cancelled,
    /// A cloud asks to slow down; trying again shortly works.
    RateLimited,
    /// A cloud could not be reached.
    Network,
    /// Google's daily quota is used up until its reset.
    QuotaExceeded,
    /// Google storage is full.
    StorageFull,
    /// This computer's data folder cannot be written (a full disk, permissions).
    DiskFull,
    /// Wrong input: a date range, a session id.
    InvalidInput,
    /// No such session, or a medium GoPro no longer has.
    NotFound,
    /// Another q2google is using the data folder.
    Busy,
    /// The session database is damaged or was written by a newer q2google.
    DataUnreadable,
    /// The OS keyring is missing, locked or refusing.
    Keyring,
    /// A cloud refused this file or request for a reason of its own (too large, rejected).
    Refused,
    /// A cloud's service failed, changed, or answered what q2google cannot read.
    Service,
    /// This computer could not run the sign-in (no browser, no loopback port).
    Local,
}

/// An error whose meaning the engine has decided.
pub trait Classified: std::error::Error {
    /// What it means.
    fn kind(&self) -> ErrorKind;
}

impl Classified for GoProError {
    fn kind(&self) -> ErrorKind {
        match self {
            GoProError::LoginExpired => ErrorKind::NeedsLogin {
                cloud: Cloud::Gopro,
            },
            GoProError::RateLimited => ErrorKind::RateLimited,
            GoProError::Network(_) | GoProError::Truncated { .. } => ErrorKind::Network,
            GoProError::NotFound { .. } => ErrorKind::NotFound,
            GoProError::CdnRefused { .. } => ErrorKind::Refused,
            GoProError::ApiChanged { .. }
            | GoProError::Server { .. }
            | GoProError::IncompleteListing { .. }
            | GoProError::Protocol(_) => ErrorKind::Service,
        }
    }
}

impl Classified for PhotosError {
    fn kind(&self) -> ErrorKind {
        let google = ErrorKind::NeedsLogin {
            cloud: Cloud::Google,
        };
        match self {
            PhotosError::LoginExpired | PhotosError::AccountHidden | PhotosError::MissingScope => {
                google
            }
            PhotosError::Auth(err) => err.kind(),
            PhotosError::DailyQuota { .. } => ErrorKind::QuotaExceeded,
            PhotosError::RateLimited => ErrorKind::RateLimited,
            PhotosError::StorageFull => ErrorKind::StorageFull,
            PhotosError::Network(_) | PhotosError::OutcomeUnknown(_) => ErrorKind::Network,
            PhotosError::InvalidUploadToken
            | PhotosError::AlbumNotWritable
            | PhotosError::AlbumFull
            | PhotosError::TooLarge(_)
            | PhotosError::EmptyPayload
            | PhotosError::Rejected(_) => ErrorKind::Refused,
            PhotosError::UploadSessionLost
            | PhotosError::Server { .. }
            | PhotosError::Protocol(_) => ErrorKind::Service,
            PhotosError::Source(_) => ErrorKind::Network,
        }
    }
}

impl Classified for OAuthError {
    fn kind(&self) -> ErrorKind {
        match self {
            OAuthError::MissingScope { .. }
            | OAuthError::InvalidGrant
            | OAuthError::StateMismatch => ErrorKind::NeedsLogin {
                cloud: Cloud::Google,
            },
            OAuthError::Denied(_) | OAuthError::TimedOut(_) => ErrorKind::Cancelled,
            OAuthError::Http(err) if err.status().is_none() => ErrorKind::Network,
            OAuthError::Http(_) | OAuthError::Protocol(_) => ErrorKind::Service,
            OAuthError::InvalidClient(_) => ErrorKind::InvalidInput,
            OAuthError::Browser(_) | OAuthError::Loopback(_) => ErrorKind::Local,
        }
    }
}

impl Classified for StoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            StoreError::Corrupt { .. } | StoreError::TooNew { .. } => ErrorKind::DataUnreadable,
            StoreError::Io { .. } => ErrorKind::DiskFull,
            StoreError::Busy { .. } => ErrorKind::Busy,
            StoreError::UnknownSession(_) => ErrorKind::NotFound,
            StoreError::AlreadyExists(_) => ErrorKind::InvalidInput,
        }
    }
}

impl Classified for TokenStoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            TokenStoreError::NoService { .. }
            | TokenStoreError::Locked { .. }
            | TokenStoreError::KeyutilsDenied { .. }
            | TokenStoreError::Ambiguous { .. }
            | TokenStoreError::Damaged { .. }
            | TokenStoreError::Rejected { .. }
            | TokenStoreError::UnknownBackend { .. }
            | TokenStoreError::Unsupported
            | TokenStoreError::Platform { .. }
            | TokenStoreError::ProbeMismatch { .. }
            | TokenStoreError::Stopped => ErrorKind::Keyring,
        }
    }
}

impl Classified for RangeError {
    fn kind(&self) -> ErrorKind {
        match self {
            RangeError::EndBeforeStart { .. } | RangeError::NotADate(_) => ErrorKind::InvalidInput,
        }
    }
}

impl Classified for LockError {
    fn kind(&self) -> ErrorKind {
        match self {
            LockError::Held { .. } => ErrorKind::Busy,
            LockError::Io { .. } => ErrorKind::DiskFull,
        }
    }
}

impl Classified for ConnectError {
    fn kind(&self) -> ErrorKind {
        match self {
            ConnectError::NotLoggedIn { cloud } => ErrorKind::NeedsLogin { cloud: *cloud },
            ConnectError::NoGoogleClient => ErrorKind::InvalidInput,
            ConnectError::Tokens(err) => err.kind(),
        }
    }
}

impl Classified for ResumeError {
    fn kind(&self) -> ErrorKind {
        match self {
            ResumeError::NoSuchSession(_) => ErrorKind::NotFound,
            ResumeError::Complete(_) => ErrorKind::InvalidInput,
            ResumeError::Range(err) => err.kind(),
            ResumeError::Store(err) => err.kind(),
        }
    }
}

impl Classified for SyncError {
    fn kind(&self) -> ErrorKind {
        match self {
            SyncError::Range(err) => err.kind(),
            SyncError::Store(err) => err.kind(),
        }
    }
}
