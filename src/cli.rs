//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// inception: compile one inception.kdl into the dev container, Helm values,
/// Argo CD apps and Azure Bicep of every tier.
#[derive(Debug, Parser)]
#[command(name = "inception", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Output format of commands whose output is data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Format {
    /// For people.
    #[default]
    Text,
    /// For programs: one JSON document on stdout.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write every generated file (only those that changed) and inception.lock.
    Compile {
        /// The spec file, or the folder holding inception.kdl.
        #[arg(default_value = ".")]
        path: PathBuf,
    },
    /// Exit 1 if the generated files differ from what compile would write.
    Check {
        /// The spec file, or the folder holding inception.kdl.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
}
