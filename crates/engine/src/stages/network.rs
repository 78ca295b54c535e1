//! Waiting out a lost network: an outage pauses the run; it never fails files.
//!
//! When a file's transfer, a create or a discovery page fails because a cloud cannot be reached
//! (connection refused, DNS failure, a stalled connection, a timeout), the stage calls
//! [`NetworkGate::wait`]. The first caller for a cloud probes it (a plain GET of an address of
//! that cloud: any HTTP answer means it is reachable) with backoff capped at
//! `Settings::network_probe_max_interval`; the others queue behind it and go on as soon as it
//! is back. If the first probe fails, the run reports [`SyncEvent::WaitingForNetwork`], and
//! [`SyncEvent::NetworkRestored`] when the cloud answers again, however long that takes. A
//! pause or cancel ends the wait at once.
//!
//! A failure the probe contradicts (the cloud answers, but the file keeps failing on the
//! network) is the file's own: after [`NetworkGate::MAX_UNEXPLAINED`] such failures in a row the
//! stage records it as failed.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use url::Url;

use super::{Run, Stop};
use crate::events::SyncEvent;
use crate::model::Cloud;

/// What a wait found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Waited {
    /// The cloud answered the first probe: the failure was not an outage.
    WasReachable,
    /// The cloud was unreachable and answers again (or another task saw it come back).
    Restored,
}

/// Shared by a run's tasks: one prober per cloud, the others wait for it.
#[derive(Debug, Default)]
pub(crate) struct NetworkGate {
    clouds: Mutex<HashMap<Cloud, std::sync::Arc<CloudGate>>>,
}

#[derive(Debug, Default)]
struct CloudGate {
    /// Held by the task probing the cloud.
    prober: tokio::sync::Mutex<()>,
    /// Bumped each time an outage of this cloud ends.
    restored: AtomicU64,
}

impl NetworkGate {
    /// Failures on the network that a successful probe contradicts, in a row, before a file
    /// counts them as its own.
    pub const MAX_UNEXPLAINED: u32 = 5;

    fn gate(&self, cloud: Cloud) -> std::sync::Arc<CloudGate> {
        self.clouds
            .lock()
            .expect("network gate lock")
            .entry(cloud)
            .or_default()
            .clone()
    }

    /// Waits until `cloud` answers at `probe`; `Err` only when a stop was requested meanwhile.
    pub(crate) async fn wait(&self, run: &Run, cloud: Cloud, probe: &Url) -> Result<Waited, Stop> {
        let gate = self.gate(cloud);
        let seen = gate.restored.load(Ordering::SeqCst);
        let _prober = tokio::select! {
            guard = gate.prober.lock() => guard,
            request = run.control.stopped() => return Err(Stop::Requested(request)),
        };
        if gate.restored.load(Ordering::SeqCst) != seen {
            // Another task waited this outage out while this one queued.
            return Ok(Waited::Restored);
        }
        let cap = run
            .settings
            .network_probe_max_interval
            .max(Duration::from_millis(1));
        if reachable(run, probe, cap).await {
            return Ok(Waited::WasReachable);
        }
        let since = Utc::now();
        let started = tokio::time::Instant::now();
        tracing::warn!(%cloud, "cannot reach the cloud; waiting for the network");
        run.emit(SyncEvent::WaitingForNetwork { cloud, since });
        let mut interval = (cap / 16).max(Duration::from_millis(1));
        // Probes start `interval` apart, however long an unanswered probe takes.
        let mut last_probe = started;
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(last_probe + interval) => {}
                request = run.control.stopped() => return Err(Stop::Requested(request)),
            }
            last_probe = tokio::time::Instant::now();
            if reachable(run, probe, cap).await {
                break;
            }
            interval = (interval * 2).min(cap);
        }
        gate.restored.fetch_add(1, Ordering::SeqCst);
        let waited_secs = started.elapsed().as_secs();
        tracing::info!(%cloud, waited_secs, "the network is back");
        run.emit(SyncEvent::NetworkRestored { cloud, waited_secs });
        Ok(Waited::Restored)
    }
}

/// Whether anything answers HTTP at `probe`'s origin within half the probe interval cap (and
/// at most the stall timeout); any status will do.
async fn reachable(run: &Run, probe: &Url, cap: Duration) -> bool {
    let origin = crate::secret::SignedUrl::new(probe.clone()).origin();
    let client = run.gopro.http_client();
    let wait = run
        .settings
        .stall_timeout
        .min(cap / 2)
        .max(Duration::from_millis(100));
    matches!(
        tokio::time::timeout(wait, client.head(origin).send()).await,
        Ok(Ok(_))
    )
}
