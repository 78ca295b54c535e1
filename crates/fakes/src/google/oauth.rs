//! Google OAuth 2 for an installed (Desktop) app: the authorization endpoint with PKCE S256
//! and loopback redirects (RFC 8252 §7.3: any port), the consent page, the token endpoint
//! (`authorization_code` and `refresh_token` grants, client secret required), revocation, and
//! OpenID Connect `userinfo` for the one account.
//!
//! Tokens are random (`ya29.fake-…`, `1//fake-…`) and remembered, unless the scenario has a
//! `stable_secret`: then they are self-validating (the `stable` module) and also remembered,
//! so revocation and `expire_access_tokens` keep working within one fake's lifetime.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use chrono::Duration;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::errors::{auth_error_page, html_escape, oauth_error};
use super::scenario::{Consent, SCOPE_EMAIL, SCOPE_OPENID};
use super::stable::{self, ACCESS_PREFIX, REFRESH_PREFIX};
use super::state::{random_id, AccessToken, AuthCode, Inner, PendingAuth, RefreshToken, Shared};
use super::{IssuedTokens, RequestKind, SharedState};

/// Parses `a=b&c=d` into a map of first values (repeated keys keep the first).
fn form_map(input: &[u8]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for (k, v) in url::form_urlencoded::parse(input) {
        map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    map
}

/// Whether `uri` is a loopback redirect per RFC 8252: `http://127.0.0.1|[::1]|localhost[:port]/...`.
fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    if url.scheme() != "http" || url.fragment().is_some() {
        return false;
    }
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// `GET /o/oauth2/v2/auth`.
pub(crate) async fn authorize(
    State(shared): State<SharedState>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = form_map(query.unwrap_or_default().as_bytes());
    let mut inner = shared.lock();
    inner.count(RequestKind::Authorize);
    let get = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != inner.scenario.client_id {
        return auth_error_page(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        );
    }
    let redirect_uri = get("redirect_uri").to_string();
    if !is_loopback_redirect(&redirect_uri) {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 \
             policy. A Desktop client must redirect to a loopback address: \
             http://127.0.0.1:<port>/, http://[::1]:<port>/ or http://localhost:<port>/.",
        );
    }
    if get("response_type") != "code" {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid response_type: the installed-app flow needs response_type=code.",
        );
    }
    let scopes: Vec<String> = get("scope")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    if scopes.is_empty() {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: scope",
        );
    }
    let challenge = get("code_challenge").to_string();
    if challenge.len() < 43 || challenge.len() > 128 {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing or malformed parameter: code_challenge",
        );
    }
    if get("code_challenge_method") != "S256" {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Invalid code_challenge_method: this client must use S256.",
        );
    }
    let pending = PendingAuth {
        client_id: get("client_id").to_string(),
        redirect_uri,
        state: params.get("state").cloned(),
        challenge,
        scopes,
        offline: get("access_type") == "offline",
    };
    match inner.scenario.consent.clone() {
        Consent::AutoApprove => {
            let granted = pending.scopes.clone();
            approve_redirect(&shared, &mut inner, pending, granted)
        }
        Consent::NarrowScopes(allowed) => {
            let granted = pending
                .scopes
                .iter()
                .filter(|s| allowed.contains(s))
                .cloned()
                .collect();
            approve_redirect(&shared, &mut inner, pending, granted)
        }
        Consent::Deny => deny_redirect(&pending),
        Consent::Page => {
            let id = random_id(24);
            let page = consent_page(&id, &pending.scopes);
            inner.pending.insert(id, pending);
            Html(page).into_response()
        }
    }
}

fn scope_label(scope: &str) -> String {
    match scope.rsplit('/').next().unwrap_or(scope) {
        "photoslibrary.appendonly" => "Add to your Google Photos library".into(),
        "photoslibrary.readonly.appcreateddata" => {
            "View and download photos and videos this app created".into()
        }
        "photoslibrary.edit.appcreateddata" => {
            "Edit the info of photos, videos and albums this app created".into()
        }
        other => format!("Access {other}"),
    }
}

fn consent_page(id: &str, scopes: &[String]) -> String {
    let boxes: String = scopes
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "<p><input type=\"checkbox\" id=\"scope{i}\" name=\"scope\" value=\"{v}\" checked>\
                 <label for=\"scope{i}\">{label}</label></p>",
                v = html_escape(s),
                label = html_escape(&scope_label(s)),
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>Sign in - Google Accounts</title></head><body>\
         <h1>q2google wants access to your Google Account</h1>\
         <form method=\"post\" action=\"/o/oauth2/v2/approve\">\
         <input type=\"hidden\" name=\"request_id\" value=\"{id}\">{boxes}\
         <button type=\"submit\" name=\"action\" value=\"deny\">Cancel</button>\
         <button type=\"submit\" name=\"action\" value=\"approve\" id=\"approve\">Approve</button>\
         </form></body></html>"
    )
}

