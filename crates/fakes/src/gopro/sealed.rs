//! Sealed claims: HMAC-SHA256 tags keyed by a scenario's `stable_secret`, so a token can be
//! checked by any fake started with the same secret, without remembering it.
//!
//! Both fakes use it (the Google fake's `stable` module too); it lives here only because each
//! fake owns its own modules. HMAC is RFC 2104 over SHA-256, written out by hand to avoid a
//! dependency for a dozen lines; every tag is domain-separated by a `purpose` label so a tag
//! minted for one kind of token never verifies as another.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// Bytes in a tag (a full SHA-256 output).
pub(crate) const TAG_LEN: usize = 32;
/// Characters of a tag in unpadded base64url.
pub(crate) const TAG_B64_LEN: usize = 43;

const BLOCK: usize = 64;

/// HMAC-SHA256 of `message` under `key` (RFC 2104).
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; TAG_LEN] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..TAG_LEN].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// Whether `a` and `b` are equal, in time independent of where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key behind self-validating tokens.
#[derive(Clone)]
pub(crate) struct SealKey(Vec<u8>);

impl std::fmt::Debug for SealKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealKey(..)")
    }
}

impl SealKey {
    /// The key of a scenario's `stable_secret` (`None` when there is none).
    pub(crate) fn from_secret(secret: Option<&str>) -> Option<Self> {
        secret.map(|s| Self(s.as_bytes().to_vec()))
    }

    /// The tag of `data` for `purpose`.
    pub(crate) fn tag(&self, purpose: &str, data: &[u8]) -> [u8; TAG_LEN] {
        let mut message = Vec::with_capacity(purpose.len() + 1 + data.len());
        message.extend_from_slice(purpose.as_bytes());
        message.push(0);
        message.extend_from_slice(data);
        hmac_sha256(&self.0, &message)
    }

    /// The tag of `data` for `purpose`, in unpadded base64url.
    pub(crate) fn tag_b64(&self, purpose: &str, data: &[u8]) -> String {
        URL_SAFE_NO_PAD.encode(self.tag(purpose, data))
    }

    /// Whether `tag_b64` (unpadded base64url) is the tag of `data` for `purpose`.
    pub(crate) fn verify_b64(&self, purpose: &str, data: &[u8], tag_b64: &str) -> bool {
        URL_SAFE_NO_PAD
            .decode(tag_b64)
            .is_ok_and(|tag| constant_time_eq(&tag, &self.tag(purpose, data)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test case 2: a short key.
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block, hashed first.
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn tags_depend_on_key_purpose_and_data() {
        let key = SealKey::from_secret(Some("one")).unwrap();
        let other = SealKey::from_secret(Some("two")).unwrap();
        let tag = key.tag_b64("a", b"data");
        assert_eq!(tag.len(), TAG_B64_LEN);
        assert!(key.verify_b64("a", b"data", &tag));
        assert!(!key.verify_b64("b", b"data", &tag));
        assert!(!key.verify_b64("a", b"datb", &tag));
        assert!(!other.verify_b64("a", b"data", &tag));
        assert!(!key.verify_b64("a", b"data", "not base64!"));
        assert!(SealKey::from_secret(None).is_none());
    }
}
