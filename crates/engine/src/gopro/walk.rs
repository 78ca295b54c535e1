//! [`MediaWalk`]: the paged listing of a capture range, checked for completeness.
//!
//! GoPro's search pages can come back short with a healthy 200, and a row can repeat across a
//! page boundary (gopro-api.md §2.2). Each page is checked against `_pages` arithmetic and
//! re-asked when short; rows are deduplicated by id; and when a whole pass has seen fewer unique
//! rows than `total_items`, the listing is walked again, up to a limit, before giving up with a
//! clear error rather than silently missing media.

use std::collections::{HashSet, VecDeque};

use futures_util::Stream;

use super::api::Medium;
use super::client::GoProClient;
use super::error::GoProError;
use super::range::CaptureRange;

/// How often a short page is asked again before moving on.
const SHORT_PAGE_RETRIES: u32 = 3;
/// Full passes over the listing before an incomplete one is an error.
const MAX_PASSES: u32 = 3;

/// An in-progress listing of the media in a capture range.
pub struct MediaWalk {
    client: GoProClient,
    range: CaptureRange,
    page: u64,
    buffer: VecDeque<Medium>,
    seen: HashSet<String>,
    total: Option<u64>,
    passes: u32,
    pass_done: bool,
    finished: bool,
    /// Rows per page asked for (lowered when the server turns out to cap pages silently).
    per_page: u64,
    /// Sizes of the pages that stayed short in this pass.
    short_sizes: Vec<u64>,
}

impl MediaWalk {
    pub(crate) fn new(client: GoProClient, range: CaptureRange, page: u64) -> Self {
        Self {
            per_page: client.per_page(),
            client,
            range,
            page,
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            total: None,
            passes: 1,
            pass_done: false,
            finished: false,
            short_sizes: Vec::new(),
        }
    }

    /// The next page to fetch (1-based): the cursor to store for a resumed discovery.
    pub fn cursor(&self) -> u64 {
        self.page
    }

    /// `total_items` as GoPro last reported it (widened window, before the local-day filter).
    pub fn total_reported(&self) -> Option<u64> {
        self.total
    }

    /// The next medium in the range, or `None` when the listing is complete.
    pub async fn next(&mut self) -> Result<Option<Medium>, GoProError> {
        loop {
            if let Some(m) = self.buffer.pop_front() {
                return Ok(Some(m));
            }
            if self.finished {
                return Ok(None);
            }
            if self.pass_done {
                let total = self.total.unwrap_or(0);
                let got = self.seen.len() as u64;
                if got >= total {
                    self.finished = true;
                    continue;
                }
                if self.passes >= MAX_PASSES {
                    self.finished = true;
                    return Err(GoProError::IncompleteListing {
                        got,
                        expected: total,
                    });
                }
                // Every short page had the same size: the server caps pages below what was
                // asked (and never serves the rest of each window). Walk again with that size.
                if let Some(&first) = self.short_sizes.first() {
                    if first > 0
                        && first < self.per_page
                        && self.short_sizes.iter().all(|s| *s == first)
                    {
                        tracing::info!(
                            per_page = first,
                            "GoPro caps search pages; asking for smaller pages"
                        );
                        self.per_page = first;
                    }
                }
                tracing::info!(
                    got,
                    total,
                    pass = self.passes,
                    "listing incomplete; walking it again"
                );
                self.short_sizes.clear();
                self.passes += 1;
                self.page = 1;
                self.pass_done = false;
            }
            self.fetch_page().await?;
        }
    }

    /// The walk as a stream of media.
    pub fn into_stream(self) -> impl Stream<Item = Result<Medium, GoProError>> {
        futures_util::stream::unfold(Some(self), |walk| async move {
            let mut walk = walk?;
            match walk.next().await {
                Ok(Some(m)) => Some((Ok(m), Some(walk))),
                Ok(None) => None,
                Err(e) => Some((Err(e), None)),
            }
        })
    }

    async fn fetch_page(&mut self) -> Result<(), GoProError> {
        let per_page = self.per_page;
        let mut attempt = 0;
        let (rows, pages) = loop {
            attempt += 1;
            let (rows, body) = self
                .client
                .search_page(&self.range, self.page, per_page)
                .await?;
            let pages = body.pages;
            let effective = pages.per_page.filter(|p| *p > 0).unwrap_or(per_page);
            let expected = pages
                .total_items
                .map(|t| effective.min(t.saturating_sub((self.page - 1) * effective)));
            let short = expected.is_some_and(|e| (rows.len() as u64) < e);
            if short && attempt <= SHORT_PAGE_RETRIES {
                tracing::info!(
                    page = self.page,
                    got = rows.len(),
                    ?expected,
                    attempt,
                    "short page; asking again"
                );
                tokio::time::sleep(self.client.inner.http.policy().backoff(attempt)).await;
                continue;
            }
            if short {
                self.short_sizes.push(rows.len() as u64);
            }
            break (rows, pages);
        };
        if let Some(t) = pages.total_items {
            self.total = Some(t);
        }
        let got_rows = rows.len() as u64;
        for m in rows {
            if self.seen.insert(m.id.clone()) && self.range.contains(&m) {
                self.buffer.push_back(m);
            }
        }
        let last = match pages.total_pages {
            Some(total_pages) => self.page >= total_pages,
            None => got_rows < per_page,
        };
        if last || got_rows == 0 {
            self.pass_done = true;
        } else {
            self.page += 1;
        }
        Ok(())
    }
}