/// `POST /o/oauth2/v2/approve`: the consent page's form.
pub(crate) async fn approve(State(shared): State<SharedState>, body: Bytes) -> Response {
    let mut request_id = String::new();
    let mut action = String::new();
    let mut ticked = Vec::new();
    for (k, v) in url::form_urlencoded::parse(&body) {
        match k.as_ref() {
            "request_id" => request_id = v.into_owned(),
            "action" => action = v.into_owned(),
            "scope" => ticked.push(v.into_owned()),
            _ => {}
        }
    }
    let mut inner = shared.lock();
    inner.count(RequestKind::Approve);
    let Some(pending) = inner.pending.remove(&request_id) else {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "This consent request is unknown or was already answered.",
        );
    };
    if action != "approve" {
        return deny_redirect(&pending);
    }
    let granted = pending
        .scopes
        .iter()
        .filter(|s| ticked.contains(s))
        .cloned()
        .collect();
    approve_redirect(&shared, &mut inner, pending, granted)
}

fn approve_redirect(
    shared: &Shared,
    inner: &mut Inner,
    pending: PendingAuth,
    granted: Vec<String>,
) -> Response {
    let code = format!("4/fake-{}", random_id(40));
    let mut url = match url::Url::parse(&pending.redirect_uri) {
        Ok(url) => url,
        Err(_) => {
            return auth_error_page(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Bad redirect_uri",
            )
        }
    };
    {
        let mut q = url.query_pairs_mut();
        if let Some(state) = &pending.state {
            q.append_pair("state", state);
        }
        q.append_pair("code", &code);
        q.append_pair("scope", &granted.join(" "));
    }
    inner.codes.insert(
        code,
        AuthCode {
            client_id: pending.client_id,
            redirect_uri: pending.redirect_uri,
            challenge: pending.challenge,
            scopes: granted,
            offline: pending.offline,
            issued: shared.now(),
            used: false,
        },
    );
    Redirect::to(url.as_str()).into_response()
}

fn deny_redirect(pending: &PendingAuth) -> Response {
    let Ok(mut url) = url::Url::parse(&pending.redirect_uri) else {
        return auth_error_page(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Bad redirect_uri",
        );
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("error", "access_denied");
        if let Some(state) = &pending.state {
            q.append_pair("state", state);
        }
    }
    Redirect::to(url.as_str()).into_response()
}

/// Mints an access token (and a refresh token when `offline`) for `scopes`: self-validating
/// under the scenario's `stable_secret`, if any, and remembered either way.
pub(crate) fn mint(
    shared: &Shared,
    inner: &mut Inner,
    scopes: &[String],
    offline: bool,
) -> IssuedTokens {
    let now = shared.now();
    let ttl = inner.scenario.access_token_ttl_secs as i64;
    let expires = now + Duration::seconds(ttl);
    let access_token = match &inner.seal {
        Some(key) => stable::access_token(key, scopes, now, expires),
        None => format!("{ACCESS_PREFIX}{}", random_id(48)),
    };
    inner.access.insert(
        access_token.clone(),
        AccessToken {
            scopes: scopes.to_vec(),
            expires,
        },
    );
    let refresh_token = offline.then(|| {
        let token = match &inner.seal {
            Some(key) => stable::refresh_token(key, scopes, &inner.scenario.client_id, now),
            None => format!("{REFRESH_PREFIX}{}", random_id(48)),
        };
        let expires = inner
            .scenario
            .refresh_token_ttl_days
            .map(|d| now + Duration::days(d as i64));
        inner.refresh.insert(
            token.clone(),
            RefreshToken {
                scopes: scopes.to_vec(),
                expires,
                revoked: false,
            },
        );
        token
    });
    IssuedTokens {
        access_token,
        refresh_token: refresh_token.unwrap_or_default(),
        scopes: scopes.to_vec(),
    }
}

/// Client credentials from the form or from HTTP Basic auth.
fn client_credentials(
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> (Option<String>, Option<String>) {
    if let Some((id, secret)) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| STANDARD.decode(b.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.split_once(':')
                .map(|(a, b)| (a.to_string(), b.to_string()))
        })
    {
        return (Some(id), Some(secret));
    }
    (
        form.get("client_id").cloned(),
        form.get("client_secret").cloned(),
    )
}

