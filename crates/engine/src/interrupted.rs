//! Sessions a process left marked as running when it ended mid-run (a quit, a crash, a kill, a
//! power loss): nothing says the person wanted them to stop, so whoever starts next may go on
//! with them by itself ([`StopCause::Interrupted`]).

use crate::lock::RunLock;
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
