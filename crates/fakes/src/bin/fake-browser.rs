//! `fake-browser`: plays the system browser for a loopback OAuth sign-in.
//!
//! ```text
//! fake-browser URL
//! ```
//! GETs `URL` and follows `Location` headers itself (up to 10 redirects), so it walks from the
//! authorization endpoint to the app's loopback callback. Exits 0 when the last response is
//! 2xx, 1 when it is not, 2 on a usage or network error or too many redirects. Set it as
//! `Q2GOOGLE_BROWSER` to sign in against the Google fake without a browser. It logs each hop
//! to stderr without the query (which carries `state` and the authorization code).

use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context};
use url::Url;

const USAGE: &str = "usage: fake-browser URL";
const MAX_REDIRECTS: usize = 10;

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("fake-browser: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run() -> anyhow::Result<bool> {
    let mut args = std::env::args().skip(1);
    let (Some(url), None) = (args.next(), args.next()) else {
        bail!("{USAGE}");
    };
    if url == "-h" || url == "--help" {
        println!("{USAGE}");
        return Ok(true);
    }
    let url = Url::parse(&url).with_context(|| format!("not a URL\n{USAGE}"))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(follow(url))
}

/// Follows redirects from `url`; `Ok(true)` when the final answer is 2xx.
async fn follow(mut url: Url) -> anyhow::Result<bool> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .context("cannot build the HTTP client")?;
    for _ in 0..=MAX_REDIRECTS {
        let response = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| anyhow::anyhow!("GET {} failed: {}", shown(&url), e.without_url()))?;
        let status = response.status();
        eprintln!("fake-browser: GET {} -> {status}", shown(&url));
        if !status.is_redirection() {
            // Read the page like a browser would, so the server sees the exchange complete.
            let _ = response.bytes().await;
            return Ok(status.is_success());
        }
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .with_context(|| format!("{status} from {} without a Location", shown(&url)))?;
        url = url
            .join(location)
            .with_context(|| format!("bad Location from {}", shown(&url)))?;
    }
    bail!("more than {MAX_REDIRECTS} redirects")
}

/// `url` without its query and fragment.
fn shown(url: &Url) -> String {
    let mut bare = url.clone();
    bare.set_query(None);
    bare.set_fragment(None);
    if url.query().is_some() {
        format!("{bare}?…")
    } else {
        bare.to_string()
    }
}
