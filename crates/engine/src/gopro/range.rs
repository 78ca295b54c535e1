//! Capture-date ranges as a person picks them on a calendar, and how they map to the API.
//!
//! A person means *local* calendar days: a video shot at 23:30 in Hawaii on 1 March belongs to
//! 1 March although it is 2 March in UTC. GoPro's `captured_range` filters on the UTC instant,
//! and whether `captured_at` is really UTC is not settled (gopro-api.md §2.8). So the server
//! query is widened by 14 hours on each side (the largest UTC offsets) and every row is then
//! placed on its local day using `captured_at` + `captured_at_timezone` (missing means UTC).
//!
//! **Cameras before the HERO11** have no time zone: they write their local clock into the MP4
//! and EXIF fields as if it were UTC, and GoPro's cloud very probably takes that at face value,
//! so their `captured_at` is the local wall time with a `Z` (shared/design/gopro-api.md,
//! 2026-12 additions; fxstein/GoProX#5, gopro/OpenGoPro#221 and #585). Adding
//! `captured_at_timezone` to it would count the offset twice and move shots near midnight to
//! the wrong day, so for those models (by `camera_model`: HERO3 to HERO10, HERO 2018, the first
//! MAX, Fusion) the local day is `captured_at`'s own date. From the HERO11 on, and for media
//! without a model, `captured_at` is taken as a true UTC instant. The server window's ±14 h
//! covers both readings.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};

use super::api::Medium;

/// The widening on each side of the server query: the largest UTC offsets are −12 h and +14 h.
pub const WIDEN_HOURS: i64 = 14;

/// An inclusive range of local capture dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CaptureRange {
    from: NaiveDate,
    to: NaiveDate,
}

/// A range a person cannot have meant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// The end is before the start.
    #[error(
        "the end date {to} is before the start date {from}; pick an end date on or after the start"
    )]
    EndBeforeStart {
        /// Start.
        from: NaiveDate,
        /// End.
        to: NaiveDate,
    },
    /// A date could not be read.
    #[error("\"{0}\" is not a date; write it as YYYY-MM-DD, for example 2026-03-01")]
    NotADate(String),
}

impl CaptureRange {
    /// The days `from..=to`.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, RangeError> {
        if to < from {
            return Err(RangeError::EndBeforeStart { from, to });
        }
        Ok(Self { from, to })
    }

    /// Parses two `YYYY-MM-DD` dates.
    pub fn parse(from: &str, to: &str) -> Result<Self, RangeError> {
        let date = |s: &str| {
            NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                .map_err(|_| RangeError::NotADate(s.to_string()))
        };
        Self::new(date(from)?, date(to)?)
    }

    /// First day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// Last day (inclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// The widened UTC window to ask the server for: start of `from` − 14 h to end of `to` + 14 h.
    pub fn server_window(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = Utc.from_utc_datetime(&self.from.and_time(NaiveTime::MIN))
            - Duration::hours(WIDEN_HOURS);
        let end = Utc.from_utc_datetime(&self.to.and_time(NaiveTime::MIN)) + Duration::days(1)
            - Duration::milliseconds(1)
            + Duration::hours(WIDEN_HOURS);
        (start, end)
    }

    /// The `captured_range` query value: two instants with an explicit end of day (a
    /// zero-width range returns nothing).
    pub fn query_value(&self) -> String {
        let (start, end) = self.server_window();
        format!(
            "{},{}",
            start.format("%Y-%m-%dT%H:%M:%S%.3fZ"),
            end.format("%Y-%m-%dT%H:%M:%S%.3fZ")
        )
    }

    /// Whether `medium` was captured on a local day inside the range. A row without a usable
    /// `captured_at` is kept: the server already placed it in the window.
    pub fn contains(&self, medium: &Medium) -> bool {
        match medium.captured_at() {
            Some(at) => {
                let day = capture_day(at, medium);
                self.from <= day && day <= self.to
            }
            None => true,
        }
    }
}

/// The local day `medium` was captured on, from its `captured_at` (`at`): for a camera before
/// the HERO11 `at` already is local wall time, for the others it is shifted by
/// `captured_at_timezone` (see the module docs).
pub fn capture_day(at: DateTime<Utc>, medium: &Medium) -> NaiveDate {
    if writes_local_time_as_utc(medium.camera_model.as_deref()) {
        at.date_naive()
    } else {
        local_date(at, medium.captured_at_timezone.as_deref())
    }
}

/// Whether a camera model is one of those before the HERO11, which write local time as UTC.
pub fn writes_local_time_as_utc(model: Option<&str>) -> bool {
    let Some(model) = model else { return false };
    let m = model.trim().to_ascii_uppercase();
    if m.starts_with("FUSION") {
        return true;
    }
    if let Some(rest) = m.strip_prefix("MAX") {
        // The first MAX (2019); MAX2 (2025) is zone-aware.
        return !rest.trim_start().starts_with(|c: char| c.is_ascii_digit());
    }
    let Some(rest) = m.strip_prefix("HERO") else {
        return false;
    };
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<u32>() {
        // "HERO" alone, "HERO Session", "HERO 2018".
        Err(_) => true,
        Ok(year) if year >= 2000 => true,
        Ok(n) => n <= 10,
    }
}

