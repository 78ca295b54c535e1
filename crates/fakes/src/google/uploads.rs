//! `POST /v1/uploads`: raw uploads, resumable `start`, and the session URL's `query`,
//! `upload`, `finalize` and `cancel` commands (§2.1, §2.2, §7.2).
//!
//! Bodies are streamed and hashed incrementally; nothing holds a whole upload in memory. A
//! session commits bytes only at chunk-granularity boundaries while a body streams in, so a
//! connection dropped mid-chunk leaves the aligned prefix persisted; the unaligned tail is
//! committed only by a successful finalize.

use std::io;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Duration;
use futures_util::StreamExt;

use super::errors::{upload_error, upload_invalid, upload_too_large};
use super::quota::{admit, Need};
use super::received::Received;
use super::scenario::{UploadFault, UploadFaultKind};
use super::state::{random_id, Inner, Session, SessionStatus, Shared, Upload};
use super::{RequestKind, SharedState};
use crate::Shaping;

const EMPTY: &str = "Payload must not be empty";

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
}

fn header_u64(headers: &HeaderMap, name: &str) -> Option<u64> {
    header_str(headers, name).and_then(|v| v.parse().ok())
}

/// Entry point for every `POST /v1/uploads`.
pub(crate) async fn uploads(
    State(shared): State<SharedState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let upload_id = url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(k, _)| k == "upload_id")
        .map(|(_, v)| v.into_owned());
    if let Some(id) = upload_id {
        return session_request(&shared, &id, &headers, body).await;
    }
    let protocol = header_str(&headers, "x-goog-upload-protocol").map(str::to_ascii_lowercase);
    match protocol.as_deref() {
        Some("raw") => raw(&shared, &headers, body).await,
        Some("resumable") => start(&shared, &headers, body).await,
        _ => {
            if let Err(response) = admit(&shared, RequestKind::UploadRaw, &headers, Need::Append) {
                return response;
            }
            upload_invalid("X-Goog-Upload-Protocol must be 'raw' or 'resumable'.")
        }
    }
}

/// Where streamed bytes go.
trait Sink {
    fn write(&mut self, data: &[u8]);
}

/// How reading a body ended.
enum ReadEnd {
    /// The body ended.
    Complete,
    /// More than the allowed bytes arrived.
    Overflow,
    /// An injected fault stopped the read.
    Fault(UploadFaultKind),
    /// The client broke the connection.
    ClientGone,
}

/// Counts one upload body being read, for [`super::FakeGoogle::peak_concurrent_uploads`].
struct Reading<'a>(&'a Shared);

impl<'a> Reading<'a> {
    fn new(shared: &'a Shared) -> Self {
        use std::sync::atomic::Ordering::SeqCst;
        let now = shared.uploads_reading.fetch_add(1, SeqCst) + 1;
        shared.uploads_reading_peak.fetch_max(now, SeqCst);
        Self(shared)
    }
}

