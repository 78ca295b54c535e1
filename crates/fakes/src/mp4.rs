//! The MP4 structure of generated videos, as GoPro cameras lay it out: `ftyp`, `mdat`, then
//! `moov` at the end with `mvhd`, two `trak`s (`tkhd`, `mdia/mdhd`, `mdia/hdlr`) and a
//! `udta/GPMF` (`gopro-api.md`, 2026-12 additions). The fake GoPro serves it; the fake Google
//! reads the `mvhd` time back to date a video, as Google Photos does.

use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Seconds between the MP4 epoch (1904-01-01) and the Unix epoch.
const MP4_EPOCH_OFFSET: i64 = 2_082_844_800;
/// The `ftyp` box every generated video starts with (24 bytes; its first 12 are the
/// [`crate::content::Format::Mp4`] magic).
pub const FTYP: &[u8; 24] = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom";

/// The header of one generated video: what the camera wrote in its `moov`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movie {
    /// The `mvhd`, `tkhd` and `mdhd` creation and modification times, seconds since 1904 as
    /// the camera wrote them (local wall time on cameras before the HERO11).
    pub time: u64,
    /// Box version: 0 (32-bit times) or 1 (64-bit times).
    pub version: u8,
    /// The GPMF `TZON` (minutes from UTC) in `moov/udta`, as zone-aware cameras write it.
    pub tzon: Option<i16>,
}

impl Movie {
    /// A version-0 header with times `at` (taken as written, whatever its zone).
    pub fn at(at: DateTime<Utc>) -> Self {
        Self {
            time: mp4_seconds(at),
            version: 0,
            tzon: None,
        }
    }

    /// The `moov` box.
    pub fn moov(&self) -> Vec<u8> {
        let t = self.time;
        let mut body = full_box(b"mvhd", self.version, t, t);
        for handler in [b"vide", b"soun"] {
            let mut hdlr = vec![0u8; 8];
            hdlr.extend(handler);
            hdlr.extend([0u8; 12]);
            hdlr.extend(b"GoPro AVC\0");
            let mdia = [
                full_box(b"mdhd", self.version, t, t),
                container(b"hdlr", &[&[0u8; 4][..], &hdlr].concat()),
            ]
            .concat();
            let trak = [
                full_box(b"tkhd", self.version, t, t),
                container(b"mdia", &mdia),
            ]
            .concat();
            body.extend(container(b"trak", &trak));
        }
        let mut gpmf = klv(b"FIRM", b'c', 1, b"HD9.01.01.72.00");
        if let Some(minutes) = self.tzon {
            gpmf.extend(klv(b"TZON", b's', 2, &minutes.to_be_bytes()));
        }
        let devc = klv(b"DEVC", 0, 1, &gpmf);
        body.extend(container(b"udta", &container(b"GPMF", &devc)));
        container(b"moov", &body)
    }
}

/// Seconds since 1904 of `at`.
pub fn mp4_seconds(at: DateTime<Utc>) -> u64 {
    (at.timestamp() + MP4_EPOCH_OFFSET).max(0) as u64
}

/// The `mvhd` creation time found in the last bytes of a file (where GoPro puts `moov`), as
/// an instant read as UTC the way the format defines it.
pub fn mvhd_time(tail: &[u8]) -> Option<DateTime<Utc>> {
    let at = tail.windows(4).rposition(|w| w == b"mvhd")?;
    let start = at.checked_sub(4)?;
    let size = u32::from_be_bytes(tail[start..at].try_into().ok()?);
    let version = *tail.get(at + 4)?;
    let field = at + 8;
    let seconds = match (version, size) {
        (0, 108) => u64::from(u32::from_be_bytes(
            tail.get(field..field + 4)?.try_into().ok()?,
        )),
        (1, 120) => u64::from_be_bytes(tail.get(field..field + 8)?.try_into().ok()?),
        _ => return None,
    };
    let unix = i64::try_from(seconds).ok()? - MP4_EPOCH_OFFSET;
    (seconds != 0).then(|| Utc.timestamp_opt(unix, 0).single())?
}

/// A `mvhd`, `tkhd` or `mdhd` of its real length (ISO/IEC 14496-12), filler after the times.
fn full_box(kind: &[u8; 4], version: u8, created: u64, modified: u64) -> Vec<u8> {
    // What follows the two times: timescale, duration (64-bit in version 1) and the rest.
    let wide = if version == 1 { 4 } else { 0 };
    let rest = match kind {
        b"mvhd" => 88 + wide,
        b"tkhd" => 72 + wide,
        _ => 12 + wide,
    };
    let mut body = vec![version, 0, 0, 0];
    if version == 1 {
        body.extend(created.to_be_bytes());
        body.extend(modified.to_be_bytes());
    } else {
        body.extend((created as u32).to_be_bytes());
        body.extend((modified as u32).to_be_bytes());
    }
    body.extend(std::iter::repeat_n(0x11u8, rest));
    container(kind, &body)
}

fn container(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
    let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
    out.extend(kind);
    out.extend(body);
    out
}

/// One GPMF key-length-value entry, padded to 4 bytes.
fn klv(key: &[u8; 4], kind: u8, size: u8, data: &[u8]) -> Vec<u8> {
    let repeat = (data.len() / usize::from(size.max(1))) as u16;
    let mut out = key.to_vec();
    out.push(kind);
    out.push(if kind == 0 { 1 } else { size });
    let repeat = if kind == 0 { data.len() as u16 } else { repeat };
    out.extend(repeat.to_be_bytes());
    out.extend(data);
    while !out.len().is_multiple_of(4) {
        out.push(0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mvhd_time_reads_back_in_both_versions() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 12, 30, 0).unwrap();
        for version in [0, 1] {
            let movie = Movie {
                version,
                ..Movie::at(at)
            };
            let mut file = vec![7u8; 5000];
            file.extend(movie.moov());
            assert_eq!(mvhd_time(&file), Some(at), "version {version}");
        }
        assert_eq!(mvhd_time(&[0u8; 100]), None);
    }
}
