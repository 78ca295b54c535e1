//! The CDN host: pre-signed, method-specific, expiring URLs over generated content.
//!
//! URL shape (CloudFront-style, `gopro-api.md` §2.4):
//! `{cdn}/{uuid}/{numeric}/{label}/{camera_position}/{item_number}.{ext}?Expires=<unix>&Signature=<hex>&Key-Pair-Id=<id>&response-content-disposition=attachment%3B%20filename%3DGX010639.MP4%3B`
//!
//! The signature is SHA-256 over a per-fake secret, the method, the path, `Expires` and the
//! disposition; so a `url` used for HEAD, a `head` used for GET, or any edit gives 403. Checks in
//! order: `Authorization` header present → 400 (S3's "Only one auth mechanism allowed");
//! missing or wrong signature → 403; past `Expires` (fake clock) → 403 "Request has expired";
//! unknown path → 404; then the injected 5xx (GETs only). Errors are small S3 XML documents.
//!
//! GET honours one `Range` (`bytes=a-b`, `bytes=a-`, `bytes=-n`) with 206 and `Content-Range`,
//! 416 with `Content-Range: bytes */len` when it starts past the end; an unparseable or
//! multi-range header is ignored (200, whole file). HEAD gives `Content-Length` and no body.
//! Every success carries `Content-Type: binary/octet-stream`, `Accept-Ranges: bytes`, and the
//! `Content-Disposition` taken from the query parameter.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use super::faults::{CdnRequest, FaultKind, RequestKind};
use super::library::{Media, Rendition};
use super::state::{cdn_prefix, Shared};
use crate::content::hex;

const KEY_PAIR_ID: &str = "APKAFAKEGOPRO00001";
const CHUNK: usize = 64 * 1024;

/// Percent-encodes everything but RFC 3986 unreserved characters (`%20` for spaces).
pub(crate) fn pct(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn signature(secret: &[u8], method: &str, path: &str, expires: &str, disposition: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        secret,
        method.as_bytes(),
        path.as_bytes(),
        expires.as_bytes(),
        disposition.as_bytes(),
    ] {
        h.update(part);
        h.update(b"\n");
    }
    hex(&h.finalize())
}

/// The CDN path of `rendition` of `media`.
pub(crate) fn cdn_path(media: &Media, r: &Rendition) -> String {
    format!(
        "{}/{}/{}/{}.{}",
        cdn_prefix(media),
        r.label,
        r.camera_position,
        r.path_item(),
        r.file_type
    )
}

impl Shared {
    /// A URL for `method` (`GET` or `HEAD`), valid for the scenario's URL TTL from now.
    pub(crate) fn signed_url(&self, media: &Media, r: &Rendition, method: &str) -> String {
        let path = cdn_path(media, r);
        let expires =
            (self.clock.now().timestamp() + self.scenario.url_ttl_secs as i64).to_string();
        let disposition = format!("attachment; filename={};", r.download_name);
        let sig = signature(&self.secret, method, &path, &expires, &disposition);
        let base = self.cdn_base.get().map_or("", String::as_str);
        format!(
            "{base}{path}?Expires={expires}&Signature={sig}&Key-Pair-Id={KEY_PAIR_ID}&response-content-disposition={}",
            pct(&disposition)
        )
    }
}

fn xml_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>FAKE0000000000000</RequestId></Error>"
    );
    (status, [(header::CONTENT_TYPE, "application/xml")], body).into_response()
}

enum RangeReq {
    Full,
    Part(u64, u64),
    Unsatisfiable,
}

fn parse_range(value: Option<&str>, len: u64) -> RangeReq {
    let Some(spec) = value.and_then(|v| v.trim().strip_prefix("bytes=")) else {
        return RangeReq::Full;
    };
    if spec.contains(',') {
        return RangeReq::Full;
    }
    let Some((a, b)) = spec.split_once('-') else {
        return RangeReq::Full;
    };
    let (a, b) = (a.trim(), b.trim());
    if a.is_empty() {
        return match b.parse::<u64>() {
            Ok(0) => RangeReq::Unsatisfiable,
            Ok(n) if len > 0 => RangeReq::Part(len - n.min(len), len - 1),
            Ok(_) => RangeReq::Unsatisfiable,
            Err(_) => RangeReq::Full,
        };
    }
    let Ok(start) = a.parse::<u64>() else {
        return RangeReq::Full;
    };
    let end = if b.is_empty() {
        u64::MAX
    } else {
        match b.parse::<u64>() {
            Ok(end) if end >= start => end,
            _ => return RangeReq::Full,
        }
    };
    if start >= len {
        return RangeReq::Unsatisfiable;
    }
    RangeReq::Part(start, end.min(len - 1))
}

