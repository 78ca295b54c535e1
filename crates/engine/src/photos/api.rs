//! Wire types of the Photos Library API.

use serde::{Deserialize, Serialize};

/// `google.rpc.Status`: `code` is omitted on success.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct RpcStatus {
    /// gRPC code (0 or absent = OK).
    pub code: Option<i32>,
    /// Message, e.g. `Success` or `NOT_IMAGE: …`.
    pub message: Option<String>,
}

/// A media item as Google returns it.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct MediaItem {
    /// Google's id.
    pub id: String,
    /// Description set at creation.
    pub description: Option<String>,
    /// Link that opens the item in Google Photos.
    pub product_url: Option<String>,
    /// MIME type.
    pub mime_type: Option<String>,
    /// File name (the first one, for deduplicated bytes).
    pub filename: Option<String>,
    /// Metadata (creation time, size, video processing status).
    pub media_metadata: Option<serde_json::Value>,
}

/// One `newMediaItemResults` entry.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct NewMediaItemResult {
    /// The upload token this result is for.
    pub upload_token: Option<String>,
    /// The item's own status.
    pub status: Option<RpcStatus>,
    /// Present on success.
    pub media_item: Option<MediaItem>,
}

/// `mediaItems:batchCreate` answer.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct BatchCreateResponse {
    /// One result per item sent.
    pub new_media_item_results: Vec<NewMediaItemResult>,
}

/// A page of `GET /v1/mediaItems` or `mediaItems:search`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct MediaItemsPage {
    /// Items on this page.
    pub media_items: Vec<MediaItem>,
    /// Token for the next page, absent on the last.
    pub next_page_token: Option<String>,
}

/// An album.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct Album {
    /// Google's id.
    pub id: String,
    /// Title.
    pub title: Option<String>,
    /// Link that opens the album.
    pub product_url: Option<String>,
    /// Whether the app may add items.
    pub is_writeable: Option<bool>,
    /// Item count (a string on the wire).
    pub media_items_count: Option<String>,
}

/// A page of `GET /v1/albums`.
#[derive(Clone, Debug, Default, Deserialize, Serialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
pub struct AlbumsPage {
    /// Albums on this page.
    pub albums: Vec<Album>,
    /// Token for the next page.
    pub next_page_token: Option<String>,
}

/// The JSON API error envelope `{"error":{code,message,status,details}}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// Body of [`ErrorEnvelope`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ErrorBody {
    /// HTTP-like code.
    pub code: Option<i64>,
    /// Message.
    pub message: Option<String>,
    /// `RESOURCE_EXHAUSTED`, `PERMISSION_DENIED`, …
    pub status: Option<String>,
    /// `ErrorInfo` and friends.
    pub details: Vec<serde_json::Value>,
}

/// The upload endpoint's bare error shape `{"code":3,"message":"…"}`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct BareError {
    /// google.rpc code.
    pub code: Option<i64>,
    /// Message.
    pub message: Option<String>,
}