/// The local calendar date of `at` at offset `timezone` (`+01:00`, `-10:00`, `Z`); UTC when the
/// offset is missing or unreadable.
pub fn local_date(at: DateTime<Utc>, timezone: Option<&str>) -> NaiveDate {
    let offset = timezone
        .and_then(parse_offset)
        .unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    at.with_timezone(&offset).date_naive()
}

/// The camera clock a medium's video header times were written in: `Some` for a camera before
/// the HERO11 (local time where MP4 wants UTC), with GoPro's `captured_at_timezone` as minutes
/// when it is readable.
pub fn local_clock(medium: &Medium) -> Option<crate::model::LocalClock> {
    writes_local_time_as_utc(medium.camera_model.as_deref()).then(|| crate::model::LocalClock {
        utc_offset_minutes: medium
            .captured_at_timezone
            .as_deref()
            .and_then(parse_offset)
            .map(|o| o.local_minus_utc() / 60),
    })
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("z") || s.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None if rest.len() == 4 => (rest[..2].parse().ok()?, rest[2..].parse().ok()?),
        None => (rest.parse().ok()?, 0),
    };
    if h > 14 || m >= 60 {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn medium(at: &str, tz: Option<&str>) -> Medium {
        Medium {
            id: "x".into(),
            captured_at: Some(at.into()),
            captured_at_timezone: tz.map(str::to_owned),
            ..Medium::default()
        }
    }

    #[test]
    fn query_is_widened_by_fourteen_hours_with_explicit_end_of_day() {
        let r = CaptureRange::parse("2026-03-01", "2026-03-01").unwrap();
        assert_eq!(
            r.query_value(),
            "2026-02-28T10:00:00.000Z,2026-03-02T13:59:59.999Z"
        );
    }

    #[test]
    fn local_day_decides_membership() {
        let r = CaptureRange::parse("2026-03-01", "2026-03-01").unwrap();
        // 2 March 09:32 UTC is 1 March 23:32 in Hawaii.
        assert!(r.contains(&medium("2026-03-02T09:32:00Z", Some("-10:00"))));
        assert!(!r.contains(&medium("2026-03-02T09:32:00Z", None)));
        // 28 Feb 15:00 UTC is 1 March 01:00 in Tokyo... +10 hours.
        assert!(r.contains(&medium("2026-02-28T15:00:00Z", Some("+10:00"))));
        assert!(!r.contains(&medium("2026-02-28T15:00:00Z", Some("+01:00"))));
        assert!(r.contains(&medium("2026-03-01T23:59:59Z", Some("garbage"))));
    }

    #[test]
    fn cameras_before_the_hero11_are_placed_on_the_day_their_clock_said() {
        let r = CaptureRange::parse("2026-03-31", "2026-03-31").unwrap();
        // 23:30 on 31 March on the camera's clock in Berlin (+02:00).
        let old = |model: &str| Medium {
            camera_model: Some(model.into()),
            ..medium("2026-03-31T23:30:00Z", Some("+02:00"))
        };
        for model in [
            "HERO9 Black",
            "HERO10 Black",
            "HERO 2018",
            "MAX",
            "Fusion",
            "HERO5 Session",
        ] {
            assert!(r.contains(&old(model)), "{model}");
        }
        // A HERO12's captured_at is UTC: 22:30Z is 00:30 on 1 April in Berlin.
        for model in ["HERO11 Black", "HERO12 Black", "HERO13 Black", "MAX2"] {
            let new = Medium {
                camera_model: Some(model.into()),
                ..medium("2026-03-31T22:30:00Z", Some("+02:00"))
            };
            assert!(!r.contains(&new), "{model}");
        }
        assert!(!writes_local_time_as_utc(None));
        assert!(!writes_local_time_as_utc(Some("iPhone 15")));
    }

    #[test]
    fn bad_ranges_say_what_to_do() {
        let e = CaptureRange::parse("2026-03-02", "2026-03-01").unwrap_err();
        assert!(e.to_string().contains("before the start"));
        let e = CaptureRange::parse("March", "2026-03-01").unwrap_err();
        assert!(e.to_string().contains("YYYY-MM-DD"));
    }

    #[test]
    fn offsets_parse_in_common_spellings() {
        assert_eq!(parse_offset("+05:30").unwrap().local_minus_utc(), 19800);
        assert_eq!(parse_offset("-0930").unwrap().local_minus_utc(), -34200);
        assert_eq!(parse_offset("+2").unwrap().local_minus_utc(), 7200);
        assert!(parse_offset("+25:00").is_none());
    }
}
