//! The browser sign-in to Google over a loopback redirect, against the Google fake: through the
//! `fake-browser` program (as the desktop app's end-to-end test does with `Q2GOOGLE_BROWSER`)
//! and through in-process browsers that misbehave on purpose.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::common::oauth;
use engine::auth::{
    login_with_browser, BrowserLauncher, OAuthError, SCOPES, SCOPE_READ_APP_CREATED,
};
use fakes::google::{Consent, FakeGoogle, GoogleScenario, RequestKind};
use tokio::sync::mpsc;
use url::Url;

const PATIENCE: Duration = Duration::from_secs(30);

/// The `fake-browser` binary: `Q2GOOGLE_FAKE_BROWSER` if set, else built once with cargo.
fn fake_browser() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        if let Some(path) = std::env::var_os("Q2GOOGLE_FAKE_BROWSER") {
            return path.into();
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = std::process::Command::new(cargo);
        // Cargo gives tests their package's CARGO_* variables; some build scripts watch them,
        // so passing them on would rebuild those crates (and again in the next outer build).
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let package_var = [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
            ]
            .iter()
            .any(|prefix| name.starts_with(prefix))
                || ["CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"].contains(&&*name);
            if package_var {
                command.env_remove(&*name);
            }
        }
        let output = command
            .args([
                "build",
                "-q",
                "-p",
                "q2google-fakes",
                "--bin",
                "fake-browser",
                "--message-format=json",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("run cargo to build fake-browser");
        assert!(
            output.status.success(),
            "building fake-browser failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .find(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "fake-browser")
            .and_then(|m| m["executable"].as_str().map(PathBuf::from))
            .expect("cargo reports the fake-browser executable")
    })
    .clone()
}

/// What an in-process browser saw at the end of its redirects.
#[derive(Debug)]
struct Seen {
    status: u16,
    page: String,
}

/// A browser inside the test: follows redirects with reqwest and reports the final page.
fn in_process_browser(seen: mpsc::UnboundedSender<Seen>) -> BrowserLauncher {
    BrowserLauncher::custom(move |url: &Url| {
        let url = url.clone();
        let seen = seen.clone();
        tokio::spawn(async move {
            let response = reqwest::get(url)
                .await
                .expect("the browser reaches the pages");
            let status = response.status().as_u16();
            let page = response.text().await.unwrap_or_default();
            let _ = seen.send(Seen { status, page });
        });
        Ok(())
    })
}

/// The `redirect_uri` the sign-in URL carries.
fn redirect_uri(url: &Url) -> Url {
    let value = url
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .expect("the sign-in URL names its redirect");
    Url::parse(&value).unwrap()
}

/// One raw HTTP exchange with the loopback server: sends `request`, returns the status line.
fn raw_exchange(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.lines().next().unwrap_or_default().to_string()
}

#[tokio::test]
async fn signs_in_through_a_browser_program() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let oauth = oauth(&fake);
    let browser = BrowserLauncher::command(fake_browser());
    let grant = login_with_browser(&oauth, &SCOPES, &browser, PATIENCE)
        .await
        .unwrap();
    let refresh = grant
        .refresh_token
        .expect("offline access gives a refresh token");
    for scope in SCOPES {
        assert!(grant.scopes.iter().any(|s| s == scope), "{scope} granted");
    }
    assert_eq!(fake.request_count(RequestKind::Authorize), 1);
    assert_eq!(fake.request_count(RequestKind::Token), 1);
    // The refresh token is a real one.
    let refreshed = oauth.refresh(&refresh).await.unwrap();
    assert!(!refreshed.access_token.expose().is_empty());
}

#[tokio::test]
async fn the_browser_is_told_it_can_close_the_tab() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let (tx, mut seen) = mpsc::unbounded_channel();
    let grant = login_with_browser(&oauth(&fake), &SCOPES, &in_process_browser(tx), PATIENCE)
        .await
        .unwrap();
    assert!(grant.refresh_token.is_some());
    let seen = seen.recv().await.unwrap();
    assert_eq!(seen.status, 200);
    assert!(
        seen.page.contains("You are signed in to Google")
            && seen.page.contains("close this tab and return to q2google"),
        "{}",
        seen.page
    );
}

/// A sign-in with the fake through the browser program, which must fail: its error.
async fn sign_in_fails_with_the_browser_program(fake: &FakeGoogle) -> OAuthError {
    login_with_browser(
        &oauth(fake),
        &SCOPES,
        &BrowserLauncher::command(fake_browser()),
        PATIENCE,
    )
    .await
    .unwrap_err()
}

#[tokio::test]
async fn a_declined_consent_is_denied_and_the_browser_says_so() {
    let fake = FakeGoogle::start(GoogleScenario::default().with_consent(Consent::Deny)).unwrap();
    let err = sign_in_fails_with_the_browser_program(&fake).await;
    assert!(
        matches!(&err, OAuthError::Denied(e) if e == "access_denied"),
        "{err:?}"
    );
    assert_eq!(fake.request_count(RequestKind::Token), 0);

    let (tx, mut seen) = mpsc::unbounded_channel();
    let err = login_with_browser(&oauth(&fake), &SCOPES, &in_process_browser(tx), PATIENCE)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::Denied(_)), "{err:?}");
    let seen = seen.recv().await.unwrap();
    assert_eq!(seen.status, 400);
    assert!(
        seen.page.contains("Google sign-in did not finish") && seen.page.contains("allow access"),
        "{}",
        seen.page
    );
}

