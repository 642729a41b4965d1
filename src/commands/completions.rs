//! `inception completions SHELL`.

use clap::CommandFactory;

use crate::cli::Cli;

/// Print the completion script for `shell`.
pub fn run(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "inception", &mut std::io::stdout());
}
