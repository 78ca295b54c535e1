//! Deterministic file contents, generated on the fly.
//!
//! A file in a fake library is a [`Content`]: a seed, a length and a format. Any byte range can
//! be produced without storing the file, so the demo library can hold a video over 1 GB, the
//! CDN can serve `Range` requests, and a test can compute the SHA-256 of what Google should
//! have received without keeping a copy.

use bytes::{Bytes, BytesMut};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Size of one generated block; blocks are independent, which makes random access cheap.
const BLOCK: u64 = 16 * 1024;

/// The container format a file pretends to be: it decides the magic bytes at offset 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// JPEG (`FF D8 FF E1`).
    Jpeg,
    /// MP4 (`....ftypmp42`).
    Mp4,
    /// GoPro RAW, TIFF/DNG based (`II*\0`).
    Gpr,
    /// GoPro MAX spherical container.
    Three60,
    /// JSON text (Quik edit decision lists, sidecars).
    Json,
    /// Anything else.
    Binary,
}

impl Format {
    fn magic(self) -> &'static [u8] {
        match self {
            Format::Jpeg => &[0xFF, 0xD8, 0xFF, 0xE1],
            Format::Mp4 => b"\0\0\0\x18ftypmp42",
            Format::Gpr => b"II*\0",
            Format::Three60 => b"\0\0\0\x18ftyp360 ",
            Format::Json => b"{\"edl\":",
            Format::Binary => &[],
        }
    }
}

/// One generated file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// Distinguishes files; equal seeds and lengths give equal bytes.
    pub seed: u64,
    /// Length in bytes.
    pub len: u64,
    /// Container format (magic bytes).
    pub format: Format,
}

impl Content {
    /// A file of `len` bytes in `format`, generated from `seed`.
    pub fn new(seed: u64, len: u64, format: Format) -> Self {
        Self { seed, len, format }
    }

    /// Writes the bytes at `offset..offset + buf.len()` into `buf` (clamped to the length).
    pub fn fill(&self, offset: u64, buf: &mut [u8]) -> usize {
        let end = (offset + buf.len() as u64).min(self.len);
        if offset >= end {
            return 0;
        }
        let mut pos = offset;
        let mut written = 0usize;
        let mut block = [0u8; BLOCK as usize];
        while pos < end {
            let index = pos / BLOCK;
            self.block(index, &mut block);
            let within = (pos % BLOCK) as usize;
            let take = ((BLOCK as usize) - within).min((end - pos) as usize);
            buf[written..written + take].copy_from_slice(&block[within..within + take]);
            written += take;
            pos += take as u64;
        }
        written
    }

    /// The whole file in memory; only for small files and tests.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = vec![0u8; self.len as usize];
        self.fill(0, &mut out);
        out
    }

    /// Lowercase hex SHA-256 of the whole file, computed by streaming.
    pub fn sha256_hex(&self) -> String {
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        let mut pos = 0;
        while pos < self.len {
            let n = self.fill(pos, &mut buf);
            hasher.update(&buf[..n]);
            pos += n as u64;
        }
        hex(&hasher.finalize())
    }

    /// A stream of the bytes in `start..end` (end exclusive, clamped), in chunks of `chunk`.
    pub fn stream(
        self,
        start: u64,
        end: u64,
        chunk: usize,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
        let end = end.min(self.len);
        futures_util::stream::unfold(start, move |pos| async move {
            if pos >= end {
                return None;
            }
            let take = (chunk as u64).min(end - pos) as usize;
            let mut buf = BytesMut::zeroed(take);
            self.fill(pos, &mut buf);
            Some((Ok(buf.freeze()), pos + take as u64))
        })
    }

    fn block(&self, index: u64, out: &mut [u8; BLOCK as usize]) {
        // xorshift64*, seeded per block so any block can be made without its predecessors.
        let mut state = self
            .seed
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .wrapping_add(index.wrapping_mul(0xD1B5_4A32_D192_ED03))
            | 1;
        for word in out.chunks_exact_mut(8) {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            word.copy_from_slice(&state.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
        }
        if index == 0 {
            let magic = self.format.magic();
            out[..magic.len()].copy_from_slice(magic);
        }
    }
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_access_matches_sequential() {
        let c = Content::new(7, 100_000, Format::Mp4);
        let all = c.to_vec();
        assert_eq!(&all[4..8], b"ftyp");
        let mut part = vec![0u8; 40_000];
        assert_eq!(c.fill(30_001, &mut part), 40_000);
        assert_eq!(&part[..], &all[30_001..70_001]);
        assert_eq!(c.fill(99_990, &mut part), 10);
        assert_eq!(sha256_hex(&all), c.sha256_hex());
    }

    #[test]
    fn seeds_give_different_bytes() {
        let a = Content::new(1, 1024, Format::Jpeg).to_vec();
        let b = Content::new(2, 1024, Format::Jpeg).to_vec();
        assert_eq!(a[..4], b[..4]);
        assert_ne!(a, b);
    }
}
