//! How many files are in flight: found by the run, not tuned by the person.
//!
//! The transfer starts with `Settings::concurrency_start` files and, every `pace_window`,
//! looks at the bytes that came through. While all slots are busy and one more step of files
//! raised throughput by at least [`GAIN`], it grows again (doubling, so a latency-bound run of
//! small photos gets from 3 to 16 in three windows); when a step brought no gain it goes back
//! and holds for [`HOLD_WINDOWS`] before trying again, because links change (another device
//! starts an upload, a VPN comes up). A per-connection cap (each file its own bandwidth) makes
//! it grow; one uplink shared by all connections keeps it where it started. Memory stays
//! bounded: at most `Settings::concurrency` files downloading, each holding about one chunk,
//! and as many small files read whole waiting on their upload, whose bytes stay within
//! `Settings::small_files_memory_bytes` (`transfer.rs`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The relative throughput gain a step of more files must bring to be kept.
pub(crate) const GAIN: f64 = 0.10;

/// Windows to hold after a step that brought nothing, before probing again.
pub(crate) const HOLD_WINDOWS: u32 = 10;

/// The adaptive limit on files in flight: a semaphore whose size the [`Climber`] moves.
#[derive(Debug)]
pub(crate) struct Pace {
    slots: Arc<Semaphore>,
    limit: AtomicUsize,
    /// Permits to retire as they come back, after the limit went down.
    debt: AtomicUsize,
}

/// One file's slot; given back (or retired, after the limit went down) when dropped.
#[derive(Debug)]
pub(crate) struct Slot {
    pace: Arc<Pace>,
    permit: Option<OwnedSemaphorePermit>,
}

impl Pace {
    /// A limit of `start` files.
    pub(crate) fn new(start: usize) -> Arc<Self> {
        let start = start.max(1);
        Arc::new(Self {
            slots: Arc::new(Semaphore::new(start)),
            limit: AtomicUsize::new(start),
            debt: AtomicUsize::new(0),
        })
    }

    /// Waits for a free slot.
    pub(crate) async fn acquire(self: &Arc<Self>) -> Slot {
        let permit = self
            .slots
            .clone()
            .acquire_owned()
            .await
            .expect("the pace's semaphore is never closed");
        Slot {
            pace: self.clone(),
            permit: Some(permit),
        }
    }

    /// The current limit.
    pub(crate) fn limit(&self) -> usize {
        self.limit.load(Ordering::SeqCst)
    }

    /// Files holding a slot now.
    pub(crate) fn busy(&self) -> usize {
        (self.limit() + self.debt.load(Ordering::SeqCst))
            .saturating_sub(self.slots.available_permits())
    }

