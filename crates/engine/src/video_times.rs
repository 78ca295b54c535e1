//! Correct times for videos from GoPros before the HERO11, fixed in the stream on the way to
//! Google.
//!
//! Those cameras have no time zone and write their local clock into the MP4 `mvhd`, `tkhd`
//! and `mdhd` creation and modification times, which the format defines as UTC. Google Photos
//! dates videos from those fields, so such a video lands hours away from the photos of the same
//! moment (`gopro-api.md`, 2026-12 additions). The fields are fixed-width, so the fix rewrites
//! 4 or 8 bytes in place: the size, every offset and a mid-file resume stay as they were.
//!
//! A [`Plan`] is found by reading the file's top-level boxes with a few ranged reads (GoPro
//! writes `ftyp`, `mdat`, then `moov` at the end) and parsing the `moov`; it depends only on the
//! file and the camera's offset, so every attempt and every resume finds the same plan, and
//! [`Plan::patch`] rewrites whatever part of the stream passes, at any offset and in any
//! chunking. The camera's offset comes from GoPro's `captured_at_timezone`, else from the GPMF
//! `TZON` in `moov/udta`; with neither, or an offset of zero, nothing is changed.

use bytes::{Bytes, BytesMut};

use crate::gopro::{GoProClient, GoProError};
use crate::model::FileKey;
use crate::model::LocalClock;
use crate::secret::SignedUrl;

/// The largest `moov` read into memory (a 4 GB chapter's is a few MB); a larger one is left
/// as it is.
const MAX_MOOV: u64 = 64 * 1024 * 1024;
/// Top-level boxes walked before giving up on finding `moov`.
const MAX_TOP_LEVEL_BOXES: usize = 64;
/// Seconds between the MP4 epoch (1904-01-01) and the Unix epoch.
pub const MP4_EPOCH_OFFSET: i64 = 2_082_844_800;

/// The header-time fields of one video to rewrite, by absolute byte offset.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Sorted by offset, never overlapping.
    patches: Vec<Patch>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Patch {
    at: u64,
    bytes: Vec<u8>,
}

impl Plan {
    /// How many fields it rewrites.
    pub fn fields(&self) -> usize {
        self.patches.len()
    }

    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.patches.is_empty()
    }

    /// `chunk`, which starts at byte `at` of the file, with the plan's fields rewritten.
    pub fn patch(&self, at: u64, chunk: Bytes) -> Bytes {
        let end = at + chunk.len() as u64;
        let first = self
            .patches
            .partition_point(|p| p.at + p.bytes.len() as u64 <= at);
        let mut touching = self.patches[first..]
            .iter()
            .take_while(|p| p.at < end)
            .peekable();
        if touching.peek().is_none() {
            return chunk;
        }
        let mut out = BytesMut::from(&chunk[..]);
        for p in touching {
            for (i, byte) in p.bytes.iter().enumerate() {
                let pos = p.at + i as u64;
                if (at..end).contains(&pos) {
                    out[(pos - at) as usize] = *byte;
                }
            }
        }
        out.freeze()
    }

    /// The plan for a `moov` box whose first byte is at `moov_at` of the file: every non-zero
    /// creation and modification time of `mvhd`, each `trak/tkhd` and `trak/mdia/mdhd`, moved
    /// back by `offset_minutes` (local wall time to UTC).
    pub fn for_moov(moov_at: u64, moov: &[u8], offset_minutes: i32) -> Plan {
        let shift = i64::from(offset_minutes) * 60;
        let mut patches = Vec::new();
        let Some((_, header, _)) = read_box_header(moov) else {
            return Plan::default();
        };
        walk(moov, header, moov.len(), &mut |kind, body| {
            if matches!(&kind, b"mvhd" | b"tkhd" | b"mdhd") {
                time_fields(moov, body, shift, &mut |at, bytes| {
                    patches.push(Patch {
                        at: moov_at + at as u64,
                        bytes,
                    })
                });
            }
            matches!(&kind, b"trak" | b"mdia")
        });
        patches.sort_by_key(|p| p.at);
        Plan { patches }
    }
}

