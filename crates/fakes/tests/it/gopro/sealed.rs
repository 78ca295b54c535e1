//! Tokens sealed with a `stable_secret`: they survive a restart until they expire.

use std::time::Duration;

use fakes::gopro::Trigger;
use fakes::Clock;
use reqwest::header::SET_COOKIE;

use super::*;

/// Signs in on the login page and returns the `gp_access_token` cookie's value.
async fn login_token(fake: &FakeGoPro) -> String {
    let res = sign_in(&client(), fake, "demo").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    let cookie = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("gp_access_token="))
        .expect("token cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    cookie
}

/// The demo scenario with the stable `secret` and one-hour tokens.
fn stable_scenario(secret: &str) -> GoProScenario {
    GoProScenario::demo()
        .token_ttl(Duration::from_secs(3600))
        .with_stable_secret(secret)
}

/// A fake started on `clock` with the stable secret `secret`.
fn stable_fake(secret: &str, clock: &Clock) -> FakeGoPro {
    FakeGoPro::start_with_clock(stable_scenario(secret), clock.clone()).unwrap()
}

#[tokio::test]
async fn stable_secret_tokens_survive_a_restart_until_they_expire() {
    let clock = Clock::default();
    let first = stable_fake("secret-one", &clock);
    let user_id = first.user_id().to_owned();
    let from_login = login_token(&first).await;
    let issued = first.issue_token();
    for token in [&from_login, &issued] {
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 5, "JWE-looking token");
        assert!(parts.iter().all(|p| !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')));
    }
    assert_eq!(
        status_of(&first, &issued, "/media/user").await,
        StatusCode::OK
    );
    let first_api = first.api_url();
    drop(first);

    let second = stable_fake("secret-one", &clock);
    assert_ne!(second.api_url(), first_api, "a new port");
    let body = get_json(&second, &issued, "/media/user").await;
    assert_eq!(body["id"], user_id);
    assert_eq!(
        user_with_cookie(&second, &from_login, &user_id).await,
        StatusCode::OK
    );
    assert_eq!(
        user_with_cookie(&second, &from_login, "someone-else").await,
        StatusCode::UNAUTHORIZED
    );
    let landing = client()
        .get(format!("{}/media-library", second.api_url()))
        .header(COOKIE, format!("gp_access_token={from_login}"))
        .send()
        .await
        .unwrap();
    assert!(landing.text().await.unwrap().contains("signed-in"));

    // A tampered token does not verify.
    let mut parts: Vec<String> = issued.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].chars().rev().collect();
    assert_eq!(
        status_of(&second, &parts.join("."), "/media/user").await,
        StatusCode::UNAUTHORIZED
    );

    // Another secret, or none, knows nothing of these tokens.
    let other = stable_fake("secret-two", &clock);
    let plain = FakeGoPro::start_with_clock(GoProScenario::demo(), clock.clone()).unwrap();
    for fake in [&other, &plain] {
        let res = get(fake, &issued, "/media/user").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
    // Nor does the fake with the first secret accept theirs.
    assert_eq!(
        status_of(&second, &other.issue_token(), "/media/user").await,
        StatusCode::UNAUTHORIZED
    );

    // Expiry still applies on the clock, and the dead-token 500 too.
    clock.advance(Duration::from_secs(3601));
    assert_eq!(
        status_of(&second, &issued, "/media/user").await,
        StatusCode::UNAUTHORIZED
    );
    second.set_fault(|f| f.dead_token_500 = Trigger::First(1));
    assert_eq!(
        status_of(&second, &from_login, "/media/user").await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        status_of(&second, &from_login, "/media/user").await,
        StatusCode::UNAUTHORIZED
    );
    drop(second);
    let third = stable_fake("secret-one", &clock);
    assert_eq!(
        status_of(&third, &issued, "/media/user").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&third, &third.issue_token(), "/media/user").await,
        StatusCode::OK
    );
}
