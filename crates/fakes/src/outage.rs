//! Network outages of a fake server: a router rebooting, Wi-Fi dropping.
//!
//! An [`OutageControl`] is shared by the servers of one fake (GoPro's API and CDN share one).
//! Each server's [`ServerHandle`](crate::ServerHandle) runs its listener, every accepted
//! connection, every request and every request and response body through it:
//!
//! - [`Outage::Silent`]: connections are still accepted, but nothing is answered. A request that
//!   arrives gets no response bytes; a request body being received stops being read (the
//!   client's writes stall once the socket buffers fill); a response body stops producing
//!   bytes. When the outage ends, every request it touched is dropped with its connection (the
//!   client has given up by then); later requests are served normally.
//! - [`Outage::Refuse`]: the listening socket is closed, so new connections get
//!   `ECONNREFUSED`, and every open connection is reset (in-flight bodies fail, idle keep-alive
//!   connections close, so a pooled connection cannot be reused). When it ends the server
//!   listens on the same port again, so base URLs stay valid.
//!
//! Requests that arrive during an outage are counted ([`OutageControl::requests_during_outage`])
//! so a test can check how often a client probes. Refused connection attempts never reach the
//! fake and are not counted.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{self, Request};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::{Stream, StreamExt};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// How a fake's network fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outage {
    /// Connections are accepted but nothing is answered and bodies stall.
    Silent,
    /// New connections are refused and open ones are reset.
    Refuse,
}

/// What every listener, connection and body watches.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Network {
    /// The outage in force, if any.
    kind: Option<Outage>,
    /// Outages started so far: a request that saw a different count at its start was hit.
    outages: u64,
    /// Refuse outages started so far: a connection accepted before one is reset.
    refusals: u64,
}

/// Listeners by id, with whether each is listening now.
type Listeners = HashMap<u64, bool>;

struct Control {
    state: watch::Sender<Network>,
    requests: AtomicU64,
    listeners: Mutex<Listeners>,
    listening_changed: Condvar,
    next_listener: AtomicU64,
}

/// Starts, ends and counts outages of the servers that share it (cheap to clone).
#[derive(Clone)]
pub struct OutageControl {
    control: Arc<Control>,
}

impl Default for OutageControl {
    fn default() -> Self {
        Self {
            control: Arc::new(Control {
                state: watch::Sender::new(Network::default()),
                requests: AtomicU64::new(0),
                listeners: Mutex::new(HashMap::new()),
                listening_changed: Condvar::new(),
                next_listener: AtomicU64::new(0),
            }),
        }
    }
}

impl std::fmt::Debug for OutageControl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutageControl")
            .field("current", &self.current())
            .field("requests_during_outage", &self.requests_during_outage())
            .finish()
    }
}

/// How long `outage` and `restore` wait for the listeners to close or listen again.
const SETTLE: Duration = Duration::from_secs(2);

impl OutageControl {
    /// Starts `kind` now (or switches to it), until [`restore`](Self::restore). Returns once
    /// every listener is closed (`Refuse`) or listening (`Silent`).
    pub fn outage(&self, kind: Outage) {
        self.start(kind);
    }

    /// Starts `kind` now and ends it after `duration` of real time, unless another outage or a
    /// restore came first. Returns at once (after the listeners settled).
    pub fn outage_for(&self, kind: Outage, duration: Duration) {
        let started = self.start(kind);
        let control = self.clone();
        let spawned = std::thread::Builder::new()
            .name("fake-outage".into())
            .spawn(move || {
                std::thread::sleep(duration);
                if control.control.state.borrow().outages == started {
                    control.restore();
                }
            });
        if let Err(err) = spawned {
            tracing::warn!(%err, "cannot time the outage; it lasts until restore()");
        }
    }

    /// Ends the outage: requests it stalled are dropped, the listeners listen again on their
    /// ports, new requests are served. Returns once every listener listens.
    pub fn restore(&self) {
        self.end();
        self.settle();
    }

    /// The outage in force, if any.
    pub fn current(&self) -> Option<Outage> {
        self.control.state.borrow().kind
    }

    /// Requests that arrived during an outage, over the fake's lifetime.
    pub fn requests_during_outage(&self) -> u64 {
        self.control.requests.load(Ordering::SeqCst)
    }

    /// Starts `kind` and waits for the listeners; returns the outage's number.
    fn start(&self, kind: Outage) -> u64 {
        let mut started = 0;
        self.control.state.send_modify(|s| {
            s.kind = Some(kind);
            s.outages += 1;
            if kind == Outage::Refuse {
                s.refusals += 1;
            }
            started = s.outages;
        });
        self.settle();
        started
    }

