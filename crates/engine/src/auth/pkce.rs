//! PKCE (RFC 7636, S256) and the OAuth `state` value.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::Rng;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// A PKCE verifier and its S256 challenge.
#[derive(Clone, Debug)]
pub struct Pkce {
    verifier: Secret,
    challenge: String,
}

impl Pkce {
    /// A fresh random verifier (64 characters from the unreserved set) and its challenge.
    pub fn generate() -> Self {
        Self::from_verifier(random_token(48))
    }

    /// The pair for a given verifier (tests and the RFC's example).
    pub fn from_verifier(verifier: String) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier: Secret::new(verifier),
            challenge,
        }
    }

    /// The verifier, sent only to the token endpoint.
    pub fn verifier(&self) -> &Secret {
        &self.verifier
    }

    /// The S256 challenge, sent in the authorization URL.
    pub fn challenge(&self) -> &str {
        &self.challenge
    }
}

/// `bytes` random bytes as base64url without padding (an unguessable `state` or verifier).
pub fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::rng().fill(&mut buf[..]);
    URL_SAFE_NO_PAD.encode(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_is_base64url_sha256_of_the_verifier() {
        // Expected value computed independently (Python hashlib + urlsafe_b64encode, unpadded).
        let p = Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r7wW1gFWFOEjXk".into());
        assert_eq!(p.challenge(), "bwWFMyPfdG9qreDhH2lmftFx_dFeLDalzcT1gb_j68g");
    }

    #[test]
    fn generated_verifiers_are_long_and_distinct() {
        let a = Pkce::generate();
        let b = Pkce::generate();
        assert_eq!(a.verifier().expose().len(), 64);
        assert_ne!(a.verifier().expose(), b.verifier().expose());
    }
}