/// Every request to the CDN host.
pub(crate) async fn serve(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let kind = if method == Method::HEAD {
        RequestKind::CdnHead
    } else {
        RequestKind::CdnGet
    };
    shared.hit(kind);
    let (shaping, shared_cap) = {
        let f = shared.lock_faults();
        (f.faults.cdn_shaping, f.faults.cdn_shared_bytes_per_sec)
    };
    shaping.delay().await;
    let res = respond(&shared, &method, &uri, &headers, (shaping, shared_cap));
    shared.lock_counters().cdn.push(CdnRequest {
        method: method.to_string(),
        path: uri.path().to_owned(),
        range: headers
            .get(header::RANGE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        had_authorization: headers.contains_key(header::AUTHORIZATION),
        status: res.status().as_u16(),
    });
    res
}

fn respond(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    (shaping, shared_cap): (crate::Shaping, Option<u64>),
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return xml_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
        );
    }
    if headers.contains_key(header::AUTHORIZATION) {
        return xml_error(
            StatusCode::BAD_REQUEST,
            "InvalidArgument",
            "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
        );
    }
    let query = uri.query().unwrap_or("");
    let param = |name: &str| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let (Some(expires), Some(sig), Some(_key)) =
        (param("Expires"), param("Signature"), param("Key-Pair-Id"))
    else {
        return xml_error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "Missing Key-Pair-Id query parameter or cookie value",
        );
    };
    let disposition = param("response-content-disposition").unwrap_or_default();
    let path = uri.path();
    if signature(
        &shared.secret,
        method.as_str(),
        path,
        &expires,
        &disposition,
    ) != sig
    {
        return xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Access denied");
    }
    let Ok(expires_at) = expires.parse::<i64>() else {
        return xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Access denied");
    };
    if shared.clock.now().timestamp() > expires_at {
        return xml_error(StatusCode::FORBIDDEN, "AccessDenied", "Request has expired");
    }
    let Some(content) = lookup(shared, path) else {
        return xml_error(
            StatusCode::NOT_FOUND,
            "NoSuchKey",
            "The specified key does not exist.",
        );
    };
    if *method == Method::GET {
        let (fire, status) = {
            let mut f = shared.lock_faults();
            let status = f.faults.cdn_error.status;
            (f.fire(FaultKind::CdnError), status)
        };
        if fire {
            let status = StatusCode::from_u16(status)
                .ok()
                .filter(|s| s.is_server_error());
            return xml_error(
                status.unwrap_or(StatusCode::SERVICE_UNAVAILABLE),
                "ServiceUnavailable",
                "Please reduce your request rate.",
            );
        }
    }
    let len = content.len;
    let mut out = HeaderMap::new();
    out.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("binary/octet-stream"),
    );
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    out.insert(
        "x-amz-storage-class",
        HeaderValue::from_static("GLACIER_IR"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("\"{:016x}{:012x}\"", content.seed, content.len))
    {
        out.insert(header::ETAG, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        if !disposition.is_empty() {
            out.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    if *method == Method::HEAD {
        out.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        return (StatusCode::OK, out).into_response();
    }
    let range = parse_range(
        headers.get(header::RANGE).and_then(|v| v.to_str().ok()),
        len,
    );
    let (status, start, end) = match range {
        RangeReq::Full => (StatusCode::OK, 0, len),
        RangeReq::Part(a, b) => {
            if let Ok(v) = HeaderValue::from_str(&format!("bytes {a}-{b}/{len}")) {
                out.insert(header::CONTENT_RANGE, v);
            }
            (StatusCode::PARTIAL_CONTENT, a, b + 1)
        }
        RangeReq::Unsatisfiable => {
            let mut res = xml_error(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "InvalidRange",
                "The requested range is not satisfiable",
            );
            if let Ok(v) = HeaderValue::from_str(&format!("bytes */{len}")) {
                res.headers_mut().insert(header::CONTENT_RANGE, v);
            }
            return res;
        }
    };
    out.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    let (drop, after) = {
        let mut f = shared.lock_faults();
        let after = f.faults.cdn_drop.after_bytes;
        (f.fire(FaultKind::CdnDrop), after)
    };
    let stream = shaping.throttle(content.stream(start, end, CHUNK));
    let stream = shared.downlink.throttle(stream, shared_cap);
    let body = if drop {
        // hyper queues ready chunks before flushing; pausing before the error lets the bytes
        // sent so far reach the client before the connection drops (otherwise a small
        // `after_bytes` would look like a connection closed before the headers).
        let cut = crate::shaping::cut_after(stream, after).then(|item| async move {
            if item.is_err() {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            item
        });
        Body::from_stream(cut)
    } else {
        Body::from_stream(stream)
    };
    (status, out, body).into_response()
}

fn lookup(shared: &Shared, path: &str) -> Option<crate::Content> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let [uuid, numeric, label, position, file] = segments.as_slice() else {
        return None;
    };
    let index = *shared.by_prefix.get(&format!("/{uuid}/{numeric}"))?;
    let media = shared.scenario.library.get(index)?;
    let (item, ext) = file.split_once('.')?;
    let item: u32 = item.parse().ok()?;
    media
        .renditions
        .iter()
        .find(|r| {
            r.label == *label
                && r.camera_position == *position
                && r.path_item() == item
                && r.file_type == ext
        })
        .map(|r| r.content)
}