/// The camera's offset from UTC in minutes from the GPMF `TZON` in `moov/udta`, if present.
pub fn tzon_minutes(moov: &[u8]) -> Option<i32> {
    let (_, header, _) = read_box_header(moov)?;
    let mut found = None;
    walk(moov, header, moov.len(), &mut |kind, body| {
        if &kind == b"GPMF" && found.is_none() {
            found = gpmf_tzon(&moov[body.0..body.1]);
        }
        &kind == b"udta"
    });
    found
}

/// Reads the plan for one video: its top-level boxes with ranged reads, then its `moov`.
/// `Ok(None)` when there is nothing to fix (no known offset, an offset of zero, or a file
/// whose structure is not an MP4 this can read, which is then sent as it is).
pub async fn read_plan(
    gopro: &GoProClient,
    key: &FileKey,
    url: &SignedUrl,
    size: u64,
    clock: LocalClock,
) -> Result<Option<Plan>, GoProError> {
    let mut at = 0u64;
    for _ in 0..MAX_TOP_LEVEL_BOXES {
        if at + 8 > size {
            break;
        }
        let want = (size - at).min(16);
        let head = complete(gopro.read_range(key, url, at, want).await?, at, want)?;
        let Some((kind, header, len)) = read_box_header(&head) else {
            break;
        };
        let len = if len == 0 { size - at } else { len };
        if len < header as u64 || len > size - at {
            break;
        }
        if &kind == b"moov" {
            if len > MAX_MOOV {
                tracing::warn!(file = %key, len, "the video's moov is too large to correct its times");
                return Ok(None);
            }
            // Every byte, or an error (a network wait): a cut-short moov would make a plan
            // that a later attempt at this file would not make.
            let moov = complete(gopro.read_range(key, url, at, len).await?, at, len)?;
            let offset = clock.utc_offset_minutes.or_else(|| tzon_minutes(&moov));
            return Ok(match offset {
                Some(minutes) if minutes != 0 => {
                    Some(Plan::for_moov(at, &moov, minutes)).filter(|p| !p.is_empty())
                }
                _ => None,
            });
        }
        at += len;
    }
    tracing::warn!(file = %key, "no moov found in the video; its times are left as they are");
    Ok(None)
}

/// `bytes`, read from `at`, if all `len` of them came.
fn complete(bytes: bytes::Bytes, at: u64, len: u64) -> Result<bytes::Bytes, GoProError> {
    if bytes.len() as u64 == len {
        Ok(bytes)
    } else {
        Err(GoProError::Truncated {
            received: at + bytes.len() as u64,
            expected: at + len,
        })
    }
}

/// `(type, header length, box length)` of the box starting at `data[0]`; a length of 0 means
/// "to the end of the container".
fn read_box_header(data: &[u8]) -> Option<([u8; 4], usize, u64)> {
    let size = u32::from_be_bytes(data.get(0..4)?.try_into().ok()?);
    let kind: [u8; 4] = data.get(4..8)?.try_into().ok()?;
    match size {
        1 => {
            let large = u64::from_be_bytes(data.get(8..16)?.try_into().ok()?);
            Some((kind, 16, large))
        }
        n => Some((kind, 8, u64::from(n))),
    }
}

/// Calls `visit(type, (body start, body end))` for each box in `data[from..to]`,
/// descending into a box when `visit` returns true.
fn walk(
    data: &[u8],
    from: usize,
    to: usize,
    visit: &mut dyn FnMut([u8; 4], (usize, usize)) -> bool,
) {
    let mut at = from;
    while at + 8 <= to {
        let Some((kind, header, len)) = read_box_header(&data[at..to]) else {
            return;
        };
        let len = if len == 0 { (to - at) as u64 } else { len };
        let Some(end) = usize::try_from(len).ok().and_then(|l| at.checked_add(l)) else {
            return;
        };
        if (len as usize) < header || end > to {
            return;
        }
        if visit(kind, (at + header, end)) {
            walk(data, at + header, end, visit);
        }
        at = end;
    }
}

