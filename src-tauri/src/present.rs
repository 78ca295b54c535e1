//! Engine records → views for the UI.

use engine::model::{SessionRecord, SessionStatus as EngineStatus};
use engine::store::{SessionStore, StoreError};

use crate::views::{Counts, SessionView, StageState, Stages};

/// The view of `session`, with live stage states when it is the running session.
pub fn session_view(
    store: &dyn SessionStore,
    session: &SessionRecord,
    live: Option<Stages>,
) -> Result<SessionView, StoreError> {
    let counts = store.counts(&session.id)?;
    let stages = live.unwrap_or_else(|| {
        stored_stages(session, counts.discovered + counts.uploaded + counts.failed)
    });
    Ok(SessionView {
        id: session.id.to_string(),
        range_from: session.range_from.to_string(),
        range_to: session.range_to.to_string(),
        status: session.status.into(),
        status_reason: session.status_reason.clone(),
        quota_resets_at: session.quota_resets_at.map(|t| t.to_rfc3339()),
        created_at: session.created_at.to_rfc3339(),
        updated_at: session.updated_at.to_rfc3339(),
        finished_at: session.finished_at.map(|t| t.to_rfc3339()),
        duration_secs: (session.updated_at - session.created_at)
            .num_seconds()
            .max(0) as u64,
        counts: Counts::from(counts),
        bytes_transferred: session.bytes_transferred,
        album_title: session.settings.album_title.clone(),
        album_url: session.album_url.clone(),
        google_account: session
            .destination
            .as_ref()
            .map(|d| d.account.email.clone())
            .filter(|e| !e.is_empty()),
        google_client: session.destination.as_ref().map(|d| d.client_id.clone()),
        stages,
        resumable: session.status.is_resumable() && session.status != EngineStatus::Running,
    })
}

/// Stage states of a session that is not running, from what is stored.
fn stored_stages(session: &SessionRecord, unfinished: u64) -> Stages {
    let failed = matches!(
        session.status,
        EngineStatus::Failed
            | EngineStatus::NeedsLogin
            | EngineStatus::Paused
            | EngineStatus::Cancelled
    );
    let discovery = if session.discovery_done {
        StageState::Done
    } else if failed {
        StageState::Failed
    } else {
        StageState::Pending
    };
    let rest = match (session.status, session.discovery_done) {
        (EngineStatus::Completed, _) => StageState::Done,
        (_, false) => StageState::Pending,
        (_, true) if unfinished == 0 => StageState::Done,
        (_, true) if failed => StageState::Failed,
        _ => StageState::Pending,
    };
    Stages {
        discovery,
        transfer: rest,
        create: rest,
    }
}