impl Drop for Reading<'_> {
    fn drop(&mut self) {
        self.0
            .uploads_reading
            .fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Streams `body` into `sink`, throttled, stopping at `limit` bytes or at the fault.
async fn read_body(
    shared: &Shared,
    body: Body,
    limit: u64,
    fault: Option<UploadFault>,
    sink: &mut impl Sink,
) -> (u64, ReadEnd) {
    let (shaping, shared_cap) = {
        let inner = shared.lock();
        (
            inner.scenario.upload_shaping,
            inner.scenario.upload_shared_bytes_per_sec,
        )
    };
    let stream = body.into_data_stream().map(|r| r.map_err(io::Error::other));
    let stream = shared.uplink.throttle(shaping.throttle(stream), shared_cap);
    let mut stream = Box::pin(stream);
    let _reading = Reading::new(shared);
    let mut read = 0u64;
    while let Some(item) = stream.next().await {
        let Ok(mut chunk) = item else {
            return (read, ReadEnd::ClientGone);
        };
        shared
            .upload_bytes_read
            .fetch_add(chunk.len() as u64, std::sync::atomic::Ordering::Relaxed);
        if let Some(f) = fault {
            let left = f.after_bytes.saturating_sub(read);
            if (chunk.len() as u64) >= left {
                chunk.truncate(left as usize);
                read += chunk.len() as u64;
                sink.write(&chunk);
                return (read, ReadEnd::Fault(f.kind));
            }
        }
        if read + chunk.len() as u64 > limit {
            return (read, ReadEnd::Overflow);
        }
        read += chunk.len() as u64;
        sink.write(&chunk);
    }
    if let Some(f) = fault {
        // The body ended before the fault point: the fault still fires.
        return (read, ReadEnd::Fault(f.kind));
    }
    (read, ReadEnd::Complete)
}

/// Takes one use of the first pending upload fault.
fn take_upload_fault(shared: &Shared) -> Option<UploadFault> {
    let mut inner = shared.lock();
    let faults = &mut inner.scenario.upload_faults;
    let position = faults.iter().position(|f| f.times > 0)?;
    faults[position].times -= 1;
    let fault = faults[position];
    if faults[position].times == 0 {
        faults.remove(position);
    }
    Some(fault)
}

/// A response whose body fails at once: hyper aborts the connection before flushing the head,
/// so the client sees a transport error, as after a real connection drop.
/// Reads and discards the request body (up to 256 MiB) before answering `response`.
///
/// A server that answers an upload early and closes makes the client see a broken connection
/// instead of the answer (it is still sending). Google's upload servers read what is sent and
/// then answer, so the fake does too, within a bound that keeps a runaway test cheap.
async fn drained(body: Body, response: Response) -> Response {
    const LIMIT: usize = 256 * 1024 * 1024;
    let mut stream = body.into_data_stream();
    let mut read = 0usize;
    while let Some(Ok(chunk)) = futures_util::StreamExt::next(&mut stream).await {
        read += chunk.len();
        if read > LIMIT {
            break;
        }
    }
    response
}

fn dropped_connection() -> Response {
    let stream = futures_util::stream::once(async {
        Err::<Bytes, io::Error>(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "fault injected: connection dropped mid-upload",
        ))
    });
    Response::new(Body::from_stream(stream))
}

/// The answer of a session a test killed.
fn killed() -> Response {
    upload_error(StatusCode::GONE, 5, "The upload session was terminated.")
}

fn server_error() -> Response {
    upload_error(
        StatusCode::SERVICE_UNAVAILABLE,
        14,
        "The service is currently unavailable.",
    )
}

/// Records an upload token for bytes with this hash.
fn new_token(
    shared: &Shared,
    received: &Received,
    size: u64,
    mime: Option<String>,
    name: Option<String>,
) -> String {
    let token = format!("CAIS{}", random_id(92));
    let mut inner = shared.lock();
    let expires = shared.now() + Duration::seconds(inner.scenario.upload_token_ttl_secs as i64);
    inner.uploads.insert(
        token.clone(),
        Upload {
            sha256: received.sha256_hex(),
            video_time: received.video_time(),
            size,
            mime_type: mime,
            filename: name,
            expires,
        },
    );
    token
}

fn token_response(token: &str, status: SessionStatus) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        token.to_string(),
    )
        .into_response();
    response.headers_mut().insert(
        "x-goog-upload-status",
        HeaderValue::from_static(status.as_header()),
    );
    response
}

struct RawSink {
    hasher: Received,
}

impl Sink for RawSink {
    fn write(&mut self, data: &[u8]) {
        self.hasher.update(data);
    }
}

async fn raw(shared: &Shared, headers: &HeaderMap, body: Body) -> Response {
    if let Err(response) = admit(shared, RequestKind::UploadRaw, headers, Need::Append) {
        return response;
    }
    let (cap, shaping) = {
        let inner = shared.lock();
        (
            inner.scenario.max_upload_bytes,
            inner.scenario.upload_shaping,
        )
    };
    shaping.delay().await;
    if header_u64(headers, "content-length").is_some_and(|n| n > cap) {
        return drained(body, upload_too_large(cap)).await;
    }
    let fault = take_upload_fault(shared);
    let mut sink = RawSink {
        hasher: Received::default(),
    };
    let (read, end) = read_body(shared, body, cap, fault, &mut sink).await;
    match end {
        ReadEnd::Fault(UploadFaultKind::Drop) | ReadEnd::ClientGone => dropped_connection(),
        ReadEnd::Fault(UploadFaultKind::ServerError) => server_error(),
        ReadEnd::Overflow => upload_too_large(cap),
        ReadEnd::Complete if read == 0 => upload_invalid(EMPTY),
        ReadEnd::Complete => {
            let mime = header_str(headers, "x-goog-upload-content-type").map(str::to_string);
            let name = header_str(headers, "x-goog-upload-file-name").map(str::to_string);
            let token = new_token(shared, &sink.hasher, read, mime, name);
            let mut response = token_response(&token, SessionStatus::Final);
            response.headers_mut().remove("x-goog-upload-status");
            response
        }
    }
}

