//! The Google Photos Library API client.
//!
//! Protocol facts, with sources, are in `shared/design/google-photos-api.md`. Bytes go up with
//! the resumable protocol (start, one `upload, finalize`, and after a failure `query` and
//! continue from `Size-Received`) or, for small files, one raw POST; media items are created
//! with `mediaItems:batchCreate` (≤ 50, results matched by upload token, each item's status
//! classified); app-created items and albums can be listed to find out what a lost request did.

mod account;
pub mod api;
mod client;
mod error;
mod quota;
mod upload;

pub use client::{NewItem, PhotosClient, ALBUM_CAPACITY, CREATE_ANSWER_WAIT, MAX_BATCH};
pub use error::{ItemFailure, ItemFailureClass, PhotosError};
pub use quota::{classify as classify_failure, next_daily_reset};
pub use upload::{
    read_whole, SessionState, UploadInterrupted, UploadMeta, UploadSession, UploadSource,
    UploadToken, RAW_UPLOAD_MAX,
};
