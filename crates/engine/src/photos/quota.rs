//! What Google's failures mean for retrying, and when the daily quota resets.

use std::time::Duration;

use chrono::{DateTime, Datelike, Duration as ChronoDuration, NaiveDate, TimeZone, Utc, Weekday};

use crate::http::{Decision, StatusFailure, RETRIED_STATUSES};

/// Google asks for at least 30 s after a per-minute 429.
pub const PER_MINUTE_MIN_WAIT: Duration = Duration::from_secs(30);

/// Whether a 429 body is the per-project daily quota (never retried: it lasts until the reset).
pub fn is_daily_quota(body: &str) -> bool {
    body.contains("ApiCallsPerProjectPerDay") || body.contains("per day")
}

/// The classification for Photos calls that are safe to repeat: 408/429/5xx and 409 ABORTED are
/// retried; a per-minute 429 waits at least `rate_limit_wait`; the daily quota stops at once.
pub fn classify(failure: &StatusFailure, rate_limit_wait: Duration) -> Decision {
    match failure.status {
        429 if is_daily_quota(&failure.body) => Decision::Stop,
        429 => Decision::Retry {
            min_wait: Some(failure.retry_after.unwrap_or_default().max(rate_limit_wait)),
        },
        409 => Decision::Retry {
            min_wait: failure.retry_after,
        },
        s if RETRIED_STATUSES.contains(&s) => Decision::Retry {
            min_wait: failure.retry_after,
        },
        _ => Decision::Stop,
    }
}

/// The classification for `batchCreate`: only failures that certainly did not take effect are
/// retried (429 and 409 ABORTED). A 5xx may have created the items, so it goes back to the
/// caller, who must find out before sending again.
pub fn classify_create(failure: &StatusFailure, rate_limit_wait: Duration) -> Decision {
    match failure.status {
        429 | 409 => classify(failure, rate_limit_wait),
        _ => Decision::Stop,
    }
}

/// The next reset of Google's daily quota: midnight in America/Los_Angeles (by convention for
/// Google Cloud daily quotas; not documented for Photos), with US daylight-saving rules.
pub fn next_daily_reset(now: DateTime<Utc>) -> DateTime<Utc> {
    let pacific_offset = |date: NaiveDate| -> i64 {
        let year = date.year();
        let dst_start = nth_weekday(year, 3, Weekday::Sun, 2);
        let dst_end = nth_weekday(year, 11, Weekday::Sun, 1);
        // At 00:00 local on the transition days the old offset still applies.
        if date > dst_start && date <= dst_end {
            -7
        } else {
            -8
        }
    };
    let today_local = (now + ChronoDuration::hours(pacific_offset(now.date_naive()))).date_naive();
    // Check around the date in case the offset guess put us on the wrong side of midnight.
    for day in [today_local, today_local.succ_opt().expect("date in range")] {
        let next = day.succ_opt().expect("date in range");
        let midnight = Utc.from_utc_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight"))
            - ChronoDuration::hours(pacific_offset(next));
        if midnight > now {
            return midnight;
        }
    }
    now + ChronoDuration::days(1)
}

fn nth_weekday(year: i32, month: u32, weekday: Weekday, n: u32) -> NaiveDate {
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, n as u8).expect("valid nth weekday")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PER_MINUTE: &str = r#"{"error":{"code":429,"message":"Quota exceeded for quota metric 'Write requests' and limit 'Write requests per minute per user'","status":"RESOURCE_EXHAUSTED","details":[{"metadata":{"quota_limit":"WritesPerMinutePerUser"}}]}}"#;
    const DAILY: &str = r#"{"error":{"code":429,"message":"Quota exceeded for quota metric 'All requests' and limit 'All requests per day'","status":"RESOURCE_EXHAUSTED","details":[{"metadata":{"quota_limit":"ApiCallsPerProjectPerDay"}}]}}"#;

    #[test]
    fn per_minute_waits_thirty_seconds_and_daily_stops() {
        let f = StatusFailure::for_test(429, PER_MINUTE, None);
        assert_eq!(
            classify(&f, PER_MINUTE_MIN_WAIT),
            Decision::Retry {
                min_wait: Some(Duration::from_secs(30))
            }
        );
        let f = StatusFailure::for_test(429, PER_MINUTE, Some(Duration::from_secs(45)));
        assert_eq!(
            classify(&f, PER_MINUTE_MIN_WAIT),
            Decision::Retry {
                min_wait: Some(Duration::from_secs(45))
            }
        );
        let f = StatusFailure::for_test(429, DAILY, Some(Duration::from_secs(5)));
        assert_eq!(classify(&f, PER_MINUTE_MIN_WAIT), Decision::Stop);
    }

    #[test]
    fn create_does_not_retry_what_may_have_taken_effect() {
        for status in [500u16, 502, 503, 504, 408] {
            let f = StatusFailure::for_test(status, "", None);
            assert_eq!(
                classify_create(&f, PER_MINUTE_MIN_WAIT),
                Decision::Stop,
                "{status}"
            );
            assert!(
                matches!(classify(&f, PER_MINUTE_MIN_WAIT), Decision::Retry { .. }),
                "{status}"
            );
        }
        let f = StatusFailure::for_test(409, "ABORTED", None);
        assert!(matches!(
            classify_create(&f, PER_MINUTE_MIN_WAIT),
            Decision::Retry { .. }
        ));
    }

    #[test]
    fn daily_reset_is_pacific_midnight_across_dst() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // Winter: PST, midnight = 08:00 UTC.
        assert_eq!(
            next_daily_reset(at("2026-01-15T12:00:00Z")),
            at("2026-01-16T08:00:00Z")
        );
        assert_eq!(
            next_daily_reset(at("2026-01-15T07:59:00Z")),
            at("2026-01-15T08:00:00Z")
        );
        // Summer: PDT, midnight = 07:00 UTC.
        assert_eq!(
            next_daily_reset(at("2026-07-01T12:00:00Z")),
            at("2026-07-02T07:00:00Z")
        );
        // DST starts Sunday 8 March 2026: midnight of the 8th is still PST, of the 9th PDT.
        assert_eq!(
            next_daily_reset(at("2026-03-07T12:00:00Z")),
            at("2026-03-08T08:00:00Z")
        );
        assert_eq!(
            next_daily_reset(at("2026-03-08T12:00:00Z")),
            at("2026-03-09T07:00:00Z")
        );
        // DST ends Sunday 1 November 2026.
        assert_eq!(
            next_daily_reset(at("2026-11-01T12:00:00Z")),
            at("2026-11-02T08:00:00Z")
        );
    }
}
