//! The login page: its form, its cookies, and a remembered web sign-in.

use std::time::Duration;

use fakes::gopro::RequestKind;
use fakes::Clock;
use reqwest::header::SET_COOKIE;

use super::*;

#[tokio::test]
async fn login_page_sets_http_only_cookies_and_redirects() {
    let fake = demo();
    let c = client();
    let page = c
        .get(fake.login_url())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        r#"<label for="email">"#,
        r#"<label for="password">"#,
        r#"id="login-submit""#,
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let res = sign_in(&c, &fake, "wrong").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(res.text().await.unwrap().contains("login-error"));

    let res = sign_in(&c, &fake, "demo").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/media-library");
    let cookies: Vec<&str> = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let token_cookie = cookies
        .iter()
        .find(|c| c.starts_with("gp_access_token="))
        .expect("token cookie");
    assert!(token_cookie.contains("HttpOnly") && token_cookie.contains("Path=/"));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with(&format!("gp_user_id={};", fake.user_id()))));
    let token = token_cookie["gp_access_token=".len()..]
        .split(';')
        .next()
        .unwrap();
    assert_eq!(
        user_with_cookie(&fake, token, fake.user_id()).await,
        StatusCode::OK
    );
    let cookie = format!("gp_access_token={token}; gp_user_id={}", fake.user_id());
    let landing = c
        .get(format!("{}/media-library", fake.api_url()))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert!(landing.text().await.unwrap().contains("signed-in"));
    assert_eq!(fake.request_count(RequestKind::Login), 2);
}

/// The `Set-Cookie` values of `res` by cookie name (value only).
fn set_cookies(res: &reqwest::Response) -> std::collections::HashMap<String, String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| {
            let (name, rest) = v.to_str().ok()?.split_once('=')?;
            Some((name.to_string(), rest.split(';').next()?.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn a_remembered_web_sign_in_gives_a_fresh_token_without_a_password_until_it_ends() {
    let clock = Clock::default();
    let fake = FakeGoPro::start_with_clock(
        GoProScenario {
            web_session_ttl_secs: Some(3600),
            ..GoProScenario::default()
        },
        clock.clone(),
    )
    .unwrap();
    let c = client();
    let res = sign_in(&c, &fake, "demo").await;
    let first = set_cookies(&res);
    let session = first.get("gp_web_session").expect("remembered").clone();
    let again = c
        .get(fake.login_url())
        .header(COOKIE, format!("gp_web_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FOUND);
    let fresh = set_cookies(&again);
    assert_ne!(fresh["gp_access_token"], first["gp_access_token"]);
    assert_eq!(
        status_of(&fake, &fresh["gp_access_token"], "/media/user").await,
        StatusCode::OK
    );

    // Once it ends, and without one, the form asks for the password again.
    clock.advance(Duration::from_secs(3601));
    for cookie in [format!("gp_web_session={session}"), String::new()] {
        let page = c
            .get(fake.login_url())
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("login-submit"));
    }
    // The default web login remembers nothing.
    let plain = demo();
    let res = sign_in(&c, &plain, "demo").await;
    assert!(!set_cookies(&res).contains_key("gp_web_session"));
}