    /// Ends the outage without waiting for listeners (a server shutting down).
    pub(crate) fn end(&self) {
        self.control
            .state
            .send_if_modified(|s| s.kind.take().is_some());
    }

    /// Waits until every listener is in the state the outage wants.
    fn settle(&self) {
        let want_listening = self.current() != Some(Outage::Refuse);
        let listeners = lock(&self.control.listeners);
        let (_listeners, timeout) = self
            .control
            .listening_changed
            .wait_timeout_while(listeners, SETTLE, |l| {
                l.values().any(|&listening| listening != want_listening)
            })
            .unwrap_or_else(|e| e.into_inner());
        if timeout.timed_out() {
            tracing::warn!("fake listeners did not settle after an outage change");
        }
    }

    fn set_listening(&self, id: u64, listening: Option<bool>) {
        let mut listeners = lock(&self.control.listeners);
        match listening {
            Some(l) => {
                listeners.insert(id, l);
            }
            None => {
                listeners.remove(&id);
            }
        }
        self.control.listening_changed.notify_all();
    }

    fn watch(&self) -> watch::Receiver<Network> {
        self.control.state.subscribe()
    }

    /// Wraps a bound listener so that it closes and rebinds with `Refuse` outages.
    pub(crate) fn listener(&self, listener: std::net::TcpListener) -> io::Result<OutageListener> {
        let addr = listener.local_addr()?;
        let id = self.control.next_listener.fetch_add(1, Ordering::SeqCst);
        self.set_listening(id, Some(true));
        Ok(OutageListener {
            addr,
            std: Some(listener),
            tokio: None,
            state: self.watch(),
            control: self.clone(),
            id,
        })
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn reset() -> io::Error {
    io::Error::new(
        io::ErrorKind::ConnectionReset,
        "outage: the connection was dropped",
    )
}

/// A future that ends when the watched state next changes (never, once the control is gone).
type Change = Pin<Box<dyn Future<Output = ()> + Send>>;

fn next_change(rx: &watch::Receiver<Network>) -> Change {
    let mut rx = rx.clone();
    Box::pin(async move {
        if rx.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}

/// A listener that is closed during `Refuse` outages and bound again on the same address after.
pub(crate) struct OutageListener {
    addr: SocketAddr,
    /// The listener bound at start, until the server's runtime takes it over.
    std: Option<std::net::TcpListener>,
    tokio: Option<TcpListener>,
    state: watch::Receiver<Network>,
    control: OutageControl,
    id: u64,
}

impl Drop for OutageListener {
    fn drop(&mut self) {
        self.control.set_listening(self.id, None);
    }
}

impl OutageListener {
    fn open(&mut self) -> io::Result<&TcpListener> {
        if self.tokio.is_none() {
            let std = match self.std.take() {
                Some(std) => std,
                None => {
                    // std sets SO_REUSEADDR on Unix, so the connections the outage reset do not
                    // keep the port.
                    let std = std::net::TcpListener::bind(self.addr)?;
                    std.set_nonblocking(true)?;
                    std
                }
            };
            self.tokio = Some(TcpListener::from_std(std)?);
            self.control.set_listening(self.id, Some(true));
        }
        Ok(self.tokio.as_ref().expect("listener just opened"))
    }
}

impl axum::serve::Listener for OutageListener {
    type Io = OutageStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let state = *self.state.borrow_and_update();
            if state.kind == Some(Outage::Refuse) {
                if self.tokio.take().is_some() || self.std.take().is_some() {
                    self.control.set_listening(self.id, Some(false));
                }
                next_change(&self.state).await;
                continue;
            }
            let change = next_change(&self.state);
            let listener = match self.open() {
                Ok(listener) => listener,
                Err(err) => {
                    tracing::warn!(%err, addr = %self.addr, "fake cannot listen again; retrying");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, peer)) => {
                        let stream = OutageStream {
                            io: stream,
                            refusals: state.refusals,
                            state: self.state.clone(),
                            change: None,
                        };
                        return (stream, peer);
                    }
                    Err(err) => {
                        tracing::debug!(%err, "fake accept failed");
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                },
                () = change => {}
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.addr)
    }
}

/// An accepted connection that is reset when a `Refuse` outage starts.
pub(crate) struct OutageStream {
    io: TcpStream,
    /// Refuse outages before it was accepted.
    refusals: u64,
    state: watch::Receiver<Network>,
    change: Option<Change>,
}

impl OutageStream {
    /// `Err` once a `Refuse` outage started after it was accepted; otherwise arranges to be
    /// woken by the next outage change.
    fn check(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        loop {
            if self.state.borrow_and_update().refusals != self.refusals {
                // Reset, not a graceful close: a router reboot leaves nothing to close with.
                let _ = self.io.set_zero_linger();
                return Err(reset());
            }
            let change = self.change.get_or_insert_with(|| next_change(&self.state));
            match change.as_mut().poll(cx) {
                Poll::Ready(()) => self.change = None,
                Poll::Pending => return Ok(()),
            }
        }
    }
}

impl AsyncRead for OutageStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for OutageStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check(cx)?;
        Pin::new(&mut this.io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}

/// What an outage means for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    /// No outage touched it.
    Pass,
    /// A silent outage is in force: wait.
    Stall,
    /// An outage touched it: drop it with its connection.
    Drop,
}

/// One request's view of the outages: `started` is the outage count when it arrived, `None`
/// for a request that arrived during an outage (it is dropped once the outage ends).
struct Gate {
    state: watch::Receiver<Network>,
    started: Option<u64>,
    change: Option<Change>,
}

impl Gate {
    fn verdict(&mut self) -> Verdict {
        let state = *self.state.borrow_and_update();
        match state.kind {
            Some(Outage::Silent) => Verdict::Stall,
            Some(Outage::Refuse) => Verdict::Drop,
            None if self.started == Some(state.outages) => Verdict::Pass,
            None => Verdict::Drop,
        }
    }

