//! What a run picks up from the earlier runs of its session: the files still to move, the
//! upload tokens still fresh enough to create, and the creates left in doubt. [`plan`] decides
//! from the stored states alone; [`prepare`] records what it decided and sets the progress
//! totals, so a resumed session's bar never starts from zero.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::create::InDoubt;
use super::transfer::Uploaded;
use super::{Run, Stop};
use crate::model::{FailureClass, ItemRecord, ItemState, SessionId};
use crate::settings::Settings;
use crate::store::{SessionStore, StateChange, StoreError};

/// What a run does with the files earlier runs left.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Files to transfer, in discovery order.
    pub work: Vec<ItemRecord>,
    /// Upload tokens ready to create.
    pub pending: Vec<Uploaded>,
    /// Creates an earlier run sent without learning what they did, grouped by when each was
    /// sent: the create stage looks for them in Google Photos before sending anything again.
    pub in_doubt: Vec<InDoubt>,
    /// States to record before the run: a failed create's kept token back to uploaded, a token
    /// too old to create back to discovered.
    pub reset: Vec<StateChange>,
    /// Bytes earlier runs put in Google that are not created yet (tokens kept, creates in
    /// doubt).
    pub uploaded_before: u64,
}

/// Sorts `items` (a session's files as stored) into a [`Plan`] at `now`.
pub(crate) fn plan(items: Vec<ItemRecord>, settings: &Settings, now: DateTime<Utc>) -> Plan {
    let mut plan = Plan::default();
    let mut in_doubt: BTreeMap<DateTime<Utc>, Vec<(Uploaded, u32)>> = BTreeMap::new();
    for item in items {
        let uploaded = |token: &str, at| Uploaded {
            key: item.key.clone(),
            filename: item.filename.clone(),
            upload_token: token.to_string(),
            uploaded_at: at,
        };
        match &item.state {
            // A create that failed keeps its token: only the create is tried again.
            ItemState::Failed {
                kept: Some(kept), ..
            } if settings.token_is_fresh(kept.uploaded_at, now) => {
                plan.uploaded_before += item.size.unwrap_or(0);
                let u = uploaded(&kept.upload_token, kept.uploaded_at);
                plan.reset.push(StateChange {
                    key: item.key.clone(),
                    state: ItemState::Uploaded {
                        upload_token: u.upload_token.clone(),
                        at: u.uploaded_at,
                    },
                    size: None,
                });
                plan.pending.push(u);
            }
            // Google refused this file for good: it stays failed with Google's reason.
            ItemState::Failed { class, .. } if class.is_final() => {}
            // A medium GoPro would not describe: discovery lists it again.
            ItemState::Failed {
                class: FailureClass::Unresolved,
                ..
            } => {}
            ItemState::Discovered | ItemState::Failed { .. } => plan.work.push(item),
            ItemState::Uploaded { upload_token, at } if settings.token_is_fresh(*at, now) => {
                plan.uploaded_before += item.size.unwrap_or(0);
                plan.pending.push(uploaded(upload_token, *at))
            }
            ItemState::Creating {
                upload_token,
                uploaded_at,
                sent_at,
            } => {
                plan.uploaded_before += item.size.unwrap_or(0);
                in_doubt
                    .entry(*sent_at)
                    .or_default()
                    .push((uploaded(upload_token, *uploaded_at), 0))
            }
            // A token too old for Google to take: the file is uploaded again.
            ItemState::Uploaded { .. } => {
                plan.reset.push(StateChange {
                    key: item.key.clone(),
                    state: ItemState::Discovered,
                    size: None,
                });
                plan.work.push(item);
            }
            ItemState::Created { .. } | ItemState::Skipped { .. } => {}
        }
    }
    plan.in_doubt = in_doubt
        .into_iter()
        .map(|(sent_at, files)| InDoubt { files, sent_at })
        .collect();
    plan
}

/// Plans the run from the store, records the plan's resets and sets the progress totals.
pub(crate) async fn prepare(run: &Arc<Run>) -> Result<Plan, Stop> {
    let session_id = run.session().id;
    let items = run.store.items(&session_id)?;
    let counts = run.store.counts(&session_id)?;
    let plan = plan(items, &run.settings, Utc::now());
    if !plan.reset.is_empty() {
        run.set_states(&plan.reset)?;
    }
    run.metrics.set_totals(
        counts.total.saturating_sub(counts.skipped),
        counts.created,
        counts.bytes_total,
        counts.bytes_created + plan.uploaded_before,
    );
    Ok(plan)
}

