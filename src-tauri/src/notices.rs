//! What q2google says when nobody watches the window: the desktop notifications (a session done
//! with its counts, paused with its reason and, for Google's daily limit, when it goes on, a
//! sign-in needed, the network gone for minutes) and the tray's one-line status. The texts are
//! decided here, from the engine's facts, so they can be read and tested in one place.

use chrono::{DateTime, Local, Utc};
use engine::model::{ItemCounts, SessionStatus, StopCause};
use tauri::AppHandle;
use tauri_plugin_notification::NotificationExt;

use crate::tray::thousands;
use crate::views::Cloud;

/// A wait for the network is told in a notification once it lasts this long (a Wi-Fi blip is
/// not news; a router reboot is).
pub const NETWORK_NOTICE_AFTER: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// A desktop notification's title and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The title.
    pub title: String,
    /// The body.
    pub body: String,
}

impl Notice {
    fn new(title: impl Into<String>, body: impl Into<String>) -> Self {
        Self {
            title: title.into(),
            body: body.into(),
        }
    }

    /// Shows it (a desktop without a notification service shows nothing; that is not an error).
    pub fn show(self, app: &AppHandle) {
        if let Err(e) = app
            .notification()
            .builder()
            .title(self.title)
            .body(self.body)
            .show()
        {
            tracing::debug!(error = %e, "notification not shown");
        }
    }
}

/// How a run ended, as the engine's `SessionFinished` says it.
#[derive(Clone, Debug)]
pub struct RunEnd<'a> {
    /// The session's status.
    pub status: SessionStatus,
    /// The cloud to sign in to, if that stopped it.
    pub login: Option<Cloud>,
    /// Why it stopped, for a person.
    pub reason: Option<&'a str>,
    /// Why it stopped, as the session records it: what decides whether it is news.
    pub cause: Option<StopCause>,
    /// When Google's daily limit resets, if that stopped it.
    pub quota_resets_at: Option<DateTime<Utc>>,
    /// Files by state.
    pub counts: &'a ItemCounts,
}

impl RunEnd<'_> {
    fn daily_quota(&self) -> bool {
        self.status == SessionStatus::Paused && self.quota_resets_at.is_some()
    }
}

/// The notification for a run's end; `None` when there is no news: the person paused or
/// cancelled it themselves, the app is quitting, or Google's limit paused it and the plan to go on
/// by itself tells the time instead ([`quota_resumes`]). `resumes_by_itself`: the setting.
pub fn run_ended(end: &RunEnd<'_>, resumes_by_itself: bool) -> Option<Notice> {
    let moved = |c: &ItemCounts| {
        format!(
            "{} {} in Google Photos so far.",
            thousands(c.created),
            files(c.created)
        )
    };
    Some(match (end.status, end.login) {
        (SessionStatus::Completed, _) => Notice::new(
            "Your media is in Google Photos",
            format!(
                "{} {} moved, {} skipped.",
                thousands(end.counts.created),
                files(end.counts.created),
                thousands(end.counts.skipped)
            ),
        ),
        (_, Some(Cloud::Gopro)) => Notice::new(
            "GoPro asks you to sign in again",
            "The GoPro sign-in window is open. Sign in there and the move goes on by itself.",
        ),
        (_, Some(Cloud::Google)) => Notice::new(
            "Google asks you to sign in again",
            format!(
                "{} Click Sign in to Google in q2google; the move goes on by itself after.",
                end.reason.unwrap_or_default()
            )
            .trim_start()
            .to_string(),
        ),
        _ if end.daily_quota() && resumes_by_itself => return None,
        (SessionStatus::Paused, _) if end.daily_quota() => Notice::new(
            "Google's daily upload limit is reached",
            format!(
                "{} You can resume after {}.",
                moved(end.counts),
                local_time(end.quota_resets_at.expect("daily quota"), Utc::now())
            ),
        ),
        // The person's own Pause or Cancel, or the app quitting: they know.
        _ if matches!(
            end.cause,
            Some(StopCause::Requested | StopCause::Cancelled | StopCause::Interrupted)
        ) =>
        {
            return None
        }
        (SessionStatus::Cancelled, _) => return None,
        (SessionStatus::Failed, _) if end.counts.failed > 0 => Notice::new(
            "Some files could not move",
            format!(
                "{} {} could not move; {} in Google Photos. Open q2google to see why and try \
                 them again.",
                thousands(end.counts.failed),
                files(end.counts.failed),
                match end.counts.created {
                    1 => "1 file is".to_string(),
                    n => format!("{} files are", thousands(n)),
                }
            ),
        ),
        _ => Notice::new(
            "q2google paused",
            format!(
                "{} {}",
                end.reason.unwrap_or("The move stopped."),
                "Open q2google to resume; nothing is lost."
            ),
        ),
    })
}

