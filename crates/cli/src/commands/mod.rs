//! One module per command group; [`run`] dispatches and turns failures into exit codes.

mod auth;
mod demo;
mod doctor;
mod sessions;
mod sync;

use crate::args::{Cli, Command};
use crate::context::{Context, Failure};

/// Runs the command and returns the process exit code.
pub async fn run(cli: Cli) -> i32 {
    let json = match &cli.command {
        Command::Sync(a) => a.json,
        Command::Resume(a) => a.json,
        Command::Sessions(a) | Command::Doctor(a) => a.json,
        Command::Show(a) => a.json,
        Command::Demo(a) => a.json,
        _ => false,
    };
    let result = match cli.command {
        Command::Demo(args) => demo::run(args).await,
        command => match Context::from_env() {
            Ok(ctx) => dispatch(&ctx, command).await,
            Err(failure) => Err(failure),
        },
    };
    match result {
        Ok(code) => code,
        Err(Failure { code, message }) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({"event": "error", "code": code, "message": message})
                );
            }
            eprintln!("q2google: {message}");
            code
        }
    }
}

async fn dispatch(ctx: &Context, command: Command) -> Result<i32, Failure> {
    match command {
        Command::Sync(args) => sync::sync(ctx, args).await,
        Command::Resume(args) => sync::resume(ctx, args).await,
        Command::Sessions(args) => sessions::list(ctx, args.json),
        Command::Show(args) => sessions::show(ctx, args),
        Command::Login(args) => auth::login(ctx, args).await,
        Command::Logout(args) => auth::logout(ctx, args.cloud).await,
        Command::Doctor(args) => doctor::run(ctx, args.json).await,
        Command::Demo(_) => unreachable!("handled before a context is built"),
    }
}
