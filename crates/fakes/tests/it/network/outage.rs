//! Outages of the fakes (`src/outage.rs`): silent or refusing, timed, of both clouds at once.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fakes::clouds::FakeClouds;
use fakes::google::{FakeGoogle, GoogleScenario};
use fakes::gopro::GoProScenario;
use fakes::Outage;
use futures_util::StreamExt;
use reqwest::header::RANGE;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::*;

fn addr(base_url: &str) -> SocketAddr {
    base_url
        .trim_start_matches("http://")
        .parse()
        .expect("loopback address")
}

/// Polls `done` every 5 ms for up to 5 s.
async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn refused(addr: SocketAddr) -> bool {
    matches!(
        TcpStream::connect(addr).await,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused
    )
}

async fn albums(client: &Client, g: &FakeGoogle, token: &str) -> reqwest::Result<StatusCode> {
    client
        .get(format!("{}/v1/albums", g.base_url()))
        .bearer_auth(token)
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .map(|r| r.status())
}

/// Starts a ranged CDN download and reads at least `first` bytes of it.
async fn download_started(
    client: &Client,
    url: &str,
    len: u64,
    first: usize,
) -> impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> {
    let response = client
        .get(url)
        .header(RANGE, format!("bytes=0-{}", len - 1))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT);
    let mut stream = Box::pin(response.bytes_stream());
    let mut got = 0;
    while got < first {
        got += stream.next().await.unwrap().unwrap().len();
    }
    stream
}

/// Reads the rest of `stream`; `true` if it ended in an error.
async fn fails(
    mut stream: impl futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin,
) -> bool {
    tokio::time::timeout(Duration::from_secs(3), async {
        while let Some(item) = stream.next().await {
            if item.is_err() {
                return true;
            }
        }
        false
    })
    .await
    .expect("the body neither ended nor failed")
}

#[tokio::test]
async fn silent_outage_accepts_connections_but_never_answers() {
    let g = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let client = Client::new();
    assert_eq!(albums(&client, &g, &token).await.unwrap(), StatusCode::OK);

    g.outage(Outage::Silent);
    assert_eq!(g.outages().current(), Some(Outage::Silent));
    // On the pooled connection: no answer.
    let err = client
        .get(format!("{}/v1/albums", g.base_url()))
        .bearer_auth(&token)
        .timeout(Duration::from_millis(300))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    // A new connection is accepted, and gets no response bytes either.
    let mut raw = TcpStream::connect(addr(&g.base_url()))
        .await
        .expect("a silent fake accepts connections");
    raw.write_all(b"GET /v1/albums HTTP/1.1\r\nHost: fake\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    assert!(
        tokio::time::timeout(Duration::from_millis(300), raw.read(&mut byte))
            .await
            .is_err(),
        "a silent fake sent a byte"
    );
    wait_until("both requests are counted", || {
        g.requests_during_outage() == 2
    })
    .await;

    g.restore();
    // The request the outage held is dropped with its connection...
    let read = tokio::time::timeout(Duration::from_secs(2), raw.read(&mut byte))
        .await
        .expect("the held connection is closed");
    assert!(matches!(read, Ok(0) | Err(_)), "{read:?}");
    // ...and new requests are served.
    assert_eq!(albums(&client, &g, &token).await.unwrap(), StatusCode::OK);
    assert_eq!(g.requests_during_outage(), 2);
    assert_eq!(g.outages().current(), None);
}

