//! The `inception` binary: parse the command line, run the command, map the
//! outcome to an exit code (0 ok, 1 drift or findings, 2 bad input).

use std::process::ExitCode;

/// mimalloc: a compile allocates and frees millions of small strings, which
/// it does faster than the system allocator (measured in the README, Speed).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use inception::cli::{Cli, Command, Format};
use inception::commands::{self, exit};

fn main() -> ExitCode {
    miette::set_hook(Box::new(|_| Box::new(miette::MietteHandlerOpts::new().width(100).build()))).ok();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let args: Vec<String> = std::env::args().collect();
            if let Some(code) = commands::fail_usage(&error, &args) {
                return code;
            }
            let code = if error.use_stderr() { exit::BAD_INPUT } else { exit::OK };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let format = match &cli.command {
        Command::Check { format, .. }
        | Command::Diff { format, .. }
        | Command::Explain { format, .. }
        | Command::Symmetry { format, .. }
        | Command::Lint { format, .. } => *format,
        _ => Format::Text,
    };
    let spec = &cli.spec;
    let outcome = match cli.command {
        Command::Compile { out, adopt, full } => commands::compile::run(spec, &out, adopt, full).map(|()| true),
        Command::Check { out, format, full } => commands::check::run(spec, &out, format, full),
        Command::Diff { base, format } => commands::diff::run(spec, &base, format).map(|()| true),
        Command::Explain { target, out, format } => commands::explain::run(&target, spec, &out, format).map(|()| true),
        Command::Graph { format } => commands::graph::run(spec, format).map(|()| true),
        Command::Promote { from, to, out } => commands::promote::promote(spec, &out, &from, &to).map(|()| true),
        Command::Release { tier, revision, images, out } => {
            commands::promote::release(spec, &out, &tier, &revision, &images).map(|()| true)
        }
        Command::Symmetry { tiers, format } => commands::symmetry::run(&tiers, spec, format),
        Command::Lint { strict, format } => commands::lint::run(spec, strict, format),
        Command::Fmt { check } => commands::fmt::run(spec, check),
        Command::Schema => {
            commands::schema::run();
            Ok(true)
        }
        Command::Completions { shell } => {
            commands::completions::run(shell);
            Ok(true)
        }
    };
    match outcome {
        Ok(true) => ExitCode::from(exit::OK),
        Ok(false) => ExitCode::from(exit::FINDINGS),
        Err(error) => commands::fail(error, format),
    }
}
