//! What an upload has received so far: the SHA-256 of its bytes, and its last bytes, where a
//! camera's video keeps the `moov` whose `mvhd` time Google Photos dates the video by.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::content::hex;

/// Bytes kept from the end of an upload: a generated `moov` is under 1 KiB, and a session's
/// state (this included) is cloned at every committed chunk, so it stays small.
const TAIL: usize = 4 * 1024;

/// The running digest and tail of one upload.
#[derive(Clone, Default)]
pub(crate) struct Received {
    hasher: Sha256,
    tail: Vec<u8>,
}

impl Received {
    /// Takes the next bytes.
    pub(crate) fn update(&mut self, data: &[u8]) {
        self.hasher.update(data);
        self.tail.extend_from_slice(data);
        if self.tail.len() > 2 * TAIL {
            self.tail.drain(..self.tail.len() - TAIL);
        }
    }

    /// Lowercase hex SHA-256 of everything received.
    pub(crate) fn sha256_hex(&self) -> String {
        hex(&self.hasher.clone().finalize())
    }

    /// The time a video's `mvhd` gives, read as UTC, if the bytes end with a `moov`.
    pub(crate) fn video_time(&self) -> Option<DateTime<Utc>> {
        crate::mp4::mvhd_time(&self.tail)
    }
}
