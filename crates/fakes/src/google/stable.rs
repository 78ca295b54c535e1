//! Self-validating tokens, minted when the scenario has a `stable_secret`, so a fake restarted
//! with the same secret accepts the tokens an earlier run issued.
//!
//! Both keep the visible prefix of the random ones and Google's token alphabet
//! (`[A-Za-z0-9_-]` after the prefix):
//!
//! - access token: `ya29.fake-<claims><tag>`, claims `{"scp":[..],"iat":<unix s>,"exp":<unix s>,"jti":".."}`;
//! - refresh token: `1//fake-<claims><tag>`, claims `{"scp":[..],"cid":"<client id>","iat":<unix s>,"jti":".."}`.
//!
//! `<claims>` is the unpadded base64url JSON, `<tag>` the last 43 characters: the unpadded
//! base64url HMAC-SHA256 of `<claims>` under the secret, domain-separated per token kind
//! ([`sealed`](crate::gopro::sealed)). `jti` is random so that two tokens minted in the same
//! second differ (revoking one must not revoke the other).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::state::random_id;
use crate::gopro::sealed::{SealKey, TAG_B64_LEN};

/// Visible prefix of every access token the fake mints.
pub(crate) const ACCESS_PREFIX: &str = "ya29.fake-";
/// Visible prefix of every refresh token the fake mints.
pub(crate) const REFRESH_PREFIX: &str = "1//fake-";

const ACCESS_PURPOSE: &str = "google-access";
const REFRESH_PURPOSE: &str = "google-refresh";

/// What a self-validating access token says.
#[derive(Serialize, Deserialize)]
struct AccessClaims {
    scp: Vec<String>,
    iat: i64,
    exp: i64,
    jti: String,
}

/// What a self-validating refresh token says.
#[derive(Serialize, Deserialize)]
pub(crate) struct RefreshClaims {
    /// Granted scopes.
    pub(crate) scp: Vec<String>,
    /// The OAuth client it was issued to.
    pub(crate) cid: String,
    /// Issue time, unix seconds.
    pub(crate) iat: i64,
    jti: String,
}

fn seal<T: Serialize>(key: &SealKey, purpose: &str, prefix: &str, claims: &T) -> String {
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let tag = key.tag_b64(purpose, body.as_bytes());
    format!("{prefix}{body}{tag}")
}

fn open<T: DeserializeOwned>(key: &SealKey, purpose: &str, prefix: &str, token: &str) -> Option<T> {
    let rest = token.strip_prefix(prefix)?;
    let split = rest.len().checked_sub(TAG_B64_LEN).filter(|&n| n > 0)?;
    if !rest.is_char_boundary(split) {
        return None;
    }
    let (body, tag) = rest.split_at(split);
    if !key.verify_b64(purpose, body.as_bytes(), tag) {
        return None;
    }
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()
}

/// A self-validating access token for `scopes`, issued `now`, expiring at `expires`.
pub(crate) fn access_token(
    key: &SealKey,
    scopes: &[String],
    now: DateTime<Utc>,
    expires: DateTime<Utc>,
) -> String {
    let claims = AccessClaims {
        scp: scopes.to_vec(),
        iat: now.timestamp(),
        exp: expires.timestamp(),
        jti: random_id(16),
    };
    seal(key, ACCESS_PURPOSE, ACCESS_PREFIX, &claims)
}

/// The scopes and expiry of a self-validating access token whose tag verifies under `key`.
pub(crate) fn open_access(key: &SealKey, token: &str) -> Option<(Vec<String>, DateTime<Utc>)> {
    let claims: AccessClaims = open(key, ACCESS_PURPOSE, ACCESS_PREFIX, token)?;
    Some((claims.scp, DateTime::from_timestamp(claims.exp, 0)?))
}

/// A self-validating refresh token for `scopes`, issued to `client_id` at `now`.
pub(crate) fn refresh_token(
    key: &SealKey,
    scopes: &[String],
    client_id: &str,
    now: DateTime<Utc>,
) -> String {
    let claims = RefreshClaims {
        scp: scopes.to_vec(),
        cid: client_id.to_owned(),
        iat: now.timestamp(),
        jti: random_id(16),
    };
    seal(key, REFRESH_PURPOSE, REFRESH_PREFIX, &claims)
}

/// The claims of a self-validating refresh token whose tag verifies under `key`.
pub(crate) fn open_refresh(key: &SealKey, token: &str) -> Option<RefreshClaims> {
    open(key, REFRESH_PURPOSE, REFRESH_PREFIX, token)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(secret: &str) -> SealKey {
        SealKey::from_secret(Some(secret)).unwrap()
    }

    #[test]
    fn tokens_round_trip_and_only_under_their_key_and_kind() {
        let now = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let expires = now + chrono::Duration::seconds(3599);
        let scopes = vec!["a".to_owned(), "b".to_owned()];
        let access = access_token(&key("k"), &scopes, now, expires);
        assert!(access.starts_with(ACCESS_PREFIX));
        assert!(access[ACCESS_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(
            open_access(&key("k"), &access),
            Some((scopes.clone(), expires))
        );
        assert_eq!(open_access(&key("other"), &access), None);
        let refresh = refresh_token(&key("k"), &scopes, "client", now);
        assert!(refresh.starts_with(REFRESH_PREFIX));
        let claims = open_refresh(&key("k"), &refresh).unwrap();
        assert_eq!(
            (claims.scp, claims.cid, claims.iat),
            (scopes, "client".to_owned(), now.timestamp())
        );
        assert!(open_refresh(&key("other"), &refresh).is_none());
        // A token of one kind never passes for the other, even with the prefix swapped.
        let swapped = refresh.replacen(REFRESH_PREFIX, ACCESS_PREFIX, 1);
        assert_eq!(open_access(&key("k"), &swapped), None);
        // Tampering with the claims breaks the tag.
        let mut tampered = access.clone().into_bytes();
        tampered[ACCESS_PREFIX.len() + 2] ^= 1;
        assert_eq!(
            open_access(&key("k"), &String::from_utf8(tampered).unwrap()),
            None
        );
        assert_eq!(open_access(&key("k"), "ya29.fake-short"), None);
        assert_ne!(
            refresh_token(&key("k"), &[], "c", now),
            refresh_token(&key("k"), &[], "c", now)
        );
    }
}
