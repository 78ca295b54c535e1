//! Where a run creates: the signed-in Google account and OAuth client, found before anything
//! moves and checked against the session's.
//!
//! A session remembers its [`Destination`] from its first run. Resuming it signed in to another
//! account (or through another OAuth client, which Google treats as another app: its albums
//! cannot be added to) stops at once with a reason that says which account it belongs to; the
//! person signs in to that account again or starts a new session. The ledger of what is already
//! in Google Photos is kept per destination (see the store), so a range moved into one account
//! is moved in full into another.

use super::network::NetworkGate;
use super::{PauseCause, Run, Stop};
use crate::events::SyncEvent;
use crate::model::{Cloud, Destination};
use crate::photos::PhotosError;

/// Finds the run's destination and records it on the session (adopting what q2google stored
/// before it knew accounts), or stops when the session belongs to another one.
pub(crate) async fn check(run: &Run) -> Result<Destination, Stop> {
    let signed_in = signed_in(run).await?;
    let session = run.session();
    let _: Destination = match &session.destination {
        Some(own) if own.account.id != signed_in.account.id => Err(Stop::NeedsLogin {
            cloud: Cloud::Google,
            reason: other_account(own, &signed_in),
        }),
        Some(own) if own.client_id != signed_in.client_id => Err(Stop::NeedsLogin {
            cloud: Cloud::Google,
            reason: other_client(own),
        }),
        Some(own) => {
            if own.account.email != signed_in.account.email {
                // The account's address changed; its id did not.
                let now = signed_in.clone();
                run.save_session(|s| s.destination = Some(now))?;
            }
            Ok(signed_in.clone())
        }
        None => {
            let (sessions, entries) = run.store.adopt_unowned(&signed_in)?;
            if sessions + entries > 1 {
                tracing::info!(
                    sessions,
                    entries,
                    "earlier sessions and moved files now belong to the signed-in Google account"
                );
            }
            let now = signed_in.clone();
            run.save_session(|s| s.destination = Some(now))?;
            Ok(signed_in.clone())
        }
    }?;
    run.emit(SyncEvent::Destination {
        email: signed_in.account.email.clone(),
    });
    Ok(signed_in)
}

/// The signed-in destination, waiting out a lost network.
async fn signed_in(run: &Run) -> Result<Destination, Stop> {
    let mut outages = 0;
    loop {
        match run.photos.destination().await {
            Ok(destination) => return Ok(destination),
            Err(PhotosError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += 1;
                let probe = run.photos.base_url().clone();
                run.network.wait(run, Cloud::Google, &probe).await?;
            }
            Err(err) => {
                return Err(Stop::from_photos(&err).unwrap_or_else(|| Stop::Paused {
                    reason: format!(
                        "Could not find out which Google account to move into ({err}); resume to try again."
                    ),
                    cause: PauseCause::Trouble,
                }))
            }
        }
    }
}

fn other_account(own: &Destination, signed_in: &Destination) -> String {
    format!(
        "This move goes into the Google Photos of {own}, but you are signed in to Google as \
         {now}. Sign in to Google as {own} to continue it, or start a new move of the same \
         dates to move them into {now}.",
        own = shown(own),
        now = shown(signed_in),
    )
}

fn other_client(own: &Destination) -> String {
    format!(
        "This move was started with a different Google sign-in setup (OAuth client {client}). \
         Google lets an app add only to the albums it made with the same client, so it cannot \
         go on with this one. Switch back to that client to continue it, or start a new move \
         of the same dates (its files are moved again, into a new album).",
        client = own.client_id,
    )
}

fn shown(destination: &Destination) -> &str {
    if destination.account.email.is_empty() {
        "another Google account"
    } else {
        &destination.account.email
    }
}
