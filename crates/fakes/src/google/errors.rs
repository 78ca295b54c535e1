//! The error envelopes the fake answers with, copied from google-photos-api.md:
//! the JSON-API envelope `{"error":{code,message,errors,status,details}}` (§5.4), the bare
//! upload-server shape `{"code":N,"message":..}` (§2.3), the OAuth token endpoint's
//! `{"error":..,"error_description":..}`, and the authorization endpoint's HTML error page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// Consumer named in quota messages.
const CONSUMER: &str = "project_number:1000000000001";

/// The standard JSON-API error envelope.
pub(crate) fn api_error(
    http: StatusCode,
    status: &str,
    message: &str,
    reason: Option<&str>,
    details: Option<Value>,
) -> Response {
    let mut error = json!({
        "code": http.as_u16(),
        "message": message,
        "status": status,
    });
    if let Some(reason) = reason {
        error["errors"] = json!([{ "message": message, "domain": "global", "reason": reason }]);
    }
    if let Some(details) = details {
        error["details"] = details;
    }
    (http, axum::Json(json!({ "error": error }))).into_response()
}

/// 400 INVALID_ARGUMENT with reason `badRequest`.
pub(crate) fn bad_request(message: &str) -> Response {
    api_error(
        StatusCode::BAD_REQUEST,
        "INVALID_ARGUMENT",
        message,
        Some("badRequest"),
        None,
    )
}

/// 401 UNAUTHENTICATED for a missing, unknown or expired bearer token.
pub(crate) fn unauthenticated() -> Response {
    let mut response = api_error(
        StatusCode::UNAUTHORIZED,
        "UNAUTHENTICATED",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login \
         cookie or other valid authentication credential. See \
         https://developers.google.com/identity/sign-in/web/devconsole-project.",
        None,
        None,
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"https://accounts.google.com/\""),
    );
    response
}

/// 403 PERMISSION_DENIED for a token without the needed scope.
pub(crate) fn insufficient_scopes(method: &str) -> Response {
    api_error(
        StatusCode::FORBIDDEN,
        "PERMISSION_DENIED",
        "Request had insufficient authentication scopes.",
        None,
        Some(json!([{
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT",
            "domain": "googleapis.com",
            "metadata": {
                "method": format!("google.photos.library.v1.PhotosLibrary.{method}"),
                "service": "photoslibrary.googleapis.com"
            }
        }])),
    )
}

/// Which quota a 429 names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quota {
    PerMinute,
    Daily,
    ConcurrentWrite,
}

/// 429 RESOURCE_EXHAUSTED in the exact §5.4 shape, with an optional `Retry-After`.
pub(crate) fn quota_exceeded(
    quota: Quota,
    daily_limit: u64,
    per_minute_limit: u64,
    retry_after: Option<u64>,
) -> Response {
    let (message, metric, limit, value) = match quota {
        Quota::PerMinute => (
            format!(
                "Quota exceeded for quota metric 'Write requests' and limit 'Write requests per \
                 minute per user' of service 'photoslibrary.googleapis.com' for consumer \
                 '{CONSUMER}'."
            ),
            "photoslibrary.googleapis.com/write_requests",
            "WritesPerMinutePerUser",
            per_minute_limit.to_string(),
        ),
        Quota::Daily => (
            format!(
                "Quota exceeded for quota metric 'All requests' and limit 'All requests per day' \
                 of service 'photoslibrary.googleapis.com' for consumer '{CONSUMER}'."
            ),
            "photoslibrary.googleapis.com/all_requests",
            "ApiCallsPerProjectPerDay",
            daily_limit.to_string(),
        ),
        Quota::ConcurrentWrite => (
            format!(
                "Quota exceeded for quota 'concurrent write request' of service \
                 'photoslibrary.googleapis.com' for consumer '{CONSUMER}'."
            ),
            "photoslibrary.googleapis.com/concurrent_write_requests",
            "ConcurrentWriteRequestsPerUser",
            "1".to_string(),
        ),
    };
    let details = json!([
        {
            "@type": "type.googleapis.com/google.rpc.ErrorInfo",
            "reason": "RATE_LIMIT_EXCEEDED",
            "domain": "googleapis.com",
            "metadata": {
                "service": "photoslibrary.googleapis.com",
                "quota_metric": metric,
                "quota_limit": limit,
                "quota_limit_value": value,
                "quota_location": "global",
                "consumer": "projects/1000000000001"
            }
        },
        {
            "@type": "type.googleapis.com/google.rpc.Help",
            "links": [{
                "description": "Request a higher quota limit.",
                "url": "https://cloud.google.com/docs/quota#requesting_higher_quota"
            }]
        }
    ]);
    let mut response = api_error(
        StatusCode::TOO_MANY_REQUESTS,
        "RESOURCE_EXHAUSTED",
        &message,
        Some("rateLimitExceeded"),
        Some(details),
    );
    if let Some(secs) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// 500 INTERNAL (`backendError`).
pub(crate) fn backend_error() -> Response {
    api_error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL",
        "Internal error encountered.",
        Some("backendError"),
        None,
    )
}

/// 503 UNAVAILABLE.
pub(crate) fn unavailable() -> Response {
    api_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "UNAVAILABLE",
        "The service is currently unavailable.",
        Some("backendError"),
        None,
    )
}

/// 409 ABORTED.
pub(crate) fn aborted() -> Response {
    api_error(
        StatusCode::CONFLICT,
        "ABORTED",
        "The operation was aborted.",
        Some("aborted"),
        None,
    )
}

/// The upload server's bare `{"code":N,"message":..}` shape.
pub(crate) fn upload_error(http: StatusCode, code: u32, message: &str) -> Response {
    (
        http,
        axum::Json(json!({ "code": code, "message": message })),
    )
        .into_response()
}

/// 400 `{"code":3,"message":..}` from the upload server.
pub(crate) fn upload_invalid(message: &str) -> Response {
    upload_error(StatusCode::BAD_REQUEST, 3, message)
}

/// 413 for an upload over the cap, naming the cap like the real message ("20 GB").
pub(crate) fn upload_too_large(cap: u64) -> Response {
    const GB: u64 = 1 << 30;
    let label = if cap >= GB && cap.is_multiple_of(GB) {
        format!("{} GB", cap / GB)
    } else {
        format!("{cap} bytes")
    };
    upload_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        3,
        &format!("The request exceeded the max file size limit of {label}."),
    )
}

/// The token endpoint's error body.
pub(crate) fn oauth_error(http: StatusCode, error: &str, description: &str) -> Response {
    (
        http,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

/// The authorization endpoint's HTML error page ("Error 400: invalid_request").
pub(crate) fn auth_error_page(http: StatusCode, error: &str, detail: &str) -> Response {
    let body = format!(
        "<!doctype html><html><head><title>Error {code}: {error}</title></head><body>\
         <h1>Access blocked: Authorization Error</h1>\
         <p id=\"error\">Error {code}: {error}</p><p id=\"detail\">{detail}</p></body></html>",
        code = http.as_u16(),
        error = html_escape(error),
        detail = html_escape(detail),
    );
    (http, axum::response::Html(body)).into_response()
}

/// Escapes text for HTML.
pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