#[tokio::test]
async fn unticked_permissions_are_a_missing_scope() {
    let fake = FakeGoogle::start(
        GoogleScenario::default()
            .with_consent(Consent::NarrowScopes(vec![SCOPE_READ_APP_CREATED.into()])),
    )
    .unwrap();
    let (tx, mut seen) = mpsc::unbounded_channel();
    let err = login_with_browser(&oauth(&fake), &SCOPES, &in_process_browser(tx), PATIENCE)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, OAuthError::MissingScope { missing } if missing.contains("appendonly")),
        "{err:?}"
    );
    let seen = seen.recv().await.unwrap();
    assert!(
        seen.page.contains("leave every permission ticked"),
        "{}",
        seen.page
    );

    // The same through the browser program.
    let err = sign_in_fails_with_the_browser_program(&fake).await;
    assert!(matches!(err, OAuthError::MissingScope { .. }), "{err:?}");
}

#[tokio::test]
async fn a_forged_state_at_the_callback_is_refused_without_an_exchange() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    // This "browser" skips Google and calls the callback itself with a made-up state and code.
    let (status_tx, status_rx) = std::sync::mpsc::channel();
    let forger = BrowserLauncher::custom(move |url: &Url| {
        let callback = redirect_uri(url);
        let address = format!("127.0.0.1:{}", callback.port().unwrap());
        let request = format!(
            "GET {}?state=forged&code=4%2Fstolen HTTP/1.1\r\nHost: {address}\r\n\r\n",
            callback.path()
        );
        let status_tx = status_tx.clone();
        std::thread::spawn(move || {
            let _ = status_tx.send(raw_exchange(&address, request.as_bytes()));
        });
        Ok(())
    });
    let err = login_with_browser(&oauth(&fake), &SCOPES, &forger, PATIENCE)
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::StateMismatch), "{err:?}");
    assert_eq!(
        fake.request_count(RequestKind::Token),
        0,
        "no code exchange"
    );
    let status = status_rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(status.starts_with("HTTP/1.1 400"), "{status}");
}

#[tokio::test]
async fn stray_and_broken_requests_do_not_disturb_the_sign_in() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let (statuses_tx, statuses_rx) = std::sync::mpsc::channel();
    let messy = BrowserLauncher::custom(move |url: &Url| {
        let url = url.clone();
        let address = format!("127.0.0.1:{}", redirect_uri(&url).port().unwrap());
        let statuses_tx = statuses_tx.clone();
        std::thread::spawn(move || {
            // A pre-connect that never sends anything (browsers do this).
            let _silent = TcpStream::connect(&address).unwrap();
            let mut statuses = vec![
                raw_exchange(&address, b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n"),
                raw_exchange(&address, b"hello there\r\n\r\n"),
                raw_exchange(
                    &address,
                    b"POST /callback HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
                ),
            ];
            let mut huge = b"GET /x HTTP/1.1\r\n".to_vec();
            huge.extend(std::iter::repeat_n(b'a', 20_000));
            statuses.push(raw_exchange(&address, &huge));
            // Then the real browser visit, through Google.
            let status = std::process::Command::new(fake_browser())
                .arg(url.as_str())
                .status()
                .unwrap();
            statuses.push(format!("fake-browser {status}"));
            let _ = statuses_tx.send(statuses);
        });
        Ok(())
    });
    let grant = login_with_browser(&oauth(&fake), &SCOPES, &messy, PATIENCE)
        .await
        .unwrap();
    assert!(grant.refresh_token.is_some());
    let statuses = statuses_rx.recv_timeout(Duration::from_secs(20)).unwrap();
    assert!(statuses[0].starts_with("HTTP/1.1 404"), "{statuses:?}");
    assert!(statuses[1].starts_with("HTTP/1.1 400"), "{statuses:?}");
    assert!(statuses[2].starts_with("HTTP/1.1 404"), "{statuses:?}");
    assert!(statuses[3].starts_with("HTTP/1.1 431"), "{statuses:?}");
    assert!(statuses[4].contains("exit status: 0"), "{statuses:?}");
}

#[tokio::test]
async fn an_unfinished_sign_in_times_out() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let idle = BrowserLauncher::custom(|_: &Url| Ok(()));
    let started = Instant::now();
    let err = login_with_browser(&oauth(&fake), &SCOPES, &idle, Duration::from_millis(300))
        .await
        .unwrap_err();
    assert!(matches!(err, OAuthError::TimedOut(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(
        err.to_string(),
        "the sign-in was not finished within 300 milliseconds; try again"
    );
    assert_eq!(
        OAuthError::TimedOut(Duration::from_secs(300)).to_string(),
        "the sign-in was not finished within 5 minutes; try again"
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_browser_that_cannot_open_fails_at_once() {
    let fake = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let started = Instant::now();
    let err = login_with_browser(
        &oauth(&fake),
        &SCOPES,
        &BrowserLauncher::command("false"),
        PATIENCE,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, OAuthError::Browser(_)), "{err:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "no wait for the timeout"
    );
    assert!(err.to_string().contains("Q2GOOGLE_BROWSER"), "{err}");

    let err = login_with_browser(
        &oauth(&fake),
        &SCOPES,
        &BrowserLauncher::command("/nonexistent/q2google-browser"),
        PATIENCE,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&err, OAuthError::Browser(m) if m.contains("could not be started")),
        "{err:?}"
    );
    // The URL (with its state and challenge) is not in the message.
    assert!(!err.to_string().contains("state="), "{err}");
}
