//! `fake-updates`: serves a signed release for the app's updater on loopback until stdin
//! closes (see `fakes::updates`).
//!
//! ```text
//! fake-updates --version V --artifact FILE [--notes TEXT]
//! ```
//! Prints one JSON line, `{"manifest_url": …, "pubkey": …}`, then reads commands from stdin,
//! one per line, answering each with one line: `bad-signature on|off` (serve the signature of
//! other bytes, or the right one), `downloads` (how many times the release was fetched).

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{bail, Context};
use fakes::updates::FakeUpdates;

const USAGE: &str = "usage: fake-updates --version V --artifact FILE [--notes TEXT]";

fn main() -> anyhow::Result<()> {
    let (mut version, mut artifact, mut notes) = (None, None::<PathBuf>, String::new());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--version" => version = Some(args.next().context(USAGE)?),
            "--artifact" => artifact = Some(args.next().context(USAGE)?.into()),
            "--notes" => notes = args.next().context(USAGE)?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let (Some(version), Some(artifact)) = (version, artifact) else {
        bail!("{USAGE}");
    };
    let bytes = std::fs::read(&artifact)
        .with_context(|| format!("cannot read the release file {}", artifact.display()))?;
    let server = FakeUpdates::start(&version, &notes, bytes).context("cannot start")?;
    println!(
        "{}",
        serde_json::json!({ "manifest_url": server.manifest_url(), "pubkey": server.pubkey() })
    );
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let answer = match line.trim() {
            "bad-signature on" => {
                server.set_bad_signature(true);
                "ok".to_string()
            }
            "bad-signature off" => {
                server.set_bad_signature(false);
                "ok".to_string()
            }
            "downloads" => server.downloads().to_string(),
            other => format!("error: unknown command {other:?}"),
        };
        println!("{answer}");
    }
    Ok(())
}