async fn start(shared: &Shared, headers: &HeaderMap, body: Body) -> Response {
    if let Err(response) = admit(shared, RequestKind::UploadStart, headers, Need::Append) {
        return response;
    }
    let command = header_str(headers, "x-goog-upload-command").map(str::to_ascii_lowercase);
    if command.as_deref() != Some("start") {
        return upload_invalid("A resumable upload must begin with X-Goog-Upload-Command: start.");
    }
    if header_u64(headers, "content-length").is_some_and(|n| n > 0) {
        return upload_invalid("The start request must have an empty body.");
    }
    match axum::body::to_bytes(body, 1024).await {
        Ok(bytes) if bytes.is_empty() => {}
        _ => return upload_invalid("The start request must have an empty body."),
    }
    let Some(raw_size) = header_u64(headers, "x-goog-upload-raw-size") else {
        return upload_invalid("X-Goog-Upload-Raw-Size must be the total size in bytes.");
    };
    let id = random_id(48);
    let now = shared.now();
    let mut inner = shared.lock();
    inner.session_counter += 1;
    let order = inner.session_counter;
    inner.sessions.insert(
        id.clone(),
        Session {
            raw_size,
            received: 0,
            hasher: Received::default(),
            status: SessionStatus::Active,
            mime_type: header_str(headers, "x-goog-upload-content-type").map(str::to_string),
            filename: header_str(headers, "x-goog-upload-file-name").map(str::to_string),
            created: now,
            expired: false,
            killed: false,
            busy: false,
            token: None,
            order,
        },
    );
    let url = format!(
        "{}/v1/uploads?upload_id={id}&upload_protocol=resumable",
        shared.base()
    );
    let granularity = inner.scenario.chunk_granularity;
    let mut response = StatusCode::OK.into_response();
    let h = response.headers_mut();
    h.insert("x-goog-upload-status", HeaderValue::from_static("active"));
    if let Ok(v) = HeaderValue::from_str(&url) {
        h.insert("x-goog-upload-url", v);
    }
    h.insert(
        "x-goog-upload-chunk-granularity",
        HeaderValue::from(granularity),
    );
    h.insert("x-guploader-uploadid", HeaderValue::from_static("fake"));
    response
}

/// The parsed `X-Goog-Upload-Command` of a session request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Command {
    Query,
    Cancel,
    Upload { finalize: bool },
    Finalize,
}

fn parse_command(value: Option<&str>) -> Option<Command> {
    let parts: Vec<String> = value?
        .split(',')
        .map(|p| p.trim().to_ascii_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    match parts.as_slice() {
        ["query"] => Some(Command::Query),
        ["cancel"] => Some(Command::Cancel),
        ["upload"] => Some(Command::Upload { finalize: false }),
        ["upload", "finalize"] => Some(Command::Upload { finalize: true }),
        ["finalize"] => Some(Command::Finalize),
        _ => None,
    }
}

fn status_response(http: StatusCode, session: &Session, granularity: u64) -> Response {
    let mut response = http.into_response();
    let h = response.headers_mut();
    h.insert(
        "x-goog-upload-status",
        HeaderValue::from_static(session.status.as_header()),
    );
    h.insert(
        "x-goog-upload-size-received",
        HeaderValue::from(session.received),
    );
    h.insert(
        "x-goog-upload-chunk-granularity",
        HeaderValue::from(granularity),
    );
    response
}

/// Commits a session's bytes at granularity boundaries as they stream in.
struct SessionSink<'a> {
    shared: &'a Shared,
    id: &'a str,
    granularity: usize,
    hasher: Received,
    pending: Vec<u8>,
}

