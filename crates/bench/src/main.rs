//! `q2google-bench`: measures the engine against the fakes and prints the figures the README
//! quotes. Run it in release mode: `cargo run --release -p q2google-bench [PART…]`, where the
//! parts are `video a b c requests many checkpoints` (default all); `many` needs `fake-clouds`
//! built beside it (`cargo build --release -p q2google-fakes --bin fake-clouds`).
//!
//! Every figure is a ratio measured in this one run: throughput in three regimes against plain
//! copies of the same files over the same fakes (`baseline.rs`, `regimes.rs`), peak memory
//! while one 20 GB video moves and growth of the peak from 1 k to 100 k small files, API
//! requests per file created, checkpoint cost at 1 k, 10 k and 100 k files,
//! and the time to load a 100 k-file session.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use engine::auth::{OAuthClient, SCOPES};
use engine::config::Endpoints;
use engine::connect::Connector;
use engine::model::{
    DiscoveredItem, FileKey, ItemState, MediaKind, SessionId, SessionRecord, SessionSettings,
    SessionStatus,
};
use engine::orchestrator::{GoProToPhotosSync, SyncOutcome, SyncRequest};
use engine::secret::Secret;
use engine::settings::Settings;
use engine::store::{SessionStore, SqliteStore, StateChange};
use engine::tokens::{Account, AsyncTokens, MemoryTokenStore, TokenStore};
use fakes::clouds::FakeClouds;
use fakes::google::{GoogleScenario, RequestKind as GoogleKind};
use fakes::gopro::{GoProScenario, Media, RequestKind as GoProKind};
use fakes::scenario::Scenario;
use fakes::Shaping;

mod baseline;
mod many;
mod regimes;
mod timed_store;

fn at(day: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 10, minute, 0)
        .single()
        .expect("valid date")
}

fn march() -> (NaiveDate, NaiveDate) {
    (
        NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
        NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
    )
}

/// Starts both fakes with `library`, the CDN shaped by `cdn`.
fn clouds_with(library: Vec<Media>, cdn: Shaping) -> FakeClouds {
    let mut gopro = GoProScenario::default().with_library(library);
    gopro.faults.cdn_shaping = cdn;
    FakeClouds::start(Scenario {
        gopro,
        google: GoogleScenario::default(),
    })
    .expect("fakes start")
}

/// Where the clouds are and the logins to them: fakes in this process, or in a child process.
struct Remote {
    gopro_api: String,
    gopro_token: String,
    gopro_user_id: String,
    photos_api: String,
    authorize: String,
    token: String,
    userinfo: String,
    client_id: String,
    client_secret: String,
    refresh_token: String,
}

impl Remote {
    /// What makes the clients to these clouds, as the app and the CLI make theirs: the logins
    /// kept in a token store, the endpoints and `settings`.
    fn connector(&self, settings: &Settings) -> Connector {
        let url = |s: &str| url::Url::parse(s).expect("the fakes' URLs parse");
        let endpoints = Endpoints {
            gopro_api: url(&self.gopro_api),
            photos_api: url(&self.photos_api),
            google_authorize: url(&self.authorize),
            google_token: url(&self.token),
            google_userinfo: url(&self.userinfo),
            ..Endpoints::default()
        };
        let tokens = MemoryTokenStore::new();
        for (account, value) in [
            (Account::GoProAccessToken, &self.gopro_token),
            (Account::GoProUserId, &self.gopro_user_id),
            (Account::GoogleRefreshToken, &self.refresh_token),
        ] {
            tokens
                .set(account, &Secret::new(value.clone()))
                .expect("a memory store keeps it");
        }
        Connector::new(endpoints, settings, AsyncTokens::new(Arc::new(tokens)))
    }

    /// The fakes' Google OAuth client.
    fn google_client(&self) -> OAuthClient {
        OAuthClient {
            client_id: self.client_id.clone(),
            client_secret: Some(Secret::new(self.client_secret.clone())),
        }
    }

    /// The fakes running in this process.
    fn of(clouds: &FakeClouds) -> Self {
        Self {
            gopro_api: clouds.gopro.api_url(),
            gopro_token: clouds.gopro.issue_token(),
            gopro_user_id: clouds.gopro.user_id().into(),
            photos_api: clouds.google.base_url(),
            authorize: clouds.google.authorize_url(),
            token: clouds.google.token_url(),
            userinfo: clouds.google.userinfo_url(),
            client_id: clouds.google.client_id(),
            client_secret: clouds.google.client_secret(),
            refresh_token: clouds.google.issue_tokens(&SCOPES).refresh_token,
        }
    }

