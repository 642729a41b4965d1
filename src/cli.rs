//! The command line: clap definitions only.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// inception: compile one inception.kdl into the dev container, Helm values,
/// Argo CD apps and Azure Bicep of every tier.
#[derive(Debug, Parser)]
#[command(name = "inception", version, about, long_about = None)]
pub struct Cli {
    /// The spec.
    #[command(flatten)]
    pub spec: SpecArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Which spec a command reads: the same option on every command.
#[derive(Debug, Clone, Default, Args)]
pub struct SpecArgs {
    /// The spec file, or a folder holding inception.kdl [default: the nearest
    /// inception.kdl in the current folder or a folder above it].
    #[arg(long, short = 's', value_name = "PATH", global = true)]
    pub spec: Option<PathBuf>,
}

/// Where the generated tree is: for the commands that read or write it.
#[derive(Debug, Clone, Default, Args)]
pub struct OutArgs {
    /// The root of the generated tree [default: the spec's folder].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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

/// Output format of `graph`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz DOT.
    #[default]
    Dot,
    /// JSON: nodes and edges.
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write every generated file (only those that changed) and inception.lock.
    Compile {
        /// Where to write.
        #[command(flatten)]
        out: OutArgs,
        /// Overwrite files that exist but that inception did not write (by
        /// default compile refuses and writes nothing).
        #[arg(long)]
        adopt: bool,
        /// Render even when the tree is proven up to date by the hashes of
        /// its files (see `check --full`).
        #[arg(long)]
        full: bool,
    },
    /// Exit 1 if the generated files differ from what compile would write.
    Check {
        /// Where the tree to check is.
        #[command(flatten)]
        out: OutArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Render and compare every file, even when the tree is proven up to
        /// date by the hashes of its files against the lock this build last
        /// rendered for this spec (recorded in `.git/inception/`): for CI.
        #[arg(long)]
        full: bool,
    },
    /// Show what a spec change does to every artifact, against a git revision.
    Diff {
        /// The git revision to compare with.
        #[arg(long, default_value = "HEAD")]
        base: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Name the spec nodes a generated file, or one of its lines, comes from.
    Explain {
        /// FILE or FILE:LINE: a generated file, absolute or relative to the current
        /// folder (or to the generated tree's root). Without --spec, the spec is the
        /// nearest inception.kdl in the file's folder or a folder above it.
        target: String,
        /// Where the generated tree is.
        #[command(flatten)]
        out: OutArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Print the dependency graph: spec nodes, services, artifacts.
    Graph {
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: GraphFormat,
    },
    /// Move cloud tier TO to exactly what tier FROM runs (its commit and image
    /// digests): rewrite TO's lines in the spec and compile. Never needs kubectl.
    Promote {
        /// The tier whose release is copied.
        from: String,
        /// The tier that gets it.
        to: String,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Record what the pipeline built as a cloud tier's release: the commit and
    /// each built service's image digest; rewrite the tier's lines and compile.
    Release {
        /// The cloud tier (the pipeline uses the first one).
        tier: String,
        /// The full commit id the images were built from.
        #[arg(long, value_name = "COMMIT")]
        revision: String,
        /// SERVICE=sha256:DIGEST, once per `build` service.
        #[arg(long = "image", value_name = "SERVICE=DIGEST", required = true)]
        images: Vec<String>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Compare tiers and attribute every difference; exit 1 if one has no cause.
    Symmetry {
        /// Two tiers to compare; without them, each tier against the next.
        #[arg(num_args = 0..=2)]
        tiers: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Run every check of the spec without writing; exit 1 on findings.
    Lint {
        /// Also reject a base image without digest, a tool without sha256, an
        /// extension without a version, an apt package without a version.
        #[arg(long)]
        strict: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Format inception.kdl canonically, comments kept.
    Fmt {
        /// Only report whether the file is formatted (exit 1 if not).
        #[arg(long)]
        check: bool,
    },
    /// Print the JSON Schema of the spec model.
    Schema,
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}
