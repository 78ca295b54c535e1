//! Tokens that survive a restart of a fake with the same `stable_secret`, and their revocation.

use std::time::Duration;

use fakes::Clock;

use super::*;

/// A quick scenario with the stable `secret`, whose refresh tokens last 7 days.
fn stable_scenario(secret: &str) -> GoogleScenario {
    quick()
        .with_stable_secret(secret)
        .with_refresh_token_ttl_days(7)
}

/// A fake started on `clock` with the stable secret `secret`.
fn stable_fake(secret: &str, clock: &Clock) -> FakeGoogle {
    FakeGoogle::start_with_clock(stable_scenario(secret), clock.clone()).unwrap()
}

/// Refreshes, expecting success, and returns the new access token.
async fn refreshed(g: &FakeGoogle, refresh_token: &str) -> String {
    let (status, body) = refresh_at(g, refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

/// Revokes `token` through the endpoint: its status.
async fn revoke_at(g: &FakeGoogle, token: &str) -> StatusCode {
    client()
        .post(g.revoke_url())
        .form(&[("token", token)])
        .send()
        .await
        .expect("revoke")
        .status()
}

#[tokio::test]
async fn stable_secret_tokens_survive_a_restart() {
    let clock = Clock::default();
    let first = stable_fake("secret-one", &clock);
    let (verifier, challenge) = pkce("stable");
    let code = code_for(&first, &challenge, &ALL.join(" ")).await;
    let (status, body) = exchange_code(&first, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    let access_token = body["access_token"].as_str().unwrap().to_owned();
    assert!(refresh_token.starts_with("1//fake-"), "{refresh_token}");
    assert!(access_token.starts_with("ya29.fake-"), "{access_token}");
    let issued = first.issue_tokens(&[SCOPE_APPENDONLY]);
    assert_eq!(list_status(&first, &access_token).await, StatusCode::OK);
    let first_url = first.base_url();
    drop(first);

    let second = stable_fake("secret-one", &clock);
    assert_ne!(second.base_url(), first_url, "a new port");
    // The access token minted before the restart still works until it expires…
    assert_eq!(list_status(&second, &access_token).await, StatusCode::OK);
    // …and the refresh tokens (code exchange and issue_tokens) give new ones with their scopes.
    let fresh = refreshed(&second, &refresh_token).await;
    assert_eq!(list_status(&second, &fresh).await, StatusCode::OK);
    let (status, body) = refresh_at(&second, &issued.refresh_token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["scope"], SCOPE_APPENDONLY);
    let append_only = body["access_token"].as_str().unwrap().to_owned();
    let (status, _) = post_json(
        &second,
        &append_only,
        "/v1/albums",
        json!({"album": {"title": "After a restart"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        list_status(&second, &append_only).await,
        StatusCode::FORBIDDEN,
        "the scopes travel with the token"
    );

    // Another secret, or none, rejects them.
    let other = stable_fake("secret-two", &clock);
    let plain = FakeGoogle::start_with_clock(quick(), clock.clone()).unwrap();
    for g in [&other, &plain] {
        assert_invalid_grant(refresh_at(g, &refresh_token).await);
        assert_eq!(list_status(g, &fresh).await, StatusCode::UNAUTHORIZED);
    }
    assert_invalid_grant(refresh_at(&second, &other.issue_tokens(ALL).refresh_token).await);
    // A token minted for another client id does not pass either.
    let other_client = FakeGoogle::start_with_clock(
        GoogleScenario {
            client_id: "someone-else.apps.googleusercontent.com".into(),
            ..stable_scenario("secret-one")
        },
        clock.clone(),
    )
    .unwrap();
    assert_invalid_grant(refresh_at(&second, &other_client.issue_tokens(ALL).refresh_token).await);

    // Access tokens expire on the clock; refresh tokens after refresh_token_ttl_days.
    clock.advance(Duration::from_secs(3600));
    for token in [&access_token, &fresh] {
        assert_eq!(list_status(&second, token).await, StatusCode::UNAUTHORIZED);
    }
    let later = refreshed(&second, &refresh_token).await;
    assert_eq!(list_status(&second, &later).await, StatusCode::OK);
    clock.advance(Duration::from_secs(7 * 86_400));
    assert_invalid_grant(refresh_at(&second, &refresh_token).await);
    drop(second);
    let third = stable_fake("secret-one", &clock);
    assert_invalid_grant(refresh_at(&third, &refresh_token).await);
}

#[tokio::test]
async fn stable_secret_revocation_lasts_the_fake_lifetime() {
    let clock = Clock::default();
    let first = stable_fake("secret-one", &clock);
    let before = first.issue_tokens(ALL);
    let also_before = first.issue_tokens(ALL);
    drop(first);

    let g = stable_fake("secret-one", &clock);
    // A token of the earlier run, revoked through the endpoint, stays revoked…
    assert_eq!(revoke_at(&g, &before.refresh_token).await, StatusCode::OK);
    assert_invalid_grant(refresh_at(&g, &before.refresh_token).await);
    clock.advance(Duration::from_secs(60));
    assert_invalid_grant(refresh_at(&g, &before.refresh_token).await);
    // …without touching its sibling minted in the same second.
    refreshed(&g, &also_before.refresh_token).await;
    // A token of this run, revoked through the inspection API, too.
    let now = g.issue_tokens(ALL);
    assert!(g.revoke_refresh_token(&now.refresh_token));
    assert_invalid_grant(refresh_at(&g, &now.refresh_token).await);
    assert!(g.revoke_refresh_token(&also_before.refresh_token));
    assert_invalid_grant(refresh_at(&g, &also_before.refresh_token).await);
    assert!(!g.revoke_refresh_token("1//fake-unknown"));
    let foreign = FakeGoogle::start(stable_scenario("secret-two")).unwrap();
    assert!(!g.revoke_refresh_token(&foreign.issue_tokens(ALL).refresh_token));

    // Revoked access tokens (of either run) are rejected.
    assert_eq!(revoke_at(&g, &before.access_token).await, StatusCode::OK);
    assert_eq!(
        list_status(&g, &before.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(revoke_at(&g, &now.access_token).await, StatusCode::OK);
    assert_eq!(
        list_status(&g, &now.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    // expire_access_tokens reaches the earlier run's tokens; new ones work afterwards.
    assert_eq!(
        list_status(&g, &also_before.access_token).await,
        StatusCode::OK
    );
    g.expire_access_tokens();
    assert_eq!(
        list_status(&g, &also_before.access_token).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        list_status(&g, &g.issue_tokens(ALL).access_token).await,
        StatusCode::OK
    );

    // The revocation set is memory: a fake restarted with the same secret forgets it (as it
    // forgets uploads), which the module docs state.
    drop(g);
    let restarted = stable_fake("secret-one", &clock);
    refreshed(&restarted, &before.refresh_token).await;
}
