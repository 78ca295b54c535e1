//! What a capture range holds on GoPro, before anything moves: counts by kind and size, what is
//! already in the destination's Google Photos, what cannot move and why, how many videos the
//! time correction would fix, and the first media that will move, for a grid of thumbnails.
//!
//! One listing of the range (no download details asked), by the same rules the run uses
//! (`gopro::select`'s photo rule and pre-checks, `gopro::range`'s camera clocks).

use crate::gopro::range::local_clock;
use crate::gopro::select::{media_kind, precheck};
use crate::gopro::{CaptureRange, GoProClient, GoProError};
use crate::model::Destination;
use crate::model::{FileKey, MediaKind, Rendition, SkipReason};
use crate::secret::Secret;
use crate::store::SessionStore;

/// Why media of a range cannot be moved, as the preview groups them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum CannotMove {
    /// `.360` spherical videos (Google Photos will not take them).
    Spherical,
    /// GoPro has not finished processing them.
    StillProcessing,
    /// Quik edit projects never rendered (there is no video to move).
    QuikProject,
    /// Anything else the run would skip at once.
    Other,
}

impl CannotMove {
    /// In words for a person, as in "3 can't be moved: 360° videos".
    pub fn words(self) -> &'static str {
        match self {
            CannotMove::Spherical => "360° videos",
            CannotMove::StillProcessing => "still processing on GoPro",
            CannotMove::QuikProject => "unrendered Quik edits",
            CannotMove::Other => "other",
        }
    }
}

/// One medium of the grid: what the page shows, and the token that gets its thumbnail.
#[derive(Clone, Debug)]
pub struct GridItem {
    /// GoPro's media id.
    pub id: String,
    /// Photo or video.
    pub kind: MediaKind,
    /// File name.
    pub filename: String,
    /// Capture instant as GoPro gives it.
    pub captured_at: Option<String>,
    /// The thumbnail token (a credential: never to the page).
    pub thumbnail: Option<Secret>,
}

/// What a range holds.
#[derive(Clone, Debug, Default)]
pub struct RangePreview {
    /// Photos (burst and time-lapse series included).
    pub photos: u64,
    /// Videos.
    pub videos: u64,
    /// Media listed.
    pub files: u64,
    /// Their size as GoPro reports it.
    pub bytes: u64,
    /// Already created in the destination's Google Photos by an earlier session.
    pub already_in_google: u64,
    /// Media that cannot move, by reason, in the order of [`CannotMove`].
    pub cannot_move: Vec<(CannotMove, u64)>,
    /// Media that will move: neither already there nor unmovable.
    pub to_move: u64,
    /// Videos that will move from cameras before the HERO11 whose UTC offset is known and not
    /// zero: what the time correction fixes.
    pub video_times_to_correct: u64,
    /// The first media that will move, newest first.
    pub grid: Vec<GridItem>,
}

/// Lists `range` and sums it up; at most `grid` media go into [`RangePreview::grid`].
/// `destination` is the signed-in Google account (`None`: nothing counts as already there).
pub async fn preview_range(
    gopro: &GoProClient,
    store: &dyn SessionStore,
    destination: Option<&Destination>,
    range: CaptureRange,
    grid: usize,
) -> Result<RangePreview, GoProError> {
    let mut preview = RangePreview::default();
    let mut cannot = std::collections::BTreeMap::new();
    let mut walk = gopro.search(range);
    while let Some(m) = walk.next().await? {
        preview.files += 1;
        preview.bytes += m.file_size.unwrap_or(0);
        let kind = media_kind(&m);
        match kind {
            MediaKind::Photo => preview.photos += 1,
            MediaKind::Video => preview.videos += 1,
        }
        let project =
            m.play_as.as_deref() == Some("edl") && m.mce_type.as_deref() == Some("user_created");
        let reason = match precheck(&m) {
            Some(SkipReason::Spherical360) => Some(CannotMove::Spherical),
            Some(SkipReason::NotReady { .. }) => Some(CannotMove::StillProcessing),
            Some(_) => Some(CannotMove::Other),
            None if project => Some(CannotMove::QuikProject),
            None => None,
        };
        if let Some(reason) = reason {
            *cannot.entry(reason).or_insert(0u64) += 1;
            continue;
        }
        let moved = destination.is_some_and(|d| {
            [Rendition::Source, Rendition::File, Rendition::BakedSource]
                .into_iter()
                .any(|label| {
                    let key = FileKey {
                        media_id: m.id.clone(),
                        item_number: 1,
                        label,
                    };
                    store.ledger_lookup(Some(d), &key).ok().flatten().is_some()
                })
        });
        if moved {
            preview.already_in_google += 1;
            continue;
        }
        preview.to_move += 1;
        let fixable = local_clock(&m)
            .and_then(|c| c.utc_offset_minutes)
            .is_some_and(|minutes| minutes != 0);
        if kind == MediaKind::Video && fixable {
            preview.video_times_to_correct += 1;
        }
        if preview.grid.len() < grid {
            preview.grid.push(GridItem {
                filename: m.filename.clone().unwrap_or_else(|| m.id.clone()),
                id: m.id,
                kind,
                captured_at: m.captured_at,
                thumbnail: m.token,
            });
        }
    }
    preview.cannot_move = cannot.into_iter().collect();
    Ok(preview)
}
