//! The gate every Photos API request passes: request counting, bearer and scope checks,
//! injected whole-request faults, then the daily per-project and per-minute per-user quotas.
//!
//! The daily counter resets at midnight at a fixed UTC−8 offset (Pacific standard time; the
//! fake ignores daylight saving, §8 question 9). The per-minute window slides over the last 60 s
//! of the fake [`Clock`](crate::Clock). A request rejected by any check is not counted against
//! a quota; one that is admitted counts even if its handler later fails.

use axum::http::{header, HeaderMap};
use axum::response::Response;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use super::errors::{self, Quota};
use super::scenario::{
    InjectedError, SCOPE_APPENDONLY, SCOPE_EDIT_APPCREATED, SCOPE_READONLY_APPCREATED,
};
use super::state::{Inner, QuotaUsage, Shared};
use super::RequestKind;

/// The scope a route needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Need {
    /// No bearer needed (resumable session URLs are capabilities).
    Nothing,
    /// `appendonly`.
    Append,
    /// `appendonly` or `edit.appcreateddata`.
    AppendOrEdit,
    /// `readonly.appcreateddata` or `edit.appcreateddata`.
    Read,
}

impl Need {
    fn satisfied_by(self, scopes: &[String]) -> bool {
        let has = |s: &str| scopes.iter().any(|g| g == s);
        match self {
            Need::Nothing => true,
            Need::Append => has(SCOPE_APPENDONLY),
            Need::AppendOrEdit => has(SCOPE_APPENDONLY) || has(SCOPE_EDIT_APPCREATED),
            Need::Read => has(SCOPE_READONLY_APPCREATED) || has(SCOPE_EDIT_APPCREATED),
        }
    }
}

/// Counts the request and runs every check; `Err` is the response to send instead.
pub(crate) fn admit(
    shared: &Shared,
    kind: RequestKind,
    headers: &HeaderMap,
    need: Need,
) -> Result<(), Response> {
    let now = shared.now();
    let mut inner = shared.lock();
    inner.count(kind);
    if need != Need::Nothing {
        let scopes = match bearer(headers).and_then(|t| inner.access.get(t)) {
            Some(token) if token.expires > now => token.scopes.clone(),
            _ => return Err(errors::unauthenticated()),
        };
        if !need.satisfied_by(&scopes) {
            return Err(errors::insufficient_scopes(kind.method_name()));
        }
    }
    if let Some(response) = injected_fault(&mut inner, kind) {
        return Err(response);
    }
    check_quotas(&mut inner, kind, now)
}

/// The bearer token of `Authorization: Bearer <token>`.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

fn injected_fault(inner: &mut Inner, kind: RequestKind) -> Option<Response> {
    let position = inner
        .scenario
        .request_faults
        .iter()
        .position(|f| f.times > 0 && f.only.is_none_or(|only| only == kind))?;
    let fault = &mut inner.scenario.request_faults[position];
    fault.times -= 1;
    let fault = fault.clone();
    if fault.times == 0 {
        inner.scenario.request_faults.remove(position);
    }
    let daily = inner.scenario.daily_request_limit;
    let minute = inner.scenario.writes_per_minute;
    let mut response = match fault.error {
        InjectedError::RateLimitPerMinute => {
            errors::quota_exceeded(Quota::PerMinute, daily, minute, None)
        }
        InjectedError::RateLimitDaily => errors::quota_exceeded(Quota::Daily, daily, minute, None),
        InjectedError::ConcurrentWrite => {
            errors::quota_exceeded(Quota::ConcurrentWrite, daily, minute, None)
        }
        InjectedError::BackendError => errors::backend_error(),
        InjectedError::Unavailable => errors::unavailable(),
        InjectedError::Aborted => errors::aborted(),
        InjectedError::Unauthenticated => errors::unauthenticated(),
    };
    if let Some(secs) = fault.retry_after_secs {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(secs));
    }
    Some(response)
}

fn counts_daily(inner: &Inner, kind: RequestKind) -> bool {
    match kind {
        RequestKind::UploadChunk | RequestKind::UploadQuery => {
            inner.scenario.count_session_requests
        }
        k => k.is_api(),
    }
}

fn counts_as_write(inner: &Inner, kind: RequestKind) -> bool {
    match kind {
        RequestKind::BatchCreate | RequestKind::AlbumCreate | RequestKind::BatchAdd => true,
        RequestKind::UploadRaw | RequestKind::UploadStart | RequestKind::UploadChunk => {
            inner.scenario.uploads_count_as_writes
        }
        _ => false,
    }
}

fn check_quotas(inner: &mut Inner, kind: RequestKind, now: DateTime<Utc>) -> Result<(), Response> {
    let daily_limit = inner.scenario.daily_request_limit;
    let minute_limit = inner.scenario.writes_per_minute;
    let daily = counts_daily(inner, kind);
    let write = counts_as_write(inner, kind);
    if daily {
        let today = quota_day(now);
        if inner.daily_day != Some(today) {
            inner.daily_day = Some(today);
            inner.daily_used = 0;
        }
        if inner.daily_used >= daily_limit {
            let retry_after = inner
                .scenario
                .daily_retry_after
                .then(|| (next_quota_day(now) - now).num_seconds().max(1) as u64);
            return Err(errors::quota_exceeded(
                Quota::Daily,
                daily_limit,
                minute_limit,
                retry_after,
            ));
        }
    }
    if write {
        prune_writes(inner, now);
        if inner.writes.len() as u64 >= minute_limit {
            return Err(errors::quota_exceeded(
                Quota::PerMinute,
                daily_limit,
                minute_limit,
                None,
            ));
        }
        inner.writes.push_back(now);
    }
    if daily {
        inner.daily_used += 1;
    }
    Ok(())
}

fn prune_writes(inner: &mut Inner, now: DateTime<Utc>) {
    let cutoff = now - Duration::seconds(60);
    while inner.writes.front().is_some_and(|t| *t <= cutoff) {
        inner.writes.pop_front();
    }
}

/// The quota day: the calendar date at UTC−8.
fn quota_day(now: DateTime<Utc>) -> NaiveDate {
    (now - Duration::hours(8)).date_naive()
}

/// When the quota day of `now` ends: the next midnight at UTC−8.
fn next_quota_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = quota_day(now);
    today
        .succ_opt()
        .unwrap_or(today)
        .and_time(NaiveTime::MIN)
        .and_utc()
        + Duration::hours(8)
}

/// The current quota counters.
pub(crate) fn usage(shared: &Shared) -> QuotaUsage {
    let now = shared.now();
    let mut inner = shared.lock();
    prune_writes(&mut inner, now);
    let today = quota_day(now);
    let daily_used = if inner.daily_day == Some(today) {
        inner.daily_used
    } else {
        0
    };
    QuotaUsage {
        daily_used,
        daily_limit: inner.scenario.daily_request_limit,
        writes_last_minute: inner.writes.len() as u64,
        writes_per_minute_limit: inner.scenario.writes_per_minute,
        daily_resets_at: next_quota_day(now),
    }
}
