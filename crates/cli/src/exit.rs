//! Exit codes that mean something to scripts.

use engine::error::ErrorKind;
use engine::model::SessionStatus;

/// Done: every file created or skipped by rule.
pub const OK: i32 = 0;
/// Failed files remain, or an unexpected error.
pub const FAILURE: i32 = 1;
/// Bad input (range, session id, corrupt or too-new database), or another sync already running
/// on the data folder.
pub const BAD_INPUT: i32 = 2;
/// A login is needed.
pub const LOGIN: i32 = 3;
/// Paused by Google's quota or full storage.
pub const PAUSED: i32 = 4;
/// Interrupted (Ctrl-C, SIGTERM, pause, cancel): resumable.
pub const INTERRUPTED: i32 = 130;

/// The exit code for a session that ended with `status`; `interrupted` when the person stopped it.
pub fn for_status(status: SessionStatus, interrupted: bool) -> i32 {
    match status {
        SessionStatus::Completed => OK,
        SessionStatus::Failed => FAILURE,
        SessionStatus::NeedsLogin => LOGIN,
        SessionStatus::Paused if interrupted => INTERRUPTED,
        SessionStatus::Paused => PAUSED,
        SessionStatus::Cancelled | SessionStatus::Running => INTERRUPTED,
    }
}

/// The one place the CLI decides which exit code an engine error gets.
pub fn for_kind(kind: ErrorKind) -> i32 {
    match kind {
        ErrorKind::NeedsLogin { .. } | ErrorKind::Cancelled => LOGIN,
        ErrorKind::QuotaExceeded | ErrorKind::StorageFull => PAUSED,
        ErrorKind::InvalidInput
        | ErrorKind::NotFound
        | ErrorKind::Busy
        | ErrorKind::DataUnreadable => BAD_INPUT,
        ErrorKind::RateLimited
        | ErrorKind::Network
        | ErrorKind::DiskFull
        | ErrorKind::Keyring
        | ErrorKind::Refused
        | ErrorKind::Service
        | ErrorKind::Local => FAILURE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::model::Cloud;

    #[test]
    fn kinds_get_the_exit_codes_scripts_rely_on() {
        let login = ErrorKind::NeedsLogin {
            cloud: Cloud::Google,
        };
        assert_eq!(for_kind(login), LOGIN);
        assert_eq!(
            for_kind(ErrorKind::Busy),
            BAD_INPUT,
            "a sync already running"
        );
        assert_eq!(for_kind(ErrorKind::DataUnreadable), BAD_INPUT);
        assert_eq!(for_kind(ErrorKind::StorageFull), PAUSED);
        assert_eq!(for_kind(ErrorKind::Network), FAILURE);
    }
}
