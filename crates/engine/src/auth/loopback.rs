//! Google sign-in in the system browser with a loopback redirect (RFC 8252 §7.3).
//!
//! [`login_with_browser`] listens on `127.0.0.1` on a port the system picks, opens Google's
//! consent page through a [`BrowserLauncher`], and waits for the browser to come back to
//! `http://127.0.0.1:{port}/callback`. Each connection's request head is read by a minimal
//! HTTP/1.1 parser (size-capped, time-limited); anything but the callback gets a 404, and
//! connections that never send a request (browser pre-connects) are dropped. The browser is
//! shown a small page with the outcome once the code has been exchanged.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;
use url::Url;

use super::oauth::{GoogleOAuth, OAuthError, TokenGrant};
use crate::secret::redact_url;

/// Environment variable naming a browser program to use instead of the system's: it is run
/// with the sign-in URL as its last argument (tests use the fakes' `fake-browser`).
pub const BROWSER_ENV: &str = "Q2GOOGLE_BROWSER";

/// The path Google redirects back to.
const CALLBACK_PATH: &str = "/callback";
/// Largest request head accepted on the loopback port.
const MAX_HEAD_BYTES: usize = 16 * 1024;
/// How long a connection may take to send its request head.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// How long writing a response may take.
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a URL in-process (tests, or an app that shows the URL itself).
pub type OpenUrl = Arc<dyn Fn(&Url) -> io::Result<()> + Send + Sync>;

/// How the sign-in page is opened.
#[derive(Clone)]
pub enum BrowserLauncher {
    /// The system's default browser: `xdg-open` on Linux and BSDs, `open` on macOS, the URL
    /// protocol handler (`rundll32 url.dll,FileProtocolHandler`) on Windows.
    System,
    /// A program run as `program args… URL`.
    Command {
        /// The program.
        program: OsString,
        /// Arguments before the URL.
        args: Vec<OsString>,
    },
    /// A function given the URL.
    Custom(OpenUrl),
}

impl fmt::Debug for BrowserLauncher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowserLauncher::System => f.write_str("System"),
            BrowserLauncher::Command { program, args } => f
                .debug_struct("Command")
                .field("program", program)
                .field("args", args)
                .finish(),
            BrowserLauncher::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// Reports how a launched browser program ended (nothing for in-process launchers).
type ExitWatch = oneshot::Receiver<io::Result<ExitStatus>>;

impl BrowserLauncher {
    /// The program in [`BROWSER_ENV`] (the whole value is the program's path), or the system
    /// browser when it is unset or empty.
    pub fn from_env() -> Self {
        match std::env::var_os(BROWSER_ENV) {
            Some(program) if !program.is_empty() => Self::command(program),
            _ => BrowserLauncher::System,
        }
    }