    /// The fakes a `fake-clouds --json` child printed.
    fn from_json(info: &serde_json::Value) -> Self {
        let s = |k: &str| info[k].as_str().expect("fake-clouds prints it").to_string();
        Self {
            gopro_api: s("gopro_api"),
            gopro_token: s("gopro_token"),
            gopro_user_id: s("gopro_user_id"),
            photos_api: s("photos_api"),
            authorize: s("google_authorize"),
            token: s("google_token"),
            userinfo: s("google_userinfo"),
            client_id: s("google_client_id"),
            client_secret: s("google_client_secret"),
            refresh_token: s("google_refresh_token"),
        }
    }
}

/// Runs one whole sync of the fakes' March library with `settings`; returns the outcome and
/// the wall time.
async fn sync(
    clouds: &FakeClouds,
    settings: Settings,
    data_dir: &std::path::Path,
) -> (SyncOutcome, Duration) {
    sync_remote(&Remote::of(clouds), settings, Arc::new(sqlite_in(data_dir))).await
}

/// A fresh session database in `data_dir`.
fn sqlite_in(data_dir: &std::path::Path) -> SqliteStore {
    SqliteStore::open(&data_dir.join(format!(
        "bench-{}.sqlite3",
        Utc::now().timestamp_nanos_opt().unwrap_or(0)
    )))
    .expect("store")
}

/// [`sync`] against clouds anywhere.
async fn sync_remote(
    remote: &Remote,
    settings: Settings,
    store: Arc<dyn SessionStore>,
) -> (SyncOutcome, Duration) {
    let connector = remote.connector(&settings);
    let gopro_client = connector.gopro().await.expect("the GoPro login is stored");
    let photos = connector
        .photos(Some(remote.google_client()))
        .await
        .expect("the Google login is stored");
    let engine = GoProToPhotosSync::new(gopro_client, photos, store, settings)
        .with_events(Arc::new(StageClock(Instant::now())));
    let (from, to) = march();
    let id = SessionId::new("bench").expect("id");
    let started = Instant::now();
    let outcome = engine
        .sync_date_range(SyncRequest::new(from, to, id.clone()))
        .await
        .expect("sync runs");
    let wall = started.elapsed();
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?}",
        outcome.session.status_reason
    );
    (outcome, wall)
}

/// With `BENCH_STAGES` set, prints when each stage starts and ends.
struct StageClock(Instant);

