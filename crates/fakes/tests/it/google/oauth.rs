//! OAuth: the code flow with PKCE, loopback redirects, consent, and the refresh grant.

use std::time::Duration;

use fakes::google::{Consent, RequestKind};

use super::*;

#[tokio::test]
async fn code_flow_checks_pkce_secret_redirect_and_single_use() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (verifier, challenge) = pkce("a");
    let response = authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await;
    let params = location_params(&response);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with(REDIRECT));
    assert_eq!(param(&params, "state").as_deref(), Some("xyz-state"));
    let code = param(&params, "code").unwrap();
    let (id, secret) = (g.client_id(), g.client_secret());
    let form = |verifier: &str, secret: Option<&str>, redirect: &str| {
        let mut f = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.clone()),
            ("code_verifier", verifier.to_string()),
            ("redirect_uri", redirect.to_string()),
            ("client_id", id.clone()),
        ];
        if let Some(s) = secret {
            f.push(("client_secret", s.to_string()));
        }
        f
    };
    let send = |f: Vec<(&'static str, String)>| {
        let g = &g;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            exchange(g, &f).await
        }
    };
    let (status, body) = send(form(&pkce("wrong").0, Some(&secret), REDIRECT)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = send(form(&verifier, None, REDIRECT)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, body) = send(form(&verifier, Some("nope"), REDIRECT)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (status, _) = send(form(&verifier, Some(&secret), "http://127.0.0.1:1/other")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = send(form(&verifier, Some(&secret), REDIRECT)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["scope"], ALL.join(" "));
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    assert_invalid_grant(send(form(&verifier, Some(&secret), REDIRECT)).await);
    assert_eq!(g.request_count(RequestKind::Token), 6);
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (verifier, challenge) = pkce("b");
    let code = code_for(&g, &challenge, SCOPE_APPENDONLY).await;
    g.clock().advance(Duration::from_secs(601));
    assert_invalid_grant(exchange_code(&g, &code, &verifier).await);
}

#[tokio::test]
async fn authorize_accepts_only_loopback_and_valid_params() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (_, challenge) = pkce("c");
    for ok in [
        "http://[::1]:5555/",
        "http://localhost:1/x",
        "http://127.0.0.1:65000/cb",
    ] {
        assert_eq!(
            authorize(&g, &challenge, ok, SCOPE_APPENDONLY)
                .await
                .status(),
            StatusCode::SEE_OTHER,
            "{ok}"
        );
    }
    for bad in [
        "https://example.com/cb",
        "http://example.com:80/",
        "urn:ietf:wg:oauth:2.0:oob",
    ] {
        let response = authorize(&g, &challenge, bad, SCOPE_APPENDONLY).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(response.headers().get("location").is_none());
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Error 400: redirect_uri_mismatch"));
    }
    let response = authorize(&g, "short", REDIRECT, SCOPE_APPENDONLY).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Error 400: invalid_request"));
    let response = client()
        .get(g.authorize_url())
        .query(&[
            ("client_id", g.client_id().as_str()),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", SCOPE_APPENDONLY),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "plain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = client()
        .get(g.authorize_url())
        .query(&[("client_id", "someone-else")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn consent_deny_narrow_and_page() {
    let g = FakeGoogle::start(quick().with_consent(Consent::Deny)).unwrap();
    let (verifier, challenge) = pkce("d");
    let params = location_params(&authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await);
    assert_eq!(param(&params, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&params, "state").as_deref(), Some("xyz-state"));
    assert!(param(&params, "code").is_none());

    g.set_consent(Consent::NarrowScopes(
        vec![SCOPE_READONLY_APPCREATED.into()],
    ));
    let code = code_for(&g, &challenge, &ALL.join(" ")).await;
    let (status, body) = exchange_code(&g, &code, &verifier).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["scope"], SCOPE_READONLY_APPCREATED);
    let access = body["access_token"].as_str().unwrap().to_string();
    let response = start_session(&g, &access, 10, "a.mp4").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(
        body["error"]["message"],
        "Request had insufficient authentication scopes."
    );
    assert_eq!(
        body["error"]["details"][0]["reason"],
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    );

    g.set_consent(Consent::Page);
    let response = authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Add to your Google Photos library") && page.contains("type=\"checkbox\"")
    );
    let start = page.find("name=\"request_id\" value=\"").unwrap() + 25;
    let request_id = &page[start..start + page[start..].find('"').unwrap()];
    let response = client()
        .post(format!("{}/o/oauth2/v2/approve", g.base_url()))
        .form(&[
            ("request_id", request_id),
            ("scope", SCOPE_APPENDONLY),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    let params = location_params(&response);
    assert_eq!(param(&params, "scope").as_deref(), Some(SCOPE_APPENDONLY));
    assert!(param(&params, "code").is_some());
}

#[tokio::test]
async fn refresh_grant_revocation_and_expiry() {
    let g = FakeGoogle::start(quick().with_refresh_token_ttl_days(7)).unwrap();
    let tokens = g.issue_tokens(ALL);
    let (status, body) = refresh_at(&g, &tokens.refresh_token).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("refresh_token").is_none());
    let fresh = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(list_status(&g, &fresh).await, StatusCode::OK);

    g.clock().advance(Duration::from_secs(3600));
    let (status, body) = get_json(&g, &fresh, "/v1/mediaItems").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert!(body["error"]["message"].as_str().unwrap().starts_with(
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."));

    g.clock().advance(Duration::from_secs(7 * 86_400));
    assert_invalid_grant(refresh_at(&g, &tokens.refresh_token).await);

    let other = g.issue_tokens(ALL);
    assert!(g.revoke_refresh_token(&other.refresh_token));
    assert_invalid_grant(refresh_at(&g, &other.refresh_token).await);
    g.expire_access_tokens();
    assert_eq!(
        list_status(&g, &other.access_token).await,
        StatusCode::UNAUTHORIZED
    );
}
