//! Where the two clouds live.
//!
//! Every base URL comes from [`Endpoints`]: the real hosts by default, a fake's loopback address
//! in tests and demo mode. There is no test-only code path; only the addresses change.

use url::Url;

/// Base URLs of every service the engine calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The GoPro cloud API (`/media/search`, `/media/{id}/download`, `/media/user`).
    pub gopro_api: Url,
    /// GoPro's web login page, shown in the app's login window.
    pub gopro_login: Url,
    /// The Google Photos Library API (the client appends `/v1/...`).
    pub photos_api: Url,
    /// Google's OAuth 2 authorization endpoint.
    pub google_authorize: Url,
    /// Google's OAuth 2 token endpoint.
    pub google_token: Url,
}

/// Picks one endpoint field out of [`Endpoints`].
pub type EndpointField = fn(&mut Endpoints) -> &mut Url;

/// Environment variables that override single endpoints, for people pointing the CLI at a fake.
pub const ENV_OVERRIDES: [(&str, EndpointField); 5] = [
    ("Q2GOOGLE_GOPRO_API_URL", |e| &mut e.gopro_api),
    ("Q2GOOGLE_GOPRO_LOGIN_URL", |e| &mut e.gopro_login),
    ("Q2GOOGLE_PHOTOS_API_URL", |e| &mut e.photos_api),
    ("Q2GOOGLE_GOOGLE_AUTH_URL", |e| &mut e.google_authorize),
    ("Q2GOOGLE_GOOGLE_TOKEN_URL", |e| &mut e.google_token),
];

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            gopro_api: parse("https://api.gopro.com"),
            gopro_login: parse("https://gopro.com/login"),
            photos_api: parse("https://photoslibrary.googleapis.com"),
            google_authorize: parse("https://accounts.google.com/o/oauth2/v2/auth"),
            google_token: parse("https://oauth2.googleapis.com/token"),
        }
    }
}

impl Endpoints {
    /// The defaults with any `Q2GOOGLE_*_URL` environment overrides applied.
    pub fn from_env() -> Result<Self, EndpointError> {
        let mut endpoints = Self::default();
        for (name, field) in ENV_OVERRIDES {
            if let Ok(value) = std::env::var(name) {
                *field(&mut endpoints) = Url::parse(&value).map_err(|source| EndpointError {
                    name: name.to_string(),
                    source,
                })?;
            }
        }
        Ok(endpoints)
    }
}

/// An endpoint override that is not a URL.
#[derive(Debug, thiserror::Error)]
#[error("{name} is not a valid URL ({source}); fix or unset it")]
pub struct EndpointError {
    name: String,
    source: url::ParseError,
}

fn parse(s: &str) -> Url {
    Url::parse(s).expect("built-in endpoint is a valid URL")
}

/// Joins `path` (no leading slash) onto `base`, keeping any path prefix `base` has.
pub fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    {
        let mut segments = url.path_segments_mut().expect("http(s) base URL");
        segments.pop_if_empty();
        for part in path.split('/') {
            segments.push(part);
        }
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_real_hosts() {
        let e = Endpoints::default();
        assert_eq!(e.gopro_api.host_str(), Some("api.gopro.com"));
        assert_eq!(
            e.photos_api.host_str(),
            Some("photoslibrary.googleapis.com")
        );
        assert_eq!(
            e.google_token.as_str(),
            "https://oauth2.googleapis.com/token"
        );
    }

    #[test]
    fn join_keeps_prefixes_and_encodes_segments() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            join(&base, "v1/mediaItems:batchCreate").as_str(),
            "http://127.0.0.1:9/prefix/v1/mediaItems:batchCreate"
        );
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        assert_eq!(
            join(&base, "media/a b/download").as_str(),
            "http://127.0.0.1:9/media/a%20b/download"
        );
    }
}
