//! [`UploadVault`]: sealing upload session URLs so an unfinished upload survives a restart.
//!
//! A resumable upload's session URL is a credential (whoever has it can add bytes to the
//! upload), and it must outlive the process for a killed, paused or rebooted run to continue a
//! 20 GB file from the byte Google holds. It is kept in the session database sealed with
//! AES-256-GCM under a random key that lives only in the OS keyring
//! ([`Account::UploadSessionKey`]); the database, logs and IPC never see it in the clear. A
//! database copied to another machine, or a key that was lost, opens nothing: those uploads
//! start again, which is safe.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use rand::RngCore;

use crate::secret::{Secret, SignedUrl};
use crate::tokens::{Account, TokenStore, TokenStoreError};

/// Seals and opens upload session URLs. Cheap to clone.
#[derive(Clone)]
pub struct UploadVault {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for UploadVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UploadVault(<key redacted>)")
    }
}

impl UploadVault {
    /// A vault with `key` (32 bytes).
    pub fn new(key: [u8; 32]) -> Self {
        Self {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    /// A vault with a fresh random key (tests, demo mode: nothing to keep across runs).
    pub fn ephemeral() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self::new(key)
    }

    /// The vault whose key `tokens` keeps, creating and storing the key on first use. Blocks
    /// (the keyring answers over IPC): call it off the async threads.
    pub fn from_token_store(tokens: &dyn TokenStore) -> Result<Self, TokenStoreError> {
        let b64 = base64::engine::general_purpose::STANDARD;
        if let Some(stored) = tokens.get(Account::UploadSessionKey)? {
            if let Ok(bytes) = b64.decode(stored.expose()) {
                if let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) {
                    return Ok(Self::new(key));
                }
            }
            tracing::warn!("the key of unfinished uploads was damaged; making a new one");
        }
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        tokens.set(Account::UploadSessionKey, &Secret::new(b64.encode(key)))?;
        Ok(Self::new(key))
    }

    /// `url` sealed: a 12-byte nonce, then the ciphertext and its tag.
    pub fn seal(&self, url: &SignedUrl) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(Nonce::from_slice(&nonce), url.expose().as_str().as_bytes())
            .expect("AES-GCM sealing of a short URL cannot fail");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        out
    }

    /// The URL `sealed` holds, or `None` if it was sealed under another key or damaged.
    pub fn open(&self, sealed: &[u8]) -> Option<SignedUrl> {
        if sealed.len() < 12 + 16 {
            return None;
        }
        let (nonce, body) = sealed.split_at(12);
        let plain = self.cipher.decrypt(Nonce::from_slice(nonce), body).ok()?;
        SignedUrl::parse(std::str::from_utf8(&plain).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokens::MemoryTokenStore;

    fn url() -> SignedUrl {
        SignedUrl::parse("https://photoslibrary.googleapis.com/v1/uploads?upload_id=AEnB2Uo-secret&upload_protocol=resumable").unwrap()
    }

    #[test]
    fn a_sealed_url_opens_with_its_key_only_and_hides_the_url() {
        let vault = UploadVault::ephemeral();
        let sealed = vault.seal(&url());
        assert!(!String::from_utf8_lossy(&sealed).contains("AEnB2Uo"));
        assert_eq!(vault.open(&sealed), Some(url()));
        assert_ne!(vault.seal(&url()), sealed, "a fresh nonce every time");
        assert_eq!(UploadVault::ephemeral().open(&sealed), None);
        let mut damaged = sealed.clone();
        damaged[20] ^= 1;
        assert_eq!(vault.open(&damaged), None);
        assert_eq!(vault.open(&sealed[..10]), None);
    }

    #[test]
    fn the_key_is_made_once_and_kept_in_the_token_store() {
        let tokens = MemoryTokenStore::new();
        let first = UploadVault::from_token_store(&tokens).unwrap();
        let sealed = first.seal(&url());
        let again = UploadVault::from_token_store(&tokens).unwrap();
        assert_eq!(again.open(&sealed), Some(url()));
        assert!(format!("{first:?}").contains("redacted"));
    }
}
