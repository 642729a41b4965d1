//! `inception completions SHELL`.

use clap::CommandFactory;

use crate::cli::Cli;

/// Print the completion script for `shell`.
pub fn run(shell: clap_complete::Shell) {
    let mut command = Cli::command();
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "inception", &mut script);
    crate::out!("{}", String::from_utf8_lossy(&script));
}
