//! Whether a stored session can be resumed: decided here once, for the app and the CLI.

use crate::gopro::range::RangeError;
use crate::gopro::CaptureRange;
use crate::model::{SessionId, SessionRecord};
use crate::store::{SessionStore, StoreError};

/// Why a session cannot be resumed.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    /// No session has this id.
    #[error("There is no session \"{0}\".")]
    NoSuchSession(SessionId),
    /// The session moved everything it could.
    #[error("Session \"{0}\" is already complete: there is nothing to resume.")]
    Complete(SessionId),
    /// The stored range is not valid (the database was changed outside q2google).
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The session store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Session `id` and its stored range, when a run can continue it.
pub fn resumable(
    store: &dyn SessionStore,
    id: &SessionId,
) -> Result<(SessionRecord, CaptureRange), ResumeError> {
    let session = store
        .load_session(id)?
        .ok_or_else(|| ResumeError::NoSuchSession(id.clone()))?;
    if !session.status.is_resumable() {
        return Err(ResumeError::Complete(id.clone()));
    }
    let range = CaptureRange::new(session.range_from, session.range_to)?;
    Ok((session, range))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Classified, ErrorKind};
    use crate::model::{SessionSettings, SessionStatus};
    use crate::store::MemoryStore;

    fn session(id: &str, status: SessionStatus) -> SessionRecord {
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let settings = SessionSettings {
            batch_size: 10,
            create_batch_size: 50,
            include_raw: false,
            include_joined_video: false,
            album_title: None,
            correct_video_times: false,
        };
        let session = SessionRecord::new(
            SessionId::new(id).unwrap(),
            day("2026-03-01"),
            day("2026-03-31"),
            settings,
            chrono::Utc::now(),
        );
        SessionRecord { status, ..session }
    }

    #[test]
    fn only_stored_unfinished_sessions_resume() {
        let store = MemoryStore::new();
        for (id, status) in [
            ("paused", SessionStatus::Paused),
            ("failed", SessionStatus::Failed),
            ("done", SessionStatus::Completed),
        ] {
            store.create_session(&session(id, status)).unwrap();
        }
        let id = |s| SessionId::new(s).unwrap();
        let (paused, range) = resumable(&store, &id("paused")).unwrap();
        assert_eq!(paused.status, SessionStatus::Paused);
        assert_eq!(range.from(), paused.range_from);
        assert!(resumable(&store, &id("failed")).is_ok());
        let done = resumable(&store, &id("done")).unwrap_err();
        assert!(matches!(done, ResumeError::Complete(_)));
        assert_eq!(done.kind(), ErrorKind::InvalidInput);
        let missing = resumable(&store, &id("nowhere")).unwrap_err();
        assert_eq!(missing.kind(), ErrorKind::NotFound);
    }
}