/// Whether a session whose listing finished must list its range again: files GoPro was still
/// processing, or media it would not describe (read only when some file failed, so a clean
/// session costs one count).
pub(crate) fn relist(store: &dyn SessionStore, id: &SessionId) -> Result<bool, StoreError> {
    let counts = store.counts(id)?;
    if counts.processing > 0 {
        return Ok(true);
    }
    if counts.failed == 0 {
        return Ok(false);
    }
    Ok(store.items(id)?.iter().any(|i| {
        matches!(
            i.state,
            ItemState::Failed {
                class: FailureClass::Unresolved,
                ..
            }
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FileKey, KeptUpload, MediaKind, Rendition};
    use crate::photos::ItemFailureClass;
    use chrono::Duration;

    fn item(n: u32, state: ItemState) -> ItemRecord {
        ItemRecord {
            key: FileKey {
                media_id: format!("m{n}"),
                item_number: 1,
                label: Rendition::Source,
            },
            filename: format!("GOPR{n:04}.JPG"),
            kind: Some(MediaKind::Photo),
            captured_at: None,
            size: Some(1000 + u64::from(n)),
            state,
            position: u64::from(n),
            local_clock: None,
            updated_at: Utc::now(),
        }
    }

    fn failed(class: FailureClass, kept: Option<KeptUpload>) -> ItemState {
        ItemState::Failed {
            class,
            reason: "it failed".into(),
            attempts: 1,
            kept,
        }
    }

    /// Every stored state goes where a resume must take it: nothing created twice, nothing
    /// uploaded again while its token can still be created, nothing given up that may work.
    #[test]
    fn each_stored_state_is_picked_up_where_it_stands() {
        let now = Utc::now();
        let settings = Settings::default();
        let fresh = now - Duration::hours(1);
        let stale = now - Duration::days(2);
        let token = |t: &str, at| KeptUpload {
            upload_token: t.into(),
            uploaded_at: at,
        };
        let sent = now - Duration::minutes(5);
        let items = vec![
            item(1, ItemState::Discovered),
            item(
                2,
                ItemState::Uploaded {
                    upload_token: "fresh".into(),
                    at: fresh,
                },
            ),
            item(
                3,
                ItemState::Uploaded {
                    upload_token: "stale".into(),
                    at: stale,
                },
            ),
            item(
                4,
                ItemState::Creating {
                    upload_token: "sent".into(),
                    uploaded_at: fresh,
                    sent_at: sent,
                },
            ),
            item(
                5,
                ItemState::Creating {
                    upload_token: "sent too".into(),
                    uploaded_at: fresh,
                    sent_at: sent,
                },
            ),
            item(
                6,
                failed(
                    FailureClass::Create(ItemFailureClass::Retryable),
                    Some(token("kept", fresh)),
                ),
            ),
            item(
                7,
                failed(
                    FailureClass::Create(ItemFailureClass::Retryable),
                    Some(token("kept but old", stale)),
                ),
            ),
            item(8, failed(FailureClass::Download, None)),
            item(9, failed(FailureClass::Gone, None)),
            item(10, failed(FailureClass::Unresolved, None)),
            item(
                11,
                ItemState::Created {
                    media_item_id: "made".into(),
                    product_url: None,
                },
            ),
        ];
        let plan = plan(items, &settings, now);
        let ids = |items: Vec<&FileKey>| -> Vec<String> {
            items.into_iter().map(|k| k.media_id.clone()).collect()
        };
        assert_eq!(
            ids(plan.work.iter().map(|i| &i.key).collect()),
            ["m1", "m3", "m7", "m8"],
            "not started, a token too old, a create failed long ago, a download failed"
        );
        assert_eq!(
            ids(plan.pending.iter().map(|u| &u.key).collect()),
            ["m2", "m6"],
            "fresh tokens are created, not uploaded again"
        );
        assert_eq!(plan.in_doubt.len(), 1, "one create sent, two files in it");
        assert_eq!(plan.in_doubt[0].sent_at, sent);
        assert_eq!(plan.in_doubt[0].files.len(), 2);
        let resets: Vec<(String, &'static str)> = plan
            .reset
            .iter()
            .map(|c| (c.key.media_id.clone(), c.state.name()))
            .collect();
        assert_eq!(
            resets,
            [
                ("m3".to_string(), "discovered"),
                ("m6".to_string(), "uploaded")
            ]
        );
        assert_eq!(plan.uploaded_before, 1002 + 1004 + 1005 + 1006);
    }
}
