//! Tokens and the gate every API call passes: vendor Accept (406/410), rate limit (429), then
//! the token (401, or 500 for a dead token when that fault is on).
//!
//! Tokens are opaque JWE-looking strings: five base64url segments, the first being the real JWE
//! header `{"alg":"RSA-OAEP","enc":"A128GCM"}`, the others random. Nothing can be read from
//! them; the fake keeps each token's expiry (issue time + `token_ttl_secs`, on the fake clock).
//!
//! With a scenario `stable_secret` the tokens are self-validating instead, same shape:
//! `header.key.iv.claims.tag` where `key` (256 bytes) and `iv` (12 bytes) are random,
//! `claims` is the base64url JSON `{"sub":"<user id>","exp":<unix seconds>}` and `tag` the
//! HMAC-SHA256, keyed by the secret, of the purpose label `gopro-access` and
//! `header.key.iv.claims` ([`sealed`](super::sealed)). The fake still remembers the tokens it
//! issued; a token it does not know is accepted when its tag verifies, it names the seeded
//! user, and its `exp` has not passed on the clock. An expired one counts as known (401, or
//! 500 under `dead_token_500`), exactly like a remembered one.
//!
//! A token is accepted as `Authorization: Bearer <tok>` or as the cookie
//! `gp_access_token=<tok>`. When the cookie `gp_user_id` is also sent it must name the token's
//! user, otherwise 401.

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::faults::FaultKind;
use super::sealed::SealKey;
use super::state::Shared;

/// The vendor media type every API call must accept.
pub const VENDOR_ACCEPT: &str = "application/vnd.gopro.jk.media+json; version=2.0.0";
/// The search flavour the web app sends; accepted on every route too.
pub const VENDOR_SEARCH_ACCEPT: &str = "application/vnd.gopro.jk.media.search+json; version=2.0.0";
const VENDOR_TYPES: [&str; 2] = [
    "application/vnd.gopro.jk.media+json",
    "application/vnd.gopro.jk.media.search+json",
];
const CURRENT_VERSION: &str = "2.0.0";

/// What the fake remembers about an issued token.
#[derive(Clone, Debug)]
pub(crate) struct TokenInfo {
    pub(crate) user_id: String,
    pub(crate) expires_at: DateTime<Utc>,
}

/// The purpose label of GoPro access-token tags.
const TOKEN_PURPOSE: &str = "gopro-access";

/// `n` random bytes in unpadded base64url.
fn random_segment(n: usize) -> String {
    let mut buf = vec![0u8; n];
    rand::rng().fill_bytes(&mut buf);
    URL_SAFE_NO_PAD.encode(buf)
}

/// The JWE header segment every token starts with.
fn header_segment() -> String {
    URL_SAFE_NO_PAD.encode(br#"{"alg":"RSA-OAEP","enc":"A128GCM"}"#)
}

/// A fresh opaque 5-segment token.
pub(crate) fn new_token() -> String {
    format!(
        "{}.{}.{}.{}.{}",
        header_segment(),
        random_segment(256),
        random_segment(12),
        random_segment(180),
        random_segment(16)
    )
}

/// The claims a self-validating token carries.
#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    exp: i64,
}

/// A self-validating 5-segment token for `info` (see the module docs).
fn sealed_token(key: &SealKey, info: &TokenInfo) -> String {
    let claims = Claims {
        sub: info.user_id.clone(),
        exp: info.expires_at.timestamp(),
    };
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap_or_default());
    let signed = format!(
        "{}.{}.{}.{claims}",
        header_segment(),
        random_segment(256),
        random_segment(12)
    );
    let tag = key.tag_b64(TOKEN_PURPOSE, signed.as_bytes());
    format!("{signed}.{tag}")
}

/// What a self-validating token says, if its tag verifies under `key`.
fn open_sealed(key: &SealKey, token: &str) -> Option<TokenInfo> {
    let (signed, tag) = token.rsplit_once('.')?;
    let segments: Vec<&str> = signed.split('.').collect();
    if segments.len() != 4 || !key.verify_b64(TOKEN_PURPOSE, signed.as_bytes(), tag) {
        return None;
    }
    let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(segments[3]).ok()?).ok()?;
    Some(TokenInfo {
        user_id: claims.sub,
        expires_at: DateTime::from_timestamp(claims.exp, 0)?,
    })
}

impl Shared {
    /// The key of self-validating tokens, when the scenario has a `stable_secret`.
    fn seal_key(&self) -> Option<SealKey> {
        SealKey::from_secret(self.scenario.stable_secret.as_deref())
    }

    /// Issues a token for the seeded user, valid for the scenario's TTL from now:
    /// self-validating under the scenario's `stable_secret`, if any, and remembered either way.
    pub(crate) fn issue_token(&self) -> String {
        let info = TokenInfo {
            user_id: self.scenario.account.user_id.clone(),
            expires_at: self.clock.now()
                + chrono::Duration::seconds(self.scenario.token_ttl_secs as i64),
        };
        let token = match self.seal_key() {
            Some(key) => sealed_token(&key, &info),
            None => new_token(),
        };
        self.lock_tokens().insert(token.clone(), info);
        token
    }

