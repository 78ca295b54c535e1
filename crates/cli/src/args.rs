//! Command-line arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Move your GoPro cloud library into Google Photos.
#[derive(Debug, Parser)]
#[command(name = "q2google", version, about, long_about = None)]
pub struct Cli {
    /// More log output on stderr (repeat for more).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Move every photo and video captured between two dates (inclusive, local days).
    Sync(SyncArgs),
    /// Continue a session where it stopped, with its stored range and settings.
    Resume(ResumeArgs),
    /// List sessions.
    Sessions(JsonFlag),
    /// Show one session: its files, their states and reasons, Google links.
    Show(ShowArgs),
    /// Log in to GoPro (paste a token) or Google (browser sign-in).
    Login(LoginArgs),
    /// Forget a login.
    Logout(CloudArg),
    /// Check everything a sync needs, and GoPro's and Google's APIs, read-only.
    Doctor(JsonFlag),
    /// Run a whole sync against built-in fake clouds: no accounts needed.
    Demo(DemoArgs),
}

/// `sync` arguments.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// First capture day, YYYY-MM-DD.
    #[arg(long)]
    pub from: String,
    /// Last capture day, YYYY-MM-DD (inclusive).
    #[arg(long)]
    pub to: String,
    /// Session id (1–64 letters, digits, '.', '_', '-'); generated when absent.
    #[arg(long)]
    pub session_id: Option<String>,
    /// Album name (default "GoPro FROM – TO").
    #[arg(long, conflicts_with = "no_album")]
    pub album: Option<String>,
    /// Do not put the files in an album.
    #[arg(long)]
    pub no_album: bool,
    /// Stop at the first file that fails.
    #[arg(long)]
    pub fail_fast: bool,
    /// Correct the times of videos from GoPros before the HERO11 (which write local time where
    /// MP4 wants UTC) on the way; a corrected video no longer merges with a copy already in
    /// Google Photos.
    #[arg(long)]
    pub correct_video_times: bool,
    /// One JSON object per line on stdout instead of progress bars.
    #[arg(long)]
    pub json: bool,
    /// When Google's daily limit pauses the run, wait until it resets and go on.
    #[arg(long)]
    pub wait: bool,
}

/// `resume` arguments.
#[derive(Debug, Args)]
pub struct ResumeArgs {
    /// The session; the latest unfinished one when absent.
    pub session_id: Option<String>,
    /// One JSON object per line on stdout.
    #[arg(long)]
    pub json: bool,
    /// When Google's daily limit pauses the run, wait until it resets and go on.
    #[arg(long)]
    pub wait: bool,
}

/// `show` arguments.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The session.
    pub session_id: String,
    /// JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A `--json` flag alone.
#[derive(Debug, Args)]
pub struct JsonFlag {
    /// JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Which cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Cloud {
    /// The GoPro cloud.
    Gopro,
    /// Google Photos.
    Google,
}

/// `logout` arguments.
#[derive(Debug, Args)]
pub struct CloudArg {
    /// gopro or google.
    pub cloud: Cloud,
}

/// `login` arguments.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// gopro or google.
    pub cloud: Cloud,
    /// GoPro: read the token from standard input instead of asking.
    #[arg(long)]
    pub token_stdin: bool,
    /// GoPro: the gp_user_id cookie value, if you have it.
    #[arg(long)]
    pub user_id: Option<String>,
}

/// `demo` arguments.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// One JSON object per line on stdout.
    #[arg(long)]
    pub json: bool,
    /// Keep the demo's session database here instead of a temporary folder.
    #[arg(long)]
    pub data_dir: Option<std::path::PathBuf>,
}
