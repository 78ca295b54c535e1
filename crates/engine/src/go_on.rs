//! When a stopped session goes on without a person: the one rule the app's auto-resume and the
//! CLI's `--wait` follow, and the wall-clock wait they share.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::model::{Cloud, SessionRecord, SessionStatus, StopCause};

/// How a stopped session may go on without a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoOn {
    /// At once: its run was interrupted (a quit, a crash, a restart), not stopped.
    Now,
    /// At this instant: Google's daily limit has reset by then (its reset plus the margin).
    At(DateTime<Utc>),
    /// Right after a sign-in to this cloud succeeds.
    AfterLogin(Cloud),
    /// Only when the person says so: they paused or cancelled it, Google storage is full (they
    /// say when space is free), files failed, or it is done.
    WhenAsked,
}

/// The rule for `session` as its last run left it; `margin` is
/// [`Settings::quota_resume_margin`](crate::settings::Settings::quota_resume_margin).
pub fn go_on(session: &SessionRecord, margin: Duration) -> GoOn {
    match (session.status, session.stop_cause) {
        (SessionStatus::Completed, _) => GoOn::WhenAsked,
        (SessionStatus::Paused, Some(StopCause::Interrupted)) => GoOn::Now,
        (SessionStatus::Paused, Some(StopCause::DailyQuota)) => match session.quota_resets_at {
            Some(at) => GoOn::At(after(at, margin)),
            None => GoOn::WhenAsked,
        },
        (SessionStatus::NeedsLogin, Some(StopCause::NeedsLogin(cloud))) => GoOn::AfterLogin(cloud),
        _ => GoOn::WhenAsked,
    }
}

fn after(at: DateTime<Utc>, margin: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(margin)
        .ok()
        .and_then(|m| at.checked_add_signed(m))
        .unwrap_or(at)
}

/// Quota waits that come back with nothing moved wait longer each time (2, 4, … 64 minutes past
/// the reset), so a reset time that was wrong does not make q2google ask Google again every few
/// minutes for a day.
#[derive(Clone, Debug, Default)]
pub struct QuotaBackoff {
    last_created: Option<u64>,
    fruitless: u32,
}

impl QuotaBackoff {
    /// When to go on after a quota pause due at `due` (from [`go_on`]), the session's run having
    /// left `created` files in Google Photos, at `now`.
    pub fn next(&mut self, due: DateTime<Utc>, created: u64, now: DateTime<Utc>) -> DateTime<Utc> {
        self.fruitless = if self.last_created == Some(created) {
            self.fruitless + 1
        } else {
            0
        };
        self.last_created = Some(created);
        if self.fruitless == 0 {
            return due;
        }
        due.max(now + chrono::Duration::minutes(1 << self.fruitless.min(6)))
    }
}

/// Waits until `until` on the wall clock, in steps: a monotonic sleep would not count the hours
/// a laptop slept, so a reset that passed during sleep would be waited for again.
pub async fn wait_until(until: DateTime<Utc>) {
    wait_on(until, Utc::now).await
}

/// Longest single sleep of [`wait_until`]: how late it may notice a wall clock that jumped.
const WAIT_STEP: Duration = Duration::from_secs(30);