    /// What the fake knows about `token`: one it issued, or else a self-validating one for
    /// the seeded user whose tag verifies under the `stable_secret`. Expiry is not checked.
    pub(crate) fn token_info(&self, token: &str) -> Option<TokenInfo> {
        if let Some(info) = self.lock_tokens().get(token) {
            return Some(info.clone());
        }
        open_sealed(&self.seal_key()?, token)
            .filter(|info| info.user_id == self.scenario.account.user_id)
    }
}

enum AcceptVerdict {
    Ok,
    Gone,
    NotAcceptable,
}

fn check_accept(headers: &HeaderMap, gone_versions: &[String]) -> AcceptVerdict {
    let mut gone = false;
    for value in headers.get_all(header::ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        for item in value.split(',') {
            let mut parts = item.split(';');
            let media_type = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            if !VENDOR_TYPES.contains(&media_type.as_str()) {
                continue;
            }
            let version = parts
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("version"))
                .map(|(_, v)| v.trim().trim_matches('"').to_owned());
            match version {
                // A listed version is gone even if it is the current one: that is how a
                // scenario plays "GoPro retired the version q2google speaks".
                Some(v) if gone_versions.contains(&v) => gone = true,
                Some(v) if v == CURRENT_VERSION => return AcceptVerdict::Ok,
                _ => {}
            }
        }
    }
    if gone {
        AcceptVerdict::Gone
    } else {
        AcceptVerdict::NotAcceptable
    }
}

/// The cookie `name` from every `Cookie` header.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| k.trim() == name)
        .map(|(_, v)| v.trim().to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The JSON error bodies of the API.
pub(crate) fn api_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({"error": error, "error_description": description});
    super::api_json(status, &body)
}

enum TokenCheck {
    Valid(String),
    Expired,
    Invalid,
}

impl Shared {
    fn check_token(&self, headers: &HeaderMap) -> TokenCheck {
        let now = self.clock.now();
        let cookie_user = cookie(headers, "gp_user_id");
        let candidates = [
            bearer(headers).map(|t| (t, None)),
            cookie(headers, "gp_access_token").map(|t| (t, cookie_user)),
        ];
        let mut expired = false;
        for (token, claimed_user) in candidates.into_iter().flatten() {
            let Some(info) = self.token_info(&token) else {
                continue;
            };
            if claimed_user.as_ref().is_some_and(|u| *u != info.user_id) {
                continue;
            }
            if now >= info.expires_at {
                expired = true;
                continue;
            }
            return TokenCheck::Valid(info.user_id.clone());
        }
        if expired {
            TokenCheck::Expired
        } else {
            TokenCheck::Invalid
        }
    }

    /// The gate of every API route: 406/410 (Accept), then 429, then 401/500 (token).
    /// Returns the caller's user id.
    pub(crate) fn gate(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
        self.check_request(headers).map_err(Box::new)
    }

    /// The login check alone (no `Accept` version, no rate limit): the image hosts' gate.
    pub(crate) fn authenticate(&self, headers: &HeaderMap) -> Result<String, Box<Response>> {
        match self.check_token(headers) {
            TokenCheck::Valid(user) => Ok(user),
            TokenCheck::Expired | TokenCheck::Invalid => Err(Box::new(api_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request",
                "The access token is missing, invalid or expired",
            ))),
        }
    }

    #[allow(clippy::result_large_err)] // boxed once, by `gate`
    fn check_request(&self, headers: &HeaderMap) -> Result<String, Response> {
        match check_accept(headers, &self.scenario.gone_versions) {
            AcceptVerdict::Ok => {}
            AcceptVerdict::Gone => return Err(StatusCode::GONE.into_response()),
            AcceptVerdict::NotAcceptable => return Err(StatusCode::NOT_ACCEPTABLE.into_response()),
        }
        let (limited, retry_after) = {
            let mut faults = self.lock_faults();
            let retry_after = faults.faults.rate_limit.retry_after_secs;
            (faults.fire(FaultKind::RateLimit), retry_after)
        };
        if limited {
            let mut res = api_error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Rate limit exceeded",
            );
            if let Some(secs) = retry_after {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            return Err(res);
        }
        match self.check_token(headers) {
            TokenCheck::Valid(user) => Ok(user),
            TokenCheck::Expired if self.lock_faults().fire(FaultKind::DeadToken) => Err(api_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal_server_error",
                "Internal Server Error",
            )),
            TokenCheck::Expired | TokenCheck::Invalid => Err(api_error(
                StatusCode::UNAUTHORIZED,
                "invalid_request",
                "The access token is missing, invalid or expired",
            )),
        }
    }
}