    /// Ready `Ok` to go on, ready `Err` to drop, pending while silent.
    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match self.verdict() {
                Verdict::Pass => return Poll::Ready(Ok(())),
                Verdict::Drop => return Poll::Ready(Err(reset())),
                Verdict::Stall => {
                    let change = self.change.get_or_insert_with(|| next_change(&self.state));
                    match change.as_mut().poll(cx) {
                        Poll::Ready(()) => self.change = None,
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
        }
    }

    /// Waits out a silent outage, then answers with a dropped connection.
    async fn hold(mut self) -> Response {
        let _ = std::future::poll_fn(|cx| self.poll(cx)).await;
        dropped()
    }
}

/// A body stream that stalls during a silent outage and fails once an outage touched it.
struct Gated<S> {
    body: Pin<Box<S>>,
    gate: Gate,
    done: bool,
}

impl<S> Stream for Gated<S>
where
    S: Stream<Item = Result<Bytes, io::Error>>,
{
    type Item = Result<Bytes, io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        if let Err(err) = std::task::ready!(this.gate.poll(cx)) {
            this.done = true;
            return Poll::Ready(Some(Err(err)));
        }
        this.body.as_mut().poll_next(cx)
    }
}

fn gated(body: Body, gate: Gate) -> Body {
    let stream = body.into_data_stream().map(|r| r.map_err(io::Error::other));
    Body::from_stream(Gated {
        body: Box::pin(stream),
        gate,
        done: false,
    })
}

/// A response whose body fails at once: hyper aborts the connection before the head is sent.
fn dropped() -> Response {
    let stream = futures_util::stream::once(async { Err::<Bytes, io::Error>(reset()) });
    Response::new(Body::from_stream(stream))
}

/// The middleware every server runs first: counts requests that arrive during an outage and
/// holds them, gates request and response bodies, and drops responses an outage touched.
pub(crate) async fn gate(
    extract::State(control): extract::State<OutageControl>,
    request: Request,
    next: Next,
) -> Response {
    let state = *control.watch().borrow();
    let gate = |started| Gate {
        state: control.watch(),
        started,
        change: None,
    };
    if state.kind.is_some() {
        control.control.requests.fetch_add(1, Ordering::SeqCst);
        return gate(None).hold().await;
    }
    let started = Some(state.outages);
    let request = request.map(|body| gated(body, gate(started)));
    let response = next.run(request).await;
    let mut after = gate(started);
    if after.verdict() != Verdict::Pass {
        return after.hold().await;
    }
    let (mut parts, body) = response.into_parts();
    // Streaming the body loses its exact size; keep the Content-Length hyper would have sent.
    let bodiless = parts.status.is_informational()
        || parts.status == axum::http::StatusCode::NO_CONTENT
        || parts.status == axum::http::StatusCode::NOT_MODIFIED;
    if !bodiless
        && !parts.headers.contains_key(header::CONTENT_LENGTH)
        && !parts.headers.contains_key(header::TRANSFER_ENCODING)
    {
        if let Some(len) = body.size_hint().exact() {
            parts
                .headers
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
        }
    }
    Response::from_parts(parts, gated(body, after))
}
