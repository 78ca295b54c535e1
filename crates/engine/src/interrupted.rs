//! Sessions a process left marked as running when it ended mid-run (a quit, a crash, a kill, a
//! power loss): nothing says the person wanted them to stop, so whoever starts next may go on
//! with them by itself ([`StopCause::Interrupted`]).

use std::path::Path;

use crate::lock::{Holder, RunLock};
use crate::model::{SessionRecord, SessionStatus, StopCause};
use crate::store::{SessionStore, StoreError};

/// What a person reads on a session found interrupted.
pub const INTERRUPTED_REASON: &str =
    "q2google closed while this session was moving. Resume to continue where it stopped.";

/// Marks every session stored as running paused, as [`StopCause::Interrupted`], and returns
/// them, most recently changed first. The run lock proves no run is really going on them (a
/// process that holds it is moving its session, so it is left alone).
pub fn pause_interrupted(
    store: &dyn SessionStore,
    _no_run: &RunLock,
) -> Result<Vec<SessionRecord>, StoreError> {
    let mut found: Vec<SessionRecord> = store
        .list_sessions()?
        .into_iter()
        .map(|summary| summary.session)
        .filter(|session| session.status == SessionStatus::Running)
        .collect();
    // Its last change stays the last progress it made (the time a session took counts to it).
    found.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    for session in &mut found {
        tracing::info!(session = %session.id, "a run stopped while this session moved: now paused");
        session.status = SessionStatus::Paused;
        session.status_reason = Some(INTERRUPTED_REASON.into());
        session.stop_cause = Some(StopCause::Interrupted);
        store.update_session(session)?;
    }
    Ok(found)
}

/// At a start, with no run of this process going on: when no other process holds `data_dir`'s
/// run lock, pauses the sessions a dead run left as running ([`pause_interrupted`]) and
/// returns them. While another process holds it (the CLI beside the app), its session really
/// is moving: nothing changes and the list is empty.
pub fn recover(
    store: &dyn SessionStore,
    data_dir: &Path,
    holder: Holder,
) -> Result<Vec<SessionRecord>, StoreError> {
    match RunLock::acquire(data_dir, holder) {
        Ok(lock) => pause_interrupted(store, &lock),
        Err(e) => {
            tracing::info!(reason = %e, "not looking for interrupted sessions: a run holds the data folder");
            Ok(Vec::new())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SessionId, SessionSettings};
    use crate::store::SqliteStore;

    fn running_session() -> SessionRecord {
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let settings = SessionSettings {
            batch_size: 10,
            create_batch_size: 50,
            include_raw: false,
            include_joined_video: false,
            album_title: None,
            correct_video_times: false,
        };
        SessionRecord::new(
            SessionId::new("moving").unwrap(),
            day("2026-03-01"),
            day("2026-03-31"),
            settings,
            chrono::Utc::now(),
        )
    }

    /// A session the CLI is moving is not marked paused when the app starts beside it; one
    /// left running by a dead process is, as interrupted, and the next start goes on with it.
    #[test]
    fn only_sessions_no_process_runs_are_marked_paused() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("sessions.sqlite3")).unwrap();
        let session = running_session();
        store.create_session(&session).unwrap();
        let cli = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap();
        assert!(recover(&store, dir.path(), Holder::App).unwrap().is_empty());
        let status = |store: &SqliteStore| store.load_session(&session.id).unwrap().unwrap().status;
        assert_eq!(status(&store), SessionStatus::Running);
        drop(cli);
        let found = recover(&store, dir.path(), Holder::App).unwrap();
        assert_eq!(found.len(), 1);
        let paused = store.load_session(&session.id).unwrap().unwrap();
        assert_eq!(paused.status, SessionStatus::Paused);
        assert_eq!(paused.stop_cause, Some(StopCause::Interrupted));
        assert_eq!(
            crate::go_on::go_on(&paused, std::time::Duration::ZERO),
            crate::go_on::GoOn::Now
        );
    }
}