    /// Runs `program URL`.
    pub fn command(program: impl Into<OsString>) -> Self {
        BrowserLauncher::Command {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// Calls `open` with the URL.
    pub fn custom(open: impl Fn(&Url) -> io::Result<()> + Send + Sync + 'static) -> Self {
        BrowserLauncher::Custom(Arc::new(open))
    }

    /// Opens `url`; for a program, returns a channel reporting how it exited.
    fn open(&self, url: &Url) -> Result<Option<ExitWatch>, OAuthError> {
        let (mut command, name) = match self {
            BrowserLauncher::Custom(open) => {
                return open(url)
                    .map(|()| None)
                    .map_err(|e| OAuthError::Browser(e.to_string()));
            }
            BrowserLauncher::System => system_command(url),
            BrowserLauncher::Command { program, args } => {
                let mut command = Command::new(program);
                command.args(args).arg(url.as_str());
                command.stderr(Stdio::inherit());
                (command, program.to_string_lossy().into_owned())
            }
        };
        command.stdin(Stdio::null()).stdout(Stdio::null());
        let mut child = command
            .spawn()
            .map_err(|e| OAuthError::Browser(format!("{name} could not be started: {e}")))?;
        let (tx, rx) = oneshot::channel();
        // Reaps the child (no zombie) and reports a failure while the sign-in still waits.
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        Ok(Some(rx))
    }
}

/// The platform's "open this URL" command, with no output (its messages could quote the URL).
fn system_command(url: &Url) -> (Command, String) {
    #[cfg(target_os = "macos")]
    let (program, mut command) = ("open", Command::new("open"));
    #[cfg(target_os = "windows")]
    let (program, mut command) = {
        // Not `cmd /C start`: cmd would treat the `&`s and `%`s of the query as syntax.
        let mut command = Command::new("rundll32");
        command.arg("url.dll,FileProtocolHandler");
        ("rundll32 url.dll,FileProtocolHandler", command)
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let (program, mut command) = ("xdg-open", Command::new("xdg-open"));
    command.arg(url.as_str()).stderr(Stdio::null());
    (command, program.to_string())
}

/// Signs in to Google in the browser and returns the tokens.
///
/// Listens on `127.0.0.1:0`, opens the consent page for `scopes` with `browser`, waits up to
/// `timeout` for the redirect to `/callback`, exchanges the code (checking `state` and that
/// every scope was granted), and shows the browser a page saying how it went.
pub async fn login_with_browser(
    oauth: &GoogleOAuth,
    scopes: &[&str],
    browser: &BrowserLauncher,
    timeout: Duration,
) -> Result<TokenGrant, OAuthError> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(OAuthError::Loopback)?;
    let port = listener.local_addr().map_err(OAuthError::Loopback)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
    let request = oauth.authorize_request(&redirect_uri, scopes);
    tracing::info!(
        url = %redact_url(&request.url),
        %redirect_uri,
        "opening the browser for Google sign-in"
    );
    let deadline = tokio::time::Instant::now() + timeout;
    let exit = browser.open(&request.url)?;
    let (mut stream, query) = wait_for_callback(&listener, deadline, timeout, exit).await?;
    let result = oauth.finish(&request, &query).await;
    let (status, page) = match &result {
        Ok(_) => (200, signed_in_page()),
        Err(e) => (400, failure_page(e)),
    };
    // The browser may have gone already; the outcome does not depend on it.
    respond(&mut stream, status, &page).await;
    if let Err(e) = &result {
        tracing::warn!(error = %e, "Google sign-in failed");
    }
    result
}

/// Accepts connections until one asks for the callback; returns it and its query.
async fn wait_for_callback(
    listener: &TcpListener,
    deadline: tokio::time::Instant,
    timeout: Duration,
    mut exit: Option<ExitWatch>,
) -> Result<(TcpStream, Vec<(String, String)>), OAuthError> {
    let (heads_tx, mut heads) = mpsc::channel::<(TcpStream, RequestHead)>(16);
    let mut connections = JoinSet::new();
    let expired = tokio::time::sleep_until(deadline);
    tokio::pin!(expired);
    loop {
        tokio::select! {
            () = &mut expired => return Err(OAuthError::TimedOut(timeout)),
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let heads_tx = heads_tx.clone();
                    connections.spawn(read_request(stream, heads_tx));
                }
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some((mut stream, head)) = heads.recv() => {
                if head.path == CALLBACK_PATH && head.method == "GET" {
                    return Ok((stream, head.query));
                }
                connections.spawn(async move {
                    respond(&mut stream, 404, &plain_page("Not found", "Nothing here.")).await;
                });
            }
            ended = async { exit.as_mut().expect("guarded by is_some").await },
                if exit.is_some() =>
            {
                exit = None;
                match ended {
                    Ok(Ok(status)) if !status.success() => {
                        return Err(OAuthError::Browser(format!(
                            "the browser program ended with {status} before the sign-in finished"
                        )));
                    }
                    Ok(Err(e)) => return Err(OAuthError::Browser(e.to_string())),
                    // `xdg-open` and `open` exit at once when the browser took the URL.
                    _ => {}
                }
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Reads one request head and hands it on; answers malformed requests; drops silent ones.
async fn read_request(mut stream: TcpStream, heads: mpsc::Sender<(TcpStream, RequestHead)>) {
    match tokio::time::timeout(HEAD_TIMEOUT, read_head(&mut stream)).await {
        Ok(Ok(head)) => {
            let _ = heads.send((stream, head)).await;
        }
        Ok(Err(HeadError::TooLarge)) => {
            let page = plain_page("Request too large", "The request was too large.");
            respond(&mut stream, 431, &page).await;
            drain(&mut stream).await;
        }
        Ok(Err(HeadError::Malformed)) => {
            let page = plain_page("Bad request", "This is not an HTTP request.");
            respond(&mut stream, 400, &page).await;
            drain(&mut stream).await;
        }
        Ok(Err(HeadError::Gone)) | Err(_) => {}
    }
}

/// Reads what the client still sends (briefly, boundedly) before closing, so the close does not
/// reset the connection and destroy the response before the client reads it.
async fn drain(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    let mut left = 64 * 1024usize;
    let reading = async {
        while left > 0 {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(n) => left = left.saturating_sub(n),
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), reading).await;
}

/// The parts of an HTTP request the loopback server needs.
#[derive(Debug, PartialEq, Eq)]
struct RequestHead {
    method: String,
    path: String,
    query: Vec<(String, String)>,
}

#[derive(Debug)]
enum HeadError {
    /// Longer than [`MAX_HEAD_BYTES`].
    TooLarge,
    /// Not an HTTP/1.x request line.
    Malformed,
    /// The connection failed or closed before the head ended.
    Gone,
}

/// Reads until the blank line ending the head, at most [`MAX_HEAD_BYTES`].
async fn read_head(stream: &mut TcpStream) -> Result<RequestHead, HeadError> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    loop {
        let n = stream.read(&mut chunk).await.map_err(|_| HeadError::Gone)?;
        if n == 0 {
            return Err(HeadError::Gone);
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = head_end(&buf) {
            return parse_head(&buf[..end]);
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(HeadError::TooLarge);
        }
    }
}

/// Where the head ends (`\r\n\r\n`, or a bare `\n\n` from lenient clients).
fn head_end(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = buf.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Parses the request line `METHOD TARGET HTTP/1.x`; headers are not needed.
fn parse_head(head: &[u8]) -> Result<RequestHead, HeadError> {
    if head.len() > MAX_HEAD_BYTES {
        return Err(HeadError::TooLarge);
    }
    let line_end = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let line = std::str::from_utf8(&head[..line_end]).map_err(|_| HeadError::Malformed)?;
    let mut parts = line.trim_end_matches('\r').split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(HeadError::Malformed);
    };
    if method.is_empty()
        || !method.bytes().all(|b| b.is_ascii_uppercase())
        || !version.starts_with("HTTP/1.")
    {
        return Err(HeadError::Malformed);
    }
    // Origin form (`/callback?…`) from browsers; absolute form from proxies.
    let target = if target.starts_with('/') {
        target.to_string()
    } else {
        let url = Url::parse(target).map_err(|_| HeadError::Malformed)?;
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        }
    };
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Ok(RequestHead {
        method: method.to_string(),
        path: path.to_string(),
        query: url::form_urlencoded::parse(query.as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    })
}

/// Writes a complete HTML response and closes the connection; errors are ignored (the browser
/// may be gone).
async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let message = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    );
    let write = async {
        stream.write_all(message.as_bytes()).await?;
        stream.shutdown().await
    };
    let _ = tokio::time::timeout(WRITE_TIMEOUT, write).await;
}

fn signed_in_page() -> String {
    plain_page(
        "You are signed in to Google",
        "You can close this tab and return to q2google.",
    )
}

fn failure_page(error: &OAuthError) -> String {
    plain_page(
        "Google sign-in did not finish",
        &format!("{error}. You can close this tab and try again in q2google."),
    )
}

fn plain_page(title: &str, text: &str) -> String {
    let (title, text) = (html_escape(title), html_escape(text));
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>q2google: {title}\
         </title></head><body style=\"font-family:sans-serif;max-width:36em;margin:4em auto\">\
         <h1>{title}</h1><p>{text}</p></body></html>"
    )
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<RequestHead, HeadError> {
        let end = head_end(raw.as_bytes()).expect("complete head");
        parse_head(&raw.as_bytes()[..end])
    }

    #[test]
    fn parses_the_callback_request_line_and_query() {
        let head = parse(
            "GET /callback?state=abc&code=4%2Fx&scope=a+b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.method, "GET");
        assert_eq!(head.path, "/callback");
        assert_eq!(
            head.query,
            vec![
                ("state".to_string(), "abc".to_string()),
                ("code".to_string(), "4/x".to_string()),
                ("scope".to_string(), "a b".to_string()),
            ]
        );
    }

    #[test]
    fn accepts_absolute_targets_bare_newlines_and_no_query() {
        let head = parse("GET http://127.0.0.1:5/callback?x=1 HTTP/1.0\n\n").unwrap();
        assert_eq!(head.path, "/callback");
        assert_eq!(head.query, vec![("x".to_string(), "1".to_string())]);
        let head = parse("GET /favicon.ico HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(head.path, "/favicon.ico");
        assert!(head.query.is_empty());
    }

    #[test]
    fn rejects_what_is_not_http() {
        for raw in [
            "GET /callback\r\n\r\n",
            "GET /a b HTTP/1.1\r\n\r\n",
            "get /callback HTTP/1.1\r\n\r\n",
            "GET /callback SPDY/3\r\n\r\n",
            "\u{16}\u{3}\u{1} /x HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(parse(raw), Err(HeadError::Malformed)),
                "{raw:?} should be malformed"
            );
        }
        assert!(head_end(b"GET / HTTP/1.1\r\nHost: x\r\n").is_none());
    }

    #[test]
    fn pages_escape_error_text() {
        let page = failure_page(&OAuthError::Denied("<script>".into()));
        assert!(page.contains("&lt;script&gt;"));
        assert!(!page.contains("<script>"));
        assert!(signed_in_page().contains("You are signed in to Google"));
    }
}
