//! A fake server running on its own thread and Tokio runtime.
//!
//! Each fake owns a [`ServerHandle`]: it binds `127.0.0.1:0` (or a fixed address for the
//! `fake-clouds` binary), serves an axum [`Router`], and shuts down gracefully when dropped.
//! Running on a private runtime keeps the fake independent of the test's runtime flavour, so a
//! `#[tokio::test]` on a current-thread runtime cannot starve it, and plain `#[test]`s can use it.
//!
//! Every server runs its listener, connections and bodies through an [`OutageControl`] (see
//! the `outage` module), so a test can cut any fake off the network the same way.

use std::net::{SocketAddr, TcpListener};
use std::thread::JoinHandle;

use axum::Router;
use tokio::sync::oneshot;

use crate::outage::{self, OutageControl};

/// A running fake HTTP server; dropping it stops the server and joins its thread.
pub struct ServerHandle {
    addr: SocketAddr,
    outages: OutageControl,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// Serves `router` on an ephemeral loopback port.
    pub fn start(name: &str, router: Router) -> std::io::Result<Self> {
        Self::start_on(name, SocketAddr::from(([127, 0, 0, 1], 0)), router)
    }

    /// Serves `router` on `addr` (port 0 picks a free port).
    pub fn start_on(name: &str, addr: SocketAddr, router: Router) -> std::io::Result<Self> {
        Self::start_with_outages(name, addr, router, OutageControl::default())
    }

    /// Serves `router` on `addr`, cut off by the outages of `outages` (which other servers of
    /// the same fake may share).
    pub fn start_with_outages(
        name: &str,
        addr: SocketAddr,
        router: Router,
        outages: OutageControl,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let listener = outages.listener(listener)?;
        let router = router.layer(axum::middleware::from_fn_with_state(
            outages.clone(),
            outage::gate,
        ));
        let (tx, rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("fake-{name}"))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("fake server runtime");
                runtime.block_on(async move {
                    let served = axum::serve(listener, router).with_graceful_shutdown(async {
                        let _ = rx.await;
                    });
                    if let Err(err) = served.await {
                        tracing::warn!(%err, "fake server stopped with an error");
                    }
                });
                // In-flight streaming bodies (a throttled 1 GB download) must not keep the
                // thread alive after shutdown was asked for.
                runtime.shutdown_background();
            })?;
        Ok(Self {
            addr,
            outages,
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// The socket address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The outages this server obeys.
    pub fn outages(&self) -> &OutageControl {
        &self.outages
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        // Requests a silent outage holds would keep the graceful shutdown waiting.
        self.outages.end();
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            // Graceful shutdown waits for open connections; keep-alive clients may hold them,
            // so do not block forever on a test's connection pool.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
            while !thread.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            if thread.is_finished() {
                let _ = thread.join();
            }
        }
    }
}