/// The creation and modification times of a full box (`mvhd`, `tkhd`, `mdhd`) whose body is
/// `data[body.0..body.1]`: version 0 has two u32 after version and flags, version 1 two u64.
fn time_fields(data: &[u8], body: (usize, usize), shift: i64, out: &mut dyn FnMut(usize, Vec<u8>)) {
    let Some(&version) = data.get(body.0) else {
        return;
    };
    let width = if version == 1 { 8 } else { 4 };
    for field in 0..2 {
        let at = body.0 + 4 + field * width;
        if at + width > body.1 {
            return;
        }
        let raw = &data[at..at + width];
        let old = if width == 8 {
            i64::try_from(u64::from_be_bytes(raw.try_into().expect("8 bytes"))).ok()
        } else {
            Some(i64::from(u32::from_be_bytes(
                raw.try_into().expect("4 bytes"),
            )))
        };
        let Some(old) = old.filter(|t| *t != 0) else {
            continue;
        };
        let Some(new) = old.checked_sub(shift).filter(|t| *t > 0) else {
            continue;
        };
        let bytes = if width == 8 {
            (new as u64).to_be_bytes().to_vec()
        } else {
            match u32::try_from(new) {
                Ok(v) => v.to_be_bytes().to_vec(),
                Err(_) => continue,
            }
        };
        out(at, bytes);
    }
}