impl engine::events::EventSink for StageClock {
    fn emit(&self, _: &SessionId, event: engine::events::SyncEvent) {
        use engine::events::SyncEvent::*;
        if std::env::var_os("BENCH_STAGES").is_some() {
            if let StageStarted { .. } | StageCompleted { .. } = event {
                eprintln!("{:>8.3} s {event:?}", self.0.elapsed().as_secs_f64());
            }
        }
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn google_requests(clouds: &FakeClouds) -> u64 {
    use GoogleKind::*;
    [
        Token,
        UploadRaw,
        UploadStart,
        UploadChunk,
        UploadQuery,
        BatchCreate,
        List,
        Search,
        AlbumCreate,
        AlbumList,
        BatchAdd,
    ]
    .iter()
    .map(|k| clouds.google.request_count(*k))
    .sum()
}

fn gopro_requests(clouds: &FakeClouds) -> u64 {
    use GoProKind::*;
    [Search, Download, Medium, User]
        .iter()
        .map(|k| clouds.gopro.request_count(*k))
        .sum()
}

/// CPU seconds this process has used (user and system, fakes included), from
/// `/proc/self/stat`; 0 where there is none. Says whether a pass kept both cores busy.
fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
    let fields: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// One timed pass: throughput, wall time and the CPU it used.
#[derive(Clone, Copy, Default)]
struct Pass {
    rate: f64,
    wall: Duration,
    cpu: f64,
}

impl Pass {
    fn of(bytes: u64, wall: Duration, cpu: f64) -> Self {
        Self {
            rate: bytes as f64 / wall.as_secs_f64(),
            wall,
            cpu,
        }
    }

    /// The faster of two passes.
    fn better(self, other: Self) -> Self {
        if other.rate > self.rate {
            other
        } else {
            self
        }
    }

    /// Cores kept busy on average (2 on this machine means the CPU, not the link, set the pace).
    fn cores(&self) -> f64 {
        self.cpu / self.wall.as_secs_f64()
    }
}

/// Rounds of each regime; the best of each side counts.
const ROUNDS: usize = 3;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    // RUST_LOG=engine=debug shows what the engine decides (files in flight, retries).
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--many-child") {
        let n = args
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a file count");
        let file = std::path::PathBuf::from(args.next().expect("a scenario file"));
        many::child(n, &file).await;
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let base = Settings {
        create_batch_linger: Duration::from_millis(200),
        ..Settings::default()
    };
    println!("q2google benchmark (engine and fakes in one process; loopback)\n");

    let only: Vec<String> = std::env::args().skip(1).collect();
    let want = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
    if want("video") {
        // 1. Peak memory while one 20 GB video (generated as it is read) moves; first, so the
        //    high-water mark is its own.
        let before = peak_rss_mb();
        let clouds = clouds_with(
            vec![Media::video(
                "big",
                "GX019999.MP4",
                at(5, 0),
                1,
                20_000_000_000,
            )],
            Shaping::default(),
        );
        let (outcome, wall) = sync(&clouds, base.clone(), dir.path()).await;
        drop(clouds);
        let peak = peak_rss_mb();
        println!("20 GB video: moved in {:.1} s ({:.0} MB/s); peak RSS {peak:.0} MB (before: {before:.0} MB; fakes included)", wall.as_secs_f64(), outcome.bytes as f64 / 1e6 / wall.as_secs_f64());
    }

    // 2. Throughput in three regimes against plain copies of the same files over the same
    //    fakes, measured in this run; the engine with default settings.
    println!();
    for regime in regimes::all() {
        if !only.is_empty()
            && !only
                .iter()
                .any(|o| regime.name.starts_with(&format!("({o})")))
        {
            continue;
        }
        // Best of ROUNDS for both sides, interleaved, each round on fresh fakes: one pass of a
        // second is at the mercy of the machine's other work, for the bound as for the engine.
        // One at a time is measured once (it is slow, and never close in (c)).
        let mut one = None;
        let (mut all, mut engine) = (Pass::default(), Pass::default());
        let mut created = 0;
        for round in 0..ROUNDS {
            let clouds = FakeClouds::start(regime.scenario.clone()).expect("fakes start");
            if round == 0 {
                one = Some(baseline::copy_all(&clouds, 1).await);
            }
            let cpu = cpu_secs();
            let plain = baseline::copy_all(&clouds, usize::MAX).await;
            all = all.better(Pass::of(plain.bytes, plain.wall, cpu_secs() - cpu));
            let cpu = cpu_secs();
            let (outcome, took) = sync(&clouds, Settings::default(), dir.path()).await;
            let pass = Pass::of(outcome.bytes, took, cpu_secs() - cpu);
            assert_eq!(
                plain.bytes, outcome.bytes,
                "the baseline copied the same bytes"
            );
            if pass.rate > engine.rate {
                created = outcome.counts.created;
            }
            engine = engine.better(pass);
        }
        let one = one.expect("one round").rate();
        let best = one.max(all.rate);
        println!(
            "{}: engine {:.1} MB/s ({} files, {:.1} s); plain copies one at a time {:.1} MB/s, all at once {:.1} MB/s; engine = {:.2} of the better (best of {ROUNDS} each; CPU busy: engine {:.1} cores, all at once {:.1})",
            regime.name,
            engine.rate / 1e6,
            created,
            engine.wall.as_secs_f64(),
            one / 1e6,
            all.rate / 1e6,
            engine.rate / best,
            engine.cores(),
            all.cores(),
        );
    }

    if want("requests") {
        // 3. Requests per file created.
        println!();
        let photos: Vec<Media> = (0..200u32)
            .map(|i| {
                Media::photo(
                    &format!("p{i}"),
                    &format!("GOPR{:04}.JPG", i),
                    at(1 + i % 28, i % 60),
                    1000 + u64::from(i),
                    200_000 + u64::from(i) * 997,
                )
            })
            .collect();
        let clouds = clouds_with(photos, Shaping::default());
        let (outcome, _) = sync(&clouds, base.clone(), dir.path()).await;
        let files = outcome.counts.created as f64;
        println!(
            "photos: {:.3} Google requests per file, {:.3} GoPro API calls per file ({} files)",
            google_requests(&clouds) as f64 / files,
            gopro_requests(&clouds) as f64 / files,
            files
        );
        let videos: Vec<Media> = (0..100u32)
            .map(|i| {
                Media::video(
                    &format!("v{i}"),
                    &format!("GX02{:04}.MP4", i),
                    at(1 + i % 28, i % 60),
                    5000 + u64::from(i),
                    9_000_000,
                )
            })
            .collect();
        let clouds = clouds_with(videos, Shaping::default());
        let (outcome, _) = sync(&clouds, base.clone(), dir.path()).await;
        let files = outcome.counts.created as f64;
        println!("videos: {:.3} Google requests per file, {:.3} GoPro API calls per file, {:.3} CDN HEADs per file ({} files over the raw-upload size)", google_requests(&clouds) as f64 / files, gopro_requests(&clouds) as f64 / files, clouds.gopro.request_count(GoProKind::CdnHead) as f64 / files, files);
    }

    // 4. Memory over many files (the fakes in a child process).
    println!();
    if want("many") {
        many::peak_growth();
    }

    if want("checkpoints") {
        // 5. Checkpoint cost and load time by session size.
        for size in [1_000u64, 10_000, 100_000] {
            let store =
                SqliteStore::open(&dir.path().join(format!("ckpt-{size}.sqlite3"))).expect("store");
            let id = SessionId::new(format!("s{size}")).expect("id");
            let now = Utc::now();
            store
                .create_session(&SessionRecord {
                    id: id.clone(),
                    range_from: march().0,
                    range_to: march().1,
                    settings: SessionSettings {
                        batch_size: 50,
                        create_batch_size: 50,
                        include_raw: false,
                        include_joined_video: false,
                        album_title: None,
                        correct_video_times: false,
                    },
                    status: SessionStatus::Running,
                    status_reason: None,
                    quota_resets_at: None,
                    stop_cause: None,
                    discovery_cursor: 1,
                    discovery_done: false,
                    album_id: None,
                    album_url: None,
                    album_items: 0,
                    earlier_albums: Vec::new(),
                    created_at: now,
                    updated_at: now,
                    finished_at: None,
                    bytes_transferred: 0,
                    destination: None,
                })
                .expect("session");
            let key = |n: u64| FileKey {
                media_id: format!("m{n:08}"),
                item_number: 1,
                label: engine::model::Rendition::Source,
            };
            for page in 0..size / 50 {
                let items: Vec<DiscoveredItem> = (page * 50..page * 50 + 50)
                    .map(|n| DiscoveredItem {
                        key: key(n),
                        filename: format!("GOPR{n}.JPG"),
                        kind: Some(MediaKind::Photo),
                        captured_at: Some(now),
                        size: Some(300_000),
                        skip: None,
                        local_clock: None,
                    })
                    .collect();
                store
                    .record_discovery(&id, &items, page + 2, false)
                    .expect("discovery page");
            }
            // A checkpoint as the transfer makes it: one file's token; as create makes it: 50 files.
            let rounds = 200u64;
            let started = Instant::now();
            for r in 0..rounds {
                let change = StateChange {
                    key: key(r % size),
                    state: ItemState::Uploaded {
                        upload_token: "token".into(),
                        at: now,
                    },
                    size: Some(300_000),
                };
                store.set_states(&id, &[change]).expect("checkpoint");
            }
            let one = started.elapsed() / rounds as u32;
            let started = Instant::now();
            for r in 0..20u64 {
                let changes: Vec<StateChange> = (0..50)
                    .map(|i| StateChange {
                        key: key((r * 50 + i) % size),
                        state: ItemState::Created {
                            media_item_id: format!("g{r}-{i}"),
                            product_url: None,
                        },
                        size: None,
                    })
                    .collect();
                store.set_states(&id, &changes).expect("checkpoint");
            }
            let fifty = started.elapsed() / 20;
            drop(store);
            let started = Instant::now();
            let store = SqliteStore::open(&dir.path().join(format!("ckpt-{size}.sqlite3")))
                .expect("reopen");
            let items = store.items(&id).expect("items");
            let counts = store.counts(&id).expect("counts");
            let load = started.elapsed();
            assert_eq!(items.len() as u64, counts.total);
            println!("{size:>7} files: checkpoint of 1 file {:.3} ms, of 50 files {:.3} ms; open + load the session {:.0} ms", one.as_secs_f64() * 1e3, fifty.as_secs_f64() * 1e3, load.as_secs_f64() * 1e3);
        }
    }
}