#[tokio::test]
async fn silent_outage_stops_reading_an_upload_and_keeps_its_aligned_prefix() {
    let g = FakeGoogle::start(
        GoogleScenario::default()
            .with_chunk_granularity(1024)
            .with_upload_shaping(shaping(8_000_000)),
    )
    .unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let size: u64 = 64 << 20;
    let start = Client::new()
        .post(format!("{}/v1/uploads", g.base_url()))
        .bearer_auth(&token)
        .header("Content-Length", "0")
        .header("X-Goog-Upload-Command", "start")
        .header("X-Goog-Upload-Protocol", "resumable")
        .header("X-Goog-Upload-Raw-Size", size.to_string())
        .send()
        .await
        .unwrap();
    let url = start.headers()["x-goog-upload-url"]
        .to_str()
        .unwrap()
        .to_owned();
    let path = url[g.base_url().len()..].to_owned();
    let written = Arc::new(AtomicU64::new(0));
    let writer = {
        let written = written.clone();
        let addr = addr(&g.base_url());
        tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await?;
            let head = format!(
                "POST {path} HTTP/1.1\r\nHost: fake\r\nX-Goog-Upload-Command: upload, finalize\r\n\
                 X-Goog-Upload-Offset: 0\r\nContent-Length: {size}\r\n\r\n"
            );
            s.write_all(head.as_bytes()).await?;
            let piece = vec![7u8; 64 * 1024];
            while written.load(Ordering::SeqCst) < size {
                s.write_all(&piece).await?;
                written.fetch_add(piece.len() as u64, Ordering::SeqCst);
            }
            let mut answer = Vec::new();
            s.read_to_end(&mut answer).await?;
            Ok::<_, std::io::Error>(answer)
        })
    };
    let received = || g.upload_sessions()[0].received;
    wait_until("1 MiB is received", || received() >= 1 << 20).await;

    g.outage(Outage::Silent);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (kept, sent) = (received(), written.load(Ordering::SeqCst));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received(), kept, "the fake kept reading during the outage");
    assert_eq!(
        written.load(Ordering::SeqCst),
        sent,
        "the client's writes should stall once the buffers are full"
    );
    assert!(sent < size);

    g.restore();
    let result = tokio::time::timeout(Duration::from_secs(3), writer)
        .await
        .expect("the stalled upload ends")
        .unwrap();
    assert!(
        result.as_ref().map_or(true, |answer| answer.is_empty()),
        "the stalled upload must be dropped, got {:?}",
        result.map(|a| String::from_utf8_lossy(&a).into_owned())
    );
    // The session survives with the aligned prefix it had, and takes the next chunk.
    assert_eq!(received(), kept);
    assert_eq!(kept % 1024, 0);
    let next = Client::new()
        .post(&url)
        .header("X-Goog-Upload-Command", "upload")
        .header("X-Goog-Upload-Offset", kept.to_string())
        .body(vec![7u8; 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(next.status(), StatusCode::OK);
    assert_eq!(received(), kept + 1024);
}

#[tokio::test]
async fn silent_outage_stalls_a_download_which_fails_when_it_ends() {
    let fake = FakeGoPro::start(GoProScenario::demo().cdn_shaping(shaping(1_000_000))).unwrap();
    let url = video_url(&fake).await;
    let client = Client::new();
    let mut stream = download_started(&client, &url, 2_000_000, 100_000).await;

    fake.outage(Outage::Silent);
    // What was already sent may still arrive; then nothing.
    let mut after = 0;
    loop {
        match tokio::time::timeout(Duration::from_millis(300), stream.next()).await {
            Err(_) => break,
            Ok(Some(Ok(chunk))) => after += chunk.len(),
            other => panic!("the stalled download ended: {other:?}"),
        }
        assert!(after <= 512 * 1024, "the download kept flowing");
    }

    fake.restore();
    assert!(fails(stream).await, "the stalled download must fail");
    let again = client
        .get(&url)
        .header(RANGE, "bytes=0-9999")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(again.bytes().await.unwrap().len(), 10_000);
}

#[tokio::test]
async fn refuse_outage_refuses_resets_and_listens_again_on_the_same_ports() {
    let fake = FakeGoPro::start(GoProScenario::demo().cdn_shaping(shaping(1_000_000))).unwrap();
    let token = fake.issue_token();
    let client = Client::new();
    let user = || {
        client
            .get(format!("{}/media/user", fake.api_url()))
            .header(ACCEPT, VENDOR_ACCEPT)
            .bearer_auth(&token)
            .timeout(Duration::from_secs(2))
            .send()
    };
    assert_eq!(user().await.unwrap().status(), StatusCode::OK);
    let url = video_url(&fake).await;
    let stream = download_started(&client, &url, 2_000_000, 100_000).await;
    // An idle keep-alive connection, after one answered request.
    let mut idle = TcpStream::connect(addr(&fake.api_url())).await.unwrap();
    idle.write_all(b"GET /login HTTP/1.1\r\nHost: fake\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 64 * 1024];
    assert!(idle.read(&mut buf).await.unwrap() > 0);

    fake.outage(Outage::Refuse);
    assert!(fails(stream).await, "the in-flight download must fail");
    let closed = tokio::time::timeout(Duration::from_secs(2), async {
        loop {
            match idle.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "the idle connection must be closed");
    assert!(refused(addr(&fake.api_url())).await);
    assert!(refused(addr(&fake.cdn_url())).await);
    // The pooled API connection was reset: the request fails rather than succeeding on it.
    assert!(user().await.is_err());

    fake.restore();
    assert_eq!(user().await.unwrap().status(), StatusCode::OK);
    let again = client
        .get(&url)
        .header(RANGE, "bytes=0-999")
        .send()
        .await
        .unwrap();
    assert_eq!(again.bytes().await.unwrap().len(), 1000);
    assert_eq!(fake.requests_during_outage(), 0);
}

#[tokio::test]
async fn timed_outages_end_by_themselves() {
    let g = FakeGoogle::start(GoogleScenario::default()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let client = Client::new();
    let here = addr(&g.base_url());

    let started = Instant::now();
    g.outage_for(Outage::Refuse, Duration::from_millis(200));
    assert!(refused(here).await);
    wait_until("the fake listens again", || g.outages().current().is_none()).await;
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert_eq!(albums(&client, &g, &token).await.unwrap(), StatusCode::OK);

    // A request during a timed silent outage is held, then dropped when it ends.
    let started = Instant::now();
    g.outage_for(Outage::Silent, Duration::from_millis(200));
    assert!(albums(&client, &g, &token).await.is_err());
    assert!(started.elapsed() >= Duration::from_millis(190));
    assert_eq!(albums(&client, &g, &token).await.unwrap(), StatusCode::OK);
    assert_eq!(g.requests_during_outage(), 1);

    // A timer never ends a later outage.
    g.outage_for(Outage::Silent, Duration::from_millis(50));
    g.outage(Outage::Refuse);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(g.outages().current(), Some(Outage::Refuse));
    assert!(refused(here).await);
    g.restore();
    assert!(!refused(here).await);
}

#[tokio::test]
async fn an_outage_of_both_clouds_cuts_every_host_and_counts_probes() {
    let clouds = FakeClouds::demo().unwrap();
    let hosts = [
        clouds.google.base_url(),
        clouds.gopro.api_url(),
        clouds.gopro.cdn_url(),
    ];
    clouds.outage(Outage::Refuse);
    for host in &hosts {
        assert!(refused(addr(host)).await, "{host}");
    }
    clouds.restore();
    for host in &hosts {
        assert!(!refused(addr(host)).await, "{host}");
    }

    clouds.outage(Outage::Silent);
    let client = Client::new();
    for host in hosts.iter().chain(&hosts[..1]) {
        let probe = client
            .get(format!("{host}/probe"))
            .timeout(Duration::from_millis(100))
            .send()
            .await;
        assert!(probe.unwrap_err().is_timeout());
    }
    wait_until("four probes are counted", || {
        clouds.requests_during_outage() == 4
    })
    .await;
    assert_eq!(clouds.google.requests_during_outage(), 2);
    clouds.restore();
    let token = clouds.google.issue_tokens(ALL).access_token;
    assert_eq!(
        albums(&client, &clouds.google, &token).await.unwrap(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn dropping_a_fake_during_an_outage_is_quick() {
    let g = FakeGoogle::start(GoogleScenario::default()).unwrap();
    g.outage(Outage::Silent);
    let held = tokio::spawn(
        Client::new()
            .get(format!("{}/v1/albums", g.base_url()))
            .timeout(Duration::from_secs(5))
            .send(),
    );
    wait_until("the request is held", || g.requests_during_outage() == 1).await;
    let started = Instant::now();
    drop(g);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(held.await.unwrap().is_err());

    let fake = FakeGoPro::start(GoProScenario::default()).unwrap();
    fake.outage(Outage::Refuse);
    let started = Instant::now();
    drop(fake);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}