    /// Moves the limit to `new` (at least 1).
    pub(crate) fn set_limit(&self, new: usize) {
        let new = new.max(1);
        let old = self.limit.swap(new, Ordering::SeqCst);
        if new > old {
            let mut grow = new - old;
            // Cancel retirements still owed before adding permits.
            while grow > 0 {
                let debt = self.debt.load(Ordering::SeqCst);
                if debt == 0 {
                    break;
                }
                let cancel = debt.min(grow);
                if self
                    .debt
                    .compare_exchange(debt, debt - cancel, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    grow -= cancel;
                }
            }
            self.slots.add_permits(grow);
        } else {
            for _ in new..old {
                // Retire a free permit now, or the next one given back.
                match self.slots.try_acquire() {
                    Ok(permit) => permit.forget(),
                    Err(_) => {
                        self.debt.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(permit) = self.permit.take() else {
            return;
        };
        let retired = self
            .pace
            .debt
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |d| d.checked_sub(1))
            .is_ok();
        if retired {
            permit.forget();
        }
    }
}

/// Decides the next limit from each window's throughput: grow while it grows, back off when
/// it does not. Pure, so its rules are tested without a network.
#[derive(Clone, Debug)]
pub(crate) struct Climber {
    limit: usize,
    max: usize,
    state: Climb,
}

#[derive(Clone, Copy, Debug)]
enum Climb {
    /// Measuring at the current limit before a step.
    Measure,
    /// Stepped up from `from` files, which moved `rate` bytes a second.
    Stepped { from: usize, rate: f64 },
    /// Holding after a step that brought nothing.
    Hold { windows: u32 },
}

impl Climber {
    /// Starts at `start` files, never above `max`.
    pub(crate) fn new(start: usize, max: usize) -> Self {
        let max = max.max(1);
        Self {
            limit: start.clamp(1, max),
            max,
            state: Climb::Measure,
        }
    }

    /// The limit now.
    pub(crate) fn limit(&self) -> usize {
        self.limit
    }

    /// One window's throughput in bytes a second, and whether every slot was busy (a limit
    /// that is not reached says nothing about a bigger one); returns the new limit.
    pub(crate) fn observe(&mut self, rate: f64, saturated: bool) -> usize {
        self.state = match self.state {
            Climb::Measure if saturated && self.limit < self.max => self.step(rate),
            Climb::Measure => Climb::Measure,
            Climb::Stepped { from, rate: before } => {
                if rate >= before * (1.0 + GAIN) && rate > 0.0 {
                    if saturated && self.limit < self.max {
                        self.step(rate)
                    } else {
                        Climb::Measure
                    }
                } else {
                    self.limit = from;
                    Climb::Hold {
                        windows: HOLD_WINDOWS,
                    }
                }
            }
            Climb::Hold { windows: 0 } => Climb::Measure,
            Climb::Hold { windows } => Climb::Hold {
                windows: windows - 1,
            },
        };
        self.limit
    }

    fn step(&mut self, rate: f64) -> Climb {
        let from = self.limit;
        self.limit = (from * 2).min(self.max);
        Climb::Stepped { from, rate }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the climber against a link model for `windows` windows; returns the limits.
    fn climb(start: usize, max: usize, link: impl Fn(usize) -> f64, windows: usize) -> Vec<usize> {
        let mut c = Climber::new(start, max);
        (0..windows)
            .map(|_| {
                let rate = link(c.limit());
                c.observe(rate, true)
            })
            .collect()
    }

    #[test]
    fn per_connection_caps_grow_until_the_files_run_out() {
        // Each file gets 50 MB/s; four files to move, so more than four brings nothing.
        let limits = climb(3, 16, |n| 50e6 * n.min(4) as f64, 6);
        assert_eq!(&limits[..3], &[6, 12, 6], "{limits:?}");
        assert!(limits[3..].iter().all(|l| *l == 6), "{limits:?}");
    }

    #[test]
    fn a_shared_uplink_keeps_the_start() {
        let limits = climb(3, 16, |_| 5e6, 12);
        assert_eq!(limits[0], 6, "one probe");
        assert!(limits[1..].iter().all(|l| *l == 3), "{limits:?}");
    }

    #[test]
    fn latency_bound_small_files_reach_the_ceiling_in_a_few_windows() {
        // Throughput proportional to files in flight (latency hidden by parallelism).
        let limits = climb(3, 16, |n| 1e6 * n as f64, 8);
        assert_eq!(&limits[..6], &[6, 12, 16, 16, 16, 16], "{limits:?}");
    }

    #[test]
    fn after_holding_it_probes_again_and_finds_a_link_that_got_better() {
        let mut c = Climber::new(3, 16);
        let mut link_cap = 3usize;
        let mut seen = Vec::new();
        for window in 0..40 {
            if window == 5 {
                link_cap = 8; // the link improves (per-connection caps, 8 files' worth)
            }
            let n = c.limit();
            seen.push(c.observe(10e6 * n.min(link_cap) as f64, true));
        }
        assert!(seen.last().copied().unwrap() >= 8, "{seen:?}");
    }

    #[test]
    fn unsaturated_windows_change_nothing() {
        let mut c = Climber::new(3, 16);
        for _ in 0..5 {
            assert_eq!(c.observe(1e6, false), 3);
        }
    }

    #[tokio::test]
    async fn the_limit_moves_the_slots_both_ways() {
        let pace = Pace::new(2);
        let a = pace.acquire().await;
        let b = pace.acquire().await;
        assert_eq!(pace.busy(), 2);
        pace.set_limit(1);
        drop(a); // retired: the limit is 1 and b holds it
        assert!(pace.slots.available_permits() == 0);
        drop(b);
        assert_eq!(pace.slots.available_permits(), 1);
        pace.set_limit(3);
        assert_eq!(pace.slots.available_permits(), 3);
        let _held: Vec<Slot> = vec![
            pace.acquire().await,
            pace.acquire().await,
            pace.acquire().await,
        ];
        assert_eq!(pace.busy(), 3);
    }
}
