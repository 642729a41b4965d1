//! The `inception` binary: parse the command line, run the command, map the
//! outcome to an exit code (0 ok, 1 drift or findings, 2 bad input).

use std::process::ExitCode;

use clap::Parser;
use inception::cli::{Cli, Command};
use inception::commands::{self, exit};

fn main() -> ExitCode {
    miette::set_hook(Box::new(|_| Box::new(miette::MietteHandlerOpts::new().width(100).build()))).ok();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { exit::BAD_INPUT } else { exit::OK };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let outcome = match cli.command {
        Command::Compile { path } => commands::compile::run(&path).map(|()| true),
        Command::Check { path, format } => commands::check::run(&path, format),
    };
    match outcome {
        Ok(true) => ExitCode::from(exit::OK),
        Ok(false) => ExitCode::from(exit::FINDINGS),
        Err(error) => commands::fail(error),
    }
}
