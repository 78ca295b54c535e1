//! The account side: the login page the desktop app's GoPro window shows, the media-library
//! landing page, and `GET /media/user`.
//!
//! `GET /login` serves a form (`#email`, `#password`, labelled; submit button `#login-submit`).
//! `POST /login` (form-encoded `email`, `password`) with the scenario's credentials issues a new
//! token and answers **302** `Location: /media-library` with
//! `Set-Cookie: gp_access_token=<tok>; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax` and
//! `Set-Cookie: gp_user_id=<uid>; Path=/; Max-Age=604800; SameSite=Lax` (the cookie advertises
//! 168 h; the token itself dies after `token_ttl_secs`). Wrong credentials re-render the form
//! with a 200 and `#login-error`, and set no cookie. The email is compared case-insensitively.
//!
//! With the scenario's `web_session_ttl_secs`, a password sign-in also sets
//! `gp_web_session=<id>; HttpOnly` and `GET /login` with a live one answers like a successful
//! `POST` at once (a fresh token, no form): a browser that keeps its cookies signs in again
//! without a password.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

use super::auth::cookie;
use super::faults::RequestKind;
use super::state::Shared;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn login_page(email: &str, error: Option<&str>) -> Html<String> {
    let error = error.map_or(String::new(), |e| {
        format!("<p id=\"login-error\" role=\"alert\">{}</p>\n", escape(e))
    });
    Html(format!(
        r#"<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Sign in | GoPro (fake)</title></head>
<body>
<main>
<h1>Sign in to GoPro</h1>
{error}<form id="login-form" method="post" action="/login">
<p><label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="{}"></p>
<p><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button id="login-submit" type="submit">Sign in</button></p>
</form>
</main>
</body>
</html>
"#,
        escape(email)
    ))
}

/// `GET /login`.
pub(crate) async fn login_form(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.hit(RequestKind::LoginPage);
    match cookie(&headers, "gp_web_session") {
        Some(id) if shared.web_session_live(&id) => signed_in(&shared, None),
        _ => login_page("", None).into_response(),
    }
}

/// The answer to a successful sign-in: a fresh token in cookies, then the media library;
/// `web_session` is a new remembered sign-in to set too.
fn signed_in(shared: &Shared, web_session: Option<String>) -> Response {
    let token = shared.issue_token();
    let account = &shared.scenario.account;
    let mut res = (StatusCode::FOUND, [(header::LOCATION, "/media-library")]).into_response();
    let mut cookies = vec![
        format!("gp_access_token={token}; Path=/; Max-Age=604800; HttpOnly; SameSite=Lax"),
        format!(
            "gp_user_id={}; Path=/; Max-Age=604800; SameSite=Lax",
            account.user_id
        ),
    ];
    if let (Some(id), Some(ttl)) = (web_session, shared.scenario.web_session_ttl_secs) {
        cookies.push(format!(
            "gp_web_session={id}; Path=/; Max-Age={ttl}; HttpOnly; SameSite=Lax"
        ));
    }
    for value in cookies {
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// `POST /login`.
pub(crate) async fn login_submit(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    shared.hit(RequestKind::Login);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body).into_owned().collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let (email, password) = (field("email"), field("password"));
    let account = &shared.scenario.account;
    if !email.trim().eq_ignore_ascii_case(&account.email) || password != account.password {
        return login_page(email, Some("Incorrect email or password.")).into_response();
    }
    signed_in(&shared, shared.remember_web_session())
}

/// `GET /media-library`: a plain landing page saying whether the cookie is a live token.
pub(crate) async fn media_library(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
) -> Html<String> {
    shared.hit(RequestKind::MediaLibrary);
    let now = shared.clock.now();
    let signed_in = cookie(&headers, "gp_access_token")
        .and_then(|t| shared.token_info(&t).map(|i| i.expires_at > now))
        .unwrap_or(false);
    let status = if signed_in {
        r#"<p id="signed-in">You are signed in.</p>"#
    } else {
        r#"<p id="signed-out">You are not signed in. <a href="/login">Sign in</a></p>"#
    };
    Html(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Media Library | GoPro (fake)</title></head>\n<body><main><h1>Media Library</h1>{status}</main></body>\n</html>\n"
    ))
}

/// `GET /media/user`: counts and storage of the library, split GoPro (exempt) / other.
pub(crate) async fn user(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.hit(RequestKind::User);
    let user_id = match shared.gate(&headers) {
        Ok(user) => user,
        Err(res) => return *res,
    };
    let library = &shared.scenario.library;
    let stats = |exempt: bool| {
        let items = library.iter().filter(|m| m.gopro_media == exempt);
        let (count, storage) = items.fold((0u64, 0u64), |(c, s), m| {
            (c + 1, s + m.file_size.unwrap_or(0))
        });
        json!({"total_count": count, "total_storage": storage})
    };
    let total_storage: u64 = library.iter().map(|m| m.file_size.unwrap_or(0)).sum();
    let first = library
        .iter()
        .map(|m| m.created_at)
        .min()
        .unwrap_or_else(|| shared.clock.now());
    let last = library.iter().map(|m| m.updated_at).max().unwrap_or(first);
    let body = json!({
        "id": user_id,
        "total_count": library.len(),
        "total_storage": total_storage,
        "exempt": stats(true),
        "non_exempt": stats(false),
        "non_exempt_storage_limit": 100u64 * 1024 * 1024 * 1024,
        "created_at": (first - chrono::Duration::days(400)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "updated_at": last.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    });
    super::api_json(StatusCode::OK, &body)
}
