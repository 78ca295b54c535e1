//! What the Google and GoPro tests share.

use reqwest::{redirect, Client};

/// A client that does not follow redirects, so tests see each `Location`.
pub(crate) fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}