/// Google's daily limit paused the move and it goes on by itself at `at`.
pub fn quota_resumes(at: DateTime<Utc>, created: u64, now: DateTime<Utc>) -> Notice {
    Notice::new(
        "Google's daily upload limit is reached",
        format!(
            "{} {} in Google Photos so far. q2google goes on by itself at {}, when the limit has \
             reset.",
            thousands(created),
            files(created),
            local_time(at, now)
        ),
    )
}

/// q2google started at login and goes on with a move in the background.
pub fn going_on_at_login() -> Notice {
    Notice::new(
        "q2google goes on with your move",
        "It runs in the background. Open q2google, or use its icon in the tray, to see it.",
    )
}

/// The move has waited for `cloud` for [`NETWORK_NOTICE_AFTER`] or more, since `since`.
pub fn network_gone(cloud: Cloud, since: DateTime<Utc>, now: DateTime<Utc>) -> Notice {
    let who = match cloud {
        Cloud::Gopro => "GoPro",
        Cloud::Google => "Google",
    };
    Notice::new(
        "Waiting for the network",
        format!(
            "{who} cannot be reached since {}. The move goes on by itself when the connection is \
             back; nothing is lost.",
            local_time(since, now)
        ),
    )
}

/// The tray's line for a run's end.
pub fn run_ended_line(end: &RunEnd<'_>) -> String {
    match (end.status, end.login) {
        (SessionStatus::Completed, _) => format!(
            "Done: {} {} in Google Photos",
            thousands(end.counts.created),
            files(end.counts.created)
        ),
        (_, Some(Cloud::Gopro)) => "Waiting for you to sign in to GoPro".into(),
        (_, Some(Cloud::Google)) => "Waiting for you to sign in to Google".into(),
        _ if end.daily_quota() => "Paused until Google's daily limit resets".into(),
        (SessionStatus::Cancelled, _) => "Stopped".into(),
        (SessionStatus::Failed, _) if end.counts.failed > 0 => format!(
            "Stopped: {} {} could not move",
            thousands(end.counts.failed),
            files(end.counts.failed)
        ),
        _ => "Paused".into(),
    }
}

fn files(n: u64) -> &'static str {
    if n == 1 {
        "file"
    } else {
        "files"
    }
}

