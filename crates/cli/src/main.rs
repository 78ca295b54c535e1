//! `q2google`: move a GoPro cloud capture-date range into Google Photos from a terminal.
//!
//! Commands: `sync`, `resume`, `sessions`, `show`, `login`, `logout`, `doctor`, `demo`. Exit
//! codes: 0 done; 1 failed files remain or an unexpected error; 2 bad input (or another sync
//! already running on the data folder); 3 a login is needed; 4 paused by Google's quota or full
//! storage; 130 interrupted (resumable).

mod args;
mod commands;
mod context;
mod exit;
mod output;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    output::init_logging(cli.verbose);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("q2google: cannot start: {e}");
            std::process::exit(exit::FAILURE);
        }
    };
    let code = runtime.block_on(commands::run(cli));
    // Do not wait for stray background work (a fake server's streams) at exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    std::process::exit(code);
}