/// `TZON` (type `s`, one signed 16-bit value, minutes) among a GPMF payload's KLV entries,
/// looking into nested (`\0`-typed) entries such as `DEVC`.
fn gpmf_tzon(data: &[u8]) -> Option<i32> {
    let mut at = 0;
    while at + 8 <= data.len() {
        let key = &data[at..at + 4];
        let kind = data[at + 4];
        let size = usize::from(data[at + 5]);
        let repeat = usize::from(u16::from_be_bytes([data[at + 6], data[at + 7]]));
        let len = size * repeat;
        let body = at + 8;
        if body + len > data.len() {
            return None;
        }
        if key == b"TZON" && kind == b's' && size == 2 && repeat >= 1 {
            return Some(i32::from(i16::from_be_bytes([data[body], data[body + 1]])));
        }
        if kind == 0 {
            if let Some(found) = gpmf_tzon(&data[body..body + len]) {
                return Some(found);
            }
        }
        at = body + len.div_ceil(4) * 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn full_box(kind: &[u8; 4], version: u8, times: (u64, u64), rest: usize) -> Vec<u8> {
        let mut body = vec![version, 0, 0, 0];
        if version == 1 {
            body.extend(times.0.to_be_bytes());
            body.extend(times.1.to_be_bytes());
        } else {
            body.extend((times.0 as u32).to_be_bytes());
            body.extend((times.1 as u32).to_be_bytes());
        }
        body.extend(vec![7u8; rest]);
        container(kind, &body)
    }

    fn container(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend(kind);
        out.extend(body);
        out
    }

    fn moov(version: u8, t: u64, tzon: Option<i16>) -> Vec<u8> {
        let mut body = full_box(b"mvhd", version, (t, t + 1), 80);
        for _ in 0..2 {
            let mdia = [
                full_box(b"mdhd", version, (t, t), 12),
                container(b"hdlr", &[0; 25]),
            ]
            .concat();
            let trak = [
                full_box(b"tkhd", version, (t, 0), 60),
                container(b"mdia", &mdia),
            ]
            .concat();
            body.extend(container(b"trak", &trak));
        }
        if let Some(minutes) = tzon {
            let mut klv = b"TZON".to_vec();
            klv.extend([b's', 2, 0, 1]);
            klv.extend(minutes.to_be_bytes());
            klv.extend([0, 0]);
            let devc = [
                b"DEVC".as_slice(),
                &[0, 1],
                &(klv.len() as u16).to_be_bytes(),
                &klv,
            ]
            .concat();
            body.extend(container(b"udta", &container(b"GPMF", &devc)));
        }
        container(b"moov", &body)
    }

    fn read_times(moov: &[u8]) -> Vec<u64> {
        let mut times = Vec::new();
        let (_, header, _) = read_box_header(moov).unwrap();
        walk(moov, header, moov.len(), &mut |kind, body| {
            if matches!(&kind, b"mvhd" | b"tkhd" | b"mdhd") {
                let v = moov[body.0];
                for f in 0..2 {
                    let w = if v == 1 { 8 } else { 4 };
                    let at = body.0 + 4 + f * w;
                    let raw = &moov[at..at + w];
                    times.push(if w == 8 {
                        u64::from_be_bytes(raw.try_into().unwrap())
                    } else {
                        u64::from(u32::from_be_bytes(raw.try_into().unwrap()))
                    });
                }
            }
            matches!(&kind, b"trak" | b"mdia")
        });
        times
    }

    const T: u64 = 3_800_000_000;

    #[test]
    fn every_header_time_moves_back_by_the_offset_in_both_box_versions() {
        for version in [0, 1] {
            let original = moov(version, T, None);
            let plan = Plan::for_moov(1000, &original, 120);
            // mvhd 2 + per track tkhd 1 (its modification time is 0) + mdhd 2.
            assert_eq!(plan.fields(), 2 + 2 * 3, "version {version}");
            let patched = plan.patch(1000, Bytes::from(original.clone()));
            assert_eq!(patched.len(), original.len());
            let t = T - 7200;
            assert_eq!(
                read_times(&patched),
                vec![t, t + 1, t, 0, t, t, t, 0, t, t],
                "version {version}"
            );
        }
    }

    #[test]
    fn a_negative_offset_moves_times_forward() {
        let original = moov(0, T, None);
        let patched = Plan::for_moov(0, &original, -330).patch(0, Bytes::from(original));
        assert_eq!(read_times(&patched)[0], T + 330 * 60);
    }

    #[test]
    fn any_chunking_and_any_starting_byte_give_the_same_bytes() {
        let original = moov(1, T, None);
        let plan = Plan::for_moov(500, &original, 60);
        let whole = plan.patch(500, Bytes::from(original.clone()));
        for start in 0..original.len() {
            for chunk in [1, 3, 7, 64] {
                let mut out = Vec::new();
                let mut at = start;
                while at < original.len() {
                    let end = (at + chunk).min(original.len());
                    let piece = Bytes::copy_from_slice(&original[at..end]);
                    out.extend(plan.patch(500 + at as u64, piece));
                    at = end;
                }
                assert_eq!(out, whole[start..], "start {start}, chunk {chunk}");
            }
        }
    }

    #[test]
    fn bytes_outside_the_moov_pass_untouched() {
        let plan = Plan::for_moov(10_000, &moov(0, T, None), 60);
        let before = Bytes::from(vec![9u8; 10_000]);
        assert_eq!(plan.patch(0, before.clone()), before);
    }

    #[test]
    fn tzon_is_read_from_the_gpmf_in_udta() {
        assert_eq!(tzon_minutes(&moov(0, T, Some(-300))), Some(-300));
        assert_eq!(tzon_minutes(&moov(0, T, None)), None);
    }

    #[test]
    fn a_damaged_moov_gives_no_plan_and_no_panic() {
        let mut broken = moov(0, T, None);
        broken.truncate(50);
        assert!(Plan::for_moov(0, &broken, 60).patches.len() <= 2);
        assert!(Plan::for_moov(0, &[0, 0, 0], 60).is_empty());
        assert_eq!(tzon_minutes(&[0, 0, 0, 9, b'm']), None);
    }
}