/// "14:05" today, "Thu 14:05" within the week, "3 Dec 14:05" after, in the computer's time zone.
fn local_time(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let (at, now) = (at.with_timezone(&Local), now.with_timezone(&Local));
    let days = (at.date_naive() - now.date_naive()).num_days();
    if days == 0 {
        at.format("%H:%M").to_string()
    } else if (-6..=6).contains(&days) {
        at.format("%a %H:%M").to_string()
    } else {
        at.format("%-d %b %H:%M").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(created: u64, skipped: u64, failed: u64) -> ItemCounts {
        ItemCounts {
            total: created + skipped + failed,
            created,
            skipped,
            failed,
            ..ItemCounts::default()
        }
    }

    fn end<'a>(
        status: SessionStatus,
        counts: &'a ItemCounts,
        reason: Option<&'a str>,
    ) -> RunEnd<'a> {
        RunEnd {
            status,
            login: None,
            reason,
            cause: None,
            quota_resets_at: None,
            counts,
        }
    }

    #[test]
    fn done_says_the_counts() {
        let c = counts(1204, 3, 0);
        let n = run_ended(&end(SessionStatus::Completed, &c, None), true).unwrap();
        assert_eq!(n.title, "Your media is in Google Photos");
        assert_eq!(n.body, "1,204 files moved, 3 skipped.");
        assert_eq!(
            run_ended_line(&end(SessionStatus::Completed, &c, None)),
            "Done: 1,204 files in Google Photos"
        );
    }

    #[test]
    fn the_persons_own_pause_or_cancel_is_no_news() {
        let c = counts(3, 0, 0);
        // As the engine ends a Pause: with a sentence, and the cause recorded.
        let paused = RunEnd {
            cause: Some(StopCause::Requested),
            ..end(
                SessionStatus::Paused,
                &c,
                Some("Paused. Resume when you are ready; nothing is lost."),
            )
        };
        assert_eq!(run_ended(&paused, true), None);
        let quit = RunEnd {
            cause: Some(StopCause::Interrupted),
            ..paused.clone()
        };
        assert_eq!(run_ended(&quit, true), None);
        assert_eq!(
            run_ended(&end(SessionStatus::Cancelled, &c, Some("Cancelled.")), true),
            None
        );
        // A pause the person did not ask for is news.
        let full = RunEnd {
            cause: Some(StopCause::StorageFull),
            ..end(SessionStatus::Paused, &c, Some("Google storage is full."))
        };
        assert!(run_ended(&full, true).is_some());
    }

    #[test]
    fn a_daily_limit_pause_says_when_it_goes_on() {
        let c = counts(700, 0, 0);
        let reset = Utc::now() + chrono::Duration::hours(3);
        let e = RunEnd {
            quota_resets_at: Some(reset),
            ..end(SessionStatus::Paused, &c, Some("Google's daily limit."))
        };
        // Going on by itself: the plan's own notice tells the time (with its margin).
        assert_eq!(run_ended(&e, true), None);
        let n = quota_resumes(reset, 700, Utc::now());
        assert!(
            n.body.contains("700 files in Google Photos so far"),
            "{n:?}"
        );
        assert!(
            n.body.contains(&local_time(reset, Utc::now())),
            "{n:?} tells the time"
        );
        // Not by itself: when the person can resume.
        let n = run_ended(&e, false).unwrap();
        assert!(n.body.contains("You can resume after"), "{n:?}");
        assert_eq!(
            run_ended_line(&e),
            "Paused until Google's daily limit resets"
        );
    }

    #[test]
    fn a_sign_in_says_which_cloud_and_that_it_goes_on() {
        let c = counts(1, 0, 0);
        let e = RunEnd {
            login: Some(Cloud::Gopro),
            ..end(
                SessionStatus::NeedsLogin,
                &c,
                Some("GoPro's sign-in expired."),
            )
        };
        let n = run_ended(&e, true).unwrap();
        assert_eq!(n.title, "GoPro asks you to sign in again");
        assert!(n.body.contains("goes on by itself"));
        assert_eq!(run_ended_line(&e), "Waiting for you to sign in to GoPro");
    }

    #[test]
    fn failed_files_and_other_stops_say_what_to_do() {
        let c = counts(40, 0, 1);
        let n = run_ended(&end(SessionStatus::Failed, &c, Some("x")), true).unwrap();
        assert_eq!(n.title, "Some files could not move");
        assert!(
            n.body.starts_with("1 file could not move; 40 files are in"),
            "{n:?}"
        );
        let one = counts(1, 0, 2);
        let n = run_ended(&end(SessionStatus::Failed, &one, Some("x")), true).unwrap();
        assert!(
            n.body.starts_with("2 files could not move; 1 file is in"),
            "{n:?}"
        );
        let n = run_ended(
            &end(SessionStatus::Paused, &c, Some("Google storage is full.")),
            true,
        )
        .unwrap();
        assert_eq!(n.title, "q2google paused");
        assert!(n.body.starts_with("Google storage is full. Open q2google"));
    }

    #[test]
    fn a_long_network_wait_says_since_when() {
        let now = Utc::now();
        let since = now - chrono::Duration::minutes(6);
        let n = network_gone(Cloud::Google, since, now);
        assert!(n.body.starts_with("Google cannot be reached since "));
        assert!(n
            .body
            .contains(&since.with_timezone(&Local).format("%H:%M").to_string()));
    }

    #[test]
    fn times_read_as_a_clock() {
        let now = Utc::now();
        assert_eq!(
            local_time(now, now),
            now.with_timezone(&Local).format("%H:%M").to_string()
        );
        let later = now + chrono::Duration::days(30);
        assert!(local_time(later, now).contains(' '), "a date far off");
    }
}