impl Sink for SessionSink<'_> {
    fn write(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let take = (self.granularity - self.pending.len()).min(data.len());
            self.pending.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.pending.len() == self.granularity {
                self.hasher.update(&self.pending);
                let mut inner = self.shared.lock();
                if let Some(session) = inner.sessions.get_mut(self.id).filter(|s| !s.killed) {
                    session.hasher = self.hasher.clone();
                    session.received += self.granularity as u64;
                }
                self.pending.clear();
            }
        }
    }
}

async fn session_request(shared: &Shared, id: &str, headers: &HeaderMap, body: Body) -> Response {
    let command = parse_command(header_str(headers, "x-goog-upload-command"));
    let kind = match command {
        Some(Command::Query) => RequestKind::UploadQuery,
        _ => RequestKind::UploadChunk,
    };
    let need = if shared.lock().scenario.session_requires_bearer {
        Need::Append
    } else {
        Need::Nothing
    };
    if let Err(response) = admit(shared, kind, headers, need) {
        return drained(body, response).await;
    }
    let Some(command) = command else {
        return drained(body, upload_invalid("Invalid X-Goog-Upload-Command.")).await;
    };
    let prepared = match prepare(shared, id, command, headers) {
        Ok(p) => p,
        Err(response) => return drained(body, response).await,
    };
    prepared.shaping.delay().await;
    let fault = take_upload_fault(shared);
    let mut sink = SessionSink {
        shared,
        id,
        granularity: usize::try_from(prepared.granularity).unwrap_or(usize::MAX),
        hasher: prepared.hasher.clone(),
        pending: Vec::new(),
    };
    let (read, end) = read_body(shared, body, prepared.room, fault, &mut sink).await;
    let SessionSink {
        hasher, pending, ..
    } = sink;
    complete(shared, id, &prepared, read, end, hasher, &pending)
}

/// A chunk request that passed the checks and may now stream its body.
struct Prepared {
    hasher: Received,
    room: u64,
    finalize: bool,
    granularity: u64,
    shaping: Shaping,
}

/// Checks a session request before any body is read; `Err` is the whole answer (query,
/// cancel, a bare finalize, or a rejection).
fn prepare(
    shared: &Shared,
    id: &str,
    command: Command,
    headers: &HeaderMap,
) -> Result<Prepared, Response> {
    let now = shared.now();
    let mut inner = shared.lock();
    let granularity = inner.scenario.chunk_granularity.max(1);
    let cap = inner.scenario.max_upload_bytes;
    let shaping = inner.scenario.upload_shaping;
    let ttl = Duration::seconds(inner.scenario.upload_session_ttl_secs as i64);
    let expired_status = StatusCode::from_u16(inner.scenario.expired_session_status)
        .unwrap_or(StatusCode::NOT_FOUND);
    let Some(session) = inner.sessions.get_mut(id) else {
        return Err(upload_error(
            StatusCode::NOT_FOUND,
            5,
            "The upload session was not found.",
        ));
    };
    if session.killed {
        return Err(killed());
    }
    if session.expired || now > session.created + ttl {
        session.expired = true;
        return Err(upload_error(
            expired_status,
            5,
            "The upload session has expired.",
        ));
    }
    match command {
        Command::Query => return Err(status_response(StatusCode::OK, session, granularity)),
        Command::Cancel => {
            if session.status == SessionStatus::Active {
                session.status = SessionStatus::Cancelled;
            }
            return Err(status_response(StatusCode::OK, session, granularity));
        }
        _ => {}
    }
    match session.status {
        SessionStatus::Cancelled => {
            return Err(upload_error(
                StatusCode::BAD_REQUEST,
                9,
                "The upload session was cancelled.",
            ))
        }
        SessionStatus::Final => {
            return Err(match (&session.token, command) {
                (Some(token), Command::Finalize | Command::Upload { finalize: true }) => {
                    token_response(token, SessionStatus::Final)
                }
                _ => upload_error(
                    StatusCode::BAD_REQUEST,
                    9,
                    "The upload session is already finalized.",
                ),
            });
        }
        SessionStatus::Active => {}
    }
    if session.busy {
        return Err(upload_error(
            StatusCode::CONFLICT,
            10,
            "Another request is uploading to this session.",
        ));
    }
    if session.raw_size > cap {
        return Err(upload_too_large(cap));
    }
    let finalize = matches!(
        command,
        Command::Finalize | Command::Upload { finalize: true }
    );
    if command == Command::Finalize {
        if session.raw_size == 0 {
            return Err(upload_invalid(EMPTY));
        }
        return Err(finish(shared, &mut inner, id, &[]));
    }
    let offset = header_u64(headers, "x-goog-upload-offset");
    if offset != Some(session.received) {
        let mut response = upload_invalid(&format!(
            "X-Goog-Upload-Offset must equal the bytes received so far ({}).",
            session.received
        ));
        response.headers_mut().insert(
            "x-goog-upload-size-received",
            HeaderValue::from(session.received),
        );
        return Err(response);
    }
    let room = session.raw_size - session.received;
    if let Some(len) = header_u64(headers, "content-length") {
        if len == 0 {
            return Err(upload_invalid(EMPTY));
        }
        if !finalize && len % granularity != 0 {
            return Err(upload_invalid(&format!(
                "A non-final chunk must be a multiple of {granularity} bytes."
            )));
        }
        if len > room {
            return Err(upload_invalid(
                "The chunk goes past X-Goog-Upload-Raw-Size.",
            ));
        }
        if finalize && len != room {
            return Err(upload_invalid(&format!(
                "Finalize needs all {} bytes of X-Goog-Upload-Raw-Size; {} would be received.",
                session.raw_size,
                session.received + len
            )));
        }
    }
    session.busy = true;
    Ok(Prepared {
        hasher: session.hasher.clone(),
        room,
        finalize,
        granularity,
        shaping,
    })
}

