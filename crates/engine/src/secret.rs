//! Redaction as a type: tokens and signed URLs never print.
//!
//! [`Secret`] wraps an access or refresh token; [`SignedUrl`] wraps a pre-signed CDN URL or a
//! resumable-upload session URL. Their `Display` and `Debug` show nothing secret, so a log line,
//! an error message or a crash report cannot leak them. The value is reachable only through an
//! explicit `expose` call at the point of use.

use std::fmt;

use url::Url;

/// A secret string (token, client secret). Prints as `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

/// A URL whose query (signature, upload id) is a credential. Prints without its query.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedUrl(Url);

impl SignedUrl {
    /// Wraps `url`.
    pub fn new(url: Url) -> Self {
        Self(url)
    }

    /// Parses `s` as a URL.
    pub fn parse(s: &str) -> Result<Self, url::ParseError> {
        Url::parse(s).map(Self)
    }

    /// The full URL, for the one place that must request it.
    pub fn expose(&self) -> &Url {
        &self.0
    }

    /// Scheme, host and port only (no path, no query): safe to show, enough to probe the host.
    pub fn origin(&self) -> Url {
        let mut origin = self.0.clone();
        origin.set_path("/");
        origin.set_query(None);
        origin.set_fragment(None);
        let _ = origin.set_username("");
        let _ = origin.set_password(None);
        origin
    }

    /// The value of query parameter `name`, if present (e.g. `Expires`).
    pub fn query_param(&self, name: &str) -> Option<String> {
        self.0
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

impl fmt::Display for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", redact_url(&self.0))
    }
}

impl fmt::Debug for SignedUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SignedUrl({})", redact_url(&self.0))
    }
}

/// `url` with its query and fragment replaced by `<redacted>`.
pub fn redact_url(url: &Url) -> String {
    let mut shown = format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or(""),
        url.port().map(|p| format!(":{p}")).unwrap_or_default()
    );
    shown.push_str(url.path());
    if url.query().is_some() || url.fragment().is_some() {
        shown.push_str("?<redacted>");
    }
    shown
}

/// `path` with every segment long enough to be a token (40 characters or more, like the
/// thumbnail tokens GoPro puts in image paths) replaced by `<redacted>`, for logs.
pub fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            if segment.len() >= 40 {
                "<redacted>"
            } else {
                segment
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Replaces anything that looks like a bearer token or a signed query in free text.
///
/// Used on error bodies from servers before they reach an error message, in case a server
/// echoes a request back.
pub fn scrub(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let looks_secret = word.contains("Signature=")
            || word.contains("upload_id=")
            || word.contains("access_token")
            || (word.len() >= 40
                && word
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.~+/=".contains(c)));
        out.push_str(if looks_secret { "<redacted>" } else { word });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_path_segments_are_redacted() {
        let token = "eyJpZCI6IjEyMyIsImtpbmQiOiJ0aHVtYm5haWwifQ.fakesig-0123456789";
        assert_eq!(
            redact_path(&format!("/resize/450w/{token}")),
            "/resize/450w/<redacted>"
        );
        assert_eq!(redact_path("/media/abc/download"), "/media/abc/download");
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("ya29.very-secret");
        assert_eq!(format!("{s}"), "<redacted>");
        assert!(!format!("{s:?}").contains("very-secret"));
        assert_eq!(s.expose(), "ya29.very-secret");
    }

    #[test]
    fn signed_urls_print_without_query() {
        let u =
            SignedUrl::parse("https://cdn.example/a/source/1.mp4?Expires=1&Signature=abc").unwrap();
        assert_eq!(
            u.to_string(),
            "https://cdn.example/a/source/1.mp4?<redacted>"
        );
        assert!(!format!("{u:?}").contains("abc"));
        assert_eq!(u.query_param("Expires").as_deref(), Some("1"));
    }

    #[test]
    fn scrub_removes_signed_queries_and_long_tokens() {
        let text = "failed GET https://x/y?Signature=abc with eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkExMjhHQ00ifQ.abc.def";
        let out = scrub(text);
        assert!(!out.contains("Signature"));
        assert!(!out.contains("eyJ"));
        assert!(out.starts_with("failed GET"));
    }
}