/// `POST /token`.
pub(crate) async fn token(
    State(shared): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = form_map(&body);
    let mut inner = shared.lock();
    inner.count(RequestKind::Token);
    let (client_id, secret) = client_credentials(&headers, &form);
    if client_id.as_deref() != Some(inner.scenario.client_id.as_str()) {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "The OAuth client was not found.",
        );
    }
    match secret {
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "client_secret is missing.",
            )
        }
        Some(s) if s != inner.scenario.client_secret => {
            return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unauthorized")
        }
        Some(_) => {}
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => code_grant(&shared, &mut inner, &form, client_id.as_deref()),
        Some("refresh_token") => refresh_grant(&shared, &mut inner, &form),
        Some(other) => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            &format!("Invalid grant_type: {other}"),
        ),
        None => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: grant_type",
        ),
    }
}

fn code_grant(
    shared: &Shared,
    inner: &mut Inner,
    form: &HashMap<String, String>,
    client_id: Option<&str>,
) -> Response {
    let Some(code) = form.get("code") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: code",
        );
    };
    let now = shared.now();
    let ttl = Duration::seconds(inner.scenario.auth_code_ttl_secs as i64);
    let Some(grant) = inner.codes.get_mut(code) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Malformed auth code.",
        );
    };
    if grant.used || now > grant.issued + ttl || client_id != Some(grant.client_id.as_str()) {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Bad Request");
    }
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "redirect_uri_mismatch",
            "Bad Request",
        );
    }
    let Some(verifier) = form.get("code_verifier") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Missing code verifier.",
        );
    };
    let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed || computed != grant.challenge {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Invalid code verifier.",
        );
    }
    grant.used = true;
    let scopes = grant.scopes.clone();
    let offline = grant.offline;
    let issued = mint(shared, inner, &scopes, offline);
    let mut body = json!({
        "access_token": issued.access_token,
        "expires_in": inner.scenario.access_token_ttl_secs,
        "scope": scopes.join(" "),
        "token_type": "Bearer",
    });
    if offline {
        body["refresh_token"] = json!(issued.refresh_token);
        if let Some(days) = inner.scenario.refresh_token_ttl_days {
            body["refresh_token_expires_in"] = json!(days * 86_400);
        }
    }
    axum::Json(body).into_response()
}

fn refresh_grant(shared: &Shared, inner: &mut Inner, form: &HashMap<String, String>) -> Response {
    let Some(token) = form.get("refresh_token") else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Missing required parameter: refresh_token",
        );
    };
    let now = shared.now();
    let grant = inner.refresh.get(
        token,
        &inner.scenario.client_id,
        inner.scenario.refresh_token_ttl_days,
    );
    let scopes = match grant {
        Some(r) if !r.revoked && r.expires.is_none_or(|e| now < e) => r.scopes.clone(),
        _ => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "Token has been expired or revoked.",
            )
        }
    };
    let issued = mint(shared, inner, &scopes, false);
    axum::Json(json!({
        "access_token": issued.access_token,
        "expires_in": inner.scenario.access_token_ttl_secs,
        "scope": scopes.join(" "),
        "token_type": "Bearer",
    }))
    .into_response()
}

/// `POST /revoke?token=..` (or a form body): revokes an access or refresh token.
pub(crate) async fn revoke(
    State(shared): State<SharedState>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let mut params = form_map(query.unwrap_or_default().as_bytes());
    params.extend(form_map(&body));
    let mut inner = shared.lock();
    inner.count(RequestKind::Revoke);
    let token = params.get("token").cloned().unwrap_or_default();
    let client_id = inner.scenario.client_id.clone();
    let known = inner.access.revoke(&token) || inner.refresh.revoke(&token, &client_id);
    if known {
        (StatusCode::OK, axum::Json(json!({}))).into_response()
    } else {
        oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_token",
            "Token expired or revoked",
        )
    }
}

/// `GET /v1/userinfo`: who the access token belongs to (OpenID Connect). Needs `openid` or the
/// email scope; the email address comes only with the email scope.
pub(crate) async fn userinfo(State(shared): State<SharedState>, headers: HeaderMap) -> Response {
    let now = shared.now();
    let mut inner = shared.lock();
    inner.count(RequestKind::UserInfo);
    let scopes = match super::quota::bearer(&headers).and_then(|t| inner.access.get(t)) {
        Some(token) if token.expires > now => token.scopes,
        _ => return super::errors::unauthenticated(),
    };
    let has = |scope: &str| scopes.iter().any(|s| s == scope);
    if !has(SCOPE_OPENID) && !has(SCOPE_EMAIL) {
        return super::errors::insufficient_scopes("UserInfo");
    }
    let mut body = serde_json::json!({ "sub": inner.scenario.account_id });
    if has(SCOPE_EMAIL) {
        body["email"] = inner.scenario.account_email.clone().into();
        body["email_verified"] = true.into();
    }
    axum::Json(body).into_response()
}