async fn wait_on(until: DateTime<Utc>, now: impl Fn() -> DateTime<Utc>) {
    loop {
        let left = (until - now()).to_std().unwrap_or_default();
        if left.is_zero() {
            return;
        }
        tokio::time::sleep(left.min(WAIT_STEP)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SessionId, SessionSettings};
    use chrono::TimeZone;

    fn session(status: SessionStatus, cause: Option<StopCause>) -> SessionRecord {
        let at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        SessionRecord {
            id: SessionId::new("s-2026-12-01").unwrap(),
            range_from: at.date_naive(),
            range_to: at.date_naive(),
            settings: SessionSettings {
                batch_size: 10,
                create_batch_size: 50,
                include_raw: false,
                include_joined_video: false,
                album_title: None,
                correct_video_times: false,
            },
            status,
            status_reason: None,
            quota_resets_at: None,
            stop_cause: cause,
            discovery_cursor: 1,
            discovery_done: false,
            album_id: None,
            album_url: None,
            album_items: 0,
            earlier_albums: Vec::new(),
            created_at: at,
            updated_at: at,
            finished_at: None,
            bytes_transferred: 0,
            destination: None,
        }
    }

    #[test]
    fn only_an_interrupted_run_a_quota_reset_or_a_login_goes_on_by_itself() {
        let margin = Duration::from_secs(120);
        assert_eq!(
            go_on(
                &session(SessionStatus::Paused, Some(StopCause::Interrupted)),
                margin
            ),
            GoOn::Now
        );
        let mut quota = session(SessionStatus::Paused, Some(StopCause::DailyQuota));
        let reset = Utc.with_ymd_and_hms(2026, 12, 2, 8, 0, 0).unwrap();
        quota.quota_resets_at = Some(reset);
        assert_eq!(
            go_on(&quota, margin),
            GoOn::At(reset + chrono::Duration::minutes(2))
        );
        assert_eq!(
            go_on(
                &session(
                    SessionStatus::NeedsLogin,
                    Some(StopCause::NeedsLogin(Cloud::Google))
                ),
                margin
            ),
            GoOn::AfterLogin(Cloud::Google)
        );
        for (status, cause) in [
            (SessionStatus::Paused, Some(StopCause::Requested)),
            (SessionStatus::Cancelled, Some(StopCause::Cancelled)),
            (SessionStatus::Paused, Some(StopCause::StorageFull)),
            (SessionStatus::Paused, Some(StopCause::Trouble)),
            (SessionStatus::Paused, Some(StopCause::GoProProcessing)),
            (SessionStatus::Failed, Some(StopCause::FilesFailed)),
            (SessionStatus::Failed, Some(StopCause::Fatal)),
            (SessionStatus::Completed, None),
            // Stopped before causes were stored: taken as the person's pause.
            (SessionStatus::Paused, None),
            // A quota pause without its reset time cannot be timed.
            (SessionStatus::Paused, Some(StopCause::DailyQuota)),
        ] {
            assert_eq!(
                go_on(&session(status, cause), margin),
                GoOn::WhenAsked,
                "{status:?} {cause:?}"
            );
        }
    }

    /// A wall clock that follows tokio's (paused) clock, plus hours a laptop slept.
    struct Wall {
        base: DateTime<Utc>,
        start: tokio::time::Instant,
        slept: std::sync::Mutex<chrono::Duration>,
    }

    impl Wall {
        fn now(&self) -> DateTime<Utc> {
            let ran = chrono::Duration::from_std(self.start.elapsed()).unwrap();
            self.base + ran + *self.slept.lock().unwrap()
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_of_hours_ends_on_time_and_counts_the_hours_a_laptop_slept() {
        let base = Utc.with_ymd_and_hms(2026, 12, 2, 1, 0, 0).unwrap();
        let wall = std::sync::Arc::new(Wall {
            base,
            start: tokio::time::Instant::now(),
            slept: std::sync::Mutex::new(chrono::Duration::zero()),
        });
        // Seven hours, awake all along: it ends at the instant, not a step later.
        let until = base + chrono::Duration::hours(7);
        wait_on(until, || wall.now()).await;
        assert_eq!(wall.now(), until);

        // Three hours more, but the laptop sleeps through two and a half of them after ten
        // minutes (the wall clock jumps, the monotonic one does not): it ends within a step of
        // waking, not two and a half hours later.
        let until = wall.now() + chrono::Duration::hours(3);
        let waiting = tokio::spawn({
            let wall = wall.clone();
            async move { wait_on(until, || wall.now()).await }
        });
        tokio::time::sleep(Duration::from_secs(600)).await;
        *wall.slept.lock().unwrap() = chrono::Duration::minutes(150);
        let woke = tokio::time::Instant::now();
        waiting.await.unwrap();
        let late = woke.elapsed();
        assert!(late <= WAIT_STEP + Duration::from_secs(20 * 60), "{late:?}");
        assert!(wall.now() >= until);
        assert!(
            wall.now() - until <= chrono::Duration::from_std(WAIT_STEP).unwrap(),
            "{}",
            wall.now() - until
        );
    }

    #[test]
    fn a_quota_pause_that_moved_nothing_waits_longer_each_time() {
        let now = Utc.with_ymd_and_hms(2026, 12, 2, 8, 2, 0).unwrap();
        let mut backoff = QuotaBackoff::default();
        assert_eq!(backoff.next(now, 10, now), now);
        assert_eq!(
            backoff.next(now, 10, now),
            now + chrono::Duration::minutes(2)
        );
        assert_eq!(
            backoff.next(now, 10, now),
            now + chrono::Duration::minutes(4)
        );
        // Something moved: back to the reset time itself.
        assert_eq!(backoff.next(now, 11, now), now);
        for _ in 0..10 {
            backoff.next(now, 11, now);
        }
        assert_eq!(
            backoff.next(now, 11, now),
            now + chrono::Duration::minutes(64)
        );
        // A reset further away than the backoff is waited for as it is.
        let later = now + chrono::Duration::hours(5);
        assert_eq!(backoff.next(later, 11, now), later);
    }
}