/// Answers a chunk request once its body was read (or broken off).
fn complete(
    shared: &Shared,
    id: &str,
    prepared: &Prepared,
    read: u64,
    end: ReadEnd,
    hasher: Received,
    pending: &[u8],
) -> Response {
    let granularity = prepared.granularity;
    let mut inner = shared.lock();
    let Some(session) = inner.sessions.get_mut(id) else {
        return upload_error(
            StatusCode::NOT_FOUND,
            5,
            "The upload session was not found.",
        );
    };
    session.busy = false;
    let dropped = matches!(
        end,
        ReadEnd::Fault(UploadFaultKind::Drop) | ReadEnd::ClientGone
    );
    if session.killed && !dropped {
        return killed();
    }
    match end {
        ReadEnd::Fault(UploadFaultKind::Drop) | ReadEnd::ClientGone => dropped_connection(),
        ReadEnd::Fault(UploadFaultKind::ServerError) => server_error(),
        ReadEnd::Overflow => upload_invalid("The chunk goes past X-Goog-Upload-Raw-Size."),
        ReadEnd::Complete if read == 0 => upload_invalid(EMPTY),
        ReadEnd::Complete if prepared.finalize => {
            session.hasher = hasher;
            finish(shared, &mut inner, id, pending)
        }
        ReadEnd::Complete if !pending.is_empty() => upload_invalid(&format!(
            "A non-final chunk must be a multiple of {granularity} bytes; the aligned part was kept."
        )),
        ReadEnd::Complete => status_response(StatusCode::OK, session, granularity),
    }
}

/// Finalizes session `id` with its unaligned `tail`: checks the total and issues the token.
fn finish(shared: &Shared, inner: &mut Inner, id: &str, tail: &[u8]) -> Response {
    let ttl = Duration::seconds(inner.scenario.upload_token_ttl_secs as i64);
    let Some(session) = inner.sessions.get_mut(id) else {
        return upload_error(
            StatusCode::NOT_FOUND,
            5,
            "The upload session was not found.",
        );
    };
    let total = session.received + tail.len() as u64;
    if total != session.raw_size {
        return upload_invalid(&format!(
            "Finalize needs all {} bytes of X-Goog-Upload-Raw-Size; {total} were received.",
            session.raw_size
        ));
    }
    session.hasher.update(tail);
    session.received = total;
    session.status = SessionStatus::Final;
    let token = format!("CAIS{}", random_id(92));
    session.token = Some(token.clone());
    let upload = Upload {
        sha256: session.hasher.sha256_hex(),
        video_time: session.hasher.video_time(),
        size: total,
        mime_type: session.mime_type.clone(),
        filename: session.filename.clone(),
        expires: shared.now() + ttl,
    };
    inner.uploads.insert(token.clone(), upload);
    token_response(&token, SessionStatus::Final)
}
