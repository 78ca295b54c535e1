//! The gate of every API call: the vendor Accept, bearer and cookie tokens, their expiry.

use std::time::Duration;

use fakes::gopro::{RequestKind, Trigger, VENDOR_SEARCH_ACCEPT};

use super::*;

#[tokio::test]
async fn accept_is_checked_before_auth() {
    let fake = demo();
    let c = client();
    let search = format!("{}/media/search", fake.api_url());
    let res = c.get(&search).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = c
        .get(&search)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
    let old = "application/vnd.gopro.jk.media+json; version=1.0.0";
    let res = c.get(&search).header(ACCEPT, old).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    let res = c
        .get(&search)
        .header(ACCEPT, VENDOR_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let token = fake.issue_token();
    let res = c
        .get(&search)
        .header(ACCEPT, VENDOR_SEARCH_ACCEPT)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(fake.request_count(RequestKind::Search), 5);
}

#[tokio::test]
async fn both_transports_work_and_tokens_expire_on_the_clock() {
    let (fake, token) = fake_with_token(GoProScenario::demo().token_ttl(Duration::from_secs(3600)));
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 5, "JWE-looking token");
    let user = format!("{}/media/user", fake.api_url());
    let c = client();
    let bearer = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .bearer_auth(&token);
    let res = bearer.try_clone().unwrap().send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id"], fake.user_id());
    assert_eq!(body["total_count"], 34);
    let cookie = format!("gp_access_token={token}; gp_user_id={}", fake.user_id());
    let by_cookie = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(COOKIE, cookie);
    assert_eq!(
        by_cookie
            .try_clone()
            .unwrap()
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        user_with_cookie(&fake, &token, "someone-else").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&fake, "a.b.c.d.e", "/media/user").await,
        StatusCode::UNAUTHORIZED
    );

    fake.clock().advance(Duration::from_secs(3601));
    assert_eq!(
        bearer.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        by_cookie.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // A dead token can also show up as a 500.
    fake.set_fault(|f| f.dead_token_500 = Trigger::First(1));
    assert_eq!(
        status_of(&fake, &token, "/media/user").await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        status_of(&fake, &token, "/media/user").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(&fake, &fake.issue_token(), "/media/user").await,
        StatusCode::OK
    );
}
